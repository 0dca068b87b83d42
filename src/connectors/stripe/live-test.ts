// The live connection test: GET /v1/customers?limit=1 (a restricted key needs only Customers: Read),
// then the account's identity. Maps Stripe's answers to Linkhub's outcomes with the same reading
// of errors as every later call (errors.ts).
import type { LiveTestContext, LiveTestOutcome } from '../types.js';
import { accountIdFromMessage, parseStripeError, readStripeAnswer } from './errors.js';
import { permissionLabel } from './permissions.js';

/** The permission the test call needs; named when Stripe's 403 does not say. */
export const LIVE_TEST_PERMISSION = 'rak_customer_read';

export async function testStripeKey(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome> {
  let res: { status: number; body: Buffer };
  try {
    res = await ctx.get('/v1/customers?limit=1', key);
  } catch {
    return { result: 'unreachable', message: 'Stripe could not be reached. Nothing was saved: try again in a moment.', providerStatus: null };
  }
  if (res.status >= 200 && res.status < 300) return { result: 'ok', ...(await identify(key, ctx)) };
  const verdict = readStripeAnswer(res.status, res.body);
  const providerMessage = verdict.error?.message ?? null;
  if (res.status === 403 && verdict.error?.code === 'account_invalid') {
    // Stripe-Account / Stripe-Context naming an account the key cannot act on (e.g. one outside the organization)
    return {
      result: 'missing_permission',
      permission: null,
      message: 'Stripe says this key cannot act on the account named as Stripe-Context. Check the account id: it must be an account of your organization.',
      providerMessage,
      externalAccountId: null,
    };
  }
  switch (verdict.kind) {
    case 'key_rejected':
      return {
        result: 'invalid_key',
        code: verdict.code,
        message:
          verdict.code === 'expired_key'
            ? 'Stripe says this key has expired or was rolled. Create or reveal a current key in the Stripe Dashboard (Developers > API keys) and paste it again.'
            : 'Stripe rejected this key as invalid. Check that you copied the whole key from the Stripe Dashboard (Developers > API keys).',
        providerMessage,
      };
    case 'missing_permission': {
      const name = verdict.permission ?? LIVE_TEST_PERMISSION;
      return {
        result: 'missing_permission',
        permission: name,
        message:
          `This restricted key lacks the '${name}' permission (${permissionLabel(name)}). ` +
          'In the Stripe Dashboard open Developers > API keys, edit the restricted key, set that resource to Read (or Write), save, and try again.',
        providerMessage,
        externalAccountId: accountIdFromMessage(providerMessage),
      };
    }
    case 'rate_limited':
    case 'transient': {
      const why = res.status === 429 ? 'Stripe is rate-limiting requests' : `Stripe answered with an error (HTTP ${res.status})`;
      return { result: 'unreachable', message: `${why}. Nothing was saved: try again in a moment.`, providerStatus: res.status };
    }
    default:
      return { result: 'unreachable', message: `Stripe answered unexpectedly (HTTP ${res.status}). Nothing was saved: try again.`, providerStatus: res.status };
  }
}

/** Who the key belongs to. Secret keys read GET /v1/account; restricted keys get a 403 that names the account. */
async function identify(key: string, ctx: LiveTestContext): Promise<{ externalAccountId: string | null; externalAccountName: string | null }> {
  try {
    const res = await ctx.get('/v1/account', key);
    if (res.status === 200) {
      const a = JSON.parse(res.body.toString('utf8')) as {
        id?: string;
        business_profile?: { name?: string | null };
        settings?: { dashboard?: { display_name?: string | null } };
      };
      return {
        externalAccountId: a.id ?? null,
        externalAccountName: a.settings?.dashboard?.display_name || a.business_profile?.name || null,
      };
    }
    return { externalAccountId: accountIdFromMessage(parseStripeError(res.body)?.message), externalAccountName: null };
  } catch {
    return { externalAccountId: null, externalAccountName: null };
  }
}
