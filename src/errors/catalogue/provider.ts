// The provider answered a call with a refusal or a failure that Linkhub passes on (POST
// /actions/rpc and MCP tools; the proxy returns provider answers as data instead). The provider's
// own error code stays the wire `code` (e.g. resource_missing), as StackOne's clients expect.
import type { ErrorEntry } from './types.js';

const PROVIDER_EXTRAS = ['provider_response', 'provider_errors'] as const;

export const PROVIDER_ERRORS = {
  provider_error: {
    status: 'provider',
    providerCode: true,
    message: '{provider_response}',
    action:
      'Read `provider_response` and `provider_errors`: the provider refused the request as sent (e.g. an unknown id, a declined card); change it and call again.',
    retryable: false,
    extras: PROVIDER_EXTRAS,
  },
  provider_failed: {
    code: 'provider_error',
    status: 502,
    providerCode: true,
    message: '{provider} failed on {action} (HTTP {status} after {attempts}): {provider_response}',
    action: 'Retry later; a write retried with the same Idempotency-Key is not done twice.',
    retryable: true,
    extras: PROVIDER_EXTRAS,
  },
  provider_unreadable: {
    code: 'provider_error',
    status: 502,
    message: '{provider} answered {action} with {answer}',
    action: 'Retry later, and report it if it persists: the provider answered something Linkhub cannot read.',
    retryable: false,
  },
  provider_rate_limited: {
    status: 429,
    providerCode: true,
    message: '{provider} is rate-limiting this account: {provider_response}',
    action: 'Slow down the calls for this account and retry later.',
    retryable: true,
    extras: PROVIDER_EXTRAS,
  },
} as const satisfies Record<string, ErrorEntry>;
