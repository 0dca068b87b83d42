// Linking an account (or replacing its key): the connector's key rules, checked before any network
// call, then the live test against the provider. Their messages come from the connector, in its
// words (the Hub shows the same ones), so the templates only pass them on.
import type { ErrorEntry } from './types.js';

const keyRule = (action: string) => ({ status: 400, message: '{message}', action, retryable: false }) as const;

export const LINKING_ERRORS = {
  key_missing: keyRule('Paste the API key into the key field.'),
  key_whitespace: keyRule('Paste the key again without spaces or line breaks.'),
  key_publishable: keyRule('Use a secret or restricted key: a publishable key cannot read the account.'),
  key_prefix: keyRule('Paste a key of this provider (the message names the prefixes it takes).'),
  key_mode_mismatch: keyRule('Use a key of the environment you chose, or choose the environment of the key.'),
  key_malformed: keyRule("Copy the whole key again from the provider's dashboard."),
  context_missing: keyRule("Send the account the key acts on with it, as the connector's context credential (`credentials.<provider>_context`)."),
  context_malformed: keyRule('Send the context in the shape the message names (an account id of the provider).'),
  context_unexpected: keyRule('Leave the context out: only keys that act on several accounts (e.g. organization keys) take one.'),
  invalid_key: {
    status: 422,
    message: '{message}',
    action: 'Paste a current key: the provider does not know this one (revoked, deleted or mistyped). Nothing was saved.',
    retryable: false,
    extras: ['provider_response'],
  },
  expired_key: {
    status: 422,
    message: '{message}',
    action: "Create or reveal a current key in the provider's dashboard and paste it. Nothing was saved.",
    retryable: false,
    extras: ['provider_response'],
  },
  missing_permission: {
    status: 422,
    message: '{message}',
    action: "Grant the permission named in `permission` to the restricted key in the provider's dashboard (or use a secret key), then link again.",
    retryable: false,
    extras: ['permission', 'provider_response'],
  },
  live_test_unreachable: {
    code: 'provider_unreachable',
    status: 502,
    message: '{message}',
    action: 'Nothing was saved: link again in a moment (the provider could not be reached, or answered with an error).',
    retryable: true,
    extras: ['provider_status'],
  },
} as const satisfies Record<string, ErrorEntry>;
