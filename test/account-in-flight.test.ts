// One account's slow calls do not hold the connections every account shares: Linkhub keeps each
// account's calls under way at the provider under a cap (LINKHUB_THROTTLE_MAX_IN_FLIGHT, default 64,
// half of the pool), so another account's call is sent at once. Before the cap, 64 slow calls of one
// account filled the pool and a call of any other account waited behind them (found by the retry and
// fault pass: with trickled answers, up to each attempt's deadline). Over the cap a call waits as for
// the throttle; past the wait or the queue it is refused with Linkhub's 429, never sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import { type StripeStandin, startStripeStandin } from './stripe-standin/index.js';
import { ThrottleError, UpstreamClient, type UpstreamRequest } from '../src/upstream/index.js';

const proxy = (lh: Linkhub, account: string, path: string) => lh.api('POST', '/unified/proxy', { path }, { headers: { 'x-account-id': account } });
const reached = (stripe: StripeStandin, path: string) => stripe.log.filter((e) => e.path === path).length;

describe('an account whose calls the provider answers slowly', () => {
  let lh: Linkhub;
  let stripe: StripeStandin;
  let slow: string;
  let other: string;
  useLinkhub({ env: { LINKHUB_STRIPE_TIMEOUT_MS: '60000', LINKHUB_THROTTLE_TEST_RPS: '100000' } }, async (f) => {
    ({ lh, stripe } = f);
    slow = (await linkAccount(lh, stripe.keys.secretTest)).id;
    other = (await linkAccount(lh, stripe.keys.secretTest)).id;
  });

  test('holds at most 64 connections: another account is answered while they wait, and its 6 calls over the cap wait their turn', async () => {
    const CALLS = 70;
    stripe.inject({ kind: 'delay', delayMs: 6_000, count: 64, pathPrefix: '/v1/customers' }); // the first 64 to arrive
    let slowDone = 0;
    const calls = Array.from({ length: CALLS }, () =>
      proxy(lh, slow, '/v1/customers?limit=1').then((r) => {
        slowDone++;
        return r;
      }),
    );
    await waitFor('64 of the slow calls at the provider', () => reached(stripe, '/v1/customers') >= 64, 30_000);
    const answer = await proxy(lh, other, '/v1/balance');
    assert.equal(answer.status, 200, answer.text);
    assert.equal(slowDone, 0, "the other account's call was answered before any of the slow calls, not after them");
    assert.equal(reached(stripe, '/v1/customers'), 64, 'the calls over the cap wait in Linkhub, not at the provider');

    const answers = await Promise.all(calls);
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(CALLS).fill(200),
    );
    assert.equal(reached(stripe, '/v1/customers'), CALLS, 'each sent once');
    const logs = await lh.api('GET', `/requests/logs?account_id=${slow}&page_size=100`);
    assert.equal(logs.body.data.length, CALLS);
    assert.ok(logs.body.data.every((r: any) => r.status === 200 && r.attempts === 1));
  });
});

describe('calls over the cap', () => {
  let lh: Linkhub;
  let stripe: StripeStandin;
  let acc: string;
  useLinkhub(
    {
      env: {
        LINKHUB_STRIPE_TIMEOUT_MS: '60000',
        LINKHUB_THROTTLE_TEST_RPS: '100000',
        LINKHUB_THROTTLE_MAX_IN_FLIGHT: '2',
        LINKHUB_THROTTLE_MAX_WAIT_MS: '300',
      },
    },
    async (f) => {
      ({ lh, stripe } = f);
      acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
    },
  );

  test('wait up to the throttle wait, then are refused with 429 rate_limited and never sent', async () => {
    stripe.inject({ kind: 'delay', delayMs: 5_000, count: 2, pathPrefix: '/v1/customers' });
    const held = [proxy(lh, acc, '/v1/customers?limit=1'), proxy(lh, acc, '/v1/customers?limit=1')];
    await waitFor('the two calls at the provider', () => reached(stripe, '/v1/customers') === 2);
    const over = await Promise.all([proxy(lh, acc, '/v1/customers?limit=2'), proxy(lh, acc, '/v1/customers?limit=3')]);
    for (const r of over) {
      assert.equal(r.status, 429, r.text);
      assert.equal(r.body.code, 'rate_limited');
      assert.match(r.body.message, /too many of its calls are already under way at the provider/);
      assert.ok(r.body.retry_after_ms > 0);
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    }
    assert.equal(reached(stripe, '/v1/customers'), 2, 'the refused calls never reached the provider');
    assert.deepEqual(
      (await Promise.all(held)).map((r) => r.status),
      [200, 200],
    );
    const after = await proxy(lh, acc, '/v1/customers?limit=4');
    assert.equal(after.status, 200, 'slots are given back when the calls end');
    const logs = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=10`);
    const throttled = logs.body.data.filter((r: any) => r.error === 'throttled');
    assert.equal(throttled.length, 2, 'the refused calls are in the call log');
    assert.ok(throttled.every((r: any) => r.attempts === 0));
  });
});

describe("the upstream client's cap", () => {
  let stripe: StripeStandin;
  before(async () => {
    stripe = await startStripeStandin();
  });
  after(() => stripe.close());

  test('a full queue refuses at once, a waiter that gives up leaves its place, and a freed slot goes to the next in line', async () => {
    const client = new UpstreamClient({ throttle: false, inFlight: { max: 1, maxQueue: 1, maxWaitMs: 30_000 } });
    const key = stripe.keys.secretTest;
    const call = (path: string, signal?: AbortSignal) =>
      client.request({
        base: stripe.url,
        method: 'GET',
        path,
        credential: { header: 'authorization', value: `Bearer ${key}`, secret: key },
        rules: { adviceHeader: null, transientAnswer: null, idempotencyHeader: null, requestIdHeader: null, traceparent: false },
        throttleKey: 'one-account',
        signal,
      } satisfies UpstreamRequest);
    try {
      stripe.inject({ kind: 'delay', delayMs: 1_500, count: 1, pathPrefix: '/v1/customers' });
      const first = call('/v1/customers?limit=1');
      await waitFor('the first call at the provider', () => reached(stripe, '/v1/customers') === 1);
      const gaveUp = new AbortController();
      const leaving = call('/v1/customers?limit=2', gaveUp.signal);
      await assert.rejects(call('/v1/customers?limit=3'), (e: unknown) => e instanceof ThrottleError && e.reason === 'in_flight');
      gaveUp.abort(new Error('the caller left'));
      await assert.rejects(leaving, /the caller left/);
      const next = call('/v1/customers?limit=4'); // the place the leaver freed
      assert.equal((await first).status, 200);
      assert.equal((await next).status, 200);
      assert.deepEqual(
        stripe.log.filter((e) => e.path === '/v1/customers').map((e) => e.query.limit),
        ['1', '4'],
      );
    } finally {
      await client.close();
    }
  });
});
