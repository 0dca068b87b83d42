// Stripe wire facts the upstream layer relies on (FACTS §2, §8, §9, §13), in one place.

/** Per-account global limits in requests per second (FACTS §13). */
export const STRIPE_DEFAULT_RATES: Readonly<{ live: number; test: number }> = Object.freeze({ live: 100, test: 25 });

/** Longest Idempotency-Key Stripe accepts (FACTS §9). */
export const STRIPE_MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const MODE = /^(?:sk|rk|pk)_(live|test)_/;

/** 'live' or 'test' from a key's prefix (FACTS §3: the key decides the mode), else null. */
export function stripeKeyMode(key: string): 'live' | 'test' | null {
  const m = MODE.exec(key);
  return m ? (m[1] as 'live' | 'test') : null;
}

/** Throttle rate for a key: the live limit for `_live_` keys, the test limit otherwise. */
export function stripeRateForKey(key: string, rates: { live: number; test: number } = STRIPE_DEFAULT_RATES): number {
  // `sk_live_…`, `rk_live_…`: a prefix test without a regex match object (hot path).
  return key.startsWith('live_', 3) ? rates.live : rates.test;
}

type Headers = Readonly<Record<string, string | undefined>>;

/** Response header names (lowercase, as undici delivers them) and readers (FACTS §8). */
export const stripeHeaderFacts = Object.freeze({
  REQUEST_ID: 'request-id',
  SHOULD_RETRY: 'stripe-should-retry',
  IDEMPOTENCY_KEY: 'idempotency-key',
  IDEMPOTENT_REPLAYED: 'idempotent-replayed',
  ORIGINAL_REQUEST: 'original-request',
  STRIPE_VERSION: 'stripe-version',
  STRIPE_ACCOUNT: 'stripe-account',
  STRIPE_CONTEXT: 'stripe-context',
  /** `Request-Id` (`req_…`), or null. */
  requestId: (h: Headers): string | null => h['request-id'] ?? null,
  /** `Stripe-Should-Retry` as advice: true, false, or null when absent. */
  shouldRetry: (h: Headers): boolean | null => {
    const v = h['stripe-should-retry'];
    return v === 'true' ? true : v === 'false' ? false : null;
  },
  /** True when the response is a cached idempotent replay. */
  isReplay: (h: Headers): boolean => h['idempotent-replayed'] === 'true',
  /** The request whose result a replay repeats (`Original-Request`), or null. */
  originalRequest: (h: Headers): string | null => h['original-request'] ?? null,
  /** The API version Stripe applied. */
  apiVersion: (h: Headers): string | null => h['stripe-version'] ?? null,
});
