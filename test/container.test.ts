// The container files. No Docker engine runs here (nor on CI's machines), so the image is checked
// the nearest way that still runs it: the lint of `npm run lint` passes and fails where it should;
// the Dockerfile's build stage is replayed in a folder that holds only what its COPY lines bring
// (minus .dockerignore), with its RUN command; its final stage is assembled from the COPY --from=build
// lines and started with the image's ENV and CMD, and its HEALTHCHECK command is run against it.
// The compose file's nodes must be that image on one PostgreSQL with one master key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../src/paths.js';
import { childStore, type ChildStore, killAllLinkhubProcesses, type LinkhubProcess, startLinkhubProcess } from './helpers/process.js';

const read = (name: string) => readFileSync(join(projectRoot, name), 'utf8');
const dockerfile = DockerfileParser.parse(read('Dockerfile'));
const instructions = dockerfile.getInstructions();
const finalStart = dockerfile.getFROMs().at(-1)!.getRange().start.line;
const stage = (which: 'build' | 'final') => instructions.filter((i) => i.getRange().start.line >= finalStart === (which === 'final'));
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const copies = (which: 'build' | 'final') =>
  stage(which)
    .filter((i) => i.getKeyword() === 'COPY')
    .map(args);
const env = Object.fromEntries(
  stage('final')
    .filter((i) => i.getKeyword() === 'ENV')
    .flatMap((i) => (i as unknown as { getProperties(): { getName(): string; getValue(): string }[] }).getProperties())
    .map((p) => [p.getName(), p.getValue()]),
) as Record<string, string>;
/** The exec-form JSON after `keyword` (CMD, or HEALTHCHECK's options then CMD). */
const execForm = (keyword: string) => {
  const content = stage('final')
    .find((i) => i.getKeyword() === keyword)!
    .getArgumentsContent()!;
  return JSON.parse(keyword === 'HEALTHCHECK' ? content.slice(content.indexOf('CMD') + 3) : content) as string[];
};

/** .dockerignore's patterns as tests on a context-relative path (Docker: a match on the path or a parent). */
const ignored = (() => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
  return (rel: string) => rel.split('/').some((_, i, parts) => patterns.some((p) => p.test(parts.slice(0, i + 1).join('/'))));
})();

