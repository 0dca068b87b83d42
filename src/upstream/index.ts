// How Linkhub calls an upstream API: the public surface of src/upstream/.
export { formEncode, toQueryString, withQuery, encodeFormComponent } from './form-encode.js';
export { resolveUpstreamUrl, resolveUpstreamPath, UpstreamUrlError } from './url-guard.js';
export type { ResolveOptions, UpstreamUrlErrorReason } from './url-guard.js';
export { Throttle, ThrottleError } from './throttle.js';
export type { ThrottleOptions, ThrottleErrorReason } from './throttle.js';
export {
  DEFAULT_RETRY_POLICY, retryPolicy, backoffDelay, shouldRetryResponse, shouldRetryError,
  isRetryableResponse, isRetryableNetworkError, isClosedConnectionError, isTimeoutError, errorCode,
} from './retry.js';
export type { RetryPolicy } from './retry.js';
export { filterForwardHeaders, filterResponseHeaders, DROPPED_REQUEST_HEADERS, DROPPED_RESPONSE_HEADERS } from './headers.js';
export { UpstreamUnavailableError, UpstreamRequestError } from './errors.js';
export type { UnavailableCode, UpstreamRequestErrorCode } from './errors.js';
export { STRIPE_DEFAULT_RATES, STRIPE_MAX_IDEMPOTENCY_KEY_LENGTH, stripeKeyMode, stripeRateForKey, stripeHeaderFacts } from './stripe-facts.js';
export { UpstreamClient } from './client.js';
export type { UpstreamClientOptions, UpstreamMethod, UpstreamRequest, UpstreamResponse } from './client.js';
