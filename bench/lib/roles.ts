// Child processes of the benchmarks, one role each (argv[2]); they talk to the parent over IPC.
//   standin      the Stripe stand-in (log off, rate limits off)
//   passthrough  a bare undici passthrough server (no auth, no logging) in front of UPSTREAM
//   fastify-floor  Fastify with Linkhub's logger forwarding the proxy's `path` with undici (BENCH_FLOOR)
//   http-floor   the same minus Fastify: node:http, the same log line (pino), undici (BENCH_FLOOR)
//   linkhub      a real Linkhub (same buildApp/createServices/loggerOptions as `npm start`, PGlite in a
//                temp dir, the default configuration: log level info unless LINKHUB_LOG_LEVEL is set)
//                with one account linked to the stand-in's STRIPE_KEY; its log lines go to stdout,
//                a pipe the bench drains as a log collector would
//   load         the load generator: undici Pool, N concurrent loops, per-request latencies
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

type Msg = Record<string, unknown> & { type: string };
const send = (m: Msg) => process.send?.(m);
const onMessage = (fn: (m: Msg) => void | Promise<void>) => process.on('message', (m) => void fn(m as Msg));
process.on('disconnect', () => process.exit(0));
// A plain exit on SIGTERM (the linkhub role closes its store first), so --cpu-prof profiles get written.
if (process.argv[2] !== 'linkhub') process.once('SIGTERM', () => process.exit(0));
/** CPU time (µs) of each thread of this process, by thread id (Linux /proc; empty elsewhere). */
function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const t of readdirSync('/proc/self/task')) {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out[t] = ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // clock ticks (USER_HZ = 100)
    }
  } catch {
    /* not Linux */
  }
  return out;
}
// Every role answers {type:'cpu'} with its CPU time so far (µs, user + system), and per thread.
process.on('message', (m: Msg) => {
  if (m?.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', us: u.user + u.system, threads: threadCpu(), pid: process.pid });
  }
});

// Steady-state profile of the main thread (BENCH_PROFILE=<file>): started/stopped by the bench, in any role.
let session: import('node:inspector').Session | null = null;
onMessage(async (m) => {
  if (m.type === 'profile-start') {
    const { Session } = await import('node:inspector');
    session = new Session();
    session.connect();
    await new Promise<void>((r) => session!.post('Profiler.enable', () => session!.post('Profiler.start', () => r())));
    send({ type: 'profile-started' });
  }
  if (m.type === 'profile-stop') {
    const { writeFileSync } = await import('node:fs');
    session!.post('Profiler.stop', (_e, { profile }) => {
      writeFileSync(String(m.file), JSON.stringify(profile));
      session!.disconnect();
      send({ type: 'profile-stopped' });
    });
  }
});

const role = process.argv[2];

async function standin(): Promise<void> {
  const { startStripeStandin } = await import('../../test/stripe-standin/index.js');
  const s = await startStripeStandin({ log: false, rateLimits: false });
  send({ type: 'ready', url: s.url, key: s.keys.secretTest });
}

