// Stripe for agents: the stripe SDKs call /v1 and /v2 with `Authorization: Bearer <key>` and read
// errors as {"error": {type, code, message}}; they pick the exception class by HTTP status (400
// InvalidRequest, 401 Authentication, 402 Card, 403 Permission, 409 Idempotency, 429 RateLimit,
// other API errors), so Linkhub's refusals keep their status and take Stripe's shape. And which
// Stripe actions move money, with where their amount and currency are (docs/stripe.md#agents).
import type { ConnectorAgentSupport, MoneyLookup, MoneyRule } from '../agents.js';

const AMOUNT_CURRENCY: MoneyRule = { amount: ['amount'], currency: 'currency' };
const charge = (id: string): MoneyLookup => ({ id, path: '/v1/charges/{id}', amount: 'amount', minus: 'amount_refunded', currency: 'currency' });
const paymentIntent = (id: string, amount = 'amount'): MoneyLookup => ({ id, path: '/v1/payment_intents/{id}', amount, currency: 'currency' });
const invoice = (id: string): MoneyLookup => ({ id, path: '/v1/invoices/{id}', amount: 'amount_remaining', currency: 'currency' });

/** What changes what a subscription bills, or when (given as anything but `false`). */
const SUBSCRIPTION_BILLING = ['items', 'add_invoice_items', 'billing_cycle_anchor', 'trial_end', 'pause_collection', 'collection_method'];

