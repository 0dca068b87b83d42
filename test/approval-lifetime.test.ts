// How long approvals last. A held call left undecided for a week expires: it is shown, listed and
// refused as expired (a person's approval, the agent's repeat) and never sent, and the approval pass
// makes it final with `approval.resolved`; expired calls no longer count against an agent's 100 waiting.
// An approved call that got no answer is sent again by the pass itself after 5 minutes, and by the
// agent's repeat or a person at once, but only while Stripe still keeps its idempotency key (24 h after
// the first sending, less an hour): later, sent again, it could be applied twice, so it is not.
// Time is moved by ageing the rows in the store; the pass's timer is stopped and its steps run by the
// tests, so that it acts only when a test says.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useApprovalFixture, DAY, HOUR } from './helpers/approval-calls.js';
import { waitFor } from './helpers/process.js';

const f = useApprovalFixture();

const resolvedEvents = (id: string) => f.hooks.events.filter((e) => e.event === 'approval.resolved' && e.record_id === id);

describe('a call left undecided', () => {
  test('a week later it is expired: shown, listed and refused as such, never sent; the expiry pass makes it final and tells', async () => {
    const token = await f.c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
    const ch = await f.c.charge(9000);
    const held = await f.c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(held.body.error.code, 'approval_required');
    const id = held.body.error.approval as string;
    const fresh = await f.lh.api('GET', `/approvals/${id}`);
    assert.equal(fresh.body.status, 'pending');
    assert.equal(Date.parse(fresh.body.expires_at) - Date.parse(fresh.body.created_at), 7 * DAY, 'a week to decide');

    await f.c.age(id, 7 * DAY + 60_000);
    const shown = await f.lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'expired', shown.text);
    assert.ok(Date.parse(shown.body.expires_at) < Date.now());
    assert.ok(!(await f.lh.api('GET', '/approvals?status=pending')).body.some((a: any) => a.id === id), 'not listed as pending');
    assert.ok(
      (await f.lh.api('GET', '/approvals?status=expired')).body.some((a: any) => a.id === id),
      'listed as expired',
    );

    const approved = await f.lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(approved.status, 409, approved.text);
    assert.equal(approved.body.code, 'approval_not_pending');
    assert.match(approved.body.message, /expired/);
    const repeat = await f.c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(repeat.status, 403, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.code, 'policy_denied');
    assert.equal(repeat.body.error.reason_code, 'approval_expired');
    assert.equal(f.c.posts('late-1').length, 0, 'never sent');

    assert.equal(await f.lh.services.approvalSweep.expireStale(), 1);
    await waitFor('approval.resolved for the expired call', () =>
      f.hooks.events.some((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.status === 'expired'),
    );
    const [row] = await f.c.rows(`select status, resolved_at from approvals where id = '${id}'`);
    assert.equal(row.status, 'expired');
    assert.ok(row.resolved_at, 'written with the time it expired');
    assert.equal(await f.lh.services.approvalSweep.expireStale(), 0, 'expired once');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(resolvedEvents(id).length, 1, 'told once');
    const written = (await f.lh.api('GET', `/approvals/${id}`)).body;
    assert.equal(written.status, 'expired');
    assert.equal(written.expires_at, shown.body.expires_at, 'still says when it expired');
    assert.equal(written.resolved_by, 'system:approvals');
    const later = await f.c.refund(token, 'late-1', `charge=${ch}&amount=5000`);
    assert.equal(later.body.error?.reason_code, 'approval_expired', `written expired, the repeat is still refused as such: ${JSON.stringify(later.body)}`);
    assert.equal(later.headers.get('stripe-should-retry'), 'false');
    assert.equal((await f.lh.api('POST', `/approvals/${id}/deny`)).body.code, 'approval_not_pending');
  });

  test('expired calls no longer count against the agent’s 100 waiting approvals', async () => {
    const token = await f.c.newToken({ money: { usd: { approval_above: 1 } } });
    const ch = await f.c.charge(9000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await f.c.refund(token, `wait-${i}`, `charge=${ch}&amount=${10 + i}`)).body.error.approval);
    const full = await f.c.refund(token, 'one-more', `charge=${ch}&amount=500`);
    assert.equal(full.status, 429, JSON.stringify(full.body));
    for (const id of ids) await f.c.age(id, 7 * DAY + 60_000);
    const room = await f.c.refund(token, 'one-more', `charge=${ch}&amount=500`);
    assert.equal(room.body.error.code, 'approval_required', JSON.stringify(room.body));
  });
});