const run = (cmd: string, argv: string[], cwd: string, extraEnv: Record<string, string> = {}) => {
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

describe('the container files pass their lint, which catches what it should', () => {
  test('npm run lint lints the Dockerfile and the compose file; a bad pair fails with each problem named', () => {
    assert.match(JSON.parse(read('package.json')).scripts.lint, /node scripts\/lint-containers\.mjs/);
    const ok = run(process.execPath, ['scripts/lint-containers.mjs'], projectRoot);
    assert.equal(ok.status, 0, ok.output);
    const dir = mkdtempSync(join(tmpdir(), 'linkhub-lint-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:latest\nADD . /app\nRUN npm install\nCMD node x.js\n');
    writeFileSync(join(dir, 'compose.yml'), 'services:\n  a:\n    imagee: linkhub\n  db:\n    image: postgres\n');
    const bad = run(process.execPath, ['scripts/lint-containers.mjs', join(dir, 'Dockerfile'), join(dir, 'compose.yml')], projectRoot);
    rmSync(dir, { recursive: true });
    assert.equal(bad.status, 1);
    for (const problem of [
      /one stage only/,
      /node:latest/,
      /runs as root/,
      /no HEALTHCHECK/,
      /ADD: use COPY/,
      /npm install/,
      /shell form/,
      /imagee/,
      /pin the version of postgres/,
    ]) {
      assert.match(bad.output, problem);
    }
  });
});

describe('the image', () => {
  test('runs as an unprivileged user, on a slim base, with the data directory as a volume and the command of npm start', () => {
    for (const from of dockerfile.getFROMs()) assert.match(from.getImageTag() ?? '', /slim/, 'slim base images');
    assert.equal(
      stage('final')
        .filter((i) => i.getKeyword() === 'USER')
        .map(args)
        .at(-1)?.[0],
      'node',
    );
    const volume = JSON.parse(
      stage('final')
        .find((i) => i.getKeyword() === 'VOLUME')!
        .getArgumentsContent()!,
    ) as string[];
    assert.deepEqual(volume, [env.LINKHUB_DATA_DIR], 'the data directory is the volume');
    assert.deepEqual(args(stage('final').find((i) => i.getKeyword() === 'EXPOSE')!), [env.PORT]);
    assert.equal(env.HOST, '0.0.0.0', 'reachable from outside the container');
    // npm start without npm in between (the README's production start)
    assert.deepEqual(execForm('CMD'), JSON.parse(read('package.json')).scripts.start.split(' '));
    assert.match(execForm('HEALTHCHECK').join(' '), /\/healthz/);
  });

  const store: { s?: ChildStore; proc?: LinkhubProcess; runtime?: string } = {};
  const commit = 'c0ffee'.repeat(7).slice(0, 40);
  before(async () => {
    store.s = await childStore();
  });
  after(async () => {
    await killAllLinkhubProcesses();
    await store.s?.drop().catch(() => {});
  });

  test("the build stage builds from its COPY lines alone, and the final stage's files serve with its ENV and CMD", { timeout: 600_000 }, async () => {
    // build stage: only what COPY brings from the context, node_modules as `npm ci` would make it
    const build = mkdtempSync(join(tmpdir(), 'linkhub-image-build-'));
    for (const sources of copies('build')) {
      for (const source of sources.slice(0, -1)) {
        cpSync(join(projectRoot, source), join(build, source), {
          recursive: true,
          filter: (from) => from === join(projectRoot, source) || !ignored(relative(projectRoot, from)),
        });
      }
    }
    symlinkSync(join(projectRoot, 'node_modules'), join(build, 'node_modules'), 'dir');
    const buildRun = stage('build').find((i) => i.getKeyword() === 'RUN' && /npm run build/.test(i.getArgumentsContent()!))!;
    // the image prunes its own node_modules; here that is the project's, so only the build runs
    const buildCommand = buildRun.getArgumentsContent()!.split('&&')[0].trim();
    assert.match(buildCommand, /^LINKHUB_COMMIT="\$\{LINKHUB_COMMIT\}" npm run build$/);
    const built = run('npm', ['run', 'build'], build, { LINKHUB_COMMIT: commit });
    assert.equal(built.status, 0, built.output);

    // final stage: only what COPY --from=build takes
    const runtime = mkdtempSync(join(tmpdir(), 'linkhub-image-'));
    store.runtime = runtime;
    for (const [from, to] of copies('final')) {
      const source = join(build, relative('/app', from));
      const target = join(runtime, to.endsWith('/') ? relative('/app', from).split('/').at(-1)! : to);
      mkdirSync(dirname(target), { recursive: true });
      if (from === '/app/node_modules') symlinkSync(join(projectRoot, 'node_modules'), target, 'dir');
      else cpSync(source, target, { recursive: true });
    }
    assert.ok(!existsSync(join(runtime, 'src')), 'the final stage holds no source');
    // the image runs as `node`, the build as root: the store template must be readable by anyone
    for (const p of ['dist/store-template', 'dist/store-template/manifest.json', 'dist/store-template/pgdata']) {
      assert.equal(statSync(join(runtime, p)).mode & 0o004, 0o004, `${p} is readable by the image's user`);
    }
    // the image's ENV, on loopback and with the store under test (its own data dir in place of /data)
    store.proc = await startLinkhubProcess({ ...env, HOST: '127.0.0.1', ...store.s!.env }, 180_000, {
      node: execForm('CMD').slice(1, -1),
      file: join(runtime, execForm('CMD').at(-1)!),
    });
    const ready = (await (await fetch(`${store.proc.url}/readyz`)).json()) as { commit: string; version: string };
    assert.equal(ready.commit, commit, 'the commit comes from the build argument');
    assert.equal(ready.version, JSON.parse(read('package.json')).version);
    assert.equal((await fetch(`${store.proc.url}/hub.js`)).status, 200, 'the Hub bundle is in the image');
    assert.equal((await fetch(`${store.proc.url}/dashboard`)).status, 200, 'the Dashboard is in the image');
    rmSync(build, { recursive: true, force: true });
  });

  test('its HEALTHCHECK command passes while the server serves and fails once it stopped', { timeout: 120_000 }, async () => {
    assert.ok(store.proc, 'the image started');
    const [cmd, ...argv] = execForm('HEALTHCHECK');
    const healthy = run(cmd === 'node' ? process.execPath : cmd, argv, store.runtime!, { PORT: String(store.proc.port) });
    assert.equal(healthy.status, 0, healthy.output);
    await store.proc.stop();
    const down = run(cmd === 'node' ? process.execPath : cmd, argv, store.runtime!, { PORT: String(store.proc.port) });
    assert.equal(down.status, 1);
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { build?: string; image?: string; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
  };
  const nodes = Object.entries(compose.services).filter(([, s]) => s.build === '.');
  const postgres = Object.entries(compose.services).filter(([, s]) => /^postgres:/.test(s.image ?? ''));

  test('runs two Linkhub nodes of this image on one PostgreSQL with one master key', () => {
    assert.equal(postgres.length, 1);
    assert.ok(nodes.length >= 2, 'two nodes or more');
    const [pgName] = postgres[0];
    const urls = new Set(nodes.map(([, s]) => s.environment?.DATABASE_URL));
    assert.equal(urls.size, 1, 'one database');
    assert.match([...urls][0]!, new RegExp(`@${pgName}:5432/`));
    assert.equal(new Set(nodes.map(([, s]) => s.environment?.LINKHUB_MASTER_KEY)).size, 1, 'one master key');
    assert.match(nodes[0][1].environment!.LINKHUB_MASTER_KEY, /^\$\{LINKHUB_MASTER_KEY:\?/, 'required, never written in the file');
    for (const [, s] of nodes) assert.equal(s.depends_on?.[pgName]?.condition, 'service_healthy');
  });

  test('names only settings Linkhub reads', () => {
    const config = read('src/config.ts');
    for (const [, s] of nodes) {
      for (const name of Object.keys(s.environment ?? {})) {
        assert.ok(name === 'DATABASE_URL' || config.includes(`'${name}'`), `${name} is a Linkhub setting`);
      }
    }
  });
});
