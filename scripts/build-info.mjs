#!/usr/bin/env node
// Part of `npm run build`: writes dist/src/build-info.json, the git commit this build was made from,
// which /healthz and /readyz answer (src/build-info.ts). Written at build time because a built copy
// may run where there is no git and no checkout (after `npm prune --omit=dev`, in a container).
// LINKHUB_COMMIT (the Dockerfile's build argument, whose context has no .git) names it when set;
// otherwise git does, and outside a git checkout the commit is null.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const given = process.env.LINKHUB_COMMIT?.trim();
if (given && !/^[0-9a-f]{7,40}$/.test(given)) {
  console.error(`LINKHUB_COMMIT must be a git commit id (7 to 40 hex digits), not ${JSON.stringify(given)}`);
  process.exit(2);
}
function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null; // not a git checkout (a tarball, a copy without .git) or no git installed: the commit is unknown
  }
}
const commit = given || gitHead();
const out = join(root, 'dist', 'src', 'build-info.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ commit })}\n`);
console.log(`build info: commit ${commit ?? 'unknown'} → ${out}`);
