// How Linkhub calls an upstream API: the public surface of src/upstream/ (provider-neutral; what
// differs per provider arrives as UpstreamRules and an UpstreamCredential).
export { appendQuery } from './query.js';
export { resolveUpstreamUrl, resolveUpstreamPath, UpstreamUrlError } from './url-guard.js';
export type { ResolveOptions, UpstreamUrlErrorReason } from './url-guard.js';
export { Throttle, ThrottleError } from './throttle.js';
export { LeasedThrottle } from './leased-throttle.js';
export type { LeasedThrottleOptions, ThrottleLike, TokenSource } from './leased-throttle.js';
export type { ThrottleOptions, ThrottleErrorReason } from './throttle.js';
export {
  DEFAULT_RETRY_POLICY,
  retryPolicy,
  backoffDelay,
  shouldRetryResponse,
  shouldRetryError,
  isRetryableResponse,
  isRetryableNetworkError,
  isClosedConnectionError,
  isTimeoutError,
  errorCode,
} from './retry.js';
export type { RetryPolicy, TransientAnswer } from './retry.js';
export { filterForwardHeaders, filterResponseHeaders, DROPPED_REQUEST_HEADERS, DROPPED_RESPONSE_HEADERS } from './headers.js';
export { UpstreamUnavailableError, UpstreamRequestError } from './errors.js';
export type { UnavailableCode, UpstreamRequestErrorCode } from './errors.js';
export { UpstreamClient } from './client.js';
export { ByteBudget } from './byte-budget.js';
export type { UpstreamClientOptions, UpstreamCredential, UpstreamMethod, UpstreamRequest, UpstreamResponse, UpstreamRules } from './types.js';
