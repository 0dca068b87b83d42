// How long approvals last. A held call left undecided for a week expires: it is shown, listed and
// refused as expired (a person's approval, the agent's repeat) and never sent, and the approval pass
// makes it final with `approval.resolved`; expired calls no longer count against an agent's 100 waiting.
// An approved call that got no answer is sent again by the pass itself after 5 minutes, and by the
// agent's repeat or a person at once, but only while Stripe still keeps its idempotency key (24 h after
// the first sending, less an hour): later, sent again, it could be applied twice, so it is not.
// Time is moved by ageing the rows in the store; the pass's timer is stopped and its steps run by the
// tests, so that it acts only when a test says.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { approvalCalls, DAY, HOUR } from './helpers/approval-calls.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import { registerWebhookReceiver } from './helpers/webhook-receiver.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let hooks: Awaited<ReturnType<typeof registerWebhookReceiver>>;
let c: ReturnType<typeof approvalCalls>;

// a short upstream timeout, so that a delayed Stripe leaves a call unanswered (Stripe's delay is seconds
// longer: undici's timers fire up to ~1 s late)
useLinkhub({ webhookPollMs: 20, env: { LINKHUB_STRIPE_TIMEOUT_MS: '300', LINKHUB_THROTTLE_MAX_WAIT_MS: '1000' } }, async (f) => {
  ({ lh, stripe } = f);
  c = approvalCalls(lh, stripe, (await linkAccount(lh, stripe.keys.secretTest)).id);
  hooks = await registerWebhookReceiver(lh);
  await lh.services.approvalSweep.stop();
});
after(() => hooks.stop());

const resolvedEvents = (id: string) => hooks.events.filter((e) => e.event === 'approval.resolved' && e.record_id === id);

describe('a call left undecided', () => {
  test('a week later it is expired: shown, listed and refused as such, never sent; the expiry pass makes it final and tells', async () => {
    const token = await c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
    const ch = await c.charge(9000);
    const held = await c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(held.body.error.code, 'approval_required');
    const id = held.body.error.approval as string;
    const fresh = await lh.api('GET', `/approvals/${id}`);
    assert.equal(fresh.body.status, 'pending');
    assert.equal(Date.parse(fresh.body.expires_at) - Date.parse(fresh.body.created_at), 7 * DAY, 'a week to decide');

    await c.age(id, 7 * DAY + 60_000);
    const shown = await lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'expired', shown.text);
    assert.ok(Date.parse(shown.body.expires_at) < Date.now());
    assert.ok(!(await lh.api('GET', '/approvals?status=pending')).body.some((a: any) => a.id === id), 'not listed as pending');
    assert.ok(
      (await lh.api('GET', '/approvals?status=expired')).body.some((a: any) => a.id === id),
      'listed as expired',
    );

    const approved = await lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(approved.status, 409, approved.text);
    assert.equal(approved.body.code, 'approval_not_pending');
    assert.match(approved.body.message, /expired/);
    const repeat = await c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(repeat.status, 403, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.code, 'policy_denied');
    assert.equal(repeat.body.error.reason_code, 'approval_expired');
    assert.equal(c.posts('late-1').length, 0, 'never sent');

    assert.equal(await lh.services.approvalSweep.expireStale(), 1);
    await waitFor('approval.resolved for the expired call', () =>
      hooks.events.some((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.status === 'expired'),
    );
    const [row] = await c.rows(`select status, resolved_at from approvals where id = '${id}'`);
    assert.equal(row.status, 'expired');
    assert.ok(row.resolved_at, 'written with the time it expired');
    assert.equal(await lh.services.approvalSweep.expireStale(), 0, 'expired once');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(resolvedEvents(id).length, 1, 'told once');
    const written = (await lh.api('GET', `/approvals/${id}`)).body;
    assert.equal(written.status, 'expired');
    assert.equal(written.expires_at, shown.body.expires_at, 'still says when it expired');
    assert.equal(written.resolved_by, 'system:approvals');
    const later = await c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(later.body.error?.reason_code, 'approval_expired', `written expired, the repeat is still refused as such: ${JSON.stringify(later.body)}`);
    assert.equal(later.headers.get('stripe-should-retry'), 'false');
    assert.equal((await lh.api('POST', `/approvals/${id}/deny`)).body.code, 'approval_not_pending');
  });

  test('expired calls no longer count against the agent’s 100 waiting approvals', async () => {
    const token = await c.newToken({ money: { usd: { approval_above: 1 } } });
    const ch = await c.charge(9000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await c.refund(token, `wait-${i}`, `charge=${ch}&amount=${10 + i}`)).body.error.approval);
    const full = await c.refund(token, 'one-more', `charge=${ch}&amount=500`);
    assert.equal(full.status, 429, JSON.stringify(full.body));
    for (const id of ids) await c.age(id, 7 * DAY + 60_000);
    const room = await c.refund(token, 'one-more', `charge=${ch}&amount=500`);
    assert.equal(room.body.error.code, 'approval_required', JSON.stringify(room.body));
  });
});

