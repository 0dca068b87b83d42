// An approved call without an answer, sent again while Linkhub's own throttle for the account is full:
// that sending never left Linkhub, but the first may have gone through at Stripe, so the call stays
// unconfirmed (not failed, "not sent"), nothing is told, and a later pass sends it again; Stripe applies
// it once. Its own file: the account's throttle here is 2 requests/s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approvalCalls } from './helpers/approval-calls.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';

let lh: Linkhub;
let c: ReturnType<typeof approvalCalls>;

useLinkhub({ env: { LINKHUB_STRIPE_TIMEOUT_MS: '300', LINKHUB_THROTTLE_MAX_WAIT_MS: '1000', LINKHUB_THROTTLE_TEST_RPS: '2' } }, async (f) => {
  lh = f.lh;
  c = approvalCalls(lh, f.stripe, (await linkAccount(lh, f.stripe.keys.secretTest)).id);
  await lh.services.approvalSweep.stop();
});

test('sent again into a full throttle, an unanswered call stays unconfirmed; a later pass sends it and Stripe applies it once', async () => {
  const { token, ch, id } = await c.unanswered('throttled-1');
  await waitFor('Stripe applied the first sending', async () => (await c.refundsOf(ch)).length === 1);
  await c.age(id, 6 * 60_000);
  const reader = await c.newToken({ read_only: true });
  // more reads than the throttle lets through in its longest wait: it is full while the pass sends
  const burst = Array.from({ length: 12 }, () => fetch(`${lh.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${reader}` } }));
  await waitFor(
    'the throttle is full',
    async () => (await fetch(`${lh.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${reader}` } })).status === 429,
  );
  const sent = c.posts('throttled-1').length;
  await lh.services.approvalSweep.sendAgainUnanswered();
  await Promise.all(burst);
  const shown = (await lh.api('GET', `/approvals/${id}`)).body;
  assert.equal(shown.status, 'unconfirmed', `the first sending may have gone through: ${JSON.stringify(shown)}`);
  assert.equal(c.posts('throttled-1').length, sent, 'this sending never left Linkhub');

  await c.age(id, 20 * 60_000);
  await waitFor(
    'the throttle has room again',
    async () => (await fetch(`${lh.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${reader}` } })).status === 200,
  );
  assert.equal(await lh.services.approvalSweep.sendAgainUnanswered(), 1);
  assert.equal((await lh.api('GET', `/approvals/${id}`)).body.status, 'executed');
  assert.equal((await c.refundsOf(ch)).length, 1, 'applied once');
  const repeat = await c.refund(token, 'throttled-1', `charge=${ch}&amount=4000`);
  assert.equal(repeat.body.object, 'refund', "the agent's repeat gets what Stripe did");
});
