// One entry of the error catalogue (../catalogue.ts): what Linkhub answers, why, and what the
// caller should do about it. Kept apart from the index so the domain files and the index share it
// without importing each other.

export interface ErrorEntry {
  /** HTTP status; 'provider' = the provider's own (4xx) status, passed through. */
  readonly status: number | 'provider';
  /**
   * The message, with named parameters in braces (`Account {account} is {status}: …`). `{message}`
   * alone means the text comes from elsewhere (a connector's key rules, the MCP transport) and is
   * only passed on.
   */
  readonly message: string;
  /** One sentence: what the caller should do. */
  readonly action: string;
  /** True when the same request may succeed later unchanged (the body then says `retryable: true`). */
  readonly retryable: boolean;
  /**
   * Retryable, but only once a person has acted (approved a call, decided waiting ones): a client should
   * not retry it by itself (on the provider's own paths, its retry header tells its SDKs not to).
   */
  readonly awaitsPerson?: boolean;
  /**
   * The `code` on the wire when it is not the entry's name: one reason answered at two stages keeps
   * one code (invalid_key when linking, 422, and when calling with the stored key, 412).
   */
  readonly code?: string;
  /** The wire `code` is the provider's own error code when its answer names one (else `code`). */
  readonly providerCode?: boolean;
  /** Body fields always present besides statusCode, message, timestamp and code. */
  readonly extras?: readonly string[];
}
