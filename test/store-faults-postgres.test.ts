// PostgreSQL going away while Linkhub runs (issue 11, the embedded store): down (connections reset) answered 500,
// frozen (nothing answers) hung requests for 15 s and more. Now both answer 503 store_unavailable
// in the error shape with Retry-After within a bound set by the configured timeouts, and Linkhub
// recovers by itself once PostgreSQL answers again. The machine's real PostgreSQL, behind a TCP
// proxy the test cuts or freezes (test/helpers/tcp-proxy.ts), so the shared server is never touched.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { createServices, type Services } from '../src/services/index.js';
import { isStoreUnavailable } from '../src/store/failures.js';
import { basic } from './helpers/linkhub.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

/** The machine's PostgreSQL (node-svc machines and CI have it; TEST_DATABASE_URL names it when set). */
const SERVER = process.env.LINKHUB_TEST_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECT_TIMEOUT_MS = 500;
const STATEMENT_TIMEOUT_MS = 1000;
/** Generous: the slowest path is a statement timeout after a connect timeout, on a loaded machine. */
const BOUND_MS = 4 * (CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS) + 3000;

let db: ScratchDatabase;
let proxy: TcpProxy;
let services: Services;
let app: FastifyInstance;
let url: string;
let auth: string;

before(async () => {
  db = await createScratchDatabase(SERVER, 'linkhub_faults');
  const target = new URL(db.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(db.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LINKHUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'linkhub-faults-')),
    DATABASE_URL: viaProxy.toString(),
    LINKHUB_MASTER_KEY: randomBytes(32).toString('base64'),
    LINKHUB_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    LINKHUB_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    LINKHUB_DB_POOL_MAX: '4',
  });
  services = await createServices(config, { warn: () => {} });
  app = await buildApp(services, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  auth = basic(services.createdApiKey!);
});
after(async () => {
  proxy?.set('open');
  await app?.close();
  await services?.close();
  await proxy?.close();
  await db?.drop();
});

/** A request timed from the client, abandoned at 30 s (the figure before: 15 s and more). */
async function timed(method: string, path: string, body?: unknown) {
  const started = performance.now(); // monotonic: a step of the wall clock (NTP) is not an answer time
  const signal = AbortSignal.timeout(30_000);
  const init: RequestInit = { method, signal, headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) } };
  if (body) init.body = JSON.stringify(body);
  const res = await fetch(url + path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, retryAfter: res.headers.get('retry-after'), ms: Math.round(performance.now() - started) };
}

function assertUnavailable(r: Awaited<ReturnType<typeof timed>>, what: string) {
  assert.equal(r.status, 503, `${what}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.code, 'store_unavailable');
  assert.equal(r.body.statusCode, 503);
  assert.equal(r.body.retryable, true);
  assert.ok(Date.parse(r.body.timestamp), 'timestamp in the error shape');
  assert.match(r.retryAfter ?? '', /^\d+$/, 'Retry-After in seconds');
  assert.ok(r.ms < BOUND_MS, `${what}: answered in ${r.ms} ms (bound ${BOUND_MS} ms)`);
}

/** Waits until the store answers again (no restart), within a bound. */
async function recovers(): Promise<void> {
  const deadline = performance.now() + BOUND_MS * 2;
  for (;;) {
    const r = await timed('GET', '/accounts');
    if (r.status === 200) return;
    assert.ok(performance.now() < deadline, `still ${r.status} after the store came back: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('PostgreSQL faults', () => {
  test('down: reads, writes and /readyz answer 503 store_unavailable with Retry-After (/healthz stays 200); back up, they work again', async (t) => {
    assert.equal((await timed('GET', '/accounts')).status, 200);
    proxy.set('down');
    const down = await timed('GET', '/accounts');
    assertUnavailable(down, 'GET /accounts');
    t.diagnostic(`down: answered in ${down.ms} ms`);
    assertUnavailable(await timed('POST', '/connect_sessions', { origin_owner_id: 'o-1', origin_owner_name: 'Down Co' }), 'POST /connect_sessions');
    assertUnavailable(await timed('GET', '/readyz'), 'GET /readyz');
    // alive all the same: restarting the process would not bring the database back
    assert.equal((await timed('GET', '/healthz')).status, 200);
    proxy.set('open');
    await recovers();
    assert.equal((await timed('POST', '/connect_sessions', { origin_owner_id: 'o-1', origin_owner_name: 'Up Co' })).status, 201);
  });

  test('frozen: requests answer 503 within the configured timeouts instead of hanging; thawed, they work again', async (t) => {
    assert.equal((await timed('GET', '/accounts')).status, 200);
    proxy.set('frozen');
    // more requests than the pool has connections: none waits for a connection that never frees
    const answers = await Promise.all([
      timed('GET', '/accounts'),
      timed('GET', '/accounts'),
      timed('POST', '/connect_sessions', { origin_owner_id: 'o-2', origin_owner_name: 'Frozen Co' }),
      timed('GET', '/connectors/meta'),
      timed('GET', '/readyz'),
      timed('GET', '/accounts'),
    ]);
    answers.forEach((r, i) => {
      if (r.status !== 200) assertUnavailable(r, `request ${i}`);
    });
    assert.ok(answers.filter((r) => r.status === 503).length >= 4, 'the store-bound requests were refused');
    t.diagnostic(`frozen: answered in ${Math.max(...answers.map((r) => r.ms))} ms at most`);
    proxy.set('open');
    await recovers();
    assert.equal((await timed('POST', '/connect_sessions', { origin_owner_id: 'o-2', origin_owner_name: 'Thawed Co' })).status, 201);
  });

  test('down while a transaction is open between its statements (a restart, a failover): the transaction fails as unavailable, the process lives on', async () => {
    // node-postgres emits 'error' on a checked-out client that has no query under way; with no
    // listener that ended the whole process (exit 1), and every request on it
    const failed = await services.store.db
      .transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        proxy.set('down');
        await new Promise((res) => setTimeout(res, 200)); // the reset reaches the client while no query runs
        await tx.execute(sql`select 1`);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(failed, 'the transaction cannot commit');
    assert.ok(isStoreUnavailable(failed), String(failed));
    proxy.set('open');
    await recovers();
    assert.equal((await timed('POST', '/connect_sessions', { origin_owner_id: 'o-3', origin_owner_name: 'Failover Co' })).status, 201);
  });
});
