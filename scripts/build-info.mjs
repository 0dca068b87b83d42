#!/usr/bin/env node
// Part of `npm run build`: writes dist/src/build-info.json, the git commit this build was made from,
// which /healthz and /readyz answer (src/build-info.ts). Written at build time because a built copy
// may run where there is no git and no checkout (after `npm prune --omit=dev`, in a container).
// Outside a git checkout the commit is null.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
} catch {
  // not a git checkout (a tarball, a copy without .git) or no git installed: the commit is unknown
}
const out = join(root, 'dist', 'src', 'build-info.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ commit })}\n`);
console.log(`build info: commit ${commit ?? 'unknown'} → ${out}`);
