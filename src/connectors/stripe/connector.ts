// The Stripe connector: everything Linkhub knows about Stripe, assembled from this folder
// (environments, the API Key field and its guidance, key rules, live test, how calls are made and
// answers read, the action catalogue). docs/stripe.md explains the facts behind it, and
// docs/stripe-org-keys.md organization keys (sk_org_…) and their Stripe-Context.
import type { ConnectorDefinition } from '../types.js';
import { stripeAgents } from './agents.js';
import { stripeApi } from './api.js';
import { stripeActionsContract } from './catalogue.js';
import { checkStripeKey, isStripeOrgKey } from './key-rules.js';
import { testStripeKey } from './live-test.js';
import { STRIPE_LOGO_SVG } from './logo.js';
import { maskStripeSecrets } from './secrets.js';
import { STRIPE_API_VERSION } from './version.js';

const redacted = String.raw`|^__secretvalue:\*\*redacted\*\*`;

export const stripeConnector: ConnectorDefinition = {
  key: 'stripe',
  name: 'Stripe',
  description: "Stripe payments API (v1), called with the linked account's own API key. Actions are generated from Stripe's OpenAPI spec.",
  category: 'stackone',
  logoSvg: STRIPE_LOGO_SVG,
  authConfigKey: 'api_key',
  supportLink: 'https://docs.stripe.com/keys',
  environments: [
    {
      key: 'production',
      name: 'Stripe',
      label: 'Production',
      description: 'Your live Stripe account: real customers and payments. Use a key starting sk_live_ or rk_live_.',
      placeholder: 'sk_live_… or rk_live_…',
      pattern: `^(?:sk|rk|sk_org)_live_[A-Za-z0-9]{10,}$` + redacted,
    },
    {
      key: 'test',
      name: 'Stripe (Test Mode)',
      label: 'Test Mode',
      description: 'Stripe test data only, no real money. Use a key starting sk_test_ or rk_test_.',
      placeholder: 'sk_test_… or rk_test_…',
      pattern: `^(?:sk|rk|sk_org)_test_[A-Za-z0-9]{10,}$` + redacted,
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
      'live keys with sk_live_ or rk_live_. A restricted key (rk_…) needs at least Customers: Read. ' +
      'An organization key (sk_org_…) also needs the account it acts on.',
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
  // Organization keys act on the account named in Stripe-Context, and need a Stripe-Version too (docs/stripe-org-keys.md).
  context: {
    key: 'stripe_context',
    label: 'Stripe-Context (account id)',
    placeholder: 'acct_…',
    guide:
      'An organization key (sk_org_…) acts on one account of your Stripe organization: enter that account id (acct_…, ' +
      'shown in the organization Dashboard under Accounts). Linkhub sends it as Stripe-Context on every call.',
    header: 'stripe-context',
    otherAccountHeaders: ['stripe-account'],
    alsoSend: { 'stripe-version': STRIPE_API_VERSION },
    needed: isStripeOrgKey,
  },
  accountFields: { id: 'stripe_account_id', name: 'stripe_account_name' },
  keyNames: { secret: 'secret key (sk_…)', restricted: 'restricted key (rk_…)' },
  checkKey: checkStripeKey,
  maskSecrets: maskStripeSecrets,
  liveTest: testStripeKey,
  api: stripeApi,
  actions: stripeActionsContract,
  agents: stripeAgents,
};
