// A person settles an approved call that got no answer: they look it up at Stripe by its idempotency
// key and record what they found (POST /approvals/{id}/reconcile). Applied: it is executed, and the
// agent repeating it is told so (there is no answer to give); not applied: it is failed, its amount no
// longer counts in the agent's day, and the agent is told it was not done. Either way it is never sent
// again, by the approval pass or anyone, and approval.resolved tells the SaaS backend. The approval
// pass's timer is stopped and its steps run by the tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useApprovalFixture, HOUR } from './helpers/approval-calls.js';
import { waitFor } from './helpers/process.js';

const f = useApprovalFixture();

const resolvedAs = (id: string, status: string) =>
  waitFor(`approval.resolved: ${status}`, () =>
    f.hooks.events.some((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.status === status && e.data.reconciled_at),
  );

describe('a person reconciles a call sent without an answer', () => {
  test('not applied (every connection was cut): failed, never sent again, its amount back in the day, and the agent told', async () => {
    const { token, ch, id } = await f.c.unanswered('lost-1', { lost: true, usd: { per_day: 4500 } });
    assert.equal((await f.c.refundsOf(ch)).length, 0, 'Stripe never read it');
    const small = `charge=${ch}&amount=900`;
    const capped = await f.c.refund(token, 'small-1', small);
    assert.equal(capped.status, 403, JSON.stringify(capped.body));
    assert.match(capped.body.error.message, /4500|day/, 'the 4000 approved counts in the day');

    await f.c.age(id, 23 * HOUR + 60_000); // past the time it may be sent again: only a person can settle it
    const sent = f.c.posts('lost-1').length;
    const res = await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'not_applied' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'failed');
    assert.match(res.body.reconciled_by, /^api_key:/);
    assert.ok(Date.now() - Date.parse(res.body.reconciled_at) < 60_000);
    assert.equal(res.body.result.status, 0);
    assert.match(res.body.result.error, /not applied/);
    await resolvedAs(id, 'failed');

    const room = await f.c.refund(token, 'small-2', small);
    assert.equal(room.status, 200, `the day no longer counts the 4000: ${JSON.stringify(room.body)}`);
    const repeat = await f.c.refund(token, 'lost-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 403, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.reason_code, 'approval_not_sent');
    assert.match(repeat.body.error.message, /not applied/);
    assert.equal(await f.lh.services.approvalSweep.sendAgainUnanswered(), 0);
    assert.equal((await f.lh.api('POST', `/approvals/${id}/approve`)).body.code, 'approval_not_pending');
    assert.equal(f.c.posts('lost-1').length, sent, 'never sent again');
    const twice = await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'applied' });
    assert.equal(twice.status, 409, twice.text);
    assert.equal(twice.body.code, 'approval_not_unconfirmed');
    assert.match(twice.body.message, /is failed/);
    const listed = (status: string) => f.lh.api('GET', `/approvals?status=${status}`).then((r) => r.body.some((a: any) => a.id === id));
    assert.equal(await listed('failed'), true);
    assert.equal(await listed('unconfirmed'), false);
    // who approved it and who settled it, in the audit trail (the refused second reconcile records nothing)
    const audit = await f.lh.api('GET', `/audit?limit=1000`);
    const events = audit.body.data.filter((e: any) => e.outcome === id).map((e: any) => `${e.actor_type} ${e.action}`);
    assert.deepEqual(events, ['api_key approval.reconciled:not_applied', 'api_key approval.approved'], audit.text);
  });

  test('applied (Stripe did it, its answer was lost): executed; the agent’s repeat is told, not sent again', async () => {
    const { token, ch, id } = await f.c.unanswered('late-answer-1');
    await waitFor('Stripe applied the first sending', async () => (await f.c.refundsOf(ch)).length === 1);
    const res = await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'applied' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'executed');
    assert.equal(res.body.result, null, 'no answer of the provider to show');
    await resolvedAs(id, 'executed');
    const sent = f.c.posts('late-answer-1').length;
    const repeat = await f.c.refund(token, 'late-answer-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.status, 409, JSON.stringify(repeat.body));
    assert.equal(repeat.body.error.code, 'approval_applied_unanswered');
    assert.equal(repeat.body.error.type, 'idempotency_error', 'the stripe SDK raises StripeIdempotencyError: not retried');
    assert.equal(repeat.headers.get('stripe-should-retry'), 'false');
    assert.equal(repeat.body.error.idempotency_key, 'late-answer-1');
    await f.c.age(id, 10 * 60_000);
    assert.equal(await f.lh.services.approvalSweep.sendAgainUnanswered(), 0);
    assert.equal(f.c.posts('late-answer-1').length, sent, 'never sent again');
    assert.equal((await f.c.refundsOf(ch)).length, 1);
  });

  test('only an unconfirmed call is reconciled; a wrong outcome is a 400, an unknown approval a 404', async () => {
    const token = await f.c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
    const ch = await f.c.charge(9000);
    const id = (await f.c.refund(token, 'pending-1', `charge=${ch}&amount=4000`)).body.error.approval as string;
    const pending = await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'applied' });
    assert.equal(pending.status, 409, pending.text);
    assert.equal(pending.body.code, 'approval_not_unconfirmed');
    assert.equal((await f.lh.api('GET', `/approvals/${id}`)).body.status, 'pending', 'left as it was');
    for (const body of [{ outcome: 'maybe' }, {}, { outcome: 'applied', extra: 1 }]) {
      const bad = await f.lh.api('POST', `/approvals/${id}/reconcile`, body);
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
    }
    assert.equal((await f.lh.api('POST', '/approvals/apr_nothere/reconcile', { outcome: 'applied' })).status, 404);
  });
});
