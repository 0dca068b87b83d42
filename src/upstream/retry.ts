// When and how long to retry an upstream call: the rules of the official payment SDKs
// (`_shouldRetry` and `_getSleepTimeInMS` of the Node SDK Linkhub's first connector ships), made
// provider-neutral: the advice header and the provider's own transient answers come from its
// connector. In order:
//   1. a closed connection (ECONNRESET/EPIPE/socket closed) on the first attempt is retried
//      once even with 0 retries (a stale keep-alive socket; POSTs carry an idempotency key)
//   2. no retries left → stop
//   3. network error (reset, refused, socket closed, timeout) → retry
//   4. the provider's advice header (connector's retry.adviceHeader): `false` → stop; `true` → retry
//   5. 409 → retry;  6. ≥500 → retry
//   7. an answer the connector calls transient (e.g. a 429 lock timeout the provider also flags
//      with the advice header; this covers intermediaries that drop the header) → retry
//   8. anything else, including 429 rate limiting and 401/403 → stop
// Backoff: min(base·2^(n-1), cap) × [0.5, 1], never below `floorMs` (the SDK's: base
// 500 ms, cap 5 s, floor = base; two retries take about 1 s).

export interface RetryPolicy {
  /** Retries after the first attempt (default 2, as the SDK). */
  maxRetries: number;
  /** Backoff base in ms (default 500). */
  baseDelayMs: number;
  /** Backoff cap in ms (default 5000). */
  maxDelayMs: number;
  /** Shortest backoff in ms (default 500 = base, as the SDK). */
  floorMs: number;
  /** Rule 1 above (default true). */
  retryClosedConnectionOnce: boolean;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 5000,
  floorMs: 500,
  retryClosedConnectionOnce: true,
});

export function retryPolicy(p?: Partial<RetryPolicy>): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...p };
}

/** Error codes meaning the connection closed under the request (rule 1). */
const CLOSED_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Network-level failures worth another attempt (rule 3). */
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Timeout codes (reported as `timeout` by the client). */
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The `code` of an error (or of its `cause`), or null. */
export function errorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const c = (err as { code?: unknown }).code;
  if (typeof c === 'string') return c;
  const cause = (err as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string') {
    return (cause as { code: string }).code;
  }
  return null;
}

export function isRetryableNetworkError(err: unknown): boolean {
  const c = errorCode(err);
  return c !== null && RETRYABLE_NETWORK.has(c);
}

export function isClosedConnectionError(err: unknown): boolean {
  const c = errorCode(err);
  return c !== null && CLOSED_CONNECTION.has(c);
}

export function isTimeoutError(err: unknown): boolean {
  const c = errorCode(err);
  return c !== null && TIMEOUT.has(c);
}

/** A connector's test for answers that are transient although the generic rules would stop. */
export type TransientAnswer = (status: number, body: Uint8Array) => boolean;

/**
 * Whether a response is worth retrying (rules 4–8), ignoring the retry budget.
 * `advice` is the provider's advice header value; `transient` is consulted only when neither the
 * advice nor the status decides.
 */
export function isRetryableResponse(status: number, advice: string | undefined, body?: Uint8Array | null, transient?: TransientAnswer | null): boolean {
  if (advice === 'false') return false;
  if (advice === 'true') return true;
  if (status === 409 || status >= 500) return true;
  if (body == null || transient == null) return false;
  return transient(status, body);
}

/**
 * Retry after a response? `retriesSoFar` retries have been made; `maxRetries` is the budget
 * (the policy's, or a per-request override). Rules 2 and 4–8.
 */
export function shouldRetryResponse(
  retriesSoFar: number,
  maxRetries: number,
  status: number,
  advice: string | undefined,
  body?: Uint8Array | null,
  transient?: TransientAnswer | null,
): boolean {
  return retriesSoFar < maxRetries && isRetryableResponse(status, advice, body, transient);
}

/** Retry after a network error (no response)? Rules 1–3. */
export function shouldRetryError(policy: RetryPolicy, retriesSoFar: number, maxRetries: number, err: unknown): boolean {
  if (policy.retryClosedConnectionOnce && retriesSoFar === 0 && isClosedConnectionError(err)) return true;
  return retriesSoFar < maxRetries && isRetryableNetworkError(err);
}

/** Delay before retry number `retry` (1-based), in ms. `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  let ms = Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  ms *= 0.5 * (1 + random());
  return Math.max(policy.floorMs, ms);
}
