// GET /metrics through HTTP: off (404 route_not_found) without LINKHUB_METRICS_TOKEN, 401 without
// the Bearer token or with a wrong one, Prometheus's text format with it; after a proxied call the
// HTTP counters (by route pattern, never the raw URL) and the upstream counters (by connector and
// status) have moved; the accounts gauge counts a linked account; failed webhook deliveries, throttle waits and refusals are
// counted; and no key or token is in the text.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount, startLinkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const TOKEN = 'metrics-token-' + 'x'.repeat(24);
let lh: Linkhub;
let stripe: StripeStandin;
let account: string;
const others: Linkhub[] = [];

useLinkhub({ env: { LINKHUB_METRICS_TOKEN: TOKEN } }, async (f) => {
  ({ lh, stripe } = f);
  account = (await linkAccount(lh, stripe.keys.secretTest, { integration: 'stripe-test' })).id;
});
after(async () => {
  for (const o of others) await o.close();
});

const scrape = (hub: Linkhub, auth: string | false = `Bearer ${TOKEN}`) => hub.api('GET', '/metrics', undefined, { auth });
const proxy = (hub: Linkhub, acc: string) =>
  hub.api('POST', '/unified/proxy', { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers?limit=1' }, { headers: { 'x-account-id': acc } });

/** The samples of `name` whose labels include `labels`, summed (0 when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('access', () => {
  test('off without LINKHUB_METRICS_TOKEN: 404 route_not_found, like any unknown route', async () => {
    const off = await startLinkhub({ stripeApiBase: stripe.url });
    others.push(off);
    const res = await scrape(off);
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'route_not_found');
  });

  test('401 metrics_token_invalid without the token, with a wrong one, or with the API key', async () => {
    for (const auth of [false, `Bearer ${TOKEN}x`, 'Bearer wrong', `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`, `Bearer ${lh.apiKey}`] as const) {
      const res = await scrape(lh, auth);
      assert.equal(res.status, 401, String(auth));
      assert.equal(res.body.code, 'metrics_token_invalid');
      assert.equal(res.body.statusCode, 401);
    }
  });

  test("200 in Prometheus's text format with the Bearer token, naming the build", async () => {
    const res = await scrape(lh);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.text, /^# HELP linkhub_build_info /m);
    assert.equal(sample(res.text, 'linkhub_build_info'), 1);
  });
});

describe('what is counted', () => {
  test('a proxied call moves the HTTP counters by route pattern and the upstream counters by connector and status', async () => {
    const before = (await scrape(lh)).text;
    const res = await proxy(lh, account);
    assert.equal(res.status, 200);
    const text = (await scrape(lh)).text;
    const http = { method: 'POST', route: '/unified/proxy', status: '200' };
    assert.equal(sample(text, 'linkhub_http_requests_total', http) - sample(before, 'linkhub_http_requests_total', http), 1);
    assert.equal(
      sample(text, 'linkhub_http_request_duration_seconds_count', { method: 'POST', route: '/unified/proxy' }) -
        sample(before, 'linkhub_http_request_duration_seconds_count', { method: 'POST', route: '/unified/proxy' }),
      1,
    );
    const up = { connector: 'stripe', status: '200' };
    assert.equal(sample(text, 'linkhub_upstream_calls_total', up) - sample(before, 'linkhub_upstream_calls_total', up), 1);
    assert.ok(sample(text, 'linkhub_upstream_call_duration_seconds_count', { connector: 'stripe' }) >= 1);
  });

  test('routes are labelled by pattern: no account id or raw path in any label; unknown paths are "unmatched"', async () => {
    await lh.api('GET', `/accounts/${account}`);
    await lh.api('GET', '/no/such/path/sk_test_secret');
    const text = (await scrape(lh)).text;
    assert.ok(sample(text, 'linkhub_http_requests_total', { method: 'GET', route: '/accounts/:id', status: '200' }) >= 1);
    assert.ok(sample(text, 'linkhub_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }) >= 1);
    assert.ok(!text.includes(account), 'no account id in the metrics');
    assert.ok(!text.includes('/no/such/path'), 'no raw path in the metrics');
  });

  test('retries are counted by connector', async () => {
    const before = sample((await scrape(lh)).text, 'linkhub_upstream_retries_total', { connector: 'stripe' });
    stripe.inject({ kind: '503', count: 1, pathPrefix: '/v1/customers' });
    const res = await proxy(lh, account);
    assert.equal(res.status, 200);
    const after = sample((await scrape(lh)).text, 'linkhub_upstream_retries_total', { connector: 'stripe' });
    assert.equal(after - before, 1);
  });

  test('the accounts gauge counts the linked account by connector and status', async () => {
    const text = (await scrape(lh)).text;
    assert.equal(sample(text, 'linkhub_accounts', { connector: 'stripe', status: 'active' }), 1);
    assert.ok(/^linkhub_webhook_outbox_pending \d+$/m.test(text), 'outbox depth');
    assert.ok(/^linkhub_webhook_outbox_oldest_pending_age_seconds [\d.e+-]+$/m.test(text), 'outbox age');
    assert.match(text, /^# TYPE linkhub_webhook_delivery_failures_total counter$/m);
    if (lh.services.store.kind === 'postgres') assert.ok(sample(text, 'linkhub_db_pool_connections', { state: 'total' }) >= 1);
    else assert.equal(sample(text, 'linkhub_db_pool_connections'), 0);
  });

  test('failed webhook deliveries are counted, and the outbox shows what waits', async () => {
    const receiver = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const endpoint = await lh.api('POST', '/webhooks', { url });
      assert.equal(endpoint.status, 201, endpoint.text);
      assert.equal((await lh.api('PATCH', `/accounts/${account}`, { label: 'metrics' })).status, 200);
      let text = '';
      for (let i = 0; i < 100 && sample(text, 'linkhub_webhook_delivery_failures_total', { final: 'false' }) < 1; i++) {
        await sleep(50);
        text = (await scrape(lh)).text;
      }
      assert.ok(sample(text, 'linkhub_webhook_delivery_failures_total', { final: 'false' }) >= 1, 'a failed attempt');
      assert.ok(sample(text, 'linkhub_webhook_outbox_pending') >= 1, 'the event waits for its retry');
      assert.equal((await lh.api('DELETE', `/webhooks/${endpoint.body.id}`)).status, 200);
    } finally {
      receiver.close();
    }
  });

  test('throttle waits and refusals are counted', async () => {
    const slow = await startLinkhub({
      stripeApiBase: stripe.url,
      env: { LINKHUB_METRICS_TOKEN: TOKEN, LINKHUB_THROTTLE_TEST_RPS: '1', LINKHUB_THROTTLE_MAX_QUEUE: '1' },
    });
    others.push(slow);
    const acc = (await linkAccount(slow, stripe.keys.secretTest, { integration: 'stripe-test' })).id;
    const answers = await Promise.all([1, 2, 3].map(() => proxy(slow, acc)));
    assert.ok(
      answers.some((a) => a.status === 429),
      `a refusal: ${answers.map((a) => a.status)}`,
    );
    const text = (await scrape(slow)).text;
    assert.ok(sample(text, 'linkhub_throttle_rejections_total', { reason: 'queue_full' }) >= 1);
    assert.ok(sample(text, 'linkhub_throttle_wait_seconds_count') >= 1);
    assert.ok(sample(text, 'linkhub_upstream_calls_total', { connector: 'stripe', status: 'throttled' }) >= 1);
  });

  test('no Stripe key, API key, master key or metrics token in the text', async () => {
    const text = (await scrape(lh)).text;
    for (const secret of [stripe.keys.secretTest, lh.apiKey, lh.masterKey, TOKEN]) assert.ok(!text.includes(secret));
    assert.doesNotMatch(text, /sk_test_|rk_test_|lh_[A-Za-z0-9]{20}/);
  });
});
