// The calling part of the connector contract: how Linkhub talks to a provider's API with a linked
// account's key, for the live test, the proxy, actions and MCP alike. Everything here is data or a
// pure function of an answer, so the provider-neutral call path (src/services/calls/, src/upstream/)
// applies it without knowing the provider.
import type { EnvironmentKey } from './keys.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

/** A provider's error envelope, read from a non-2xx answer (every field null when absent). */
export interface ProviderError {
  type: string | null;
  code: string | null;
  message: string | null;
  param: string | null;
}

/** What a non-2xx answer means for Linkhub. */
export type ProviderVerdict =
  /** The stored key is no longer accepted (revoked, deleted or expired): the account goes to `error`. */
  | { kind: 'key_rejected'; code: 'invalid_key' | 'expired_key'; error: ProviderError | null }
  /**
   * A restricted key lacks a permission. `permission` is the provider's name for it when the answer
   * says (null otherwise); `closedToRestrictedKeys` when no permission can grant it.
   */
  | { kind: 'missing_permission'; permission: string | null; closedToRestrictedKeys: boolean; error: ProviderError | null }
  /** The provider is rate-limiting this account. */
  | { kind: 'rate_limited'; error: ProviderError | null }
  /** A failure on the provider's side that may pass (5xx). */
  | { kind: 'transient'; error: ProviderError | null }
  /** Anything else: a client error the caller should read (400, 402, 404, 409 …). */
  | { kind: 'other'; error: ProviderError | null };

export interface ConnectorApi {
  /** The public API root, e.g. https://api.stripe.com (the only origin a proxied call may name). */
  baseUrl: string;
  /** Other origins individual actions are served from (e.g. a file-upload host). */
  actionOrigins: readonly string[];
  /** How the credential is sent: `header: prefix + key`. */
  credential: { header: string; prefix: string };
  /** Headers Linkhub sends on its own calls (live test, actions), e.g. a pinned API version. */
  requestHeaders: Readonly<Record<string, string>>;
  /** Caller headers an action or MCP tool call may pass through (lowercase), besides the idempotency header. */
  passHeaders: readonly string[];
  /** Response header carrying the provider's request id (lowercase), or null. */
  requestIdHeader: string | null;
  /**
   * The provider takes a W3C `traceparent` request header (uses or ignores it): Linkhub then sends the
   * trace of the request that caused the call. False for a provider that refuses unknown headers.
   */
  acceptsTraceparent: boolean;
  /** Request bodies and query strings. */
  encoding: {
    contentType: string;
    /** A JSON object as a request body. */
    body(data: unknown): string;
    /** A JSON object as a query string (without `?`). */
    query(data: unknown): string;
  };
  /** Requests per second per linked account, by environment (the provider's own limits). */
  rateLimits: Readonly<Record<EnvironmentKey, number>>;
  /** Which answers are retried, besides network failures and the generic 409/5xx rule. */
  retry: {
    /** Response header with the provider's advice ('true' retry, 'false' never), lowercase, or null. */
    adviceHeader: string | null;
    /** True when an answer the generic rules would not retry is transient (e.g. a lock timeout). */
    transientAnswer?(status: number, body: Uint8Array): boolean;
  };
  /**
   * How writes are made idempotent: the header carrying a key, sent on every POST and reused on retries;
   * `keptMs`, how long the provider keeps a key after its first use (a call sent again later may be applied twice).
   */
  idempotency: { header: string; maxLength: number; keptMs: number } | null;
  /** What a non-2xx answer means (one reading for the live test and every call). */
  readAnswer(status: number, body: Uint8Array): ProviderVerdict;
  /** Permissions of restricted keys, for messages. */
  permissions: {
    /** Human name, e.g. rak_customer_read → "Customers: Read". */
    label(permission: string): string;
    /** Where and how to grant a permission (null: the permission is not known). */
    grantHint(permission: string | null): string;
    /** Permissions a granted one implies (write implies read), and the one a refusal of it implies missing. */
    implied(permission: string): string | null;
    /** The permission the live test needs: a passing test proves it granted, a refusal names it missing. */
    liveTest: string | null;
  };
}
