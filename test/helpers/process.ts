// Runs the real entry point (`node --import tsx src/main.ts`) as a child process on a free port,
// with a store of the kind under test: PGlite in a temp data dir, or (LINKHUB_TEST_STORE=postgres)
// a fresh database on LINKHUB_TEST_DATABASE_URL. Used by the start-up and durability tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { createTestStore, testStoreKind } from './store.js';

export const mainScript = join(projectRoot, 'src', 'main.ts');

/** A free loopback port (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A store for child processes: the env that selects it, and a cleanup. */
export interface ChildStore {
  kind: 'pglite' | 'postgres';
  dataDir: string;
  /** LINKHUB_DATA_DIR, plus DATABASE_URL and LINKHUB_MASTER_KEY on Postgres (where the key is required). */
  env: Record<string, string>;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

/** A new empty store of the kind under test (`embedded: true` forces PGlite). */
export async function childStore(opts: { embedded?: boolean } = {}): Promise<ChildStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'linkhub-proc-'));
  if (opts.embedded || testStoreKind === 'pglite') {
    return { kind: 'pglite', dataDir, env: { LINKHUB_DATA_DIR: dataDir }, databaseUrl: null, drop: async () => {} };
  }
  const store = await createTestStore();
  return {
    kind: 'postgres',
    dataDir,
    databaseUrl: store.databaseUrl,
    env: { LINKHUB_DATA_DIR: dataDir, DATABASE_URL: store.databaseUrl!, LINKHUB_MASTER_KEY: randomBytes(32).toString('base64') },
    drop: () => store.drop(),
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LinkhubProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<Exit>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<Exit>;
}

/** The environment a child gets: nothing inherited but PATH/HOME/TMPDIR, quiet logs, the given variables. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG']) if (process.env[k] !== undefined) base[k] = process.env[k];
  return { ...base, HOST: '127.0.0.1', LINKHUB_LOG_LEVEL: 'warn', ...env };
}

const running = new Set<ChildProcess>();

/** SIGKILLs every child still running (for `after` hooks, so a failed test leaves no process behind). */
export async function killAllLinkhubProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * A compiled entry run by plain node, as `npm start` (dist/src/main.js) or the package's bin
 * (dist/src/cli.js with `start`) run it.
 */
export interface BuiltEntry {
  /** node's own flags, before the file (npm start's) */
  node?: string[];
  file: string;
  args?: string[];
}

/**
 * Spawns src/main.ts (or `entry`); without PORT in `env` a free port is chosen. Does not wait for
 * readiness.
 */
export async function spawnLinkhub(env: Record<string, string>, entry?: BuiltEntry): Promise<LinkhubProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, entry ? [...(entry.node ?? []), entry.file, ...(entry.args ?? [])] : ['--import', 'tsx', mainScript], {
    cwd: projectRoot,
    env: childEnv({ PORT: String(port), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('close', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  // 'close' (not 'exit'): all of stdout/stderr has been read by then
  const closed = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const proc: LinkhubProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stdout: () => out,
    stderr: () => err,
    exited: closed,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return closed;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await closed;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return proc;
}

/** Spawns src/main.ts (or `entry`) and waits until GET /readyz answers 200 (fails fast if the process exits). */
export async function startLinkhubProcess(env: Record<string, string>, timeoutMs = 120_000, entry?: BuiltEntry): Promise<LinkhubProcess> {
  const proc = await spawnLinkhub(env, entry);
  const state: { exit: Exit | null } = { exit: null };
  void proc.exited.then((e) => (state.exit = e));
  const early = () => new Error(`Linkhub exited (${state.exit!.code ?? state.exit!.signal}) before it was ready:\n${proc.stderr()}\n${proc.stdout()}`);
  try {
    await waitFor(
      'GET /readyz 200',
      async () => {
        if (state.exit) return true;
        const res = await fetch(proc.url + '/readyz').catch(() => null);
        return res?.status === 200;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    await proc.kill9();
    throw new Error(`${(e as Error).message}\n--- stderr:\n${proc.stderr()}\n--- stdout:\n${proc.stdout().slice(-4000)}`);
  }
  if (state.exit) throw early();
  return proc;
}

/** Runs src/main.ts expecting it to exit by itself (start-up refused); kills it after `timeoutMs`. */
export async function runLinkhubToExit(env: Record<string, string>, timeoutMs = 60_000): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = await spawnLinkhub(env);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  try {
    const exit = await proc.exited;
    return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

export const basicAuth = (key: string) => 'Basic ' + Buffer.from(key + ':').toString('base64');

/** fetch + JSON parse against a child Linkhub. */
export async function callApi(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; auth?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) headers.authorization = opts.auth;
  else if (opts.key) headers.authorization = basicAuth(opts.key);
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body, text };
}

/** Links a Stripe key through the public API path a customer uses: connect session, then the Hub call. */
export async function linkAccount(
  base: string,
  apiKey: string,
  stripeKey: string,
  session: Record<string, unknown> = {},
  integrationId = 'stripe-test',
): Promise<any> {
  const s = await callApi(base, 'POST', '/connect_sessions', {
    key: apiKey,
    body: { origin_owner_id: 'owner-1', origin_owner_name: 'Acme Inc', multiple: true, ...session },
  });
  if (s.status !== 201) throw new Error(`connect session: ${s.status} ${s.text}`);
  const res = await callApi(base, 'POST', '/hub/accounts', {
    headers: { 'x-hub-session-token': s.body.token },
    body: { integration_id: integrationId, credentials: { api_key: stripeKey } },
  });
  if (res.status !== 201) throw new Error(`link: ${res.status} ${res.text}`);
  return res.body;
}
