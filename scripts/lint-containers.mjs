#!/usr/bin/env node
// Lints the container files, part of `npm run lint` (so CI runs it): the Dockerfile with
// dockerfile-utils (the validator of the Docker language server: syntax, instructions, flags) and
// the rules below, taken from hadolint's that apply here (hadolint is a Haskell binary, not on npm);
// docker-compose.yml against the Compose Specification's JSON schema (vendor/compose-spec/).
// Usage: lint-containers.mjs [Dockerfile] [compose file]. Exits 1 listing every problem.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dockerfilePath = resolve(process.argv[2] ?? join(ROOT, 'Dockerfile'));
const composePath = resolve(process.argv[3] ?? join(ROOT, 'docker-compose.yml'));
const problems = [];

function lintDockerfile(path) {
  const text = readFileSync(path, 'utf8');
  const name = relative(process.cwd(), path);
  const report = (line, message) => problems.push(`${name}:${line + 1}: ${message}`);
  for (const d of validate(text)) report(d.range.start.line, d.message);

  const file = DockerfileParser.parse(text);
  const froms = file.getFROMs();
  if (froms.length < 2) report(0, 'one stage only: build in a stage of its own and copy what runs into a slim final stage');
  for (const from of froms) {
    const line = from.getRange().start.line;
    // hadolint DL3006 and DL3007: a base image without a tag, or `latest`, changes under the build
    if (from.getImageName() !== 'scratch' && !from.getImageTag() && !from.getImageDigest()) report(line, `${from.getImageName()} has no tag: pin its version`);
    if (from.getImageTag() === 'latest') report(line, `${from.getImageName()}:latest changes under the build: pin its version`);
  }
  const finalStart = froms.at(-1)?.getRange().start.line ?? 0;
  const final = file.getInstructions().filter((i) => i.getRange().start.line >= finalStart);
  const of = (keyword) => final.filter((i) => i.getKeyword() === keyword);
  const user = of('USER').at(-1)?.getArgumentsContent();
  // hadolint DL3002: the last USER must not be root
  if (!user || /^(root|0)(:|$)/.test(user)) report(finalStart, 'the final stage runs as root: add a USER with an unprivileged user');
  if (of('HEALTHCHECK').length === 0) report(finalStart, 'the final stage has no HEALTHCHECK');
  for (const cmd of [...of('CMD'), ...of('ENTRYPOINT')]) {
    // hadolint DL3025: exec form, so that the process gets the stop signal itself
    if (!cmd.getArgumentsContent()?.trim().startsWith('[')) report(cmd.getRange().start.line, `${cmd.getKeyword()} in shell form: use the JSON (exec) form`);
  }
  for (const i of file.getInstructions()) {
    const line = i.getRange().start.line;
    const args = i.getArgumentsContent() ?? '';
    // hadolint DL3020: ADD fetches and unpacks; COPY only copies
    if (i.getKeyword() === 'ADD') report(line, 'ADD: use COPY for files and folders');
    if (i.getKeyword() === 'RUN' && /\bnpm install\b/.test(args)) report(line, 'npm install in an image: use npm ci (the lockfile decides)');
    if (i.getKeyword() === 'RUN' && /\bapt-get install\b/.test(args) && !/--no-install-recommends/.test(args)) {
      report(line, 'apt-get install without --no-install-recommends'); // hadolint DL3015
    }
  }
}

function lintCompose(path) {
  const name = relative(process.cwd(), path);
  let doc;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { merge: true });
  } catch (e) {
    problems.push(`${name}: not YAML: ${e.message}`);
    return;
  }
  const schema = JSON.parse(readFileSync(join(ROOT, 'vendor', 'compose-spec', 'compose-spec.json'), 'utf8'));
  // the schema names draft-07's meta-schema by an address Ajv does not hold; its keywords are draft-07's
  const check = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);
  if (!check(doc))
    for (const e of check.errors)
      problems.push(`${name}: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
  for (const [service, def] of Object.entries(doc?.services ?? {})) {
    const image = typeof def?.image === 'string' ? def.image : '';
    if (image && !def.build && (!/:[^/]+$/.test(image) || image.endsWith(':latest'))) problems.push(`${name}: service ${service}: pin the version of ${image}`);
  }
}

lintDockerfile(dockerfilePath);
lintCompose(composePath);
if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} problem(s) in the container files\n`);
  process.exit(1);
}
process.stdout.write(`container files: ${relative(process.cwd(), dockerfilePath)} and ${relative(process.cwd(), composePath)} pass\n`);
