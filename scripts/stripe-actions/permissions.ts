// Which restricted-key permission each action needs. Linkhub lists it with every action and,
// for an account linked with an rk_ key, names the one to grant instead of passing on a bare 403.
import { prefixMatches, type HttpMethod } from './spec.js';

/**
 * Access and permission: access is GET → read, POST/DELETE → write. The restricted-key
 * permission is `<base>_read` for GET and `<base>_write` for POST/DELETE
 * (docs/stripe.md#restricted-key-permissions), with <base>
 * from PERMISSION_RULES (longest path prefix wins; /v1/test_helpers/... maps to the resource it
 * drives). `permissionVerified` is true only for the mappings that doc lists as confirmed.
 * `permission: null` (with `permissionNote`) where a restricted key cannot be granted access
 * (GET /v1/account) or the permission is unknown.
 */
export interface ActionPermission {
  permission: string | null;
  permissionVerified: boolean;
  permissionNote?: string;
}

interface PermissionRule {
  /** Path prefix (matched on whole segments) after test_helpers has been stripped. */
  prefix: string;
  /** Permission base, or null when not grantable/unknown. */
  base: string | null;
  /** A confirmed mapping (docs/stripe.md#restricted-key-permissions), not an inferred one. */
  verified: boolean;
  note?: string;
}

/**
 * Restricted-key permission per resource. Names are Stripe's (the Stripe Apps permission
 * identifiers): GET → <base>_read, POST/DELETE → <base>_write. Rows not marked verified are
 * inferred from the response object's x-resourceId and Stripe's naming pattern.
 *
 * The notes are copied verbatim into src/connectors/stripe/actions.generated.json (reword them
 * only together with a regeneration, `npm run generate:actions`); the facts behind them are in
 * docs/stripe.md#restricted-key-permissions. src/connectors/stripe/catalogue.ts matches the phrase
 * "Not available to restricted keys" in the first note.
 */
