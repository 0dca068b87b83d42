// Agents: agent tokens, their policies (allowed actions, spend caps) and approvals of held calls.
import type { ErrorEntry } from './types.js';

export const AGENT_ERRORS = {
  agent_token_missing: {
    status: 401,
    message: 'Missing agent token: send `Authorization: Bearer lhat_…`',
    action: 'Create an agent token with POST /accounts/{id}/agent_tokens and send it as a Bearer token (a provider SDK does when the token is its key).',
    retryable: false,
  },
  agent_token_invalid: {
    status: 401,
    message: 'Invalid, expired or revoked agent token',
    action: 'Ask the account owner for a current agent token; a revoked or expired token stays refused.',
    retryable: false,
  },
  agent_token_not_found: {
    status: 404,
    message: 'Agent token not found',
    action: 'Check the token id (GET /accounts/{id}/agent_tokens lists the account’s tokens).',
    retryable: false,
  },
  agent_token_limit: {
    status: 409,
    message: 'Account {account} has {limit} live agent tokens, the most an account may have: no token was created',
    action:
      'Revoke tokens no longer in use (GET /accounts/{id}/agent_tokens lists them, DELETE /accounts/{id}/agent_tokens/{token_id} revokes one) or let expiring ones run out; an integration should keep a token, or give tokens an expiry, rather than make one per run.',
    retryable: false,
    extras: ['limit'],
  },
  agent_account_required: {
    status: 400,
    message: 'This agent token acts on {count} accounts: name one in {where}',
    action: 'Send the account id (one of the token’s accounts) in the Linkhub-Account header, or the `account` argument on MCP tools.',
    retryable: false,
    extras: ['accounts'],
  },
  agent_account_refused: {
    status: 403,
    message: 'This agent token may not act on account {account}',
    action: 'Use one of the accounts the token names (its `accounts`), or ask for a token on that account.',
    retryable: false,
  },
  policy_denied: {
    status: 403,
    message: 'Refused by the agent policy: {reason}',
    action: 'The call is outside what the token’s policy allows; ask the account owner to change the policy if it should be allowed.',
    retryable: false,
    extras: ['reason_code'],
  },
  spend_cap_exceeded: {
    status: 403,
    message: 'Refused by the agent policy: {reason}',
    action: 'Stay under the policy’s per-call and daily caps (amounts in the currency’s smallest unit), or ask for a higher cap.',
    retryable: false,
    extras: ['currency', 'cap'],
  },
  approval_required: {
    status: 403,
    message: 'This call needs approval ({reason}): approval {approval} is pending',
    action:
      'A person approves or denies it in the Dashboard (or POST /approvals/{id}/approve); repeat the same call with the Idempotency-Key given in idempotency_key to get its result once approved.',
    retryable: true,
    awaitsPerson: true,
    extras: ['approval', 'idempotency_key'],
  },
  approval_in_flight: {
    status: 409,
    message: 'Approval {approval} was given and its call {state}: repeat the call with the same Idempotency-Key for its answer',
    action:
      'Repeat the same call with the same Idempotency-Key in a moment: the approved call is sent again with its idempotency key if no answer came, so the provider applies it once.',
    retryable: true,
    extras: ['approval', 'idempotency_key'],
  },
  approval_send_again_closed: {
    status: 409,
    message:
      'Approval {approval} was sent without an answer, and the provider keeps an idempotency key {hours} hours: past {until}, sent again, it could be applied twice, so it is not sent again',
    action: 'Look the call up at the provider by its idempotency key (in `idempotency_key`): if it was not applied and is still wanted, make it as a new call.',
    retryable: false,
    extras: ['approval', 'idempotency_key'],
  },
  approval_applied_unanswered: {
    status: 409,
    message:
      'Approval {approval} was sent without an answer, and a person found it applied at the provider: its answer never reached Linkhub, so there is none to give',
    action: 'Look the object up at the provider (the call carried the idempotency key in `idempotency_key`); do not make the call again.',
    retryable: false,
    extras: ['approval', 'idempotency_key'],
  },
  idempotency_key_reused: {
    status: 400,
    message: 'Idempotency-Key {key} was first used with another request ({first}): a key names one request',
    action: 'Use a new Idempotency-Key for a different request; repeat a request with its own key to get its result.',
    retryable: false,
  },
  approval_token_revoked: {
    status: 409,
    message: 'Approval {approval} was asked for by agent token {token}, revoked since: it is not sent',
    action: 'Deny it (POST /approvals/{id}/deny); the agent needs a new token, and asks again with it.',
    retryable: false,
  },
  held_call_too_large: {
    status: 413,
    message: 'A call held for approval may carry at most {limit} bytes (this one has {size})',
    action: 'Send a smaller call: a person reads a held call whole before approving it.',
    retryable: false,
  },
  approvals_pending_limit: {
    status: 429,
    message: 'This agent has {count} calls waiting for approval, the most it may have: this one is not held',
    action: 'Wait until a person decides the pending approvals (GET /approvals?status=pending), then ask again.',
    retryable: true,
    awaitsPerson: true,
  },
  approval_not_found: {
    status: 404,
    message: 'Approval not found',
    action: 'Check the approval id (GET /approvals lists them).',
    retryable: false,
  },
  approval_not_pending: {
    status: 409,
    message: 'Approval {approval} is already {status}',
    action: 'An approval is decided once; read it with GET /approvals/{id}.',
    retryable: false,
  },
  approval_not_unconfirmed: {
    status: 409,
    message: 'Approval {approval} is {status}: only a call sent without an answer (unconfirmed) is reconciled',
    action: 'Reconcile a call only while it is unconfirmed; read it with GET /approvals/{id}.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorEntry>;