describe('an approved call without an answer, later', () => {
  test('sent again only while Stripe keeps its key: past 23 h after the first sending it is refused, to the agent and to an approver', async () => {
    const { token, ch, id, approved } = await c.unanswered('old-1');
    assert.equal(
      Date.parse(approved.send_again_until) - Date.parse(approved.resolved_at),
      23 * HOUR,
      'Stripe keeps a key 24 h after its first use; an hour is kept as margin',
    );
    const sent = c.posts('old-1').length;
    assert.ok(sent >= 1);

    await c.age(id, 23 * HOUR + 60_000);
    const repeat = await c.refund(token, 'old-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 409, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.code, 'approval_send_again_closed');
    assert.equal(repeat.body.error.type, 'idempotency_error', "the stripe SDK's StripeIdempotencyError");
    assert.equal(repeat.body.error.idempotency_key, 'old-1');
    assert.match(repeat.body.error.message, /24 hours/);
    const again = await lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.code, 'approval_send_again_closed');
    assert.equal(await lh.services.approvalSweep.sendAgainUnanswered(), 0, 'nor by the approval pass');
    assert.equal(c.posts('old-1').length, sent, 'not sent again');
    const shown = await lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'unconfirmed');
    assert.ok(Date.parse(shown.body.send_again_until) < Date.now());
  });

  test('within the time, the agent’s repeat still sends it again and gets what Stripe did', async () => {
    const { token, ch, id } = await c.unanswered('old-2');
    await c.age(id, 22 * HOUR);
    const repeat = await c.refund(token, 'old-2', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 200, JSON.stringify(repeat.body));
    assert.equal(repeat.body.object, 'refund');
    assert.equal((await lh.api('GET', `/approvals/${id}`)).body.status, 'executed');
  });

  test('Linkhub sends it again itself after 5 minutes, with its key: Stripe applies it once, and approval.resolved says it was done', async () => {
    const { token, ch, id } = await c.unanswered('old-3');
    const sweep = lh.services.approvalSweep;
    assert.equal(await sweep.sendAgainUnanswered(), 0, 'not at once: the first sending may still be on its way');
    await c.age(id, 6 * 60_000);
    // sent again, still no answer: unconfirmed as it was, and nothing told (no approval.resolved but the approval's own)
    await waitFor('the approval’s own approval.resolved', () => resolvedEvents(id).length === 1);
    const told = resolvedEvents(id).length;
    stripe.inject({ kind: 'delay', delayMs: 3000, count: 10, pathPrefix: '/v1/refunds' });
    assert.equal(await sweep.sendAgainUnanswered(), 1);
    stripe.clearFaults();
    assert.equal((await lh.api('GET', `/approvals/${id}`)).body.status, 'unconfirmed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(resolvedEvents(id).length, told, 'no approval.resolved while nothing is settled');
    await c.age(id, 20 * 60_000);
    const sentBefore = c.posts('old-3').length;
    assert.equal(await sweep.sendAgainUnanswered(), 1);
    assert.equal(c.posts('old-3').length, sentBefore + 1, 'sent again, with its key');
    const shown = await lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'executed', shown.text);
    assert.equal((await c.refundsOf(ch)).length, 1, 'applied once');
    await waitFor('approval.resolved: executed', () =>
      hooks.events.some((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.status === 'executed'),
    );
    assert.equal(await sweep.sendAgainUnanswered(), 0, 'settled: not sent again');
    const repeat = await c.refund(token, 'old-3', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.object, 'refund', "the agent's repeat gets what Stripe did");
  });

  test('a call held before its key lifetime was recorded gets its connector’s at start: sent again only within it', async () => {
    const { token, ch, id } = await c.unanswered('old-4');
    await c.rows(`update approvals set request = request - 'keyKeptMs' where id = '${id}'`);
    assert.equal((await lh.api('GET', `/approvals/${id}`)).body.send_again_until, null, 'no lifetime known');
    await lh.services.approvalSweep.recordKeyLifetimes();
    const shown = (await lh.api('GET', `/approvals/${id}`)).body;
    assert.equal(Date.parse(shown.send_again_until) - Date.parse(shown.resolved_at), 23 * HOUR, "Stripe's 24 h, less the margin");
    await c.age(id, 30 * HOUR);
    const sent = c.posts('old-4').length;
    const repeat = await c.refund(token, 'old-4', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.error?.code, 'approval_send_again_closed', JSON.stringify(repeat.body));
    assert.equal(c.posts('old-4').length, sent, 'not sent again');
  });
});
