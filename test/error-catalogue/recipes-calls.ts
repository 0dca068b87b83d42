// Recipes: the call path (accounts that cannot be called, actions, Linkhub's throttle, the way to
// the provider) and the provider's own refusals and failures passed on.
import { eq } from 'drizzle-orm';
import { accounts } from '../../src/store/schema.js';
import { UpstreamRequestError } from '../../src/upstream/index.js';
import { budgetLeft } from './recipes-server.js';
import type { Recipes, World } from './world.js';

const LIST = { action: 'stripe_list_customers' };

/** A freshly linked account whose row is then changed in the store (no API sets these). */
async function tampered(w: World, set: Partial<typeof accounts.$inferInsert>): Promise<string> {
  const { account } = await w.freshAccount();
  await w.lh.services.store.db.update(accounts).set(set).where(eq(accounts.id, account));
  return account;
}

/** A freshly linked account whose key the stand-in then refuses. */
async function refusedKey(w: World, status: 'deleted' | 'expired'): Promise<string> {
  const { key, account } = await w.freshAccount();
  w.stripe.world.setKeyStatus(key, status);
  return account;
}

export const callRecipes: Recipes = {
  account_not_callable: async (w) => w.proxy(await tampered(w, { status: 'suspended' }), { path: '/v1/customers' }),
  integration_disabled: async (w) => w.proxy(await tampered(w, { provider: 'retired' }), { path: '/v1/customers' }),
  unknown_action: (w) => w.rpc(w.accounts.secret, { action: 'stripe_launch_rocket' }),
  // Fakepay (test/fake-connector) is registered by the test: its action, a Stripe account.
  action_not_for_account: (w) => w.rpc(w.accounts.secret, { action: 'fakepay_list_widgets' }),
  not_supported: (w) => w.rpc(w.accounts.secret, { action: 'stripe_create_file', body: { purpose: 'dispute_evidence', file: 'x' } }),
  url_refused: (w) => w.proxy(w.accounts.secret, { url: 'https://evil.example', path: '/v1/customers' }),
  not_available_to_restricted_keys: (w) => w.rpc(w.accounts.restricted, { action: 'stripe_get_current_account' }),
  action_missing_permission: (w) => w.rpc(w.accounts.restricted, { action: 'stripe_create_customer', body: { email: 'rk@example.com' } }),
  stored_key_invalid: async (w) => w.rpc(await refusedKey(w, 'deleted'), LIST),
  stored_key_expired: async (w) => w.rpc(await refusedKey(w, 'expired'), LIST),
  // room for the request's body, not for the answer's few KB
  provider_answer_dropped: (w) => budgetLeft(w, 1000, () => w.proxy(w.accounts.secret, { path: '/v1/customers?limit=10' })),
  async rate_limited(w) {
    const lh = await w.extra({ LINKHUB_THROTTLE_TEST_RPS: '1', LINKHUB_THROTTLE_MAX_QUEUE: '0' });
    const { account } = await w.freshAccount(lh);
    const answers = await Promise.all([1, 2, 3].map(() => w.proxy(account, { path: '/v1/customers?limit=1' }, lh)));
    const limited = answers.find((a) => a.status === 429);
    if (!limited || !/^\d+$/.test(limited.headers?.get('retry-after') ?? '')) throw new Error(`no 429 with Retry-After: ${answers.map((a) => a.status)}`);
    return limited;
  },
  async provider_timeout(w) {
    const lh = await w.extra({ LINKHUB_STRIPE_TIMEOUT_MS: '300' });
    const { account } = await w.freshAccount(lh);
    w.stripe.inject({ kind: 'delay', delayMs: 1500, count: 5, pathPrefix: '/v1/customers' });
    try {
      return await w.rpc(account, LIST, lh);
    } finally {
      w.stripe.clearFaults();
    }
  },
  async provider_unreachable(w) {
    w.stripe.inject({ kind: 'reset', count: 10 });
    try {
      return await w.proxy(w.accounts.secret, { path: '/v1/customers?limit=1' });
    } finally {
      w.stripe.clearFaults();
    }
  },
  // An answer that is not HTTP (two different Content-Lengths) to a write: it was sent, and may have been carried out.
  async provider_bad_answer(w) {
    w.stripe.inject({ kind: 'malformed', count: 1, pathPrefix: '/v1/customers' });
    try {
      return await w.rpc(w.accounts.secret, { action: 'stripe_create_customer', body: { email: 'bad-answer@example.com' } });
    } finally {
      w.stripe.clearFaults();
    }
  },
  // A character no HTTP header may carry (beyond Latin-1): undici refuses to send it. (Control
  // characters no longer get this far: every declared string refuses them as invalid_input.)
  invalid_request: (w) => w.rpc(w.accounts.secret, { ...LIST, headers: { 'Idempotency-Key': 'a\u20acb' } }),
  // The HTTP client failing for a reason of its own (an undici bug, say) cannot be provoked from
  // outside: the client answers that way once, and the mapping to the error body is what is tested.
  async upstream_error(w) {
    const upstream = w.lh.services.calls.upstream;
    const request = upstream.request;
    upstream.request = async () => {
      throw new UpstreamRequestError('internal', 'The upstream request could not be sent: simulated failure', 'UND_ERR');
    };
    try {
      return await w.proxy(w.accounts.secret, { path: '/v1/customers?limit=1' });
    } finally {
      upstream.request = request;
    }
  },
  // Shutting down closes the HTTP client first: a call arriving then is refused.
  async shutting_down(w) {
    const lh = await w.extra({});
    const { account } = await w.freshAccount(lh);
    await lh.services.calls.upstream.close();
    return w.proxy(account, { path: '/v1/customers?limit=1' }, lh);
  },
};

export const providerRecipes: Recipes = {
  provider_error: {
    run: (w) => w.rpc(w.accounts.secret, { action: 'stripe_get_customer', path: { customer: 'cus_missing' } }),
    provider: { status: 404, code: 'resource_missing' },
  },
  provider_failed: {
    async run(w) {
      w.stripe.inject({ kind: '500', count: 1 }); // Stripe-Should-Retry: false, so not retried
      return w.rpc(w.accounts.secret, LIST);
    },
    provider: { code: 'api_error' },
  },
  async provider_unreadable(w) {
    const lh = await w.extra({}, await w.unreadableProvider());
    const { account } = await w.freshAccount(lh);
    return w.rpc(account, LIST, lh);
  },
  provider_rate_limited: {
    async run(w) {
      w.stripe.setRateLimits({ test: 1 });
      try {
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push(await w.rpc(w.accounts.secret, LIST));
        return answers.find((a) => a.status === 429) ?? answers[answers.length - 1];
      } finally {
        w.stripe.setRateLimits(false);
      }
    },
    provider: { code: 'rate_limit' },
  },
};
