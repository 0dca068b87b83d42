// Stripe organization keys (docs/stripe-org-keys.md): linked only with a context (the acct_… the calls
// act on), checked by shape before any network call; the live test, the proxy and actions send it as
// Stripe-Context; a caller's own header wins for one call; the stand-in's missing-context error
// comes back as Stripe's answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';
import { STRIPE_API_VERSION } from '../src/connectors/stripe/version.js';

let stripe: StripeStandin;
let lh: Linkhub;
let orgAcc: string;

const MISSING_CONTEXT = 'Please include the Stripe-Context header with your target account when using an Organization API key.';

async function hubLink(key: string, context?: string, integration = 'stripe-test') {
  const { token } = await connectSession(lh, { origin_owner_id: `org-${Math.random().toString(36).slice(2)}`, multiple: true });
  const credentials = { api_key: key, ...(context === undefined ? {} : { stripe_context: context }) };
  return lh.hub(token, 'POST', '/hub/accounts', { integration_id: integration, credentials });
}

const proxy = (accountId: string, body: Record<string, unknown>) => lh.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': accountId } });
const rpc = (accountId: string, body: Record<string, unknown>) => lh.api('POST', '/actions/rpc', body, { headers: { 'x-account-id': accountId } });
const customerIds = (account: string, n: number) =>
  stripe.world
    .store(account, 'test', 'customers')
    .items.slice()
    .sort((a: any, b: any) => b.created - a.created || (a.id < b.id ? 1 : -1))
    .slice(0, n)
    .map((c: any) => c.id);

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  const res = await hubLink(stripe.keys.orgTest, stripe.accounts.main.id);
  assert.equal(res.status, 201, res.text);
  orgAcc = res.body.id;
});