async function passthrough(): Promise<void> {
  const upstream = process.env.UPSTREAM!;
  const pool = new Pool(upstream, { connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });
  const server = createServer(async (req, res) => {
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      const up = await pool.request({ method: req.method as 'GET', path: req.url!, headers, body: req.method === 'GET' ? null : req });
      const body = Buffer.from(await up.body.arrayBuffer());
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') out[k] = v;
      out['content-length'] = String(body.length);
      res.writeHead(up.statusCode, out);
      res.end(body);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

/**
 * The floor under Linkhub's proxy: Fastify with Linkhub's logger (one line per request to a batched
 * stdout) taking the same POST /unified/proxy JSON body and forwarding its `path` with undici, the
 * provider's body answered as it came: no auth, account, throttle, call log or envelope.
 */
async function fastifyFloor(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { loggerOptions, OneLinePerRequest } = await import('../../src/http/logger.js');
  const { batchedStdout } = await import('../../src/http/log-stream.js');
  const pool = new Pool(process.env.UPSTREAM!, { connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });
  const app = Fastify({ logger: loggerOptions('info', batchedStdout()), logController: new OneLinePerRequest() });
  app.post('/unified/proxy', async (request, reply) => {
    const { path } = request.body as { path: string };
    const up = await pool.request({ method: 'GET', path, headers: { authorization: request.headers.authorization ?? '' } });
    const body = Buffer.from(await up.body.arrayBuffer());
    return reply.code(up.statusCode).type('application/json').send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  send({ type: 'ready', url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
}

/**
 * The floor under the Fastify floor: the same work (JSON body read and parsed, `path` forwarded with
 * undici, one `request completed` line per request through Linkhub's logger options to a batched
 * stdout) on a bare node:http server. The gap between the two floors is what the framework costs.
 */
async function httpFloor(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { loggerOptions } = await import('../../src/http/logger.js');
  const { batchedStdout } = await import('../../src/http/log-stream.js');
  // Fastify's own pino instance (its serializers merged with Linkhub's), never listening: the same line.
  const log = Fastify({ logger: loggerOptions('info', batchedStdout()) }).log;
  const pool = new Pool(process.env.UPSTREAM!, { connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });
  let n = 0;
  const server = createServer((req, res) => {
    const t0 = performance.now();
    const reqId = `req-${(++n).toString(36)}`;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let status = 502;
      let body: Buffer = Buffer.alloc(0);
      try {
        const { path } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { path: string };
        const up = await pool.request({ method: 'GET', path, headers: { authorization: req.headers.authorization ?? '' } });
        body = Buffer.from(await up.body.arrayBuffer());
        status = up.statusCode;
      } catch {
        /* 502 */
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
      log.child({ reqId }).info({ req, res, responseTime: performance.now() - t0 }, 'request completed');
    });
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function linkhub(): Promise<void> {
  const { loadConfig } = await import('../../src/config.js');
  const { buildApp } = await import('../../src/http/app.js');
  const { loggerOptions } = await import('../../src/http/logger.js');
  const { batchedStdout } = await import('../../src/http/log-stream.js');
  const { createServices } = await import('../../src/services/index.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'linkhub-bench-'));
  // BENCH_DATABASE_URL=postgres://…: run on a fresh PostgreSQL database instead of PGlite.
  let scratch: { url: string; drop(): Promise<void> } | null = null;
  const pgEnv: Record<string, string> = {};
  if (process.env.BENCH_DATABASE_URL) {
    const { createScratchDatabase } = await import('../../test/helpers/scratch-database.js');
    scratch = await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'linkhub_bench');
    pgEnv.DATABASE_URL = scratch.url;
  }
  const config = loadConfig({
    LINKHUB_MASTER_KEY: (await import('node:crypto')).randomBytes(32).toString('base64'),
    ...process.env,
    ...pgEnv,
    HOST: '127.0.0.1',
    PORT: '0',
    LINKHUB_DATA_DIR: dataDir,
    LINKHUB_STRIPE_API_BASE: process.env.UPSTREAM!,
    // The stand-in has no rate limits in the benchmark; Linkhub's throttle must not be the limit either.
    LINKHUB_THROTTLE_TEST_RPS: '1000000',
    LINKHUB_THROTTLE_LIVE_RPS: '1000000',
  });
  const services = await createServices(config, { warn: (m) => process.stderr.write(`linkhub: ${m}\n`) });
  const app = await buildApp(services, loggerOptions(config.logLevel, batchedStdout())); // as main.ts does
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  services.config.publicUrl = url;
  const apiKey = services.createdApiKey!;
  const auth = 'Basic ' + Buffer.from(apiKey + ':').toString('base64');
  const cs = await fetch(url + '/connect_sessions', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ origin_owner_id: 'bench', origin_owner_name: 'Bench' }),
  }).then((r) => r.json() as Promise<{ token: string }>);
  const linked = await fetch(url + '/hub/accounts', {
    method: 'POST',
    headers: { 'x-hub-session-token': cs.token, 'content-type': 'application/json' },
    body: JSON.stringify({ integration_id: 'stripe-test', credentials: { api_key: process.env.STRIPE_KEY } }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  if (!linked.id) throw new Error(`linking failed: ${JSON.stringify(linked)}`);
  onMessage(async (m) => {
    if (m.type === 'stats') {
      await services.requestLog.flush();
      const { sql } = await import('drizzle-orm');
      const res = (await services.store.db.execute(sql`select coalesce(sum(count), 0)::int as n from call_log_segments`)) as unknown as {
        rows: { n: number }[];
      };
      send({ type: 'stats', dropped: services.requestLog.dropped, logged: Number(res.rows[0].n) });
    }
    if (m.type === 'record-cost') {
      // CPU (all threads, incl. the embedded store's) to record N calls shaped like the proxy's
      // (encoded on this thread, written in segments by the store; no response body for a 2xx), alone.
      const n = Number(m.n ?? 20_000);
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        services.requestLog.record({
          projectId: 'prj_bench',
          accountId: linked.id,
          provider: 'stripe',
          source: 'proxy',
          actor: { type: 'api_key', id: 'key_bench' },
          action: null,
          method: 'GET',
          path: '/v1/customers?limit=3',
          status: 200,
          error: null,
          durationMs: 1.5,
          attempts: 1,
          providerRequestId: `req_${i.toString(36).padStart(14, '0')}`,
          idempotencyKey: null,
          requestBody: null,
          responseBody: null,
          responseType: 'application/json',
          at: new Date(),
          credentialUsed: true,
        });
        if (i % 200 === 199) await new Promise((r) => setImmediate(r)); // let batches flush as under load
      }
      await services.requestLog.flush();
      const c = process.cpuUsage(c0);
      send({ type: 'record-cost', us: (c.user + c.system) / n });
    }
  });
  const stop = async () => {
    await app.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (scratch) await scratch.drop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  send({ type: 'ready', url, auth, accountId: linked.id, store: services.store.kind, logLevel: config.logLevel, nodeFlags: nodeFlags() });
}

/** This process's node flags, less the bench's own (the tsx loader, profiling). */
const nodeFlags = () => process.execArgv.filter((a, i, all) => a !== '--import' && all[i - 1] !== '--import' && !a.startsWith('--cpu-prof')).join(' ');

export interface LoadJob {
  name: string;
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Substring every 2xx body must contain (sanity check). */
  expect?: string;
}

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  /** Requests completed including warm-up (for CPU per request). */
  total: number;
  /** CPU time of the server under test per request (µs) over warm-up + measurement, when measured. */
  cpuPerRequestUs?: number;
  /** CPU per request of the other processes watched (load generator, upstream), by name. */
  otherCpuUs?: Record<string, number>;
  /** The server's CPU per request by thread: 'main N + threads a/b/c/+rest'. */
  threadSplit?: string;
  firstError?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const pool = new Pool(job.origin, { connections: job.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let stop = false;
  let total = 0;
  const worker = async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: job.method, path: job.path, headers: job.headers, body: job.body ?? null });
        const text = await res.body.text();
        total++;
        const ok = res.statusCode >= 200 && res.statusCode < 300 && (!job.expect || text.includes(job.expect));
        if (measuring) {
          if (ok) lat.push(performance.now() - t0);
          else {
            errors++;
            firstError ??= `${res.statusCode} ${text.slice(0, 200)}`;
          }
        }
      } catch (e) {
        if (measuring) {
          errors++;
          firstError ??= String(e);
        }
      }
    }
  };
  const workers = Array.from({ length: job.concurrency }, worker);
  await new Promise((r) => setTimeout(r, job.warmupMs));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, job.durationMs));
  measuring = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(workers);
  await pool.close();
  const sorted = Float64Array.from(lat).sort();
  const mean = lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length);
  return {
    name: job.name,
    total,
    requests: lat.length,
    errors,
    rps: (lat.length / elapsed) * 1000,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean,
    firstError,
  };
}

async function load(): Promise<void> {
  onMessage(async (m) => {
    if (m.type === 'run') send({ type: 'result', result: await runJob(m.job as LoadJob) });
  });
  send({ type: 'ready' });
}

const roles: Record<string, () => Promise<void>> = { standin, passthrough, 'fastify-floor': fastifyFloor, 'http-floor': httpFloor, linkhub, load };
if (!roles[role]) {
  process.stderr.write(`unknown role ${role}\n`);
  process.exit(2);
}
roles[role]().catch((e: Error) => {
  process.stderr.write(`bench role ${role} failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
