// How Stripe's answers are read: its error envelope `{"error": {type, code, message, param}}` and
// what a refusal means. The one reading used by the live test and every later call.
import type { ProviderError, ProviderVerdict } from '../api.js';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Stripe's error envelope, or null when the body is not one. */
export function parseStripeError(body: Uint8Array): ProviderError | null {
  if (body.length === 0 || body.length > 1_000_000) return null;
  try {
    const e = (JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as { error?: Record<string, unknown> } | null)?.error;
    if (!e || typeof e !== 'object') return null;
    return { type: text(e.type), code: text(e.code), message: text(e.message), param: text(e.param) };
  } catch {
    return null;
  }
}

/** `Having the 'rak_customer_read' permission would allow this request to continue.` → rak_customer_read */
export function permissionFromMessage(message: string | null | undefined): string | null {
  return /'(rak_[a-z0-9_]+)'/.exec(message ?? '')?.[1] ?? null;
}

/** `… on account 'acct_…'` in Stripe's 403 texts. */
export function accountIdFromMessage(message: string | null | undefined): string | null {
  return /on account '(acct_[A-Za-z0-9]+)'/.exec(message ?? '')?.[1] ?? null;
}

/** Stripe's 403 for endpoints no restricted key may call, whatever its permissions. */
const CLOSED_TO_RESTRICTED = /not available for use by restricted keys/;

/** What a non-2xx Stripe answer means. */
export function readStripeAnswer(status: number, body: Uint8Array): ProviderVerdict {
  const error = parseStripeError(body);
  if (status === 401) return { kind: 'key_rejected', code: error?.code === 'api_key_expired' ? 'expired_key' : 'invalid_key', error };
  // Stripe-Account or Stripe-Context naming an account the key cannot act on: no permission would help
  if (status === 403 && error?.code === 'account_invalid') return { kind: 'other', error };
  if (status === 403) {
    return {
      kind: 'missing_permission',
      permission: permissionFromMessage(error?.message),
      closedToRestrictedKeys: CLOSED_TO_RESTRICTED.test(error?.message ?? ''),
      error,
    };
  }
  if (status === 429) return { kind: 'rate_limited', error };
  if (status >= 500) return { kind: 'transient', error };
  return { kind: 'other', error };
}

/** Stripe's 429 `lock_timeout` is a transient conflict on one object, worth a retry (a substring test: no JSON parse). */
export function isLockTimeout(status: number, body: Uint8Array): boolean {
  return status === 429 && Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes('"lock_timeout"');
}