describe('linking an organization key', () => {
  test('with a context: tested live with Stripe-Context and the pinned Stripe-Version; the context is stored and shown', async () => {
    const res = await hubLink(stripe.keys.orgTest, stripe.accounts.other.id);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.context, stripe.accounts.other.id);
    assert.equal(res.body.key_type, 'restricted');
    assert.equal(res.body.account_id, stripe.accounts.other.id, 'the live test identified the account the context names');
    assert.ok(stripe.log.length >= 1);
    for (const e of stripe.log) {
      assert.equal(e.stripeContext, stripe.accounts.other.id);
      assert.equal(e.stripeVersion, STRIPE_API_VERSION);
    }
    const view = await lh.api('GET', `/accounts/${res.body.id}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.body.stripe_context, stripe.accounts.other.id);
    assert.equal(view.body.stripe_account_id, stripe.accounts.other.id);
    assert.ok(!view.text.includes(stripe.keys.orgTest), 'the key itself is never shown');
  });

  test('a live organization key in Production, with a context', async () => {
    const res = await hubLink(stripe.keys.orgLive, stripe.accounts.main.id, 'stripe-production');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.environment, 'production');
  });

  for (const [name, key, context, code] of [
    ['without a context', () => stripe.keys.orgTest, undefined, 'context_missing'],
    ['with an empty context', () => stripe.keys.orgTest, '  ', 'context_missing'],
    ['with a context that is no account id', () => stripe.keys.orgTest, 'cus_123', 'context_malformed'],
    ['with a context holding a space', () => stripe.keys.orgTest, 'acct_1 x', 'context_malformed'],
    ['with a context for an ordinary key', () => stripe.keys.secretTest, 'acct_1LinkhubMain00', 'context_unexpected'],
    ['of the other mode (the mode rules still apply)', () => stripe.keys.orgLive, 'acct_1LinkhubMain00', 'key_mode_mismatch'],
  ] as const) {
    test(`${name}: 400 ${code}, and nothing reaches Stripe`, async () => {
      const res = await hubLink(key(), context);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.code, code);
      assert.equal(typeof res.body.message, 'string');
      assert.deepEqual(stripe.log, [], 'refused before any network call');
    });
  }

  test('a context of an account outside the organization: Stripe refuses it in the live test (422), nothing is saved', async () => {
    const res = await hubLink(stripe.keys.orgTest, 'acct_1NotInTheOrg0');
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'missing_permission');
    assert.match(res.body.message, /cannot act on the account named as Stripe-Context/);
    assert.equal(res.body.permission, null);
    assert.equal(stripe.log.length, 1);
    assert.equal(stripe.log[0].stripeContext, 'acct_1NotInTheOrg0');
  });

  test('PATCH /accounts/{id}: a new context comes with a new key; alone it is refused', async () => {
    const alone = await lh.api('PATCH', `/accounts/${orgAcc}`, { credentials: { stripe_context: stripe.accounts.other.id } });
    assert.equal(alone.status, 400, alone.text);
    assert.equal(alone.body.code, 'invalid_input');
    assert.equal(alone.body.field, 'credentials.stripe_context');
    const linked = await hubLink(stripe.keys.orgTest, stripe.accounts.main.id);
    const moved = await lh.api('PATCH', `/accounts/${linked.body.id}`, {
      credentials: { api_key: stripe.keys.orgTest, stripe_context: stripe.accounts.other.id },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.stripe_context, stripe.accounts.other.id);
    // a rotated organization key without a context keeps the stored one
    const rotated = await lh.api('PATCH', `/accounts/${linked.body.id}`, { credentials: { api_key: stripe.keys.orgTest } });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.stripe_context, stripe.accounts.other.id);
    // an ordinary key drops it
    const plain = await lh.api('PATCH', `/accounts/${linked.body.id}`, { credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(plain.body.stripe_context, null);
  });
});

describe('calls of an organization-key account', () => {
  test('POST /accounts/{id}/test sends the stored context', async () => {
    const res = await lh.api('POST', `/accounts/${orgAcc}/test`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'ok');
    assert.ok(stripe.log.length >= 1);
    assert.ok(stripe.log.every((e) => e.stripeContext === stripe.accounts.main.id));
  });

  test('the proxy sends Stripe-Context and Stripe-Version; a Stripe-Context in `headers` overrides it for that call', async () => {
    const res = await proxy(orgAcc, { url: 'https://api.stripe.com', path: '/v1/customers?limit=3' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.data.map((c: any) => c.id),
      customerIds(stripe.accounts.main.id, 3),
    );
    assert.equal(stripe.log.at(-1)!.stripeContext, stripe.accounts.main.id);
    assert.equal(stripe.log.at(-1)!.stripeVersion, STRIPE_API_VERSION);

    const other = await proxy(orgAcc, {
      path: '/v1/customers?limit=3',
      headers: { 'Stripe-Context': stripe.accounts.other.id, 'Stripe-Version': '2025-03-31.basil' },
    });
    assert.equal(other.status, 200, other.text);
    assert.deepEqual(
      other.body.data.data.map((c: any) => c.id),
      customerIds(stripe.accounts.other.id, 3),
    );
    assert.equal(stripe.log.at(-1)!.stripeContext, stripe.accounts.other.id);
    assert.equal(stripe.log.at(-1)!.stripeVersion, '2025-03-31.basil');
  });

  test('an agent token may not name another account of the organization, on any surface; its own context passes', async () => {
    const minted = await lh.api('POST', `/accounts/${orgAcc}/agent_tokens`, { name: 'org agent' });
    assert.equal(minted.status, 201, minted.text);
    const bearer = { auth: `Bearer ${minted.body.token}` };
    const other = stripe.accounts.other.id;
    const before = stripe.world.store(other, 'test', 'customers').items.length;
    stripe.clearLog();
    const native = await fetch(`${lh.url}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${minted.body.token}`, 'stripe-context': other, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=via_context',
    });
    assert.equal(native.status, 403);
    const e = (await native.json()) as { error: { code: string } };
    assert.equal(e.error.code, 'agent_account_refused');
    for (const headers of [{ 'Stripe-Context': other }, { 'Stripe-Account': other }, { 'stripe-context': `${stripe.accounts.main.id}, ${other}` }]) {
      const p = await lh.api('POST', '/unified/proxy', { method: 'post', path: '/v1/customers', body: { name: 'via_proxy' }, headers }, bearer);
      assert.equal(p.status, 403, p.text);
      assert.equal(p.body.code, 'agent_account_refused');
    }
    const r = await lh.api(
      'POST',
      '/actions/rpc',
      { action: 'stripe_create_customer', body: { name: 'via_rpc' }, headers: { 'Stripe-Context': other } },
      bearer,
    );
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.code, 'agent_account_refused');
    // nor held for an approver to send: refused before the policy's money rules
    const held = await lh.api('POST', `/accounts/${orgAcc}/agent_tokens`, {
      name: 'held',
      policy: { money: { usd: { per_call: 10_000, approval_above: 1 } } },
    });
    const payout = await lh.api(
      'POST',
      '/unified/proxy',
      { method: 'post', path: '/v1/payouts', body: { amount: 500, currency: 'usd' }, headers: { 'Stripe-Context': other } },
      { auth: `Bearer ${held.body.token}` },
    );
    assert.equal(payout.status, 403, payout.text);
    assert.equal(payout.body.code, 'agent_account_refused');
    assert.equal(stripe.log.length, 0, 'nothing reached Stripe');
    assert.equal(stripe.world.store(other, 'test', 'customers').items.length, before);
    // its own context, named again, is no other account
    const own = await lh.api('POST', '/unified/proxy', { path: '/v1/customers?limit=1', headers: { 'Stripe-Context': stripe.accounts.main.id } }, bearer);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.status, 200);
  });

  test("an action sends the stored context; the input's headers override it for that call", async () => {
    const res = await rpc(orgAcc, { action: 'stripe_list_customers', query: { limit: 2 } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.map((c: any) => c.id),
      customerIds(stripe.accounts.main.id, 2),
    );
    assert.equal(stripe.log.at(-1)!.stripeContext, stripe.accounts.main.id);
    const other = await rpc(orgAcc, { action: 'stripe_list_customers', query: { limit: 2 }, headers: { 'Stripe-Context': stripe.accounts.other.id } });
    assert.equal(other.status, 200, other.text);
    assert.deepEqual(
      other.body.data.map((c: any) => c.id),
      customerIds(stripe.accounts.other.id, 2),
    );
    assert.equal(stripe.log.at(-1)!.stripeContext, stripe.accounts.other.id);
  });

  test("Stripe's missing-context error comes back as Stripe's answer (a caller blanking the header), and the account stays active", async () => {
    const res = await proxy(orgAcc, { path: '/v1/customers?limit=1', headers: { 'Stripe-Context': '' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 400);
    assert.deepEqual(res.body.data, { error: { message: MISSING_CONTEXT, type: 'invalid_request_error' } });
    const action = await rpc(orgAcc, { action: 'stripe_list_customers', query: { limit: 1 }, headers: { 'Stripe-Context': '' } });
    assert.equal(action.status, 400, action.text);
    assert.match(action.body.message, /Please include the Stripe-Context header/);
    const view = await lh.api('GET', `/accounts/${orgAcc}`);
    assert.equal(view.body.status, 'active');
  });

  test('an ordinary key sends no Stripe-Context unless the caller does', async () => {
    const plain = await hubLink(stripe.keys.secretTest);
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.body.context, null);
    const res = await proxy(plain.body.id, { path: '/v1/customers?limit=1' });
    assert.equal(res.status, 200, res.text);
    assert.equal(stripe.log.at(-1)!.stripeContext, null);
    const own = await proxy(plain.body.id, { path: '/v1/customers?limit=1', headers: { 'Stripe-Context': stripe.accounts.main.id } });
    assert.equal(own.body.status, 200, own.text);
    assert.equal(stripe.log.at(-1)!.stripeContext, stripe.accounts.main.id);
  });

  test('the organization key never appears in the logs', () => {
    assert.ok(!lh.logs.join('\n').includes(stripe.keys.orgTest));
    assert.ok(!lh.logs.join('\n').includes(stripe.keys.orgTest.slice(12)));
  });
});
