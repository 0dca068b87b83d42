// The Dashboard API's agent routes: an account's agent tokens (created with a policy and shown
// once, listed without the token, revoked → the stripe SDK gets 401), its agent policy, and held
// calls (listed with the full request, approved → sent once, the SDK's repeat gets the answer;
// denied; a second decision 409). Cookie and CSRF header required; bad input is a 4xx.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Stripe from 'stripe';
import { agentSdk, refusal } from './helpers/agent-sdk.js';
import { type Dash, dashboardClient } from './helpers/dashboard-client.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const PASSWORD = 'dashboard-agents-password-1';
let lh: Linkhub;
let stripe: StripeStandin;
let dash: Dash;
let acc: string;

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: PASSWORD } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
  dash = await dashboardClient(lh, PASSWORD);
});

const sdk = (token: string) => agentSdk(lh.url, token);

function assert4xx(res: { status: number; body: any; text: string }, status: number) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.statusCode, status);
  assert.ok(typeof res.body.message === 'string' && res.body.message.length > 0);
}

describe('agent tokens in the Dashboard API', () => {
  test('created with a policy (shown once), listed without the token, works with the SDK, revoked → 401', async () => {
    const created = await dash('POST', `/accounts/${acc}/agent_tokens`, {
      name: 'support bot',
      expires_in: 86_400,
      policy: { allow: ['stripe_*_customer*'], money: { usd: { per_call: 5000 } } },
    });
    assert.equal(created.status, 201, created.text);
    const { token, id } = created.body;
    assert.match(token, /^lhat_/);
    assert.deepEqual(created.body.policy, { allow: ['stripe_*_customer*'], money: { usd: { per_call: 5000 } } });
    assert.ok(created.body.expires_at);

    const list = await dash('GET', `/accounts/${acc}/agent_tokens`);
    assert.equal(list.status, 200, list.text);
    assert.ok(!list.text.includes(token), 'the token is shown once only');
    assert.equal(list.body.find((t: any) => t.id === id).hint, token.slice(-4));

    const customers = await sdk(token).customers.list({ limit: 1 });
    assert.ok(Array.isArray(customers.data));
    const denied = await refusal(sdk(token).products.list({ limit: 1 }));
    assert.equal(denied.code, 'policy_denied', 'the policy set in the Dashboard holds');

    const revoked = await dash('DELETE', `/accounts/${acc}/agent_tokens/${id}`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(revoked.body.revoked_at);
    const after = await refusal(sdk(token).customers.list({ limit: 1 }));
    assert.equal(after.statusCode, 401);
    assert4xx(await dash('DELETE', `/accounts/${acc}/agent_tokens/${id}`), 404);

    const audit = await lh.api('GET', `/accounts/${acc}/agent_tokens`);
    assert.equal(audit.body.find((t: any) => t.id === id).revoked_at, revoked.body.revoked_at, 'the platform API sees the same token');
  });

  test("the account's agent policy: set, read back, cleared", async () => {
    const set = await dash('PUT', `/accounts/${acc}/agent_policy`, { policy: { read_only: true, deny: ['stripe_delete_*'] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual((await dash('GET', `/accounts/${acc}/agent_policy`)).body, { policy: { read_only: true, deny: ['stripe_delete_*'] } });
    assert.deepEqual((await lh.api('GET', `/accounts/${acc}/agent_policy`)).body, set.body);
    const cleared = await dash('PUT', `/accounts/${acc}/agent_policy`, { policy: null });
    assert.deepEqual(cleared.body, { policy: null });
  });

  test('session cookie and CSRF header required; bad input is a 4xx', async () => {
    assert4xx(await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'x' }, { csrf: false }), 403);
    assert4xx(await dash('PUT', `/accounts/${acc}/agent_policy`, { policy: null }, { csrf: false }), 403);
    assert4xx(await dash('POST', '/approvals/apr_nope/approve', undefined, { csrf: false }), 403);
    assert4xx(await dash('GET', `/accounts/${acc}/agent_tokens`, undefined, { cookie: false }), 401);
    assert4xx(await dash('GET', '/approvals', undefined, { cookie: false }), 401);

    assert4xx(await dash('POST', `/accounts/${acc}/agent_tokens`, { name: '' }), 400);
    assert4xx(await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'x', policy: { money: { usd: { per_call: -1 } } } }), 400);
    assert4xx(await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'x', policy: { allow: ['no spaces allowed'] } }), 400);
    assert4xx(await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'x', also_accounts: ['acc_nope'] }), 400);
    assert4xx(await dash('POST', '/accounts/acc_nope/agent_tokens', { name: 'x' }), 404);
    assert4xx(await dash('GET', '/accounts/acc_nope/agent_tokens'), 404);
    assert4xx(await dash('PUT', `/accounts/${acc}/agent_policy`, { policy: { money: { USD: { per_call: 1 } } } }), 400);
    assert4xx(await dash('PUT', `/accounts/${acc}/agent_policy`, {}), 400);
    assert4xx(await dash('GET', '/approvals?status=maybe'), 400);
    assert4xx(await dash('POST', '/approvals/apr_nope/deny'), 404);
  });
});

describe('approvals in the Dashboard API', () => {
  async function heldRefund(amount: number, key: string) {
    const created = await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'refunder', policy: { money: { usd: { approval_above: 1000 } } } });
    assert.equal(created.status, 201, created.text);
    const charge = await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).charges.create({ amount: 9000, currency: 'usd', source: 'tok_visa' });
    const s = sdk(created.body.token);
    const refund = () => s.refunds.create({ charge: charge.id, amount }, { idempotencyKey: key });
    const held = await refusal(refund());
    assert.equal(held.code, 'approval_required');
    return { id: held.raw.approval as string, tokenId: created.body.id as string, refund };
  }

  test('a held call is listed with its full request; approving sends it once and the SDK repeat gets the refund', async () => {
    const held = await heldRefund(2500, 'dash-refund-2500');
    const pending = await dash('GET', '/approvals?status=pending');
    assert.equal(pending.status, 200, pending.text);
    const seen = pending.body.find((a: any) => a.id === held.id);
    assert.ok(seen, 'listed as pending');
    assert.equal(seen.account_id, acc);
    assert.equal(seen.agent_token_id, held.tokenId);
    assert.equal(seen.action, 'stripe_create_refund');
    assert.equal(seen.amount, 2500);
    assert.equal(seen.currency, 'usd');
    assert.equal(seen.request.method, 'POST');
    assert.equal(seen.request.path, '/v1/refunds');
    assert.equal(seen.request.idempotency_key, 'dash-refund-2500');
    assert.match(String(seen.request.params), /amount=2500/);

    const approved = await dash('POST', `/approvals/${held.id}/approve`);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'executed');
    assert.equal(approved.body.result.status, 200);
    assert.match(approved.body.resolved_by, /^dashboard:/);
    assert4xx(await dash('POST', `/approvals/${held.id}/approve`), 409);

    const refund = await held.refund();
    assert.equal(refund.amount, 2500);
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 1, 'sent once');
  });

  test('a denied call is never sent', async () => {
    const held = await heldRefund(3000, 'dash-refund-deny');
    const denied = await dash('POST', `/approvals/${held.id}/deny`);
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.body.status, 'denied');
    assert.equal(denied.body.result, null);
    const again = await refusal(held.refund());
    assert.equal(again.code, 'policy_denied');
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 0);
    const decided = await dash('GET', `/approvals?status=denied&account_id=${acc}`);
    assert.ok(decided.body.some((a: any) => a.id === held.id));
  });
});
