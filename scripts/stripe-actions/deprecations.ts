// Operations kept in the catalogue but marked deprecated. The vendored spec is older than the
// pinned SDK, so some of its endpoints are gone or are legacy aliases. The catalogue keeps one
// action per operation all the same, and a deprecated action says why and what replaces it.
import { prefixMatches, type HttpMethod, type JsonObject } from './spec.js';

interface Deprecation {
  method: HttpMethod | '*';
  /** Exact path, or a prefix matched on whole segments. */
  prefix: string;
  reason: string;
}

/**
 * Operations of this (mid-2023) spec that the pinned SDK (stripe@23.1.0, API 2026-10-28.endive)
 * no longer exposes: removed endpoints and legacy aliases. They stay in the catalogue, marked
 * deprecated. test/stripe-actions.test.ts checks this list against node_modules/stripe.
 * The reasons are copied verbatim into the catalogue: reword them only with a regeneration.
 */
export const DEPRECATIONS: readonly Deprecation[] = [
  { method: '*', prefix: '/v1/accounts/{account}/bank_accounts', reason: 'Legacy alias of /v1/accounts/{account}/external_accounts; not in stripe-node 23.' },
  { method: '*', prefix: '/v1/accounts/{account}/people', reason: 'Legacy alias of /v1/accounts/{account}/persons; not in stripe-node 23.' },
  {
    method: 'POST',
    prefix: '/v1/application_fees/{id}/refund',
    reason: 'Legacy; use POST /v1/application_fees/{id}/refunds (stripe_create_application_fee_refund).',
  },
  {
    method: '*',
    prefix: '/v1/balance/history',
    reason: 'Legacy alias of /v1/balance_transactions (stripe_list_balance_transactions, stripe_get_balance_transaction).',
  },
  { method: '*', prefix: '/v1/charges/{charge}/dispute', reason: 'Legacy charge-scoped dispute endpoint; use /v1/disputes/{dispute}.' },
  { method: 'POST', prefix: '/v1/charges/{charge}/refund', reason: 'Legacy; use POST /v1/refunds (stripe_create_refund).' },
  { method: '*', prefix: '/v1/charges/{charge}/refunds', reason: 'Legacy charge-scoped refunds endpoint; use /v1/refunds (filter by charge).' },
  {
    method: '*',
    prefix: '/v1/customers/{customer}/bank_accounts',
    reason: 'Deprecated in the spec and not in stripe-node 23; use /v1/customers/{customer}/sources or PaymentMethods.',
  },
  {
    method: '*',
    prefix: '/v1/customers/{customer}/cards',
    reason: 'Deprecated in the spec and not in stripe-node 23; use /v1/customers/{customer}/sources or PaymentMethods.',
  },
  { method: 'GET', prefix: '/v1/customers/{customer}/discount', reason: 'Not in stripe-node 23; read `discount` from GET /v1/customers/{customer}.' },
  { method: '*', prefix: '/v1/customers/{customer}/subscriptions', reason: 'Legacy customer-scoped subscriptions endpoint; use /v1/subscriptions.' },
  {
    method: '*',
    prefix: '/v1/invoices/upcoming',
    reason: 'Removed in API version 2025-03-31.basil; use POST /v1/invoices/create_preview, which this spec predates.',
  },
  { method: '*', prefix: '/v1/issuing/settlements', reason: 'Not exposed by stripe-node 23 (removed from the public API).' },
  { method: '*', prefix: '/v1/link_account_sessions', reason: 'Legacy alias of /v1/financial_connections/sessions.' },
  { method: '*', prefix: '/v1/linked_accounts', reason: 'Legacy alias of /v1/financial_connections/accounts.' },
  {
    method: 'GET',
    prefix: '/v1/sources/{source}/mandate_notifications/{mandate_notification}',
    reason: 'Not in stripe-node 23; the Sources API is deprecated.',
  },
  { method: 'GET', prefix: '/v1/sources/{source}/source_transactions/{source_transaction}', reason: 'Not in stripe-node 23; the Sources API is deprecated.' },
  {
    method: '*',
    prefix: '/v1/subscription_items/{subscription_item}/usage_record_summaries',
    reason: 'Removed in API version 2025-03-31.basil (legacy usage-based billing); use Billing Meters, which this spec predates.',
  },
  {
    method: '*',
    prefix: '/v1/subscription_items/{subscription_item}/usage_records',
    reason: 'Removed in API version 2025-03-31.basil (legacy usage-based billing); use Billing Meters, which this spec predates.',
  },
];

/** The deprecation reason of an operation: a DEPRECATIONS row, else the spec's own flag. */
export function deprecationFor(method: HttpMethod, path: string, op: JsonObject): string | undefined {
  const rule = DEPRECATIONS.find((d) => (d.method === '*' || d.method === method) && prefixMatches(path, d.prefix));
  if (rule) return rule.reason;
  if (op.deprecated === true) return 'Marked deprecated in the Stripe OpenAPI spec.';
  return undefined;
}
