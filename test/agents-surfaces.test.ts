// An agent token on Linkhub's own surfaces, the proxy and action execution: the same policy as on
// the native paths (refusals in Linkhub's error shape), the account picked among the token's, the
// platform-only routes closed to it, and an approval answered to the agent that repeats its call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Stripe from 'stripe';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
let other: string;

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
  other = (await linkAccount(lh, stripe.keys.otherAccountSecretTest)).id;
});

async function token(body: Record<string, unknown> = {}): Promise<string> {
  const res = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'agent', ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.token;
}

const as = (t: string, headers: Record<string, string> = {}) => ({ auth: `Bearer ${t}`, headers });
const charge = async (amount: number) =>
  (await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).charges.create({ amount, currency: 'usd', source: 'tok_visa' })).id;

describe('an agent token on the proxy and on actions', () => {
  test('calls its account without x-account-id; the log names the token', async () => {
    const t = await token();
    const p = await lh.api('POST', '/unified/proxy', { path: '/v1/customers?limit=1' }, as(t));
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.data.object, 'list');
    const r = await lh.api('POST', '/actions/rpc', { action: 'stripe_list_customers', query: { limit: 1 } }, as(t));
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.body.data));
    const n = await fetch(`${lh.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${t}` } });
    assert.equal(n.status, 200, await n.text());
    assert.equal(stripe.log.at(-1)?.keyLast4, stripe.keys.secretTest.slice(-4));
    await lh.services.requestLog.flush();
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=20`);
    assert.equal(audit.status, 200, audit.text);
    const id = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((x: any) => t.endsWith(x.hint)).id;
    const mine = audit.body.data.filter((e: any) => e.actor_type === 'agent_token' && e.actor_id === id).map((e: any) => e.action);
    // a call on Stripe's own paths is named by the action it is, as an RPC call is
    assert.deepEqual(mine.sort(), ['call.native:stripe_list_customers', 'call.proxy', 'call.rpc:stripe_list_customers'], 'audited under the token');
    const calls = await lh.api('GET', '/requests/logs?page_size=100');
    assert.equal(calls.status, 200, calls.text);
    const native = calls.body.data.filter((c: any) => c.service === 'native' && c.source_id === id);
    assert.deepEqual(
      native.map((c: any) => c.action),
      ['stripe_list_customers'],
    );
  });

  test('only the accounts it names; several need x-account-id', async () => {
    const single = await token();
    const refused = await lh.api('POST', '/unified/proxy', { path: '/v1/customers' }, as(single, { 'x-account-id': other }));
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.code, 'agent_account_refused');
    const multi = await token({ also_accounts: [other] });
    const none = await lh.api('POST', '/actions/rpc', { action: 'stripe_list_customers' }, as(multi));
    assert.equal(none.status, 400, none.text);
    assert.equal(none.body.code, 'agent_account_required');
    const picked = await lh.api('POST', '/actions/rpc', { action: 'stripe_list_customers' }, as(multi, { 'x-account-id': other }));
    assert.equal(picked.status, 200, picked.text);
    assert.equal(stripe.log.at(-1)?.keyLast4, stripe.keys.otherAccountSecretTest.slice(-4));
  });

  test('platform routes stay closed to it', async () => {
    const t = await token();
    for (const [m, p] of [
      ['GET', '/accounts'],
      ['GET', '/actions'],
      ['POST', `/accounts/${acc}/agent_tokens`],
      ['GET', '/approvals'],
    ] as const) {
      const res = await lh.api(m, p, m === 'POST' ? { name: 'x' } : undefined, as(t));
      assert.equal(res.status, 401, `${m} ${p}: ${res.text}`);
    }
  });

  test('the policy: refused on the proxy and rpc alike, nothing sent', async () => {
    const t = await token({ policy: { read_only: true } });
    stripe.clearLog();
    const p = await lh.api('POST', '/unified/proxy', { method: 'post', path: '/v1/customers', body: { email: 'a@example.com' } }, as(t));
    assert.equal(p.status, 403, p.text);
    assert.equal(p.body.code, 'policy_denied');
    assert.equal(p.body.reason_code, 'read_only');
    const r = await lh.api('POST', '/actions/rpc', { action: 'stripe_create_customer', body: { email: 'a@example.com' } }, as(t));
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.code, 'policy_denied');
    assert.equal(stripe.log.length, 0);
  });

  test('an amount in a write’s query (or given twice there) is not trusted on the proxy; rpc takes no query for a write', async () => {
    const t = await token({ policy: { money: { usd: { per_call: 5000 } } } });
    const ch = await charge(90_000);
    stripe.clearLog();
    for (const path of ['/v1/refunds?amount=1', '/v1/refunds?amount=1&amount=90000']) {
      const p = await lh.api('POST', '/unified/proxy', { method: 'post', path, body: { charge: ch } }, as(t));
      assert.equal(p.status, 403, p.text);
      assert.equal(p.body.code, 'spend_cap_exceeded');
    }
    const nested = await lh.api('POST', '/unified/proxy', { method: 'post', path: '/v1/refunds', body: { charge: ch, amount: 1, '[amount]': 90_000 } }, as(t));
    assert.equal(nested.status, 403, nested.text);
    assert.equal(nested.body.code, 'spend_cap_exceeded');
    // keys that encode into such names: "" holding {amount} is sent as `[amount]=90000`, "]" as `]=…`
    for (const body of [
      { amount: 1, currency: 'usd', '': { amount: 90_000 } },
      { amount: 1, currency: 'usd', '[': { amount: 90_000 } },
    ]) {
      const p = await lh.api('POST', '/unified/proxy', { method: 'post', path: '/v1/payouts', body }, as(t));
      assert.equal(p.status, 403, p.text);
      assert.equal(p.body.code, 'spend_cap_exceeded');
      assert.match(p.body.message, /cannot be told/);
    }
    const r = await lh.api('POST', '/actions/rpc', { action: 'stripe_create_refund', query: { amount: 1 }, body: { charge: ch } }, as(t));
    assert.equal(r.status, 400, r.text);
    const rn = await lh.api('POST', '/actions/rpc', { action: 'stripe_create_refund', body: { charge: ch, amount: 1, '[amount]': 90_000 } }, as(t));
    assert.equal(rn.status, 400, rn.text); // the action's input names its parameters: no stray key reaches Stripe
    assert.equal(stripe.log.filter((x) => /^\/v1\/(refunds|payouts)/.test(x.path)).length, 0, 'none reached Stripe');
  });

  test('caps and an approval through rpc, its answer given to the repeat with the same idempotency key', async () => {
    const t = await token({ policy: { money: { usd: { per_call: 10_000, approval_above: 1000 } } } });
    const ch = await charge(20_000);
    stripe.clearLog();
    const over = await lh.api('POST', '/actions/rpc', { action: 'stripe_create_refund', body: { charge: ch, amount: 15_000 } }, as(t));
    assert.equal(over.status, 403, over.text);
    assert.equal(over.body.code, 'spend_cap_exceeded');
    const call = { action: 'stripe_create_refund', headers: { 'idempotency-key': 'rpc-refund-1' }, body: { charge: ch, amount: 2500 } };
    const held = await lh.api('POST', '/actions/rpc', call, as(t));
    assert.equal(held.status, 403, held.text);
    assert.equal(held.body.code, 'approval_required');
    assert.equal(held.body.retryable, true);
    assert.equal(held.body.idempotency_key, 'rpc-refund-1', 'the key the held call is kept with');
    const ok = await lh.api('POST', `/approvals/${held.body.approval}/approve`);
    assert.equal(ok.body.status, 'executed', ok.text);
    const repeat = await lh.api('POST', '/actions/rpc', call, as(t));
    assert.equal(repeat.status, 200, repeat.text);
    assert.equal(repeat.body.data.amount, 2500);
    const small = await lh.api('POST', '/unified/proxy', { method: 'post', path: '/v1/refunds', body: { charge: ch, amount: 500 } }, as(t));
    assert.equal(small.status, 200, small.text);
    assert.equal(stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/refunds').length, 2, 'the approved call once, and the small one');

    // A caller that sent no key (an MCP tool call, an SDK making a new key per call) is given the one
    // Linkhub keeps the call with, and repeats with it to learn the outcome: sent once, answered again.
    const keyless = { action: 'stripe_create_refund', body: { charge: ch, amount: 3000 } };
    const held2 = await lh.api('POST', '/actions/rpc', keyless, as(t));
    assert.equal(held2.body.code, 'approval_required', held2.text);
    assert.match(held2.body.idempotency_key, /^linkhub-/);
    const pending = await lh.api('POST', '/actions/rpc', { ...keyless, headers: { 'idempotency-key': held2.body.idempotency_key } }, as(t));
    assert.equal(pending.body.code, 'approval_required');
    assert.equal(pending.body.approval, held2.body.approval, 'still pending: the same approval, not a second one');
    assert.equal((await lh.api('POST', `/approvals/${held2.body.approval}/approve`)).body.status, 'executed');
    const learnt = await lh.api('POST', '/actions/rpc', { ...keyless, headers: { 'idempotency-key': held2.body.idempotency_key } }, as(t));
    assert.equal(learnt.status, 200, learnt.text);
    assert.equal(learnt.body.data.amount, 3000);
    const sent = stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/refunds');
    assert.equal(sent.length, 3, 'the keyless approved call once');
    assert.equal(sent.at(-1)?.idempotencyKey, held2.body.idempotency_key);
  });
});
