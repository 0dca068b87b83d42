// Start to ready, measured from outside as an operator sees it: from spawning the compiled entry
// (`npm start`: node dist/src/main.js) to the first 200 of GET /readyz, on an empty data directory
// (first start: migrations, default project, keys) and on an existing embedded store, against a
// bare Fastify server started and polled the same way in the same run (the baseline the ratios are
// taken to). Then the resident memory of an idle Linkhub on the embedded store (PGlite runs on a
// thread of the same process, so it is included) and of the bare server. And the floor of the
// embedded store in both: the bare server with PGlite opened on the same existing data directory.
//   node --import tsx bench/start.ts [--trials 5] [--idle-ms 5000] [--settle-ms 30000] [--rss-trials 3]
// With --database-url (or BENCH_DATABASE_URL / TEST_DATABASE_URL) also on an existing PostgreSQL store.
// Builds the server first (npm run build:server) so that it measures the current code.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/paths.js';
import { PGLITE_SETTINGS } from '../src/store/pglite-settings.js';
import { freePort } from '../test/helpers/process.js';
import { createScratchDatabase } from '../test/helpers/scratch-database.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    'idle-ms': { type: 'string', default: '5000' },
    'settle-ms': { type: 'string', default: '30000' },
    'rss-trials': { type: 'string', default: '3' },
    'database-url': { type: 'string' },
  },
});
const TRIALS = Number(args.trials);
const IDLE_MS = Number(args['idle-ms']);
const SETTLE_MS = Number(args['settle-ms']);
const RSS_TRIALS = Number(args['rss-trials']);
const databaseUrl = args['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

const MAIN = join(projectRoot, 'dist', 'src', 'main.js');
// The baseline: Fastify itself, one route, nothing else (what any Fastify service pays to start).
const BARE = `import Fastify from 'fastify';
const app = Fastify();
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`;
// The floor of the embedded store: the same bare server, ready once PGlite has opened an existing
// data directory (with Linkhub's settings) and answered one query. No Linkhub code at all: what
// PGlite itself costs to start and to hold, which no change to Linkhub can take off its start.
const BARE_PGLITE = `import Fastify from 'fastify';
import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create(process.env.PGDATA, { startParams: [...PGlite.defaultStartParams, ...JSON.parse(process.env.PG_SETTINGS)] });
await db.query('select 1');
const app = Fastify();
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`;

interface Started {
  ms: number;
  child: ChildProcess;
}

/** Spawns `argv` with PORT set and returns once GET /readyz answers 200, with the time it took. */
async function startAndWait(argv: string[], env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', LINKHUB_LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${argv.join(' ')} exited before it was ready:\n${stderr}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res?.status === 200) return { ms: performance.now() - t0, child };
    if (performance.now() - t0 > 180_000) throw new Error(`${argv.join(' ')} not ready after 180 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process, MB (Linux /proc). */
const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log('building the server (npm run build:server)');
const build = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: projectRoot, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(build.stdout + build.stderr);
  process.exit(1);
}

const bareArgv = ['--input-type=module', '-e', BARE];
const barePgliteArgv = ['--input-type=module', '-e', BARE_PGLITE];
const barePgliteEnv = (dataDir: string) => ({ PGDATA: join(dataDir, 'pgdata'), PG_SETTINGS: JSON.stringify(PGLITE_SETTINGS) });
const times: Record<string, number[]> = { bare: [], barePglite: [], empty: [], existing: [], postgres: [] };
const dirs: string[] = [];
const pg = databaseUrl
  ? await (async () => {
      const store = await createScratchDatabase(databaseUrl, 'linkhub_bench');
      const env = {
        DATABASE_URL: store.url,
        LINKHUB_MASTER_KEY: randomBytes(32).toString('base64'),
        LINKHUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'linkhub-bench-')),
      };
      await stop((await startAndWait([MAIN], env)).child); // migrated once: the trials start on an existing store
      return { store, env };
    })()
  : null;

// Interleaved, so that a slower stretch of the machine weighs on every kind alike.
for (let i = 0; i < TRIALS; i++) {
  const bare = await startAndWait(bareArgv, {});
  times.bare.push(bare.ms);
  await stop(bare.child);

  const dataDir = mkdtempSync(join(tmpdir(), 'linkhub-bench-'));
  dirs.push(dataDir);
  const empty = await startAndWait([MAIN], { LINKHUB_DATA_DIR: dataDir });
  times.empty.push(empty.ms);
  await stop(empty.child);

  const existing = await startAndWait([MAIN], { LINKHUB_DATA_DIR: dataDir });
  times.existing.push(existing.ms);
  await stop(existing.child);

  const floor = await startAndWait(barePgliteArgv, barePgliteEnv(dataDir));
  times.barePglite.push(floor.ms);
  await stop(floor.child);

  if (pg) {
    const onPg = await startAndWait([MAIN], pg.env);
    times.postgres.push(onPg.ms);
    await stop(onPg.child);
  }
}

// Idle memory: ready, then left alone (the background work of a quiet node runs meanwhile), read
// after IDLE_MS and again once settled (SETTLE_MS): V8's memory reducer gives back the young
// generation that start-up grew only after some seconds without allocation, so the first reading is
// the process just after its start and the second the node that idles. Each the median of RSS_TRIALS
// starts, as one reading varies by ±10 % (when V8 last collected, what it compiled in the background).
async function idleRss(argv: string[], env: Record<string, string>): Promise<{ early: number; settled: number }> {
  const early: number[] = [];
  const settled: number[] = [];
  for (let i = 0; i < RSS_TRIALS; i++) {
    const s = await startAndWait(argv, env);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    early.push(rssMb(s.child.pid!));
    await new Promise((r) => setTimeout(r, Math.max(0, SETTLE_MS - IDLE_MS)));
    settled.push(rssMb(s.child.pid!));
    await stop(s.child);
  }
  return { early: median(early), settled: median(settled) };
}
const rss = {
  bare: await idleRss(bareArgv, {}),
  existing: await idleRss([MAIN], { LINKHUB_DATA_DIR: dirs[0] }),
  barePglite: await idleRss(barePgliteArgv, barePgliteEnv(dirs[0])),
  postgres: pg ? await idleRss([MAIN], pg.env) : null,
};

const base = median(times.bare);
console.log(`\nstart to ready (spawn → first 200 of GET /readyz), median of ${TRIALS} interleaved trials:`);
const line = (name: string, xs: number[]) =>
  console.log(
    `  ${name.padEnd(34)} ${median(xs).toFixed(0).padStart(6)} ms   ${(median(xs) / base).toFixed(1).padStart(5)}× bare   (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`,
  );
line('bare Fastify (baseline)', times.bare);
line('embedded store, empty data dir', times.empty);
line('embedded store, existing', times.existing);
line('bare Fastify + PGlite, existing', times.barePglite);
if (pg) line('PostgreSQL, existing', times.postgres);
console.log(`\nidle resident memory, median of ${RSS_TRIALS} starts: ${IDLE_MS} ms after ready, and settled (${SETTLE_MS} ms after ready):`);
const mem = (name: string, r: { early: number; settled: number }) =>
  console.log(`  ${name.padEnd(34)} ${r.early.toFixed(0).padStart(6)} MB   settled ${r.settled.toFixed(0).padStart(4)} MB`);
mem('bare Fastify', rss.bare);
mem('embedded store, existing', rss.existing);
mem('bare Fastify + PGlite, existing', rss.barePglite);
if (rss.postgres !== null) mem('PostgreSQL, existing', rss.postgres);

for (const d of [...dirs, ...(pg ? [pg.env.LINKHUB_DATA_DIR] : [])]) rmSync(d, { recursive: true, force: true });
await pg?.store.drop();
