// The Hub's built bundle for the browser tests and bench/hub-size.ts: rebuilt when missing or
// older than its sources (one build at a time across concurrently running test files).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../src/paths.js';

export const HUB_JS = join(projectRoot, 'web', 'dist', 'hub', 'hub.js');
export const STACKONE_WEBCOMPONENT = join(projectRoot, 'node_modules', '@stackone', 'hub', 'dist', 'webcomponent.js');
/** The Hub's JavaScript, gzipped, must stay within this many bytes. */
export const HUB_GZIP_BUDGET = 40 * 1024;

const SOURCES = [
  join(projectRoot, 'web', 'hub'),
  join(projectRoot, 'src', 'connectors', 'stripe', 'key-rules.ts'),
  join(projectRoot, 'src', 'connectors', 'types.ts'),
  join(projectRoot, 'node_modules', 'preact', 'package.json'),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why the bundle must be (re)built, or null when it is fresh. */
export function hubBuildReason(): string | null {
  if (!existsSync(HUB_JS)) return 'web/dist/hub/hub.js is missing';
  const built = statSync(HUB_JS).mtimeMs;
  const src = Math.max(...SOURCES.map(newestMtime));
  return src > built ? 'web/dist/hub/hub.js is older than its sources' : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds web/dist/hub/hub.js with `npx vite build -c web/hub/vite.config.ts` when it is missing or stale. */
export async function ensureWebBuilt(log: (m: string) => void = () => {}): Promise<void> {
  if (!hubBuildReason()) return;
  const lock = join(projectRoot, 'web', 'dist', '.hub-build.lock');
  mkdirSync(join(projectRoot, 'web', 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another test file is building: wait for it; a lock older than 3 minutes is abandoned
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* just released */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another Hub build');
      await sleep(200);
    }
  }
  try {
    const reason = hubBuildReason();
    if (!reason) return;
    log(`building the Hub (${reason})`);
    const r = spawnSync('npx', ['vite', 'build', '-c', 'web/hub/vite.config.ts'], { cwd: projectRoot, encoding: 'utf8', timeout: 170_000 });
    if (r.status !== 0 || !existsSync(HUB_JS)) {
      throw new Error(`Hub build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function gzipSize(path: string): { raw: number; gzip: number } {
  const buf = readFileSync(path);
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}
