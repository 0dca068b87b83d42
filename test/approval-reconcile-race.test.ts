// A person reconciles a call whose sending was still alive: past its lease (a paused node, clocks
// apart; here the row is aged while Stripe is slow to answer), so it shows as unconfirmed. When
// Stripe's answer then comes, it is what happened: it replaces the person's reading, the day's total
// follows it, approval.resolved says so once more (not the reading twice), and the agent's repeat gets
// Stripe's answer. This Linkhub waits for Stripe longer than Stripe's delay here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useApprovalFixture } from './helpers/approval-calls.js';
import { waitFor } from './helpers/process.js';

const f = useApprovalFixture({ LINKHUB_STRIPE_TIMEOUT_MS: '20000' });

const resolved = (id: string) => f.hooks.events.filter((e) => e.event === 'approval.resolved' && e.record_id === id).map((e) => e.data.status as string);

describe('a reconciled call whose sending was still alive', () => {
  test('found not applied, then Stripe answers the refund: executed, counted again, told once, and the agent gets the refund', async () => {
    const token = await f.c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000, per_day: 4500 } } });
    const ch = await f.c.charge(9000);
    const id = (await f.c.refund(token, 'alive-1', `charge=${ch}&amount=4000`)).body.error.approval as string;
    f.stripe.inject({ kind: 'delay', delayMs: 4000, count: 1, pathPrefix: '/v1/refunds' });
    const approving = f.lh.api('POST', `/approvals/${id}/approve`);
    await waitFor('the refund at Stripe', () => f.c.posts('alive-1').length === 1);
    await f.c.age(id, 10 * 60_000); // its lease looks run out
    const reading = await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'not_applied' });
    assert.equal(reading.status, 200, reading.text);
    assert.equal(reading.body.status, 'failed');

    const approved = await approving;
    assert.equal(approved.body.status, 'executed', approved.text);
    assert.equal(approved.body.result.status, 200);
    assert.equal(approved.body.reconciled_at, null, "Stripe's answer replaced the reading");
    const audit = await f.lh.api('GET', '/audit?limit=1000');
    const events = audit.body.data.filter((e: any) => e.outcome === id).map((e: any) => e.action);
    assert.ok(events.includes('approval.reconciled:not_applied'), `the person's reading stays in the audit trail: ${audit.text}`);
    await waitFor('approval.resolved: executed', () => resolved(id).includes('executed'));
    assert.deepEqual(resolved(id), ['failed', 'executed'], 'the reading, then the answer: each once');
    const more = await f.c.refund(token, 'alive-2', `charge=${ch}&amount=900`);
    assert.equal(more.status, 403, `the 4000 Stripe refunded counts in the day again: ${JSON.stringify(more.body)}`);
    const repeat = await f.c.refund(token, 'alive-1', `charge=${ch}&amount=4000`);
    assert.equal(repeat.body.object, 'refund', JSON.stringify(repeat.body));
    assert.equal((await f.c.refundsOf(ch)).length, 1);
  });

  test('the agent’s repeat sending it again while a person finds it applied: the repeat gets Stripe’s answer, told once', async () => {
    const token = await f.c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
    const ch = await f.c.charge(9000);
    const id = (await f.c.refund(token, 'alive-3', `charge=${ch}&amount=3000`)).body.error.approval as string;
    f.stripe.inject({ kind: 'reset', count: 10, pathPrefix: '/v1/refunds' });
    const approved = await f.lh.api('POST', `/approvals/${id}/approve`);
    f.stripe.clearFaults();
    assert.equal(approved.body.status, 'unconfirmed', approved.text);
    await waitFor('approval.resolved: unconfirmed', () => resolved(id).length === 1);

    f.stripe.inject({ kind: 'delay', delayMs: 4000, count: 1, pathPrefix: '/v1/refunds' });
    const posts = f.c.posts('alive-3').length;
    const repeating = f.c.refund(token, 'alive-3', `charge=${ch}&amount=3000`);
    await waitFor('the repeat at Stripe', () => f.c.posts('alive-3').length === posts + 1);
    await f.c.age(id, 10 * 60_000);
    assert.equal((await f.lh.api('POST', `/approvals/${id}/reconcile`, { outcome: 'applied' })).body.status, 'executed');
    const repeat = await repeating;
    assert.equal(repeat.status, 200, JSON.stringify(repeat.body));
    assert.equal(repeat.body.object, 'refund');
    const shown = (await f.lh.api('GET', `/approvals/${id}`)).body;
    assert.equal(shown.result?.status, 200, JSON.stringify(shown));
    // the reading, then the answer (not the reading twice)
    const answer = await waitFor('approval.resolved with Stripe’s answer', () =>
      f.hooks.events.find((e) => e.event === 'approval.resolved' && e.record_id === id && e.data.result?.status === 200),
    );
    assert.equal(answer.data.reconciled_at, null);
  });
});
