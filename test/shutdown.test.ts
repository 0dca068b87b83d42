// Graceful shutdown of the real process (issue 11, the HTTP edge: it took 72 s, the keep-alive timeout, and its
// 503 was not in the error shape). On SIGTERM: no new connection is served, a request on an open
// keep-alive connection gets 503 shutting_down in the error shape (or its connection is closed), the
// proxied call in flight completes and is in the call log, and the process exits 0 within 10 s.
import assert from 'node:assert/strict';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { callApi, childStore, type ChildStore, killAllLinkhubProcesses, linkAccount, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const SHUTDOWN_BOUND_MS = 10_000;

let stripe: StripeStandin;
let store: ChildStore;
const servers: Server[] = [];
before(async () => {
  stripe = await startStripeStandin();
  store = await childStore();
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const s of servers) s.close();
  await store?.drop();
  await stripe?.close();
});

/** A gateway to the stand-in that, once armed, holds the next request until released (the call in flight). */
async function holdingGateway(): Promise<{ url: string; arm(): { arrived: Promise<void>; release(): void } }> {
  let armed: { arrive(): void; gate: Promise<void> } | null = null;
  const target = new URL(stripe.url);
  const server = createServer(async (req, res) => {
    const held = armed;
    armed = null;
    if (held) {
      held.arrive();
      await held.gate;
    }
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm() {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => (arrive = r));
      const gate = new Promise<void>((r) => (release = r));
      armed = { arrive, gate };
      return { arrived, release };
    },
  };
}

/** GET over a given agent: the answer, or the connection error. */
function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: any; connection?: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, connection: res.headers.connection }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

test('SIGTERM: the call in flight completes and is logged, open connections get 503 in the shape or are closed, exit 0 within 10 s', async (t) => {
  const gateway = await holdingGateway();
  const env = { ...store.env, LINKHUB_STRIPE_API_BASE: gateway.url };
  const p = await startLinkhubProcess(env);
  const key = /\blh_[A-Za-z0-9]{20,}\b/.exec(p.stdout())![0];
  const account = await linkAccount(p.url, key, stripe.keys.secretTest, { origin_owner_id: 'shutdown-1', origin_owner_name: 'Shutdown' });

  // a keep-alive client with an idle connection open
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  assert.equal(((await get(keepAlive, p.port, '/healthz')) as { status: number }).status, 200);

  // the proxied call in flight, held at the provider
  const hold = gateway.arm();
  const inFlight = callApi(p.url, 'POST', '/unified/proxy', {
    key,
    headers: { 'x-account-id': account.id },
    body: { path: '/v1/customers?limit=2' },
  });
  await hold.arrived;

  const signalled = Date.now();
  p.child.kill('SIGTERM');
  // the process has begun shutting down once it says so
  for (let i = 0; i < 200 && !p.stdout().includes('shutting down'); i++) await new Promise((r) => setTimeout(r, 25));

  const onOpen = await get(keepAlive, p.port, '/accounts');
  if ('status' in onOpen) {
    assert.equal(onOpen.status, 503, JSON.stringify(onOpen));
    assert.equal(onOpen.body.code, 'shutting_down');
    assert.equal(onOpen.body.statusCode, 503);
    assert.ok(Date.parse(onOpen.body.timestamp));
    assert.equal(onOpen.connection, 'close');
  } else assert.match(onOpen.error, /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up/);
  const fresh = await callApi(p.url, 'GET', '/healthz').catch((e: Error) => ({ status: 0, body: null, text: String(e.cause ?? e) }));
  if (fresh.status !== 0) assert.equal(fresh.body.code, 'shutting_down', fresh.text);

  hold.release();
  const done = await inFlight;
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 200);
  assert.equal(done.body.data.data.length, 2);

  const exit = await p.exited;
  const took = Date.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null }, p.stderr());
  assert.ok(took < SHUTDOWN_BOUND_MS, `exited ${took} ms after SIGTERM`);
  t.diagnostic(`exited ${took} ms after SIGTERM`);
  keepAlive.destroy();

  // the call in flight was written to the call log before the exit
  const again = await startLinkhubProcess(env);
  try {
    const logs = await callApi(again.url, 'GET', `/requests/logs?account_id=${account.id}`, { key });
    assert.equal(logs.status, 200, logs.text);
    assert.ok(
      logs.body.data.some((r: { path: string; status: number }) => r.path.startsWith('/v1/customers') && r.status === 200),
      `the call in flight is in the call log: ${logs.text}`,
    );
  } finally {
    await again.stop();
  }
});

test('SIGTERM while a write waits on the provider past the bound: cut before it, answered, logged and audited as sent, exit 0', async (t) => {
  const gateway = await holdingGateway();
  // the provider's timeout (60 s) far beyond the shutdown bound (4 s): only the cut can end the call
  const own = await childStore(); // a store of its own: the API key is printed on its first start
  t.after(() => own.drop());
  const env = { ...own.env, LINKHUB_STRIPE_API_BASE: gateway.url, LINKHUB_STRIPE_TIMEOUT_MS: '60000', LINKHUB_SHUTDOWN_TIMEOUT_MS: '4000' };
  const p = await startLinkhubProcess(env);
  const key = /\blh_[A-Za-z0-9]{20,}\b/.exec(p.stdout())![0];
  const account = await linkAccount(p.url, key, stripe.keys.secretTest, { origin_owner_id: 'shutdown-2', origin_owner_name: 'Shutdown' });

  const hold = gateway.arm(); // never released
  const inFlight = callApi(p.url, 'POST', '/actions/rpc', {
    key,
    headers: { 'x-account-id': account.id },
    body: { action: 'stripe_create_customer', body: { email: 'cut@example.com' } },
  }).catch((e: Error) => ({ status: 0, body: null, text: String(e.cause ?? e) }));
  await hold.arrived;
  p.child.kill('SIGTERM');
  const exit = await p.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, p.stderr());
  await inFlight; // its connection was cut with the rest

  const again = await startLinkhubProcess(env);
  try {
    const logs = await callApi(again.url, 'GET', `/requests/logs?account_id=${account.id}&page_size=5`, { key });
    assert.equal(logs.status, 200, logs.text);
    const cut = logs.body.data.find((r: { path: string; http_method: string }) => r.http_method === 'POST' && r.path === '/v1/customers');
    assert.ok(cut, `the call cut off is in the call log: ${logs.text}\n${p.stdout()}\n${p.stderr()}`);
    assert.equal(cut.attempts, 1, 'it was sent');
    assert.match(cut.idempotency_key, /^linkhub-/);
    const audit = await callApi(again.url, 'GET', `/audit?account_id=${account.id}&limit=5`, { key });
    assert.ok(
      audit.body.data.some((e: { action: string }) => e.action === 'call.rpc:stripe_create_customer'),
      `the use of the key is audited: ${audit.text}`,
    );
  } finally {
    await again.stop();
  }
});
