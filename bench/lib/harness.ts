// Shared benchmark plumbing: start role processes (bench/lib/roles.ts), run load jobs in the
// separate load-generator process, format results as ratios against a baseline of the same run.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './roles.js';

export type { LoadJob, LoadResult } from './roles.js';

const ROLES = fileURLToPath(new URL('./roles.ts', import.meta.url));

export interface Role {
  child: ChildProcess;
  info: Record<string, any>;
  request(msg: Record<string, unknown>, reply: string): Promise<Record<string, any>>;
  stop(): Promise<void>;
  /** Lines the role wrote to stdout so far, when started with `drainStdout` (its stdout is then not shown). */
  stdoutLines(): number;
}

/**
 * The node flags Linkhub runs with: those of `npm start` in its checkout's package.json (the default
 * configuration), or BENCH_LINKHUB_NODE_FLAGS (this checkout) / BENCH_COMPARE_NODE_FLAGS (BENCH_COMPARE's),
 * space-separated, when set (empty: none), to measure what a flag does.
 */
function linkhubNodeFlags(checkout?: string): string[] {
  const given = checkout ? process.env.BENCH_COMPARE_NODE_FLAGS : process.env.BENCH_LINKHUB_NODE_FLAGS;
  if (given !== undefined) return given.split(' ').filter(Boolean);
  const pkg = JSON.parse(readFileSync(checkout ? `${checkout}/package.json` : fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
  const words = String(pkg.scripts.start).split(' ');
  return words.slice(words.indexOf('node') + 1, -1); // `node <flags> dist/src/main.js`
}

/**
 * `drainStdout`: the role's stdout is a pipe this process reads and discards, counting lines, as a log
 * collector reads a server's stdout (Linkhub logs there): the server pays for its writes as in production.
 */
export async function startRole(role: string, env: Record<string, string> = {}, opts: { drainStdout?: boolean; checkout?: string } = {}): Promise<Role> {
  // BENCH_CPU_PROF=<dir> profiles the Linkhub process (node --cpu-prof), or the role named by BENCH_PROF_ROLE.
  const prof =
    role === (process.env.BENCH_PROF_ROLE ?? 'linkhub') && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // `checkout`: the role as another checkout of Linkhub runs it (its bench/lib/roles.ts and its src/).
  const child = fork(opts.checkout ? `${opts.checkout}/bench/lib/roles.ts` : ROLES, [role], {
    execArgv: ['--import', 'tsx', ...prof, ...(role === 'linkhub' ? linkhubNodeFlags(opts.checkout) : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', opts.drainStdout ? 'pipe' : 'inherit', 'inherit', 'ipc'],
  });
  let lines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  const info = await new Promise<Record<string, any>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${role} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before it was ready`)));
    child.on('message', (m: any) => {
      if (m?.type === 'ready') {
        clearTimeout(t);
        resolve(m);
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    info,
    stdoutLines: () => lines,
    request: (msg, reply) =>
      new Promise((resolve) => {
        const on = (m: any) => {
          if (m?.type === reply) {
            child.off('message', on);
            resolve(m);
          }
        };
        child.on('message', on);
        child.send(msg);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

const cpu = async (r: Role) => (await r.request({ type: 'cpu' }, 'cpu')).us as number;
const cpuThreads = async (r: Role) => (await r.request({ type: 'cpu' }, 'cpu')) as { us: number; threads: Record<string, number>; pid: number };

/** Per-thread CPU per request of `server` between two readings: main thread, then the busiest others. */
function threadSplit(a: { threads: Record<string, number>; pid: number }, b: { threads: Record<string, number> }, n: number): string {
  const d = Object.entries(b.threads).map(([t, us]) => [t, (us - (a.threads[t] ?? 0)) / n] as const);
  const main = d.find(([t]) => t === String(a.pid))?.[1] ?? 0;
  const others = d
    .filter(([t]) => t !== String(a.pid))
    .map(([, v]) => v)
    .sort((x, y) => y - x);
  return (
    `main ${main.toFixed(0)}` +
    (others.length
      ? ` + threads ${others
          .slice(0, 3)
          .map((v) => v.toFixed(0))
          .join('/')}${
          others.length > 3
            ? `/+${others
                .slice(3)
                .reduce((s, v) => s + v, 0)
                .toFixed(0)}`
            : ''
        }`
      : '')
  );
}

/**
 * Runs a job; with `server`, also reports that process's CPU time per request (µs), split by thread,
 * and the CPU per request of the load generator and of the `others` named (e.g. the upstream).
 */
export async function runLoad(load: Role, job: LoadJob, server?: Role, others: Record<string, Role> = {}): Promise<LoadResult> {
  const before = server ? await cpuThreads(server) : null;
  const watched: [string, Role][] = [['load generator', load], ...Object.entries(others)];
  const ob = await Promise.all(watched.map(([, r]) => cpu(r)));
  const m = await load.request({ type: 'run', job }, 'result');
  const r = m.result as LoadResult;
  if (server && before) {
    const after = await cpuThreads(server);
    r.cpuPerRequestUs = (after.us - before.us) / Math.max(1, r.total);
    r.threadSplit = threadSplit(before, after, Math.max(1, r.total));
  }
  const oa = await Promise.all(watched.map(([, r]) => cpu(r)));
  r.otherCpuUs = Object.fromEntries(watched.map(([name], i) => [name, (oa[i] - ob[i]) / Math.max(1, r.total)]));
  const ms = (x: number) => x.toFixed(2).padStart(7);
  process.stdout.write(
    `  ${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${ms(r.p50)} ms   p90 ${ms(r.p90)} ms   p99 ${ms(r.p99)} ms   n=${r.requests}` +
      (r.cpuPerRequestUs !== undefined ? `   server CPU ${r.cpuPerRequestUs.toFixed(0)} µs/req` : '') +
      (r.threadSplit ? ` (${r.threadSplit})` : '') +
      (r.otherCpuUs
        ? `; ${Object.entries(r.otherCpuUs)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')} µs/req`
        : '') +
      (r.errors ? `   errors=${r.errors} (${r.firstError})` : '') +
      '\n',
  );
  return r;
}

/** Mean of rounds: req/s summed over requests/time, latencies averaged. */
export function combine(name: string, rs: LoadResult[]): LoadResult {
  const avg = (f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  return {
    name,
    total: rs.reduce((a, r) => a + r.total, 0),
    requests: rs.reduce((a, r) => a + r.requests, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    rps: avg((r) => r.rps),
    p50: avg((r) => r.p50),
    p90: avg((r) => r.p90),
    p99: avg((r) => r.p99),
    mean: avg((r) => r.mean),
    cpuPerRequestUs: rs.every((r) => r.cpuPerRequestUs !== undefined) ? avg((r) => r.cpuPerRequestUs!) : undefined,
  };
}

export function env(): string {
  return `${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
}

export const num = (name: string, fallback: number) => {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
};

/** An unmeasured run to get the JIT and caches warm before the measured rounds (returns what it did). */
export async function warm(load: Role, job: LoadJob, ms = 2000): Promise<LoadResult> {
  return (await load.request({ type: 'run', job: { ...job, name: `warm ${job.name}`, warmupMs: 0, durationMs: ms } }, 'result')).result as LoadResult;
}
