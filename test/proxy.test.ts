// POST /unified/proxy: forwarding with the linked account's key, Stripe's form encoding, the
// {status, headers, data} envelope, the SSRF lock to Stripe's origin (refused and never sent),
// header rules, retries with one Idempotency-Key, per-account throttling, and what a 401/403
// from Stripe does to the account.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, beforeEach, describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { MAIN_ACCOUNT_ID, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let evil: { server: Server; url: string; port: number; hits: string[] };
let secretAcc: string;
let restrictedAcc: string;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const link = async (hub: Linkhub, key: string, environment: 'test' | 'production' = 'test'): Promise<string> =>
  (await linkAccount(hub, key, { integration: `stripe-${environment}` })).id;

const proxy = (hub: Linkhub, accountId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  hub.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': accountId, ...headers } });

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('{"stolen":true}');
  });
  const port = await listen(server);
  evil = { server, port, url: `http://127.0.0.1:${port}`, hits };
  secretAcc = await link(lh, stripe.keys.secretTest);
  restrictedAcc = await link(lh, stripe.keys.restrictedTest);
});
after(() => {
  evil?.server.close();
});
beforeEach(() => {
  stripe.setRateLimits(false);
});

describe('forwarding', () => {
  test('GET with a query string: Stripe gets the account key as Bearer; the answer is {status, headers, data}', async () => {
    const res = await proxy(lh, secretAcc, { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers?limit=3' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['data', 'headers', 'status']);
    assert.equal(res.body.status, 200);
    assert.equal(res.body.data.object, 'list');
    assert.equal(res.body.data.data.length, 3);
    assert.match(res.body.headers['request-id'], /^req_/);
    assert.equal(res.body.headers['set-cookie'], undefined);
    assert.equal(res.body.headers.connection, undefined);
    assert.equal(stripe.log.length, 1);
    const e = stripe.log[0];
    assert.equal(e.method, 'GET');
    assert.equal(e.path, '/v1/customers');
    assert.deepEqual(e.query, { limit: '3' });
    assert.equal(e.authScheme, 'bearer');
    assert.equal(e.keyLast4, stripe.keys.secretTest.slice(-4));
  });

  test('url and path combine: no url, the public origin in any case with :443, and a /v1 prefix', async () => {
    const variants = [
      { path: '/v1/customers?limit=1' },
      { url: null, method: null, path: '/v1/customers?limit=1' },
      { url: 'HTTPS://API.STRIPE.COM:443/', path: '/v1/customers?limit=1' },
      { url: 'https://api.stripe.com/v1', path: '/customers?limit=1' },
      { url: stripe.url, path: '/v1/customers?limit=1' },
    ];
    for (const body of variants) {
      const res = await proxy(lh, secretAcc, body);
      assert.equal(res.status, 200, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.status, 200);
    }
    assert.deepEqual(
      stripe.log.map((e) => e.path),
      variants.map(() => '/v1/customers'),
    );
  });

  test('a nested JSON body is form-encoded the way stripe-node does; Stripe parses it back intact', async () => {
    const body = {
      email: 'nested@example.com',
      name: 'Zoë & Co = "quoted"',
      metadata: { plan: 'pro', 'with space': 'a&b=c', empty: '' },
      preferred_locales: ['en', 'fr'],
      address: { line1: '1 Main St', city: 'Paris', postal_code: '75001' },
      invoice_settings: {
        custom_fields: [
          { name: 'PO', value: '42' },
          { name: 'Ref', value: 'x/y' },
        ],
      },
      balance: -150,
      tax_exempt: 'none',
    };
    const res = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 200);
    assert.equal(res.body.data.email, 'nested@example.com');
    assert.equal(res.body.data.name, body.name);
    assert.deepEqual(res.body.data.metadata, { plan: 'pro', 'with space': 'a&b=c' }, 'an empty value unsets a metadata key');
    const e = stripe.log[0];
    assert.equal(e.method, 'POST');
    // Form fields arrive as strings: the one number of the body is the only difference.
    assert.deepEqual(e.body, { ...body, balance: '-150' });
  });

  test('GET and DELETE: body fields go to the query string', async () => {
    const res = await proxy(lh, secretAcc, { method: 'GET', path: '/v1/customers?limit=2', body: { created: { gte: 1 }, expand: ['data.default_source'] } });
    assert.equal(res.body.status, 200, res.text);
    assert.deepEqual(stripe.log[0].query, { limit: '2', created: { gte: '1' }, expand: ['data.default_source'] });

    const created = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body: { email: 'del@example.com' } });
    const id = created.body.data.id;
    stripe.clearLog();
    const del = await proxy(lh, secretAcc, { method: 'delete', path: `/v1/customers/${id}` });
    assert.equal(del.body.status, 200, del.text);
    assert.equal(del.body.data.deleted, true);
    assert.equal(stripe.log[0].method, 'DELETE');
  });

  test('a Stripe error comes back as HTTP 200 with status, data and provider_errors', async () => {
    const res = await proxy(lh, secretAcc, { method: 'get', path: '/v1/customers/cus_doesnotexist' });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 404);
    assert.equal(res.body.data.error.code, 'resource_missing');
    assert.equal(res.body.provider_errors.length, 1);
    assert.equal(res.body.provider_errors[0].status, 404);
    assert.equal(res.body.provider_errors[0].url, 'https://api.stripe.com/v1/customers/cus_doesnotexist');
    assert.equal(res.body.provider_errors[0].raw.error.code, 'resource_missing');
    assert.equal(res.body.message, "No such customer: 'cus_doesnotexist'");
  });

  test("Linkhub's own failures use the error shape: auth, missing/unknown account, bad method or body", async () => {
    const noAuth = await lh.api('POST', '/unified/proxy', { path: '/v1/customers' }, { auth: false, headers: { 'x-account-id': secretAcc } });
    assert.equal(noAuth.status, 401);
    const missing = await lh.api('POST', '/unified/proxy', { path: '/v1/customers' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /x-account-id/);
    const unknown = await proxy(lh, 'acc_doesnotexist', { path: '/v1/customers' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'Account not found');
    const method = await proxy(lh, secretAcc, { method: 'trace', path: '/v1/customers' });
    assert.equal(method.status, 400);
    const arrayBody = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body: [1, 2] });
    assert.equal(arrayBody.status, 400);
    for (const r of [noAuth, missing, unknown, method, arrayBody]) {
      assert.deepEqual(Object.keys(r.body).slice(0, 3), ['statusCode', 'message', 'timestamp']);
      assert.equal(r.body.statusCode, r.status);
    }
    assert.equal(stripe.log.length, 0);
  });
});

