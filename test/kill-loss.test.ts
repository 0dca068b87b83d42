// The call log's promise after a hard crash (README, Calling Stripe): kill -9 of the real process
// during a stream of proxied calls loses only calls acknowledged within the last 100 ms. The
// scenario (test/helpers/kill-loss.ts) runs on the store under test; bench/kill-loss.ts repeats it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { killDuringCalls } from './helpers/kill-loss.js';
import { childStore, killAllLinkhubProcesses } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const PROMISE_MS = 100;

let stripe: StripeStandin;
before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  await stripe?.close();
});

test(`kill -9 during a stream of proxied calls loses no call acknowledged more than ${PROMISE_MS} ms before it`, { timeout: 300_000 }, async (t) => {
  const store = await childStore();
  try {
    const r = await killDuringCalls({ store, stripeUrl: stripe.url, stripeKey: stripe.keys.secretTest, clients: 4, streamMs: 1500 });
    t.diagnostic(
      `${store.kind}: ${r.acked} calls acknowledged, ${r.lostAges.length} lost; oldest lost ${r.window.toFixed(1)} ms before the kill; ` +
        `last answer ${r.lastAck.toFixed(1)} ms before it`,
    );
    assert.ok(r.acked >= 100, `a stream of calls was answered (${r.acked})`);
    assert.ok(r.logged > 0, 'the log holds the calls of the stream');
    const late = r.lostAges.filter((age) => age >= PROMISE_MS);
    assert.deepEqual(
      late.map((age) => `${age.toFixed(1)} ms`),
      [],
      `acknowledged calls lost although answered ${PROMISE_MS} ms or more before the kill`,
    );
  } finally {
    await store.drop();
  }
});