const MONEY: Record<string, MoneyRule> = {
  stripe_create_charge: AMOUNT_CURRENCY,
  stripe_capture_charge: {
    amount: ['amount'],
    lookup: [{ id: 'charge', path: '/v1/charges/{id}', amount: 'amount', minus: 'amount_captured', currency: 'currency' }],
  },
  stripe_create_payment_intent: AMOUNT_CURRENCY,
  stripe_confirm_payment_intent: { lookup: [paymentIntent('intent')] },
  stripe_capture_payment_intent: { amount: ['amount_to_capture'], lookup: [paymentIntent('intent', 'amount_capturable')] },
  // a refund names a payment intent or a charge; without `amount` it refunds what is left
  stripe_create_refund: {
    amount: ['amount'],
    currency: 'currency',
    objectCurrency: true,
    lookup: [{ id: 'payment_intent', path: '/v1/payment_intents/{id}', amount: 'amount_received', currency: 'currency' }, charge('charge')],
  },
  stripe_refund_charge: { amount: ['amount'], lookup: [charge('charge')] },
  stripe_create_charge_refund: { amount: ['amount'], lookup: [charge('charge')] },
  stripe_pay_invoice: { lookup: [invoice('invoice')] },
  // finalizing an invoice charged automatically collects it at once (counted whether or not it is)
  stripe_finalize_invoice: { lookup: [{ id: 'invoice', path: '/v1/invoices/{id}', amount: 'amount_due', currency: 'currency' }] },
  // `amount` is the note's total (given beside its parts it is counted twice); else at most the invoice's total
  stripe_create_credit_note: {
    amount: ['amount', 'credit_amount', 'refund_amount', 'out_of_band_amount'],
    lookup: [{ id: 'invoice', path: '/v1/invoices/{id}', amount: 'total', currency: 'currency' }],
  },
  // what a later confirm or capture moves, counted when it is set: the confirm may not come through
  // Linkhub (a customer confirms with the client secret), so counting only the confirm would miss it
  stripe_update_payment_intent: { amount: ['amount'], currency: 'currency', lookup: [paymentIntent('intent')], whenGiven: true },
  stripe_increment_authorization_payment_intent: { amount: ['amount'], lookup: [paymentIntent('intent')] },
  stripe_apply_customer_balance_payment_intent: { amount: ['amount'], currency: 'currency', objectCurrency: true, lookup: [paymentIntent('intent')] },
  // a debit is counted; a credit (a negative amount: money given to the customer) cannot be told, so it is held or refused
  stripe_create_customer_balance_transaction: AMOUNT_CURRENCY,
  // a customer's `balance` set directly is the same credit or debit (the change from its balance), in the
  // customer's currency (a new customer has none yet: cannot be told)
  stripe_create_customer: { amount: ['balance'], whenGiven: true },
  stripe_update_customer: {
    amount: ['balance'],
    whenGiven: true,
    delta: true,
    lookup: [{ id: 'customer', path: '/v1/customers/{id}', amount: 'balance', currency: 'currency' }],
  },
  // an invoice set to advance on its own is finalized and charged by Stripe, as a finalize would (a new
  // one's amount, its pending items, cannot be told)
  stripe_update_invoice: { lookup: [{ id: 'invoice', path: '/v1/invoices/{id}', amount: 'amount_due', currency: 'currency' }], whenGiven: ['auto_advance'] },
  stripe_create_invoice: { whenGiven: ['auto_advance'] },
  // where a financial account's balance goes when it is closed: the close is held, but would send it there
  stripe_update_treasury_financial_account: { whenGiven: ['forwarding_settings'] },
  // confirms the intent on a reader; verifying microdeposits lets a bank debit go ahead
  stripe_process_payment_intent_terminal_reader: { lookup: [paymentIntent('payment_intent')] },
  stripe_verify_microdeposits_payment_intent: { lookup: [paymentIntent('intent')] },
  stripe_accept_quote: { lookup: [{ id: 'quote', path: '/v1/quotes/{id}', amount: 'amount_total', currency: 'currency' }] },
  stripe_approve_issuing_authorization: {
    amount: ['amount'],
    lookup: [{ id: 'authorization', path: '/v1/issuing/authorizations/{id}', amount: 'pending_request.amount', currency: 'pending_request.currency' }],
  },
  // an Issuing card spends the Issuing balance at merchants, not through Linkhub, up to its spending
  // controls (a new card gets Stripe's default limits): what it will spend cannot be told when it is
  // made, its limits (or its cardholder's) are changed, or it (or its cardholder) is made active again
  stripe_create_issuing_card: {},
  stripe_update_issuing_card: { whenGiven: ['spending_controls', 'status=active'] },
  stripe_update_issuing_cardholder: { whenGiven: ['spending_controls', 'status=active'] },
  // closing a dispute accepts it: the disputed amount is lost
  stripe_close_dispute: { lookup: [{ id: 'dispute', path: '/v1/disputes/{id}', amount: 'amount', currency: 'currency' }] },
  stripe_close_charge_dispute: { lookup: [{ id: 'charge', path: '/v1/charges/{id}/dispute', amount: 'amount', currency: 'currency' }] },
  // What a subscription bills comes from its prices: its first invoice is charged when it is created
  // (or resumed, or given new items, a new billing anchor or an end of trial), then Stripe charges it
  // on its own. It cannot be told before it is sent, so it is held or refused under spend limits;
  // an update that changes none of that (its metadata, its description) moves nothing.
  stripe_create_subscription: {},
  stripe_create_customer_subscription: {},
  stripe_create_subscription_schedule: {},
  stripe_create_subscription_item: {},
  stripe_resume_subscription: {},
  stripe_update_subscription: { whenGiven: SUBSCRIPTION_BILLING },
  stripe_update_customer_subscription: { whenGiven: SUBSCRIPTION_BILLING },
  stripe_update_subscription_schedule: { whenGiven: ['phases', 'end_behavior'] },
  stripe_update_subscription_item: { whenGiven: ['price', 'price_data', 'quantity'] },
  // metered usage: Stripe bills it at the metered price when the period closes (meter events: moneyAreas)
  stripe_create_subscription_item_usage_record: {},
  // an invoice item is charged with the customer's next invoice, by Stripe: counted when it is added
  // (a credit, a negative amount, or one priced by a price cannot be told)
  stripe_create_invoice_item: AMOUNT_CURRENCY,
  stripe_update_invoice_item: { whenGiven: ['amount', 'price', 'price_data', 'quantity', 'unit_amount_decimal'] },
  stripe_create_payout: AMOUNT_CURRENCY,
  stripe_create_transfer: AMOUNT_CURRENCY,
  stripe_create_transfer_reversal: {
    amount: ['amount'],
    lookup: [{ id: 'id', path: '/v1/transfers/{id}', amount: 'amount', minus: 'amount_reversed', currency: 'currency' }],
  },
  stripe_create_topup: AMOUNT_CURRENCY,
  stripe_create_application_fee_refund: {
    amount: ['amount'],
    lookup: [{ id: 'id', path: '/v1/application_fees/{id}', amount: 'amount', minus: 'amount_refunded', currency: 'currency' }],
  },
  // the older path of the same refund
  stripe_refund_application_fee: {
    amount: ['amount'],
    lookup: [{ id: 'id', path: '/v1/application_fees/{id}', amount: 'amount', minus: 'amount_refunded', currency: 'currency' }],
  },
  stripe_create_treasury_outbound_transfer: AMOUNT_CURRENCY,
  stripe_create_treasury_outbound_payment: AMOUNT_CURRENCY,
  stripe_create_treasury_inbound_transfer: AMOUNT_CURRENCY,
  stripe_refund_payment_terminal_reader: { amount: ['amount'], lookup: [paymentIntent('payment_intent', 'amount_received'), charge('charge')] },
};

