// What the upstream client takes and gives (client.ts): a request with its credential and the
// provider's wire rules, the answer, and the client's options.
import type { ByteBudget } from './byte-budget.js';
import type { ThrottleLike } from './leased-throttle.js';
import type { RetryPolicy } from './retry.js';
import type { ThrottleOptions } from './throttle.js';

export type UpstreamMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

/** What a provider does differently on the wire (from its connector's ConnectorApi). */
export interface UpstreamRules {
  /** Response header with the provider's retry advice ('true' / 'false'), lowercase, or null. */
  adviceHeader: string | null;
  /** An answer the generic rules would not retry but the provider calls transient (e.g. a lock timeout). */
  transientAnswer: ((status: number, body: Uint8Array) => boolean) | null;
  /** Request header carrying the idempotency key (lowercase), or null when the provider has none. */
  idempotencyHeader: string | null;
  /** Response header with the provider's request id (lowercase), or null. */
  requestIdHeader: string | null;
  /** The provider takes a W3C `traceparent` header: a request's `traceparent` is sent (else Linkhub sends none of its own). */
  traceparent: boolean;
}

/** A credential as it is sent: `header: value`; `secret` is what must never appear in a message. */
export interface UpstreamCredential {
  header: string;
  value: string;
  secret: string;
}

export interface UpstreamRequest {
  /** API root, e.g. 'https://api.example.com' (or a stand-in's http://127.0.0.1:port). */
  base: string;
  method: UpstreamMethod;
  /** Request target relative to the base root, already guarded, with query string ('/v1/customers?limit=3'). */
  path: string;
  /** Caller headers (already filtered; hop-by-hop, authorization and cookie are dropped again here). */
  headers?: Readonly<Record<string, string>>;
  /** The credential, never logged or echoed in errors. */
  credential: UpstreamCredential;
  /** The provider's wire rules. */
  rules: UpstreamRules;
  /** Bytes for a body that is not text (a file upload through a native path). */
  body?: string | Buffer | null;
  /** Content-Type of `body` (default: a caller `content-type` header, else application/x-www-form-urlencoded). */
  contentType?: string;
  /**
   * Idempotency key (when the rules name a header). For POST: this value, else a caller header of
   * that name, else a generated `linkhub-<uuid4>`; the same key is sent on every attempt. Other
   * methods send one only if given.
   */
  idempotencyKey?: string | null;
  /**
   * The W3C traceparent of the span making this call (trace-context.ts), sent when the rules allow it,
   * in place of any caller `traceparent`.
   */
  traceparent?: string;
  /** Per-account throttle key (e.g. the linked account id); no throttling when absent. */
  throttleKey?: string;
  /** Requests/s for `throttleKey` (required with it). */
  throttleRate?: number;
  /** Per-attempt timeout override, ms. */
  timeoutMs?: number;
  /** Retry budget override (0 = a single attempt, apart from the closed-connection rule of retry.ts). */
  retries?: number;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  /** Lowercased names; repeated headers joined with ', '. Unfiltered (see filterResponseHeaders). */
  headers: Record<string, string>;
  body: Buffer;
  /** Attempts made (1 = no retry). */
  attempts: number;
  /** The provider's request id (rules.requestIdHeader), or null. */
  requestId: string | null;
  /** The idempotency key sent, or null. */
  idempotencyKey: string | null;
  durationMs: number;
  /**
   * An earlier attempt was sent and its outcome is unknown: no answer (a timeout, a cut connection) or
   * a 5xx that was retried. Whatever this answer says (a 409 for a key still in use), that attempt may
   * have gone through.
   */
  earlierIndeterminate?: boolean;
}

export interface UpstreamClientOptions {
  /** Per-attempt timeout in ms (default 10 000; Linkhub passes config.upstreamTimeoutMs). */
  timeoutMs?: number;
  /** TCP/TLS connect timeout in ms (default min(timeoutMs, 10 000)). */
  connectTimeoutMs?: number;
  /** Sockets per origin (default 32). */
  connections?: number;
  /** Idle keep-alive in ms when the server sends no hint (default 10 000). */
  keepAliveTimeoutMs?: number;
  /** Largest response body accepted, bytes (default 32 MiB). */
  maxResponseBytes?: number;
  /**
   * The node's budget of buffered bytes (byte-budget.ts): answers are counted against it as they arrive,
   * and one it has no room for is dropped (UpstreamUnavailableError `over_budget`, never retried). Default: none.
   */
  bufferedBytes?: ByteBudget;
  retry?: Partial<RetryPolicy>;
  /**
   * Per-account throttle (false = off): options of this node's own Throttle, or a throttle shared by
   * several nodes (LeasedThrottle). Each request names its rate.
   */
  throttle?: false | Omit<ThrottleOptions, 'rate'> | ThrottleLike;
  /**
   * Requests under way at the provider per throttle key (account) on this node, fewer than `connections`
   * so that one account's slow calls leave connections for the others (in-flight.ts); default: no cap.
   * Waiting for a slot is bounded as a throttle wait is.
   */
  inFlight?: { max: number; maxQueue?: number; maxWaitMs?: number };
  /** Sent when the caller sends no user-agent (null = none). */
  userAgent?: string | null;
  /** Prefix of generated idempotency keys (default 'linkhub-'). */
  idempotencyKeyPrefix?: string;
  /** Jitter source for backoff, [0, 1) (tests). */
  random?: () => number;
}
