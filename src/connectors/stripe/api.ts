// How Linkhub calls Stripe (docs/stripe.md): the API root, the key as a Bearer token, form-encoded
// bodies in bracket notation, a pinned API version on Linkhub's own calls, Stripe's per-account
// rate limits, its retry advice header and lock timeouts, Idempotency-Key on writes, and how its
// answers are read.
import type { ConnectorApi } from '../api.js';
import { isLockTimeout, readStripeAnswer } from './errors.js';
import { LIVE_TEST_PERMISSION } from './live-test.js';
import { formEncode } from './form-encode.js';
import { grantHint, impliedPermission, permissionLabel } from './permissions.js';
import { STRIPE_API_VERSION } from './version.js';

export const stripeApi: ConnectorApi = {
  baseUrl: 'https://api.stripe.com',
  // File uploads and downloads (the two files.stripe.com operations of the spec).
  actionOrigins: ['https://files.stripe.com', 'https://meter-events.stripe.com'],
  credential: { header: 'authorization', prefix: 'Bearer ' },
  requestHeaders: { 'stripe-version': STRIPE_API_VERSION },
  // Act on a connected account (Stripe-Account) or in a context (Stripe-Context).
  passHeaders: ['stripe-account', 'stripe-context'],
  requestIdHeader: 'request-id',
  // Stripe ignores headers it does not know.
  acceptsTraceparent: true,
  encoding: { contentType: 'application/x-www-form-urlencoded', body: formEncode, query: formEncode },
  // Stripe's global per-account limits: 100 requests/s in live mode, 25 in test mode.
  rateLimits: { production: 100, test: 25 },
  retry: { adviceHeader: 'stripe-should-retry', transientAnswer: isLockTimeout },
  // Keys of up to 255 characters; Stripe replays the first answer, and may remove a key once it is 24 h old.
  idempotency: { header: 'idempotency-key', maxLength: 255, keptMs: 24 * 60 * 60 * 1000 },
  readAnswer: readStripeAnswer,
  permissions: { label: permissionLabel, grantHint, implied: impliedPermission, liveTest: LIVE_TEST_PERMISSION },
};
