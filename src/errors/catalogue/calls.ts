// Calling a provider with a linked account's key (POST /unified/proxy, POST /actions/rpc, MCP
// tools): the account, the action, Linkhub's own throttle and the way to the provider.
import type { ErrorEntry } from './types.js';

const RELINK = 'Link a current key for the account (Hub edit mode, or PATCH /accounts/{id} with `credentials.api_key`), then call again.';
const STORED_KEY_EXTRAS = ['action', 'account_id', 'account_status', 'provider_response', 'provider_errors'] as const;

export const CALL_ERRORS = {
  account_not_callable: {
    status: 412,
    message: 'Account {account} is {status}: it cannot be used until it is re-linked or re-enabled',
    action: 'Re-link the account (Hub edit mode, or PATCH /accounts/{id} with a new key); only active and error accounts are called.',
    retryable: false,
    extras: ['account_status'],
  },
  integration_disabled: {
    status: 412,
    message: 'Account {account}: provider "{provider}" is not enabled on this Linkhub',
    action: "Enable the account's provider on this Linkhub again, or delete the account.",
    retryable: false,
  },
  unknown_action: {
    status: 404,
    message: 'Unknown action {action}: {hint}',
    action: 'Use an action id that GET /actions (or the MCP search tool) lists.',
    retryable: false,
  },
  action_not_for_account: {
    status: 400,
    message: '{action} is a {connector} action; account {account} is linked to {account_connector}',
    action: "Call an action of the account's provider (its id starts with the provider key), or use an account of the action's provider.",
    retryable: false,
    extras: ['action'],
  },
  not_supported: {
    status: 501,
    message: '{action} uploads a file (multipart/form-data), which the action executor does not support',
    action: 'Upload the file to the provider directly; the executor sends JSON-encoded bodies only.',
    retryable: false,
  },
  url_refused: {
    status: 400,
    message: 'Refused: {problem}',
    action:
      "Name only the account's provider API in `url` and a plain path in `path` (no other host, scheme, port, `..`, `//` or encoded separators). Nothing was sent.",
    retryable: false,
    extras: ['reason'],
  },
  not_available_to_restricted_keys: {
    status: 403,
    message: '{what} is not available to restricted keys: link a {secret_key} for this account to use it.',
    action: 'Link a secret key for this account: no permission of a restricted key grants this call.',
    retryable: false,
    extras: ['action', 'permission', 'provider_response', 'provider_errors'],
  },
  action_missing_permission: {
    code: 'missing_permission',
    status: 403,
    message: "Action {action} needs the '{permission}' permission ({label}), which this account's restricted {provider} key lacks. {grant_hint}",
    action: "Grant the permission to the restricted key in the provider's dashboard (`grant_hint` says where), then call again.",
    retryable: false,
    extras: ['action', 'permission', 'grant_hint', 'provider_response', 'provider_errors'],
  },
  stored_key_invalid: {
    code: 'invalid_key',
    status: 412,
    message:
      '{provider} rejected the stored key (revoked or deleted). The account is now in error: link a current key (Hub edit mode or PATCH /accounts/{account}).',
    action: RELINK,
    retryable: false,
    extras: STORED_KEY_EXTRAS,
  },
  stored_key_expired: {
    code: 'expired_key',
    status: 412,
    message:
      '{provider} says the stored key has expired or was rolled. The account is now in error: link a current key (Hub edit mode or PATCH /accounts/{account}).',
    action: RELINK,
    retryable: false,
    extras: STORED_KEY_EXTRAS,
  },
  rate_limited: {
    status: 429,
    message: "Too many requests for account {account}: Linkhub keeps each account under {provider}'s rate limit ({reason}). Retry in about {seconds} s.",
    action: 'Retry after `retry_after_ms` (also the Retry-After header, in seconds); spread the calls for one account over time. Nothing was sent.',
    retryable: true,
    extras: ['retry_after_ms'],
  },
  provider_timeout: {
    status: 504,
    message: '{provider} did not answer in time after {attempts} ({cause}).{idempotency_hint}',
    action: 'Retry later; retry a write with the `idempotency_key` given so that it is not done twice.',
    retryable: true,
    extras: ['attempts', 'idempotency_key'],
  },
  provider_unreachable: {
    status: 502,
    message: '{provider} could not be reached after {attempts} ({cause}).{idempotency_hint}',
    action: 'Retry later; retry a write with the `idempotency_key` given so that it is not done twice.',
    retryable: true,
    extras: ['attempts', 'idempotency_key'],
  },
  provider_bad_answer: {
    status: 502,
    message:
      '{provider} answered with something that is not HTTP after {attempts} ({cause}): the request was sent and may have been carried out.{idempotency_hint}',
    action:
      'Check the outcome before doing a write again (e.g. list the recent objects); retry it only with the `idempotency_key` given, so that it is not done twice.',
    retryable: true,
    extras: ['attempts', 'idempotency_key'],
  },
  provider_answer_dropped: {
    status: 503,
    message:
      '{provider} answered after {attempts}, but Linkhub held as many request bodies and provider answers as it may at once and dropped the answer: the request was sent and may have been carried out.{idempotency_hint}',
    action:
      'Check the outcome before doing a write again (e.g. list the recent objects); retry it only with the `idempotency_key` given, so that it is not done twice.',
    retryable: true,
    extras: ['reason', 'attempts', 'idempotency_key'],
  },
  invalid_request: {
    status: 400,
    message: '{message}',
    action: 'Fix the request as the message says (e.g. a forwarded header value with characters HTTP does not allow). Nothing was sent.',
    retryable: false,
  },
  upstream_error: {
    status: 500,
    message: '{message}',
    action: 'Retry; if it persists, report it with the time of the call (the call log and server log have the cause).',
    retryable: false,
  },
  shutting_down: {
    status: 503,
    message: 'Linkhub is shutting down: retry shortly',
    action: 'Retry in a moment: this instance is stopping, another one (or this one restarted) will answer.',
    retryable: true,
  },
} as const satisfies Record<string, ErrorEntry>;