describe('locked to Stripe: refused with 400 and never sent', () => {
  test('other hosts, schemes, ports, userinfo, protocol-relative and encoded tricks', async () => {
    const e = evil.url;
    const host = `127.0.0.1:${evil.port}`;
    const cases: Record<string, unknown>[] = [
      { url: e, path: '/v1/customers' },
      { url: `${e}/v1`, path: '/customers' },
      { url: 'https://evil.example.com', path: '/v1/customers' },
      { url: 'http://api.stripe.com', path: '/v1/customers' },
      { url: 'https://api.stripe.com:8443', path: '/v1/customers' },
      { url: 'https://api.stripe.com.evil.example.com', path: '/v1/customers' },
      { url: `https://api.stripe.com@${host}`, path: '/v1/customers' },
      { url: `https://user:pass@api.stripe.com`, path: '/v1/customers' },
      { url: `https://api.stripe.com\\@${host}`, path: '/v1/customers' },
      { url: `//${host}`, path: '/v1/customers' },
      { url: 'file:///etc/passwd', path: '' },
      { url: 'https://api.stripe.com/%2e%2e', path: '/v1/customers' },
      { url: 'https://api.stripe.com/v1?x=1', path: '/customers' },
      { path: `//${host}/v1/customers` },
      { path: `/\\${host}/v1/customers` },
      { path: `${e}/v1/customers` },
      { path: `@${host}/v1/customers` },
      { path: `/v1/customers@${host}` },
      { path: `/%2F%2F${host}/v1/customers` },
      { path: '/v1/../../customers' },
      { path: '/v1/%2e%2e/customers' },
      { path: '/v1/customers%252f..' },
      { path: '/v1/customers%40evil' },
      { path: '/v1/customers\r\nHost: evil.example.com' },
      { path: '/v1/customers\u0000' },
      { path: 'v1/customers' },
      { path: '/v1/customers#fragment' },
      { path: '/v1/custömers' },
    ];
    for (const body of cases) {
      const res = await proxy(lh, secretAcc, { method: 'get', ...body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
      assert.equal(res.body.code, 'url_refused', JSON.stringify(body));
      assert.equal(typeof res.body.reason, 'string');
      assert.equal(res.body.statusCode, 400);
    }
    assert.deepEqual(evil.hits, [], 'the evil server was never contacted');
    assert.equal(stripe.log.length, 0, 'nothing reached Stripe either');
  });

  test('a redirect from upstream is not followed: the 3xx comes back as data', async () => {
    // A gateway in front of the stand-in that records raw request headers and redirects one path.
    const seen: IncomingHttpHeaders[] = [];
    const gateway = createServer(async (req, res) => {
      seen.push(req.headers);
      if (req.url?.startsWith('/v1/redirect-me')) {
        res.writeHead(302, { location: `${evil.url}/steal`, 'content-type': 'application/json' });
        res.end('{"moved":true}');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'connection' && k !== 'content-length') headers[k] = v;
      const up = await fetch(stripe.url + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json', 'request-id': up.headers.get('request-id') ?? '' });
      res.end(Buffer.from(await up.arrayBuffer()));
    });
    const port = await listen(gateway);
    const lh2 = await startLinkhub({ stripeApiBase: `http://127.0.0.1:${port}` });
    try {
      const acc = await link(lh2, stripe.keys.secretTest);
      seen.length = 0;
      const res = await proxy(lh2, acc, {
        method: 'post',
        path: '/v1/redirect-me',
        body: { a: 1 },
        headers: {
          Authorization: 'Bearer sk_test_callerTriesToOverride1234',
          Cookie: 'session=abc',
          Host: 'evil.example.com',
          Connection: 'close, x-hop',
          'x-hop': 'should-not-pass',
          'Transfer-Encoding': 'chunked',
          'Proxy-Authorization': 'Basic eA==',
          'X-Forwarded-For': '10.0.0.1',
          'X-HTTP-Method-Override': 'DELETE',
          'X-Forwarded-Prefix': '/admin',
          'X-Original-URL': '/v1/refunds',
          'X-Rewrite-URL': '/v1/refunds',
          'X-Original-Host': 'evil.example',
          'X-Host': 'evil.example',
          'Max-Forwards': '0',
          'x-account-id': acc,
          'Stripe-Version': '2024-06-20',
          'Stripe-Account': MAIN_ACCOUNT_ID,
          'Idempotency-Key': 'caller-key-1',
          'X-Custom': 'kept',
        },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 302);
      assert.deepEqual(res.body.data, { moved: true });
      assert.equal(res.body.headers.location, `${evil.url}/steal`);
      assert.deepEqual(evil.hits, []);
      assert.equal(seen.length, 1);
      const h = seen[0];
      assert.equal(h.authorization, `Bearer ${stripe.keys.secretTest}`, 'only the stored key, as Bearer');
      assert.notEqual(h.authorization, undefined);
      assert.equal(h.cookie, undefined);
      assert.equal(h.host, `127.0.0.1:${port}`);
      assert.equal(h['x-hop'], undefined);
      assert.equal(h['proxy-authorization'], undefined);
      assert.equal(h['x-forwarded-for'], undefined);
      assert.equal(h['x-http-method-override'], undefined, 'the method sent is the one judged');
      for (const name of ['x-forwarded-prefix', 'x-original-url', 'x-rewrite-url', 'x-original-host', 'x-host', 'max-forwards']) {
        assert.equal(h[name], undefined, `${name}: a gateway could take it for the URL asked (the path sent is the one judged)`);
      }
      assert.equal(h['x-account-id'], undefined);
      assert.equal(h['transfer-encoding'], undefined);
      assert.equal(h['stripe-version'], '2024-06-20');
      assert.equal(h['stripe-account'], MAIN_ACCOUNT_ID);
      assert.equal(h['idempotency-key'], 'caller-key-1');
      assert.equal(h['x-custom'], 'kept');
      assert.equal(h['content-type'], 'application/x-www-form-urlencoded');
      const linkhubKey = Buffer.from(lh2.apiKey + ':').toString('base64');
      assert.ok(!JSON.stringify(h).includes(linkhubKey) && !JSON.stringify(h).includes(lh2.apiKey), "Linkhub's own API key is never forwarded");
    } finally {
      await lh2.close();
      gateway.close();
    }
  });
});

describe('caller headers', () => {
  test('Stripe-Version, Stripe-Account and Idempotency-Key pass through; the key cannot be overridden', async () => {
    const res = await proxy(lh, secretAcc, {
      method: 'post',
      path: '/v1/customers',
      body: { email: 'h@example.com' },
      headers: {
        'Stripe-Version': '2024-06-20',
        'Stripe-Account': MAIN_ACCOUNT_ID,
        'Idempotency-Key': 'hdr-1',
        authorization: `Bearer ${stripe.keys.otherAccountSecretTest}`,
      },
    });
    assert.equal(res.body.status, 200, res.text);
    const e = stripe.log[0];
    assert.equal(e.stripeVersion, '2024-06-20');
    assert.equal(e.stripeAccount, MAIN_ACCOUNT_ID);
    assert.equal(e.idempotencyKey, 'hdr-1');
    assert.equal(e.keyLast4, stripe.keys.secretTest.slice(-4));
    assert.equal(res.body.headers['stripe-version'], '2024-06-20');
  });

  test('Stripe-Account naming an account the key cannot act on: Stripe’s own refusal, not a missing permission', async () => {
    const res = await proxy(lh, secretAcc, { path: '/v1/customers', headers: { 'Stripe-Account': 'acct_1NotOursAtAll' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 403);
    assert.equal(res.body.code, 'account_invalid');
    assert.match(res.body.message, /does not have access to account 'acct_1NotOursAtAll'/);
    assert.doesNotMatch(res.text, /lacks the|unknown' permission/);
    const account = await lh.api('GET', `/accounts/${secretAcc}`);
    assert.equal(account.body.status, 'active', 'no verdict on the stored key');
  });

  test('the same caller Idempotency-Key twice: one write, the second answer is a replay', async () => {
    const body = { method: 'post', path: '/v1/customers', body: { email: 'once@example.com' }, headers: { 'Idempotency-Key': 'same-key-twice' } };
    const first = await proxy(lh, secretAcc, body);
    const second = await proxy(lh, secretAcc, body);
    assert.equal(first.body.status, 200);
    assert.equal(second.body.data.id, first.body.data.id);
    assert.equal(second.body.headers['idempotent-replayed'], 'true');
  });
});

describe('retries', () => {
  test('503 then success: retried with the same generated Idempotency-Key, one write', async () => {
    const before = stripe.world.store(MAIN_ACCOUNT_ID, 'test', 'customers').items.length;
    stripe.inject({ kind: '503', count: 1, pathPrefix: '/v1/customers' });
    const res = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body: { email: 'retry@example.com' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 200);
    assert.equal(stripe.log.length, 2);
    const [a, b] = stripe.log;
    assert.equal(a.fault, '503');
    assert.equal(b.status, 200);
    assert.match(a.idempotencyKey ?? '', /^linkhub-/);
    assert.equal(a.idempotencyKey, b.idempotencyKey);
    assert.equal(res.body.headers['idempotency-key'], a.idempotencyKey);
    assert.equal(stripe.world.store(MAIN_ACCOUNT_ID, 'test', 'customers').items.length, before + 1);
  });

  test('500 with Stripe-Should-Retry: false is never retried', async () => {
    stripe.inject({ kind: '500', count: 1 });
    const res = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body: { email: 'no-retry@example.com' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 500);
    assert.equal(res.body.headers['stripe-should-retry'], 'false');
    assert.equal(stripe.log.length, 1);
  });

  test('429 lock_timeout (Stripe-Should-Retry: true) and 409 are retried; GET after a reset too', async () => {
    stripe.inject({ kind: 'lock_timeout', count: 1 });
    const lock = await proxy(lh, secretAcc, { method: 'get', path: '/v1/customers?limit=1' });
    assert.equal(lock.body.status, 200);
    assert.deepEqual(
      stripe.log.map((e) => e.status),
      [429, 200],
    );

    stripe.clearLog();
    stripe.inject({ kind: '409', count: 1 });
    const conflict = await proxy(lh, secretAcc, { method: 'post', path: '/v1/customers', body: { email: 'c@example.com' } });
    assert.equal(conflict.body.status, 200);
    assert.equal(stripe.log.length, 2);
    assert.equal(stripe.log[0].idempotencyKey, stripe.log[1].idempotencyKey);

    stripe.clearLog();
    stripe.inject({ kind: 'reset', count: 1 });
    const reset = await proxy(lh, secretAcc, { method: 'get', path: '/v1/customers?limit=1' });
    assert.equal(reset.body.status, 200);
    assert.equal(stripe.log.length, 2);
  });

  test('Stripe unreachable after retries: 502 in the error shape, retryable', async () => {
    stripe.inject({ kind: 'reset', count: 10 });
    const res = await proxy(lh, secretAcc, { method: 'get', path: '/v1/customers?limit=1' });
    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.statusCode, 502);
    assert.equal(res.body.code, 'provider_unreachable');
    assert.equal(res.body.retryable, true);
    assert.equal(stripe.log.length, 3);
    stripe.clearFaults();
  });
});

describe('per-account throttle', () => {
  test("with Stripe's test-mode limit on, a burst of concurrent calls gets no Stripe 429", async () => {
    stripe.setRateLimits({ test: 25 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 45 }, () => proxy(lh, secretAcc, { method: 'get', path: '/v1/customers?limit=1' })));
    assert.deepEqual(
      results.map((r) => [r.status, r.body.status]).filter(([h, s]) => h !== 200 || s !== 200),
      [],
      'every call went through with 200',
    );
    assert.equal(stripe.log.filter((e) => e.status === 429).length, 0);
    assert.ok(Date.now() - started >= 900, 'Linkhub spread the calls over time');
  });

  test("overflow beyond the (small, configured) queue gets Linkhub's own 429 and is never sent", async () => {
    const lh2 = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_THROTTLE_TEST_RPS: '4', LINKHUB_THROTTLE_MAX_QUEUE: '3' } });
    try {
      const acc = await link(lh2, stripe.keys.secretTest);
      stripe.clearLog();
      const results = await Promise.all(Array.from({ length: 12 }, () => proxy(lh2, acc, { method: 'get', path: '/v1/customers?limit=1' })));
      const limited = results.filter((r) => r.status === 429);
      const passed = results.filter((r) => r.status === 200);
      assert.ok(limited.length >= 5, `expected refusals, got ${limited.length}`);
      assert.equal(limited.length + passed.length, 12);
      for (const r of limited) {
        assert.equal(r.body.statusCode, 429);
        assert.equal(r.body.code, 'rate_limited');
        assert.equal(r.body.retryable, true);
        assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      }
      assert.equal(stripe.log.length, passed.length, 'refused calls were never sent');
    } finally {
      await lh2.close();
    }
  });
});

describe('what Stripe says about the key', () => {
  test('401: the account turns error (reason invalid_key), an account.updated webhook goes out; a 2xx later restores it', async () => {
    const events: any[] = [];
    const receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end('ok');
    });
    const port = await listen(receiver);
    const hook = await lh.api('POST', '/webhooks', { url: `http://127.0.0.1:${port}/hook` });
    assert.equal(hook.status, 201, hook.text);
    try {
      const key = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
      const acc = await link(lh, key);
      stripe.world.setKeyStatus(key, 'deleted');
      const res = await proxy(lh, acc, { method: 'get', path: '/v1/customers?limit=1' });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 401);
      assert.equal(res.body.code, 'invalid_key');
      assert.equal(res.body.account_status, 'error');
      assert.match(res.body.message, /account is now in error/);
      const account = await lh.api('GET', `/accounts/${acc}`);
      assert.equal(account.body.status, 'error');
      assert.equal(account.body.status_reasons[0].code, 'invalid_key');
      const deadline = Date.now() + 5000;
      while (!events.some((e) => e.event === 'account.updated' && e.account_id === acc && e.data.status === 'error') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(
        events.some((e) => e.event === 'account.updated' && e.account_id === acc && e.data.status === 'error'),
        'account.updated webhook',
      );

      // The account stays callable; Stripe judges the key again. Un-revoked (e.g. fixed on Stripe's side): active again.
      stripe.world.setKeyStatus(key, 'active');
      const again = await proxy(lh, acc, { method: 'get', path: '/v1/customers?limit=1' });
      assert.equal(again.body.status, 200);
      const restored = await lh.api('GET', `/accounts/${acc}`);
      assert.equal(restored.body.status, 'active');
      assert.deepEqual(restored.body.status_reasons, []);

      stripe.world.setKeyStatus(key, 'expired');
      const expired = await proxy(lh, acc, { method: 'get', path: '/v1/customers?limit=1' });
      assert.equal(expired.body.code, 'expired_key');
      assert.equal((await lh.api('GET', `/accounts/${acc}`)).body.status_reasons[0].code, 'expired_key');
    } finally {
      await lh.api('DELETE', `/webhooks/${hook.body.id}`);
      receiver.close();
    }
  });

  test('403: the answer names the missing rak_ permission and where to grant it', async () => {
    const res = await proxy(lh, restrictedAcc, { method: 'post', path: '/v1/customers', body: { email: 'rk@example.com' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 403);
    assert.equal(res.body.code, 'missing_permission');
    assert.equal(res.body.permission, 'rak_customer_write');
    assert.match(res.body.message, /rak_customer_write/);
    assert.match(res.body.message, /Customers: Write/);
    assert.match(res.body.message, /Developers > API keys, edit the restricted key/);
    assert.match(res.body.provider_errors[0].raw.error.message, /rak_customer_write/);
    const account = await lh.api('GET', `/accounts/${restrictedAcc}`);
    assert.equal(account.body.status, 'active', 'a missing permission does not put the account in error');

    const closed = await proxy(lh, restrictedAcc, { method: 'get', path: '/v1/account' });
    assert.equal(closed.body.status, 403);
    assert.equal(closed.body.code, 'not_available_to_restricted_keys');
  });

  test('a deleted account is gone for the proxy at once (the key cache is dropped)', async () => {
    const acc = await link(lh, stripe.keys.secretTest);
    assert.equal((await proxy(lh, acc, { path: '/v1/customers?limit=1' })).body.status, 200);
    assert.equal((await lh.api('DELETE', `/accounts/${acc}`)).status, 200);
    const res = await proxy(lh, acc, { path: '/v1/customers?limit=1' });
    assert.equal(res.status, 404);
  });

  test('a replaced key is used at once (the key cache is dropped)', async () => {
    const acc = await link(lh, stripe.keys.secretTest);
    assert.equal((await proxy(lh, acc, { path: '/v1/customers?limit=1' })).body.status, 200);
    const key2 = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
    const patch = await lh.api('PATCH', `/accounts/${acc}`, { credentials: { api_key: key2 } });
    assert.equal(patch.status, 200, patch.text);
    stripe.clearLog();
    await proxy(lh, acc, { path: '/v1/customers?limit=1' });
    assert.equal(stripe.log[0].keyLast4, key2.slice(-4));
  });
});
