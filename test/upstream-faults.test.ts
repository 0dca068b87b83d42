// A provider (or what stands in front of it) answering badly, as found by the retry and fault pass:
// an answer trickled a byte at a time never ended (undici's timeouts count each gap, not the whole);
// an answer that is not HTTP came back as "could not be sent", attempts 0 and unaudited, though the
// write had reached the provider; a blank Idempotency-Key went out as is on every retry; a retry the
// throttle refused was counted as an attempt; a status outside 100–599 failed the native path (500).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';
import { UpstreamClient, UpstreamUnavailableError } from '../src/upstream/index.js';

const TIMEOUT_MS = 1000;
let lh: Linkhub;
let stripe: StripeStandin;
let acc: string;

useLinkhub({ env: { LINKHUB_STRIPE_TIMEOUT_MS: String(TIMEOUT_MS) } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});

const proxy = (body: unknown, account = acc, l = lh) => l.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': account } });
const rpc = (body: unknown) => lh.api('POST', '/actions/rpc', body, { headers: { 'x-account-id': acc } });

/** The newest call-log rows of the account. */
async function lastCalls(n: number, account = acc, l = lh): Promise<any[]> {
  const logs = await l.api('GET', `/requests/logs?account_id=${account}&page_size=${n}`);
  assert.equal(logs.status, 200, logs.text);
  return logs.body.data;
}

/** The newest audit entries of the account. */
async function lastAudit(n: number): Promise<any[]> {
  const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=${n}`);
  assert.equal(audit.status, 200, audit.text);
  return audit.body.data;
}

describe('answers that never end or are not HTTP', () => {
  test('an answer trickled a byte at a time ends at the deadline of each attempt: 504 provider_timeout, every attempt logged', async () => {
    stripe.inject({ kind: 'drip', count: 3, pathPrefix: '/v1/customers' });
    const res = await proxy({ path: '/v1/customers?limit=1' });
    assert.equal(res.status, 504, res.text);
    assert.equal(res.body.code, 'provider_timeout');
    assert.equal(res.body.attempts, 3, 'a read is tried again');
    assert.equal(stripe.log.filter((e) => e.path === '/v1/customers').length, 3);
    const [row] = await lastCalls(1);
    assert.equal(row.error, 'timeout');
    assert.equal(row.attempts, 3);
  });

  test('a write answered with something that is not HTTP: 502 provider_bad_answer with its idempotency key, sent once, logged and audited as sent', async () => {
    stripe.inject({ kind: 'malformed', count: 1, pathPrefix: '/v1/customers' });
    const res = await rpc({ action: 'stripe_create_customer', body: { email: 'bad-answer@example.com' } });
    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.code, 'provider_bad_answer');
    assert.equal(res.body.attempts, 1, 'not sent again: it may have been carried out');
    assert.match(res.body.idempotency_key, /^linkhub-/);
    assert.match(res.body.message, /may have been carried out/);
    const sent = stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/customers');
    assert.deepEqual(
      sent.map((e) => e.idempotencyKey),
      [res.body.idempotency_key],
    );
    const [row] = await lastCalls(1);
    assert.equal(row.error, 'bad_answer');
    assert.equal(row.attempts, 1);
    assert.equal(row.idempotency_key, res.body.idempotency_key);
    const [audited] = await lastAudit(1);
    assert.equal(audited.action, 'call.rpc:stripe_create_customer', 'the key was used: audited');
    // the same key again is safe, and goes through
    const again = await rpc({
      action: 'stripe_create_customer',
      body: { email: 'bad-answer@example.com' },
      headers: { 'Idempotency-Key': res.body.idempotency_key },
    });
    assert.equal(again.status, 200, again.text);
  });

  test('a status outside 100–599 is no answer: 502 provider_bad_answer on the proxy and in the provider shape on the native path, never a 500', async () => {
    stripe.inject({ kind: 'bad_status', count: 1, pathPrefix: '/v1/balance' });
    const proxied = await proxy({ path: '/v1/balance' });
    assert.equal(proxied.status, 502, proxied.text);
    assert.equal(proxied.body.code, 'provider_bad_answer');
    const token = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'bad-status' });
    assert.equal(token.status, 201, token.text);
    stripe.inject({ kind: 'bad_status', count: 1, pathPrefix: '/v1/balance' });
    const native = await lh.api('GET', '/v1/balance', undefined, { auth: `Bearer ${token.body.token}` });
    assert.equal(native.status, 502, native.text);
    assert.equal(native.body.error.code, 'provider_bad_answer');
  });
});

describe('retries', () => {
  test('a blank Idempotency-Key is none: the POST carries a key of its own, the same on every attempt', async () => {
    for (const blank of ['', ' ', '\t']) {
      stripe.clearLog();
      stripe.inject({ kind: 'reset', count: 2, pathPrefix: '/v1/customers' });
      const res = await proxy({ method: 'post', path: '/v1/customers', body: { email: 'blank@example.com' }, headers: { 'Idempotency-Key': blank } });
      assert.equal(res.status, 200, res.text);
      const keys = stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/customers').map((e) => e.idempotencyKey);
      assert.equal(keys.length, 3, JSON.stringify(keys));
      assert.match(keys[0] ?? '', /^linkhub-/, JSON.stringify(blank));
      assert.ok(
        keys.every((k) => k === keys[0]),
        JSON.stringify(keys),
      );
    }
  });
});

describe('a retry the throttle refuses', () => {
  // The client itself (the store's throttle differs: a leased bucket on PostgreSQL), against the stand-in.
  test('is not an attempt: the call fails with the one attempt sent', async () => {
    const client = new UpstreamClient({ timeoutMs: TIMEOUT_MS, throttle: { maxWaitMs: 0 } });
    try {
      stripe.inject({ kind: 'reset', count: 1, pathPrefix: '/v1/customers' });
      const rules = {
        adviceHeader: 'stripe-should-retry',
        transientAnswer: null,
        idempotencyHeader: 'idempotency-key',
        requestIdHeader: 'request-id',
        traceparent: false,
      };
      const key = stripe.keys.secretTest;
      const call = client.request({
        base: stripe.url,
        method: 'GET',
        path: '/v1/customers?limit=1',
        credential: { header: 'authorization', value: `Bearer ${key}`, secret: key },
        rules,
        throttleKey: 'one-account',
        throttleRate: 1, // its one token taken by the first attempt: the retry, 0.5 s later, would wait
      });
      await assert.rejects(call, (e: unknown) => e instanceof UpstreamUnavailableError && e.attempts === 1);
      assert.equal(stripe.log.filter((e) => e.path === '/v1/customers').length, 1, 'one request reached the provider');
    } finally {
      await client.close();
    }
  });
});
