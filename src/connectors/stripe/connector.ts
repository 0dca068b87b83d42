// The Stripe connector as data: environments, the API Key field, guidance, key rules and live test.
import type { ConnectorDefinition } from '../types.js';
import { checkStripeKey } from './key-rules.js';
import { testStripeKey } from './live-test.js';
import { STRIPE_API_VERSION } from './version.js';

const redacted = String.raw`|^__secretvalue:\*\*redacted\*\*`;

export const stripeConnector: ConnectorDefinition = {
  key: 'stripe',
  name: 'Stripe',
  category: 'stackone',
  logoUrl: '/assets/stripe.svg',
  authConfigKey: 'api_key',
  supportLink: 'https://docs.stripe.com/keys',
  requestHeaders: { 'stripe-version': STRIPE_API_VERSION },
  environments: [
    {
      key: 'production',
      name: 'Stripe',
      label: 'Production',
      description: 'Your live Stripe account: real customers and payments. Use a key starting sk_live_ or rk_live_.',
      placeholder: 'sk_live_… or rk_live_…',
      pattern: String.raw`^(?:sk|rk)_live_[A-Za-z0-9]{10,}$` + redacted,
    },
    {
      key: 'test',
      name: 'Stripe (Test Mode)',
      label: 'Test Mode',
      description: 'Stripe test data only, no real money. Use a key starting sk_test_ or rk_test_.',
      placeholder: 'sk_test_… or rk_test_…',
      pattern: String.raw`^(?:sk|rk)_test_[A-Za-z0-9]{10,}$` + redacted,
    },
  ],
  field: {
    key: 'api_key',
    label: 'API Key',
    type: 'password',
    secret: true,
    required: true,
    guide:
      'Find your keys in the Stripe Dashboard under Developers > API keys. Test keys start with sk_test_ or rk_test_, ' +
      'live keys with sk_live_ or rk_live_. A restricted key (rk_…) needs at least Customers: Read.',
    tooltip: 'Secret (sk_) or restricted (rk_) key. Publishable keys (pk_) do not work.',
  },
  notices: [
    {
      key: 'environment',
      type: 'info',
      position: 'top',
      description: 'Production and Test Mode are separate connections: switching later means linking a new account.',
    },
    {
      key: 'restricted',
      type: 'info',
      position: 'bottom',
      anchor: 'api_key',
      description:
        'Prefer a restricted key (rk_…) with only the permissions you need; it must allow at least Customers: Read, ' +
        'which Linkhub uses to test the key. The key is encrypted at rest and never shown again.',
    },
  ],
  checkKey: checkStripeKey,
  liveTest: testStripeKey,
};
