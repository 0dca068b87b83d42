// Recipes: agent tokens, their policies and approvals. Refusals on the provider-native paths come in
// the provider's error shape; Linkhub's documented fields are inside its `error` object, so the
// recipe reads them from there.
import type { Answer, Recipes, World } from './world.js';

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function token(w: World, body: Record<string, unknown> = {}): Promise<string> {
  const res = await w.raw('POST', `/accounts/${w.accounts.secret}/agent_tokens`, { body: JSON.stringify({ name: 'recipe', ...body }), headers: json });
  if (res.status !== 201) throw new Error(`agent token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** A request on a native path with an agent token; the answer's `error` object as the body. */
async function native(
  w: World,
  method: string,
  path: string,
  auth: string | false,
  o: { body?: string; headers?: Record<string, string> } = {},
  type = 'invalid_request_error',
): Promise<Answer> {
  const a = await w.raw(method, path, { ...o, auth });
  if (!a.body || typeof a.body.error !== 'object') throw new Error(`not the provider's error shape: ${JSON.stringify(a.body)}`);
  if (a.body.error.type !== type) throw new Error(`error type ${a.body.error.type}`);
  return { ...a, body: a.body.error, native: true };
}

const payout = (amount: number, key?: string) => ({ body: `amount=${amount}&currency=usd`, headers: key ? { ...form, 'idempotency-key': key } : form });

async function held(w: World): Promise<string> {
  const t = await token(w, { policy: { money: { usd: { approval_above: 1 } } } });
  const a = await native(w, 'POST', '/v1/payouts', `Bearer ${t}`, payout(5));
  return a.body.approval as string;
}

export const agentRecipes: Recipes = {
  agent_token_missing: (w) => native(w, 'GET', '/v1/customers', false),
  unsupported_content_encoding: async (w) =>
    native(w, 'POST', '/v1/customers', `Bearer ${await token(w)}`, { body: 'name=x', headers: { ...form, 'content-encoding': 'deflate' } }),
  agent_token_invalid: (w) => native(w, 'GET', '/v1/customers', `Bearer lhat_${'A'.repeat(40)}`),
  agent_token_not_found: (w) => w.raw('DELETE', `/accounts/${w.accounts.secret}/agent_tokens/at_doesnotexist`),
  // the cap lowered for the one request (an account may have 100 live tokens)
  agent_token_limit: async (w) => {
    const limits = w.lh.services.agentTokens.limits;
    const before = limits.liveTokensPerAccount;
    limits.liveTokensPerAccount = 0;
    try {
      return await w.raw('POST', `/accounts/${w.accounts.secret}/agent_tokens`, { body: '{"name":"recipe"}', headers: json });
    } finally {
      limits.liveTokensPerAccount = before;
    }
  },
  agent_account_required: async (w) => native(w, 'GET', '/v1/customers', `Bearer ${await token(w, { also_accounts: [w.accounts.restricted] })}`),
  agent_account_refused: async (w) => native(w, 'GET', '/v1/customers', `Bearer ${await token(w)}`, { headers: { 'linkhub-account': w.accounts.restricted } }),
  policy_denied: async (w) =>
    native(w, 'POST', '/v1/customers', `Bearer ${await token(w, { policy: { read_only: true } })}`, { body: 'name=x', headers: form }),
  spend_cap_exceeded: async (w) => native(w, 'POST', '/v1/payouts', `Bearer ${await token(w, { policy: { money: { usd: { per_call: 1 } } } })}`, payout(5)),
  approval_required: async (w) => {
    const t = await token(w, { policy: { money: { usd: { approval_above: 1 } } } });
    return native(w, 'POST', '/v1/payouts', `Bearer ${t}`, payout(5));
  },
  idempotency_key_reused: async (w) => {
    const t = `Bearer ${await token(w, { policy: { money: { usd: { approval_above: 1 } } } })}`;
    await native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-reused'));
    return native(w, 'POST', '/v1/payouts', t, payout(6, 'recipe-reused'), 'idempotency_error');
  },
  approval_in_flight: async (w) => {
    const t = `Bearer ${await token(w, { policy: { money: { usd: { approval_above: 1 } } } })}`;
    const id = (await native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-in-flight'))).body.approval as string;
    w.stripe.inject({ kind: 'delay', delayMs: 1000, pathPrefix: '/v1/payouts' });
    const approving = w.raw('POST', `/approvals/${id}/approve`);
    for (let i = 0; i < 400 && !w.stripe.log.some((e) => e.path === '/v1/payouts' && e.idempotencyKey === 'recipe-in-flight'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const repeat = await native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-in-flight'), 'idempotency_error');
    await approving;
    return repeat;
  },
  approval_send_again_closed: async (w) => {
    const t = `Bearer ${await token(w, { policy: { money: { usd: { approval_above: 1 } } } })}`;
    const id = (await native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-too-late'))).body.approval as string;
    // approved and sent a day ago without an answer (the state a timed-out sending leaves), written in the store
    await w.lh.services.store.db.execute(
      `update approvals set status = 'unconfirmed', resolved_at = now() - interval '24 hours', sending_at = now() - interval '24 hours' where id = '${id}'`,
    );
    return native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-too-late'), 'idempotency_error');
  },
  approval_applied_unanswered: async (w) => {
    const t = `Bearer ${await token(w, { policy: { money: { usd: { approval_above: 1 } } } })}`;
    const id = (await native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-applied'))).body.approval as string;
    // approved and sent without an answer (the state a timed-out sending leaves), then found applied by a person
    await w.lh.services.store.db.execute(`update approvals set status = 'unconfirmed', resolved_at = now(), sending_at = now() where id = '${id}'`);
    const reconciled = await w.raw('POST', `/approvals/${id}/reconcile`, { body: JSON.stringify({ outcome: 'applied' }), headers: json });
    if (reconciled.status !== 200) throw new Error(`reconcile: ${reconciled.status}`);
    return native(w, 'POST', '/v1/payouts', t, payout(5, 'recipe-applied'), 'idempotency_error');
  },
  approval_token_revoked: async (w) => {
    const made = await w.raw('POST', `/accounts/${w.accounts.secret}/agent_tokens`, {
      body: JSON.stringify({ name: 'recipe', policy: { money: { usd: { approval_above: 1 } } } }),
      headers: json,
    });
    const id = (await native(w, 'POST', '/v1/payouts', `Bearer ${made.body.token}`, payout(5))).body.approval as string;
    const revoked = await w.raw('DELETE', `/accounts/${w.accounts.secret}/agent_tokens/${made.body.id}`);
    if (revoked.status !== 200) throw new Error(`revoke: ${revoked.status}`);
    return w.raw('POST', `/approvals/${id}/approve`);
  },
  held_call_too_large: async (w) => {
    const t = await token(w, { policy: { money: { usd: { approval_above: 1 } } } });
    return native(w, 'POST', '/v1/payouts', `Bearer ${t}`, { body: `amount=5&currency=usd&description=${'x'.repeat(70_000)}`, headers: form });
  },
  approvals_pending_limit: async (w) => {
    const t = `Bearer ${await token(w, { policy: { money: { usd: { approval_above: 1 } } } })}`;
    for (let i = 0; i < 100; i++) await native(w, 'POST', '/v1/payouts', t, payout(5 + i));
    return native(w, 'POST', '/v1/payouts', t, payout(1000));
  },
  approval_not_found: (w) => w.raw('POST', '/approvals/apr_doesnotexist/approve'),
  approval_not_unconfirmed: async (w) =>
    w.raw('POST', `/approvals/${await held(w)}/reconcile`, { body: JSON.stringify({ outcome: 'applied' }), headers: json }),
  approval_not_pending: async (w) => {
    const id = await held(w);
    const first = await w.raw('POST', `/approvals/${id}/deny`);
    if (first.status !== 200) throw new Error(`deny: ${first.status}`);
    return w.raw('POST', `/approvals/${id}/deny`);
  },
};
