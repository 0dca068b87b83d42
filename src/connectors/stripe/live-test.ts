// The live connection test: GET /v1/customers?limit=1 (a restricted key needs only Customers read),
// then the account's identity. Maps Stripe's answers to Linkhub's outcomes.
import type { LiveTestContext, LiveTestOutcome } from '../types.js';
import { permissionLabel } from './permissions.js';

interface StripeErrorBody {
  error?: { message?: string; code?: string; type?: string };
}

const errorOf = (body: unknown) => (body as StripeErrorBody | null)?.error ?? {};

/** `on account 'acct_…'` in Stripe's 403 texts. */
export function accountIdFromMessage(message: string | undefined): string | null {
  return /on account '(acct_[A-Za-z0-9]+)'/.exec(message ?? '')?.[1] ?? null;
}

/** `Having the 'rak_customer_read' permission would allow this request to continue.` */
export function permissionFromMessage(message: string | undefined): string | null {
  return /'(rak_[a-z0-9_]+)'/.exec(message ?? '')?.[1] ?? null;
}

export async function testStripeKey(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome> {
  let res: { status: number; body: unknown };
  try {
    res = await ctx.get('/v1/customers?limit=1', key);
  } catch {
    return { result: 'unreachable', message: 'Stripe could not be reached. Nothing was saved: try again in a moment.', providerStatus: null };
  }
  const err = errorOf(res.body);
  if (res.status === 401) {
    const expired = err.code === 'api_key_expired';
    return {
      result: 'invalid_key',
      code: expired ? 'expired_key' : 'invalid_key',
      message: expired
        ? 'Stripe says this key has expired or was rolled. Create or reveal a current key in the Stripe Dashboard (Developers > API keys) and paste it again.'
        : 'Stripe rejected this key as invalid. Check that you copied the whole key from the Stripe Dashboard (Developers > API keys).',
      providerMessage: err.message ?? null,
    };
  }
  if (res.status === 403) {
    const permission = permissionFromMessage(err.message);
    const name = permission ?? 'rak_customer_read';
    return {
      result: 'missing_permission',
      permission: name,
      message:
        `This restricted key lacks the '${name}' permission (${permissionLabel(name)}). ` +
        'In the Stripe Dashboard open Developers > API keys, edit the restricted key, set that resource to Read (or Write), save, and try again.',
      providerMessage: err.message ?? null,
      externalAccountId: accountIdFromMessage(err.message),
    };
  }
  if (res.status === 429 || res.status >= 500) {
    const why = res.status === 429 ? 'Stripe is rate-limiting requests' : `Stripe answered with an error (HTTP ${res.status})`;
    return { result: 'unreachable', message: `${why}. Nothing was saved: try again in a moment.`, providerStatus: res.status };
  }
  if (res.status < 200 || res.status >= 300) {
    return { result: 'unreachable', message: `Stripe answered unexpectedly (HTTP ${res.status}). Nothing was saved: try again.`, providerStatus: res.status };
  }
  return { result: 'ok', ...(await identify(key, ctx)) };
}

/** Who the key belongs to. Secret keys read GET /v1/account; restricted keys get a 403 that names the account. */
async function identify(key: string, ctx: LiveTestContext): Promise<{ externalAccountId: string | null; externalAccountName: string | null }> {
  try {
    const res = await ctx.get('/v1/account', key);
    if (res.status === 200) {
      const a = res.body as { id?: string; business_profile?: { name?: string | null }; settings?: { dashboard?: { display_name?: string | null } } };
      return {
        externalAccountId: a.id ?? null,
        externalAccountName: a.settings?.dashboard?.display_name || a.business_profile?.name || null,
      };
    }
    return { externalAccountId: accountIdFromMessage(errorOf(res.body).message), externalAccountName: null };
  } catch {
    return { externalAccountId: null, externalAccountName: null };
  }
}
