// The Stripe API version Linkhub pins for its own calls (key test, generated actions).
export const STRIPE_API_VERSION = '2023-10-16';