export const PERMISSION_RULES: readonly PermissionRule[] = [
  {
    prefix: '/v1/account',
    base: null,
    verified: true,
    note: 'Not available to restricted keys: an rk_ key gets 403 "This is a restricted API key, but the required permissions are not available for use by restricted keys". Use a secret key.',
  },
  { prefix: '/v1/account_links', base: 'account_link', verified: false },
  { prefix: '/v1/accounts', base: 'connected_account', verified: true },
  { prefix: '/v1/apple_pay/domains', base: 'apple_pay_domain', verified: false },
  { prefix: '/v1/application_fees', base: 'application_fee', verified: false },
  {
    prefix: '/v1/apps/secrets',
    base: 'secret',
    verified: false,
    note: 'Stripe Apps Secret Store; Stripe documents secret_write for it, the read name is inferred.',
  },
  { prefix: '/v1/balance', base: 'balance', verified: true },
  { prefix: '/v1/balance/history', base: 'balance', verified: false, note: 'balance_read [? for balance transactions].' },
  {
    prefix: '/v1/balance_transactions',
    base: 'balance',
    verified: false,
    note: 'balance_read [? for balance transactions]; expanding `source` also needs balance_transaction_source_read.',
  },
  { prefix: '/v1/billing_portal', base: 'customer_portal', verified: false },
  { prefix: '/v1/charges', base: 'charge', verified: true },
  { prefix: '/v1/charges/{charge}/dispute', base: 'dispute', verified: false },
  { prefix: '/v1/charges/{charge}/refund', base: 'charge', verified: true },
  { prefix: '/v1/charges/{charge}/refunds', base: 'charge', verified: true },
  { prefix: '/v1/checkout/sessions', base: 'checkout_session', verified: false },
  { prefix: '/v1/country_specs', base: 'country_spec', verified: false },
  { prefix: '/v1/coupons', base: 'coupon', verified: false },
  { prefix: '/v1/credit_notes', base: 'credit_note', verified: false },
  { prefix: '/v1/customers', base: 'customer', verified: true },
  {
    prefix: '/v1/customers/{customer}/subscriptions',
    base: 'subscription',
    verified: false,
    note: 'Legacy customer-scoped subscriptions endpoint; mapped to the subscription permission.',
  },
  { prefix: '/v1/disputes', base: 'dispute', verified: false },
  {
    prefix: '/v1/ephemeral_keys',
    base: null,
    verified: false,
    note: 'Unknown: no restricted-key permission is documented for ephemeral keys (created server-side with a secret key for mobile SDKs).',
  },
  { prefix: '/v1/events', base: 'event', verified: true },
  { prefix: '/v1/exchange_rates', base: 'exchange_rate', verified: false },
  { prefix: '/v1/file_links', base: 'file_link', verified: false },
  { prefix: '/v1/files', base: 'file', verified: false },
  { prefix: '/v1/financial_connections/accounts', base: 'financial_connections_account', verified: false },
  { prefix: '/v1/financial_connections/sessions', base: 'financial_connections_session', verified: false },
  { prefix: '/v1/identity/verification_reports', base: 'identity_verification_report', verified: false },
  { prefix: '/v1/identity/verification_sessions', base: 'identity_verification_session', verified: false },
  {
    prefix: '/v1/invoiceitems',
    base: 'invoice',
    verified: false,
    note: 'Invoice items are granted with the Invoices permission [?]; some integrations request rak_invoice_item_* instead.',
  },
  { prefix: '/v1/invoices', base: 'invoice', verified: true },
  { prefix: '/v1/issuing/authorizations', base: 'issuing_authorization', verified: false },
  { prefix: '/v1/issuing/cardholders', base: 'issuing_cardholder', verified: false },
  { prefix: '/v1/issuing/cards', base: 'issuing_card', verified: false },
  { prefix: '/v1/issuing/disputes', base: 'issuing_dispute', verified: false },
  { prefix: '/v1/issuing/settlements', base: 'issuing_settlement', verified: false },
  { prefix: '/v1/issuing/transactions', base: 'issuing_transaction', verified: false },
  { prefix: '/v1/link_account_sessions', base: 'financial_connections_session', verified: false },
  { prefix: '/v1/linked_accounts', base: 'financial_connections_account', verified: false },
  { prefix: '/v1/mandates', base: 'mandate', verified: false },
  { prefix: '/v1/payment_intents', base: 'payment_intent', verified: true },
  { prefix: '/v1/payment_links', base: 'payment_link', verified: false },
  { prefix: '/v1/payment_methods', base: 'payment_method', verified: false },
  { prefix: '/v1/payouts', base: 'payout', verified: true },
  { prefix: '/v1/plans', base: 'plan', verified: true },
  { prefix: '/v1/prices', base: 'plan', verified: true, note: 'Prices use the plan_* permission, not price_*.' },
  { prefix: '/v1/products', base: 'product', verified: true },
  { prefix: '/v1/promotion_codes', base: 'promotion_code', verified: false },
  { prefix: '/v1/quotes', base: 'quote', verified: false },
  { prefix: '/v1/radar/early_fraud_warnings', base: 'radar_early_fraud_warning', verified: false },
  { prefix: '/v1/radar/value_list_items', base: 'radar_value_list', verified: false },
  { prefix: '/v1/radar/value_lists', base: 'radar_value_list', verified: false },
  {
    prefix: '/v1/refunds',
    base: 'charge',
    verified: false,
    note: 'Refunds use charge_read/charge_write (Dashboard row "Charges and Refunds") [? some integrations request rak_refund_*].',
  },
  { prefix: '/v1/reporting/report_runs', base: 'reporting_report_run', verified: false },
  { prefix: '/v1/reporting/report_types', base: 'reporting_report_type', verified: false },
  { prefix: '/v1/reviews', base: 'review', verified: false },
  { prefix: '/v1/setup_attempts', base: 'setup_intent', verified: false },
  { prefix: '/v1/setup_intents', base: 'setup_intent', verified: false },
  { prefix: '/v1/shipping_rates', base: 'shipping_rate', verified: false },
  { prefix: '/v1/sigma/scheduled_query_runs', base: 'sigma_scheduled_query_run', verified: false },
  { prefix: '/v1/sources', base: 'source', verified: false },
  { prefix: '/v1/subscription_items', base: 'subscription', verified: false },
  { prefix: '/v1/subscription_schedules', base: 'subscription_schedule', verified: false },
  { prefix: '/v1/subscriptions', base: 'subscription', verified: true },
  { prefix: '/v1/tax/calculations', base: 'tax_calculation', verified: false },
  { prefix: '/v1/tax/transactions', base: 'tax_transaction', verified: false },
  { prefix: '/v1/tax_codes', base: 'tax_code', verified: false },
  { prefix: '/v1/tax_rates', base: 'tax_rate', verified: false },
  { prefix: '/v1/terminal/configurations', base: 'terminal_configuration', verified: false },
  { prefix: '/v1/terminal/connection_tokens', base: 'terminal_connection_token', verified: false },
  { prefix: '/v1/terminal/locations', base: 'terminal_location', verified: false },
  { prefix: '/v1/terminal/readers', base: 'terminal_reader', verified: false },
  { prefix: '/v1/test_clocks', base: 'billing_clock', verified: false, note: 'Test clocks use billing_clock_* (customer_read implies billing_clock_read).' },
  { prefix: '/v1/tokens', base: 'token', verified: false },
  { prefix: '/v1/topups', base: 'topup', verified: false },
  { prefix: '/v1/transfers', base: 'transfer', verified: false },
  { prefix: '/v1/treasury/credit_reversals', base: 'treasury_credit_reversal', verified: false },
  { prefix: '/v1/treasury/debit_reversals', base: 'treasury_debit_reversal', verified: false },
  { prefix: '/v1/treasury/financial_accounts', base: 'treasury_financial_account', verified: false },
  { prefix: '/v1/treasury/inbound_transfers', base: 'treasury_inbound_transfer', verified: false },
  { prefix: '/v1/treasury/outbound_payments', base: 'treasury_outbound_payment', verified: false },
  { prefix: '/v1/treasury/outbound_transfers', base: 'treasury_outbound_transfer', verified: false },
  { prefix: '/v1/treasury/received_credits', base: 'treasury_received_credit', verified: false },
  { prefix: '/v1/treasury/received_debits', base: 'treasury_received_debit', verified: false },
  { prefix: '/v1/treasury/transaction_entries', base: 'treasury_transaction_entry', verified: false },
  { prefix: '/v1/treasury/transactions', base: 'treasury_transaction', verified: false },
  { prefix: '/v1/webhook_endpoints', base: 'webhook', verified: false, note: 'Dashboard "Webhook Endpoints"; the identifier webhook_* is inferred [?].' },
];

/** The permission a restricted key needs for an operation (longest matching rule). */
export function permissionFor(method: HttpMethod, path: string): ActionPermission {
  const lookup = path.replace(/^\/v1\/test_helpers\//, '/v1/');
  let best: PermissionRule | undefined;
  for (const rule of PERMISSION_RULES) {
    if (prefixMatches(lookup, rule.prefix) && (!best || rule.prefix.length > best.prefix.length)) best = rule;
  }
  // Prefixes match whole segments, so `/v1/account` matches neither `/v1/account_links` nor
  // `/v1/accounts/...`.
  if (!best) throw new Error(`No permission rule for ${method} ${path}`);
  const helperNote = lookup !== path ? 'Test helper: mapped to the permission of the resource it drives.' : undefined;
  const note = [best.note, helperNote].filter(Boolean).join(' ') || undefined;
  if (best.base === null) {
    return { permission: null, permissionVerified: best.verified, permissionNote: note ?? 'Unknown.' };
  }
  const permission = `${best.base}_${method === 'GET' ? 'read' : 'write'}`;
  return note ? { permission, permissionVerified: best.verified, permissionNote: note } : { permission, permissionVerified: best.verified };
}