describe('an approved call without an answer, later', () => {
  test('sent again only while Stripe keeps its key: past 23 h after the first sending it is refused, to the agent and to an approver', async () => {
    const { token, ch, id, approved } = await f.c.unanswered('old-1');
    assert.equal(
      Date.parse(approved.send_again_until) - Date.parse(approved.resolved_at),
      23 * HOUR,
      'Stripe keeps a key 24 h after its first use; an hour is kept as margin',
    );
    const sent = f.c.posts('old-1').length;
    assert.ok(sent >= 1);

    await f.c.age(id, 23 * HOUR + 60_000);
    const repeat = await f.c.refund(token, 'old-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 409, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.code, 'approval_send_again_closed');
    assert.equal(repeat.body.error.type, 'idempotency_error', "the stripe SDK's StripeIdempotencyError");
    assert.equal(repeat.body.error.idempotency_key, 'old-1');
    assert.match(repeat.body.error.message, /24 hours/);
    const again = await f.lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.code, 'approval_send_again_closed');
    assert.equal(await f.lh.services.approvalSweep.sendAgainUnanswered(), 0, 'nor by the approval pass');
    assert.equal(f.c.posts('old-1').length, sent, 'not sent again');
    const shown = await f.lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'unconfirmed');
    assert.ok(Date.parse(shown.body.send_again_until) < Date.now());
  });

  test('within the time, the agent’s repeat still sends it again and gets what Stripe did', async () => {
    const { token, ch, id } = await f.c.unanswered('old-2');
    await f.c.age(id, 22 * HOUR);
    const repeat = await f.c.refund(token, 'old-2', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 200, JSON.stringify(repeat.body));
    assert.equal(repeat.body.object, 'refund');
    assert.equal((await f.lh.api('GET', `/approvals/${id}`)).body.status, 'executed');
  });

  test('Linkhub sends it again itself after 5 minutes, with its key: Stripe applies it once, and approval.resolved says it was done', async () => {
    const { token, ch, id } = await f.c.unanswered('old-3');
    const sweep = f.lh.services.approvalSweep;
    assert.equal(await sweep.sendAgainUnanswered(), 0, 'not at once: the first sending may still be on its way');
    await f.c.age(id, 6 * 60_000);
    // sent again, still no answer: unconfirmed as it was, and nothing told (no approval.resolved but the approval's own)
    await waitFor('the approval’s own approval.resolved', () => resolvedEvents(id).length === 1);
    const told = resolvedEvents(id).length;
    f.stripe.inject({ kind: 'delay', delayMs: 3000, count: 10, pathPrefix: '/v1/refunds' });
    assert.equal(await sweep.sendAgainUnanswered(), 1);
    f.stripe.clearFaults();
    assert.equal((await f.lh.api('GET', `/approvals/${id}`)).body.status, 'unconfirmed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(resolvedEvents(id).length, told, 'no approval.resolved while nothing is settled');
    await f.c.age(id, 20 * 60_000);
    const sentBefore = f.c.posts('old-3').length;
    assert.equal(await sweep.sendAgainUnanswered(), 1);
    assert.equal(f.c.posts('old-3').length, sentBefore + 1, 'sent again, with its key');
    const shown = await f.lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.body.status, 'executed', shown.text);
    assert.equal((await f.c.refundsOf(ch)).length, 1, 'applied once');
    await waitFor('approval.resolved: executed', () =>
      f.hooks.events.some((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.status === 'executed'),
    );
    assert.equal(await sweep.sendAgainUnanswered(), 0, 'settled: not sent again');
    const repeat = await f.c.refund(token, 'old-3', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.object, 'refund', "the agent's repeat gets what Stripe did");
  });

  test('the approval pass counts only what it sent: a call another sender took first (between its read and its turn) is left to it', async () => {
    const { token, ch, id } = await f.c.unanswered('taken-1');
    const [{ project_id }] = await f.c.rows(`select project_id from approvals where id = '${id}'`);
    const asThePassReadIt = await f.lh.services.approvals.get(project_id, id);
    const repeat = await f.c.refund(token, 'taken-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.object, 'refund', "the agent's repeat sent it again first");
    const posts = f.c.posts('taken-1').length;
    assert.equal(await f.lh.services.approvals.sendAgainIfFree(asThePassReadIt, { type: 'system', id: 'approvals' }), null);
    assert.equal(f.c.posts('taken-1').length, posts, 'nothing sent');
  });

  test('a call held before its key lifetime was recorded gets its connector’s at start: sent again only within it', async () => {
    const { token, ch, id } = await f.c.unanswered('old-4');
    await f.c.rows(`update approvals set request = request - 'keyKeptMs' where id = '${id}'`);
    assert.equal((await f.lh.api('GET', `/approvals/${id}`)).body.send_again_until, null, 'no lifetime known');
    await f.lh.services.approvalSweep.recordKeyLifetimes();
    const shown = (await f.lh.api('GET', `/approvals/${id}`)).body;
    assert.equal(Date.parse(shown.send_again_until) - Date.parse(shown.resolved_at), 23 * HOUR, "Stripe's 24 h, less the margin");
    await f.c.age(id, 30 * HOUR);
    const sent = f.c.posts('old-4').length;
    const repeat = await f.c.refund(token, 'old-4', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.error?.code, 'approval_send_again_closed', JSON.stringify(repeat.body));
    assert.equal(f.c.posts('old-4').length, sent, 'not sent again');
  });
});
