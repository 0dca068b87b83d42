// The web bundles for the browser tests and bench/hub-size.ts (the Hub, the Dashboard): each rebuilt
// when missing or older than its sources (one build at a time across concurrently running test files).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../src/paths.js';

export const HUB_JS = join(projectRoot, 'web', 'dist', 'hub', 'hub.js');
export const STACKONE_WEBCOMPONENT = join(projectRoot, 'node_modules', '@stackone', 'hub', 'dist', 'webcomponent.js');
/** The Hub's JavaScript, gzipped, must stay within this many bytes. */
export const HUB_GZIP_BUDGET = 40 * 1024;

interface Bundle {
  name: string;
  /** The vite config, relative to the project root. */
  config: string;
  /** A file the build writes, relative to the project root. */
  output: string;
  sources: string[];
}

const preact = join(projectRoot, 'node_modules', 'preact', 'package.json');
const HUB: Bundle = {
  name: 'Hub',
  config: 'web/hub/vite.config.ts',
  output: 'web/dist/hub/hub.js',
  sources: [
    join(projectRoot, 'web', 'hub'),
    join(projectRoot, 'src', 'connectors', 'stripe', 'key-rules.ts'),
    join(projectRoot, 'src', 'connectors', 'types.ts'),
    preact,
  ],
};
const DASHBOARD: Bundle = {
  name: 'Dashboard',
  config: 'web/dashboard/vite.config.ts',
  output: 'web/dist/dashboard/index.html',
  sources: [join(projectRoot, 'web', 'dashboard'), preact],
};

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why the bundle must be (re)built, or null when it is fresh. */
function buildReason(b: Bundle): string | null {
  const output = join(projectRoot, b.output);
  if (!existsSync(output)) return `${b.output} is missing`;
  const built = statSync(output).mtimeMs;
  const src = Math.max(...b.sources.map(newestMtime));
  return src > built ? `${b.output} is older than its sources` : null;
}

export const hubBuildReason = () => buildReason(HUB);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds a bundle with `npx vite build -c <config>` when it is missing or stale. */
async function ensureBuilt(b: Bundle, log: (m: string) => void): Promise<void> {
  if (!buildReason(b)) return;
  const lock = join(projectRoot, 'web', 'dist', `.${b.name.toLowerCase()}-build.lock`);
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
      if (Date.now() > deadline) throw new Error(`timed out waiting for another ${b.name} build`);
      await sleep(200);
    }
  }
  try {
    const reason = buildReason(b);
    if (!reason) return;
    log(`building the ${b.name} (${reason})`);
    const r = spawnSync('npx', ['vite', 'build', '-c', b.config], { cwd: projectRoot, encoding: 'utf8', timeout: 170_000 });
    if (r.status !== 0 || !existsSync(join(projectRoot, b.output))) {
      throw new Error(`${b.name} build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** web/dist/hub/hub.js, built when missing or stale. */
export const ensureWebBuilt = (log: (m: string) => void = () => {}) => ensureBuilt(HUB, log);

/** web/dist/dashboard/, built when missing or stale. */
export const ensureDashboardBuilt = (log: (m: string) => void = () => {}) => ensureBuilt(DASHBOARD, log);

export function gzipSize(path: string): { raw: number; gzip: number } {
  const buf = readFileSync(path);
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}