/**
 * Stripe's error type for a status and code (the SDK picks its exception class by status, and for the
 * others by type: an idempotency_error is its StripeIdempotencyError, as Stripe answers a key in use or reused).
 */
const IDEMPOTENCY_CODES: ReadonlySet<string> = new Set([
  'approval_in_flight',
  'approval_send_again_closed',
  'approval_applied_unanswered',
  'idempotency_key_reused',
]);
const errorType = (status: number, code: string): string =>
  IDEMPOTENCY_CODES.has(code) ? 'idempotency_error' : status >= 500 ? 'api_error' : 'invalid_request_error';

export const stripeAgents: ConnectorAgentSupport = {
  nativePrefixes: ['/v1/', '/v2/'],
  // the SDKs' other hosts (DEFAULT_BASE_ADDRESSES in stripe-node): file uploads and meter events
  nativeOrigins: [
    { method: 'POST', path: '/v1/files', origin: 'https://files.stripe.com' },
    { method: 'GET', path: '/v1/quotes/{quote}/pdf', origin: 'https://files.stripe.com' },
    { method: 'POST', path: '/v2/billing/meter_event_stream', origin: 'https://meter-events.stripe.com' },
  ],
  // Stripe's largest file (an identity document, an account requirement) is 16 MB; room for the multipart framing
  nativeBodyLimit: 16 * 1024 * 1024 + 64 * 1024,
  // stripe-node's DEFAULT_TIMEOUT (stripe-python's and stripe-go's are the same 80 s)
  nativeTimeoutMs: 80_000,
  nativeError: (status, code, message, extra) => ({ error: { type: errorType(status, code), ...extra, code, message } }),
  // stripe-node, stripe-python, …: `Stripe-Should-Retry` overrides their own rule
  retryAdviceHeader: 'stripe-should-retry',
  // stripe-node reads it into the error's requestId (and lastResponse.requestId)
  requestIdHeader: 'request-id',
  sdkCredential: { header: 'authorization', prefix: 'Bearer ' },
  money: MONEY,
  // where Stripe moves money through endpoints the generated catalogue may not hold yet (v2's money movement)
  // and where an unknown write moves it otherwise: climate orders are paid from the balance, a financial
  // account's close forwards what is left, credit grants give credit, forwarding sends card data to
  // another processor, balance settings change payouts
  moneyAreas: [
    '/v2/money_management/',
    '/v2/payments/',
    '/v1/climate/',
    '/v1/treasury/',
    '/v1/billing/credit_grants/',
    '/v1/forwarding/',
    '/v1/balance_settings/',
    // a billing intent's commit bills the customer for what it sets up
    '/v2/billing/intents/',
    // metered usage, billed at its price when the period closes; a meter event session's token lets its
    // holder send events to Stripe's meter-events host directly, past Linkhub (adjustments only cancel)
    '/v1/billing/meter_events',
    '/v2/billing/meter_events',
    '/v2/billing/meter_event_session',
    '/v2/billing/meter_event_stream',
  ],
  movesNothing: [
    'stripe_create_treasury_financial_account',
    'stripe_update_treasury_financial_account_features',
    'stripe_cancel_treasury_outbound_payment',
    'stripe_cancel_treasury_outbound_transfer',
    'stripe_cancel_treasury_inbound_transfer',
  ],
};
