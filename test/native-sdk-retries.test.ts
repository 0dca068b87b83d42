// On the provider's own paths (/v1) the official `stripe` SDK owns the retries and the clock, as it
// does against Stripe: its `maxNetworkRetries` is how many times Stripe is tried (Linkhub makes one
// attempt per request, so the SDK's 2 retries are 3 attempts, not 3 × 3), and an answer slower than
// Linkhub's own deadline for its proxy (LINKHUB_STRIPE_TIMEOUT_MS, 2 s here) still arrives, as it
// would from Stripe within the SDK's wait. The proxy keeps Linkhub's retries and deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Stripe from 'stripe';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
let token: string;

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
  const res = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'agent' });
  assert.equal(res.status, 201, res.text);
  token = (res.body as { token: string }).token;
});

const sdk = (maxNetworkRetries: number) => {
  const u = new URL(lh.url);
  return new Stripe(token, { host: u.hostname, port: Number(u.port), protocol: 'http', telemetry: false, maxNetworkRetries });
};
const customerCalls = () => stripe.log.filter((x) => x.method === 'GET' && x.path === '/v1/customers').length;
const paymentIntentPosts = () => stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/payment_intents');

test('a 503 every time: Stripe is tried as often as the SDK says (1 + maxNetworkRetries), not that times Linkhub’s retries', async () => {
  for (const retries of [0, 2]) {
    stripe.clearLog();
    stripe.inject({ kind: '503', count: 50, pathPrefix: '/v1/customers' });
    const err = (await sdk(retries)
      .customers.list({ limit: 1 })
      .then(
        () => assert.fail('the call succeeded'),
        (e: unknown) => e,
      )) as { statusCode?: number; type?: string };
    assert.equal(err.statusCode, 503, String(err));
    assert.equal(customerCalls(), 1 + retries, `maxNetworkRetries ${retries}`);
    stripe.clearFaults();
  }
});

test('a POST the SDK retries after a 503 keeps its idempotency key: one key upstream, one payment intent', async () => {
  stripe.inject({ kind: '503', count: 1, pathPrefix: '/v1/payment_intents' });
  const pi = await sdk(2).paymentIntents.create({ amount: 1234, currency: 'usd' });
  assert.equal(pi.amount, 1234);
  const posts = paymentIntentPosts();
  assert.equal(posts.length, 2, 'the SDK’s first attempt (503) and its retry');
  const keys = new Set(posts.map((p) => p.idempotencyKey));
  assert.equal(keys.size, 1, `one idempotency key: ${[...keys].join(', ')}`);
});

test('an answer slower than Linkhub’s proxy deadline arrives on /v1 (the SDK waits for it); the proxy gives up', async () => {
  stripe.inject({ kind: 'delay', delayMs: 3000, count: 1, pathPrefix: '/v1/customers' });
  const list = await sdk(0).customers.list({ limit: 2 });
  assert.equal(list.data.length, 2);
  assert.equal(customerCalls(), 1);

  stripe.clearLog();
  stripe.inject({ kind: 'delay', delayMs: 3000, count: 3, pathPrefix: '/v1/customers' });
  const proxied = await lh.api(
    'POST',
    '/unified/proxy',
    { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers?limit=2' },
    { headers: { 'x-account-id': acc } },
  );
  assert.equal(proxied.status, 504, proxied.text);
  assert.equal(customerCalls(), 3, 'the proxy’s own deadline and retries');
});
