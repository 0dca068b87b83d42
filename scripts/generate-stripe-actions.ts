/**
 * Generate Linkhub's Stripe action catalogue from Stripe's v1 OpenAPI spec.
 *
 *   npx tsx scripts/generate-stripe-actions.ts [--spec path] [--out path] [--check]
 *
 * Defaults: --spec vendor/stripe/openapi.json (vendored; provenance in vendor/stripe/README.md) and
 * --out src/connectors/stripe/actions.generated.json, both relative to the repository root
 * (explicit paths are relative to the working directory). `--check` writes nothing and exits 1
 * when the output file differs from what would be generated.
 *
 * The output is deterministic (stable key order, actions sorted by path then GET/POST/DELETE,
 * no timestamps; the only provenance is the spec's SHA-256), so regenerating from the same spec
 * gives byte-identical output. test/stripe-actions.test.ts enforces that.
 *
 * ONE ACTION PER OPERATION: every v1 operation in the spec becomes exactly one action (the spec
 * has 452). Endpoints that are removed or only legacy aliases are kept and marked
 * `deprecated: true` with a `deprecationReason` (see DEPRECATIONS), never dropped.
 *
 * NAMING RULES: name = `stripe_<verb>_<resource>`, snake case, matching ^stripe_[a-z0-9_]+$.
 * The connector key `stripe` contains no `_`, so `name.split('_')[0]` is the connector
 * (COMPAT §9).
 *  1. Strip `/v1/`. Leading namespace segments (NAMESPACES: billing_portal, checkout, issuing,
 *     test_helpers, treasury, ...) are kept as a prefix of the resource:
 *     /v1/billing_portal/sessions → billing_portal_session; /v1/test_helpers/test_clocks/{id}/advance
 *     → stripe_advance_test_helpers_test_clock.
 *  2. Parent collections in front of a `{param}` are singularised and prefixed:
 *     /v1/customers/{customer}/sources → customer_sources.
 *  3. The verb:
 *     - path ends with `{param}`: GET → get, POST → update, DELETE → delete, on the singular resource
 *       (stripe_get_customer, stripe_update_customer, stripe_delete_customer);
 *     - path ends with `/search` → search, plural (stripe_search_customers);
 *     - the response is a list envelope → list, plural (stripe_list_customers,
 *       stripe_list_customer_sources, stripe_list_invoice_lines);
 *     - a collection (POST with a `{param}` child path, or the first segment after the namespaces)
 *       → POST create (singular: stripe_create_customer, stripe_create_refund,
 *       stripe_create_billing_portal_session); a GET on a non-list top-level path is a singleton
 *       get (stripe_get_balance);
 *     - a literal after `{param}` that is a singleton sub-object (it has a GET, or it is GET/DELETE
 *       only): get/update/delete keep the literal as is (stripe_get_customer_cash_balance,
 *       stripe_delete_customer_discount, stripe_get_quote_pdf);
 *     - a POST-only literal after `{param}` whose response object is named after the literal
 *       (x-resourceId) creates that object (…/login_links → stripe_create_account_login_link);
 *     - any other trailing literal is a custom sub-action and becomes the verb, applied to the
 *       singular resource: /v1/payment_intents/{intent}/confirm → stripe_confirm_payment_intent,
 *       /v1/charges/{charge}/capture → stripe_capture_charge, /v1/invoices/{invoice}/pay →
 *       stripe_pay_invoice, /v1/charges/{charge}/dispute/close → stripe_close_charge_dispute.
 *  4. Singularisation (last word of a segment only): IRREGULAR_SINGULARS, -ies → -y,
 *     -ches/-shes/-sses/-xes → drop "es", -ss/-us unchanged, else drop a final "s".
 *     Segment renames: invoiceitems → invoice_items.
 *  5. NAME_OVERRIDES (explicit, listed below) resolve the few cases the rules get wrong or make
 *     collide: GET /v1/account → stripe_get_current_account (vs GET /v1/accounts/{account}),
 *     the legacy /accounts/{account}/people alias → *_legacy, invoices/upcoming and the
 *     tax/transactions create_* sub-actions.
 *  6. The generator FAILS on any duplicate name, any name not matching the pattern, an operation
 *     count different from the spec's, or a well-known name (WELL_KNOWN) that is missing or
 *     bound to the wrong operation.
 *
 * ACCESS AND PERMISSION: access is GET → read, POST/DELETE → write. The restricted-key
 * permission is `<base>_read` for GET and `<base>_write` for POST/DELETE (FACTS §11), with <base>
 * from PERMISSION_RULES (longest path prefix wins; /v1/test_helpers/... maps to the resource it
 * drives). `permissionVerified` is true only for rows backed by FACTS §11 without a [?].
 * `permission: null` (with `permissionNote`) where a restricted key cannot be granted access
 * (GET /v1/account) or the permission is unknown.
 *
 * INPUT SCHEMA (MCP param-style=nested, COMPAT §10): {type: object, properties: {path, query,
 * body, headers}, required, additionalProperties: false}; a group appears only when the
 * operation has such parameters (headers always: optional Stripe-Account, plus Idempotency-Key
 * on POST, other string headers allowed). JSON Schema draft-07 subset that compiles under Ajv
 * strict mode with allowUnionTypes:
 *  - `$ref`s are resolved inline (a recursive ref becomes `{description}`); `x-*`, `title` and
 *    `format` are dropped (format is noted in the description: unix-time, decimal string);
 *  - objects/arrays nested deeper than MAX_DEPTH object levels fall back to `{description}`
 *    (any value; scalar leaves keep their schema);
 *  - Stripe's "unset" idiom `anyOf: [X, {type: string, enum: [""]}]` is collapsed: for a string X
 *    "" is added to its enum (or already allowed), otherwise X gets `type: [X.type, "string"]`
 *    with `maxLength: 0`, i.e. X or the empty string, and the description says so;
 *  - `x-stripeBypassValidation` enums (Stripe accepts values beyond the list) lose `enum`, the
 *    known values move into the description;
 *  - path params are required strings; query `deepObject` params keep their object schema;
 *    `expand` stays an array of strings; descriptions are plain text trimmed to ~300 chars.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface GeneratedAction {
  name: string;
  operationId: string;
  method: HttpMethod;
  path: string;
  label: string;
  description: string;
  access: 'read' | 'write';
  permission: string | null;
  permissionVerified: boolean;
  permissionNote?: string;
  list: boolean;
  pagination: 'cursor' | 'page' | null;
  deprecated: boolean;
  deprecationReason?: string;
  baseUrl?: string;
  contentType?: string;
  responseContentType?: string;
  input: JsonObject;
}

export interface GeneratedCatalog {
  $comment: string;
  spec: { source: string; sha256: string; operations: number };
  count: number;
  actions: GeneratedAction[];
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SPEC = resolve(REPO_ROOT, 'vendor/stripe/openapi.json');
export const DEFAULT_OUT = resolve(REPO_ROOT, 'src/connectors/stripe/actions.generated.json');

/** Object nesting levels kept in body/query schemas (a top-level field is level 1). */
const MAX_DEPTH = 5;
/** Plain-text descriptions are trimmed to about this many characters. */
const MAX_DESCRIPTION = 300;
const NAME_PATTERN = /^stripe_[a-z0-9_]+$/;
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'DELETE'];

const NAMESPACES = new Set([
  'apple_pay', 'apps', 'billing_portal', 'checkout', 'financial_connections', 'identity', 'issuing',
  'radar', 'reporting', 'sigma', 'tax', 'terminal', 'test_helpers', 'treasury',
]);
const SEGMENT_RENAMES: Record<string, string> = { invoiceitems: 'invoice_items' };
const IRREGULAR_SINGULARS: Record<string, string> = {
  people: 'person',
  instructions: 'instructions', // funding_instructions is one object
  features: 'features', // treasury financial account features is one object
  history: 'history',
};

const NAME_OVERRIDES: Record<string, string> = {
  'GET /v1/account': 'stripe_get_current_account',
  'GET /v1/invoices/upcoming': 'stripe_get_upcoming_invoice',
  'GET /v1/invoices/upcoming/lines': 'stripe_list_upcoming_invoice_lines',
  'POST /v1/tax/transactions/create_from_calculation': 'stripe_create_tax_transaction_from_calculation',
  'POST /v1/tax/transactions/create_reversal': 'stripe_create_tax_transaction_reversal',
  // Legacy alias of /persons: the plain rules would collide with the /persons actions.
  'GET /v1/accounts/{account}/people': 'stripe_list_account_people_legacy',
  'POST /v1/accounts/{account}/people': 'stripe_create_account_person_legacy',
  'GET /v1/accounts/{account}/people/{person}': 'stripe_get_account_person_legacy',
  'POST /v1/accounts/{account}/people/{person}': 'stripe_update_account_person_legacy',
  'DELETE /v1/accounts/{account}/people/{person}': 'stripe_delete_account_person_legacy',
};

/** Names that must exist and be bound to exactly this operation (checked at generation). */
const WELL_KNOWN: Record<string, string> = {
  stripe_list_customers: 'GET /v1/customers',
  stripe_get_customer: 'GET /v1/customers/{customer}',
  stripe_create_customer: 'POST /v1/customers',
  stripe_update_customer: 'POST /v1/customers/{customer}',
  stripe_delete_customer: 'DELETE /v1/customers/{customer}',
  stripe_search_customers: 'GET /v1/customers/search',
  stripe_create_refund: 'POST /v1/refunds',
  stripe_list_charges: 'GET /v1/charges',
  stripe_capture_charge: 'POST /v1/charges/{charge}/capture',
  stripe_create_payment_intent: 'POST /v1/payment_intents',
  stripe_confirm_payment_intent: 'POST /v1/payment_intents/{intent}/confirm',
  stripe_pay_invoice: 'POST /v1/invoices/{invoice}/pay',
  stripe_get_balance: 'GET /v1/balance',
  stripe_list_customer_sources: 'GET /v1/customers/{customer}/sources',
  stripe_create_billing_portal_session: 'POST /v1/billing_portal/sessions',
};

interface PermissionRule {
  /** Path prefix (matched on whole segments) after test_helpers has been stripped. */
  prefix: string;
  /** Permission base, or null when not grantable/unknown. */
  base: string | null;
  /** Backed by FACTS §11 without a [?]. */
  verified: boolean;
  note?: string;
}

/**
 * Restricted-key permission per resource. Names follow FACTS §11 (Stripe Apps permission
 * identifiers): GET → <base>_read, POST/DELETE → <base>_write. Rows not marked verified are
 * inferred from the response object's x-resourceId and Stripe's naming pattern.
 */
export const PERMISSION_RULES: readonly PermissionRule[] = [
  {
    prefix: '/v1/account', base: null, verified: true,
    note: 'Not available to restricted keys: an rk_ key gets 403 "This is a restricted API key, but the required permissions are not available for use by restricted keys" (FACTS §7, §11). Use a secret key.',
  },
  { prefix: '/v1/account_links', base: 'account_link', verified: false },
  { prefix: '/v1/accounts', base: 'connected_account', verified: true },
  { prefix: '/v1/apple_pay/domains', base: 'apple_pay_domain', verified: false },
  { prefix: '/v1/application_fees', base: 'application_fee', verified: false },
  { prefix: '/v1/apps/secrets', base: 'secret', verified: false, note: 'Stripe Apps Secret Store; Stripe documents secret_write for it, the read name is inferred.' },
  { prefix: '/v1/balance', base: 'balance', verified: true },
  { prefix: '/v1/balance/history', base: 'balance', verified: false, note: 'FACTS §11: balance_read [? for balance transactions].' },
  { prefix: '/v1/balance_transactions', base: 'balance', verified: false, note: 'FACTS §11: balance_read [? for balance transactions]; expanding `source` also needs balance_transaction_source_read.' },
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
  { prefix: '/v1/customers/{customer}/subscriptions', base: 'subscription', verified: false, note: 'Legacy customer-scoped subscriptions endpoint; mapped to the subscription permission.' },
  { prefix: '/v1/disputes', base: 'dispute', verified: false },
  { prefix: '/v1/ephemeral_keys', base: null, verified: false, note: 'Unknown: no restricted-key permission is documented for ephemeral keys (created server-side with a secret key for mobile SDKs).' },
  { prefix: '/v1/events', base: 'event', verified: true },
  { prefix: '/v1/exchange_rates', base: 'exchange_rate', verified: false },
  { prefix: '/v1/file_links', base: 'file_link', verified: false },
  { prefix: '/v1/files', base: 'file', verified: false },
  { prefix: '/v1/financial_connections/accounts', base: 'financial_connections_account', verified: false },
  { prefix: '/v1/financial_connections/sessions', base: 'financial_connections_session', verified: false },
  { prefix: '/v1/identity/verification_reports', base: 'identity_verification_report', verified: false },
  { prefix: '/v1/identity/verification_sessions', base: 'identity_verification_session', verified: false },
  { prefix: '/v1/invoiceitems', base: 'invoice', verified: false, note: 'Invoice items are granted with the Invoices permission [?]; some integrations request rak_invoice_item_* instead.' },
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
  { prefix: '/v1/prices', base: 'plan', verified: true, note: 'Prices use the plan_* permission, not price_* (FACTS §11).' },
  { prefix: '/v1/products', base: 'product', verified: true },
  { prefix: '/v1/promotion_codes', base: 'promotion_code', verified: false },
  { prefix: '/v1/quotes', base: 'quote', verified: false },
  { prefix: '/v1/radar/early_fraud_warnings', base: 'radar_early_fraud_warning', verified: false },
  { prefix: '/v1/radar/value_list_items', base: 'radar_value_list', verified: false },
  { prefix: '/v1/radar/value_lists', base: 'radar_value_list', verified: false },
  { prefix: '/v1/refunds', base: 'charge', verified: false, note: 'FACTS §11: refunds use charge_read/charge_write (Dashboard row "Charges and Refunds") [? some integrations request rak_refund_*].' },
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
  { prefix: '/v1/test_clocks', base: 'billing_clock', verified: false, note: 'Test clocks use billing_clock_* (FACTS §11: customer_read implies billing_clock_read).' },
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
 */
export const DEPRECATIONS: readonly Deprecation[] = [
  { method: '*', prefix: '/v1/accounts/{account}/bank_accounts', reason: 'Legacy alias of /v1/accounts/{account}/external_accounts; not in stripe-node 23.' },
  { method: '*', prefix: '/v1/accounts/{account}/people', reason: 'Legacy alias of /v1/accounts/{account}/persons; not in stripe-node 23.' },
  { method: 'POST', prefix: '/v1/application_fees/{id}/refund', reason: 'Legacy; use POST /v1/application_fees/{id}/refunds (stripe_create_application_fee_refund).' },
  { method: '*', prefix: '/v1/balance/history', reason: 'Legacy alias of /v1/balance_transactions (stripe_list_balance_transactions, stripe_get_balance_transaction).' },
  { method: '*', prefix: '/v1/charges/{charge}/dispute', reason: 'Legacy charge-scoped dispute endpoint; use /v1/disputes/{dispute}.' },
  { method: 'POST', prefix: '/v1/charges/{charge}/refund', reason: 'Legacy; use POST /v1/refunds (stripe_create_refund).' },
  { method: '*', prefix: '/v1/charges/{charge}/refunds', reason: 'Legacy charge-scoped refunds endpoint; use /v1/refunds (filter by charge).' },
  { method: '*', prefix: '/v1/customers/{customer}/bank_accounts', reason: 'Deprecated in the spec and not in stripe-node 23; use /v1/customers/{customer}/sources or PaymentMethods.' },
  { method: '*', prefix: '/v1/customers/{customer}/cards', reason: 'Deprecated in the spec and not in stripe-node 23; use /v1/customers/{customer}/sources or PaymentMethods.' },
  { method: 'GET', prefix: '/v1/customers/{customer}/discount', reason: 'Not in stripe-node 23; read `discount` from GET /v1/customers/{customer}.' },
  { method: '*', prefix: '/v1/customers/{customer}/subscriptions', reason: 'Legacy customer-scoped subscriptions endpoint; use /v1/subscriptions.' },
  { method: '*', prefix: '/v1/invoices/upcoming', reason: 'Removed in API version 2025-03-31.basil (FACTS §15); use POST /v1/invoices/create_preview, which this spec predates.' },
  { method: '*', prefix: '/v1/issuing/settlements', reason: 'Not exposed by stripe-node 23 (removed from the public API).' },
  { method: '*', prefix: '/v1/link_account_sessions', reason: 'Legacy alias of /v1/financial_connections/sessions.' },
  { method: '*', prefix: '/v1/linked_accounts', reason: 'Legacy alias of /v1/financial_connections/accounts.' },
  { method: 'GET', prefix: '/v1/sources/{source}/mandate_notifications/{mandate_notification}', reason: 'Not in stripe-node 23; the Sources API is deprecated.' },
  { method: 'GET', prefix: '/v1/sources/{source}/source_transactions/{source_transaction}', reason: 'Not in stripe-node 23; the Sources API is deprecated.' },
  { method: '*', prefix: '/v1/subscription_items/{subscription_item}/usage_record_summaries', reason: 'Removed in API version 2025-03-31.basil (legacy usage-based billing); use Billing Meters, which this spec predates.' },
  { method: '*', prefix: '/v1/subscription_items/{subscription_item}/usage_records', reason: 'Removed in API version 2025-03-31.basil (legacy usage-based billing); use Billing Meters, which this spec predates.' },
];

/** Hosts other than api.stripe.com (stripe-node sends these to apiBase 'files'). */
const BASE_URL_OVERRIDES: Record<string, string> = {
  'POST /v1/files': 'https://files.stripe.com',
  'GET /v1/quotes/{quote}/pdf': 'https://files.stripe.com',
};

// ---------------------------------------------------------------------------------------------
// Small JSON helpers

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function obj(value: Json | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function arr(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
function prefixMatches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

// ---------------------------------------------------------------------------------------------
// Text

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** HTML or Markdown → plain text, whitespace collapsed, trimmed to about `max` characters. */
export function plainText(input: string, max = MAX_DESCRIPTION): string {
  let text = input
    .replace(/<a\b[^>]*>([\s\S]*?)<\/a>/gi, '$1')
    .replace(/<\/?(p|br|li|ul|ol|div)\b[^>]*>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#39|[a-z]+);/gi, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m)
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > max) {
    const cut = text.slice(0, max);
    const space = cut.lastIndexOf(' ');
    text = (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '') + '…';
  }
  return text;
}

function appendSentence(description: string | undefined, sentence: string): string {
  if (!description) return sentence;
  return /[.!?…]$/.test(description) ? `${description} ${sentence}` : `${description}. ${sentence}`;
}

// ---------------------------------------------------------------------------------------------
// Naming

function singularWord(word: string): string {
  const irregular = IRREGULAR_SINGULARS[word];
  if (irregular) return irregular;
  if (word.endsWith('ies') && word.length > 3) return word.slice(0, -3) + 'y';
  if (/(ch|sh|ss|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('ss') || word.endsWith('us')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Singularise the last word of a snake_case segment. */
export function singular(segment: string): string {
  const words = segment.split('_');
  words[words.length - 1] = singularWord(words[words.length - 1]);
  return words.join('_');
}

const isParam = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');

interface OperationFacts {
  method: HttpMethod;
  path: string;
  isList: boolean;
  /** Last dotted part of the response's x-resourceId, without `deleted_`. */
  resourceId: string | undefined;
  /** Methods defined on this exact path. */
  pathMethods: Set<HttpMethod>;
  /** Some other spec path is this path plus `/{param}`. */
  hasParamChild: boolean;
}

/** The `stripe_<verb>_<resource>` name of an operation (before NAME_OVERRIDES). */
export function deriveName(facts: OperationFacts): string {
  const raw = facts.path.replace(/^\/v1\//, '').split('/');
  const namespace: string[] = [];
  let i = 0;
  while (i < raw.length - 1 && NAMESPACES.has(raw[i])) namespace.push(raw[i++]);
  const tokens = raw.slice(i).map((t) => SEGMENT_RENAMES[t] ?? t);
  const last = tokens[tokens.length - 1];
  const before = tokens.slice(0, -1).filter((t) => !isParam(t)).map(singular);
  let verb: string;
  let resource: string[];

  if (isParam(last)) {
    const collection = tokens[tokens.length - 2];
    verb = facts.method === 'GET' ? 'get' : facts.method === 'POST' ? 'update' : 'delete';
    resource = [...tokens.slice(0, -2).filter((t) => !isParam(t)).map(singular), singular(collection)];
  } else if (last === 'search') {
    verb = 'search';
    const collection = tokens[tokens.length - 2];
    resource = [...tokens.slice(0, -2).filter((t) => !isParam(t)).map(singular), collection];
  } else if (facts.isList) {
    verb = 'list';
    resource = [...before, last];
  } else if (tokens.length === 1 || (isParam(tokens[tokens.length - 2]) && facts.hasParamChild)) {
    // A collection: the first segment after the namespaces, or a sub-collection with items.
    if (facts.method === 'POST') {
      verb = 'create';
      resource = [...before, singular(last)];
    } else {
      verb = facts.method === 'GET' ? 'get' : 'delete';
      resource = [...before, last];
    }
  } else if (isParam(tokens[tokens.length - 2])) {
    const singleton = facts.pathMethods.has('GET') || facts.method !== 'POST';
    if (singleton) {
      verb = facts.method === 'GET' ? 'get' : facts.method === 'POST' ? 'update' : 'delete';
      resource = [...before, last];
    } else if (facts.resourceId !== undefined && (facts.resourceId === last || facts.resourceId === singular(last))) {
      verb = 'create';
      resource = [...before, singular(last)];
    } else {
      verb = last;
      resource = before;
    }
  } else {
    // A literal after a literal: a sub-action (close, find, delete, preview, deliver, ...).
    verb = last;
    resource = before;
  }
  return ['stripe', verb, ...namespace, ...resource].join('_');
}

/** "stripe_confirm_payment_intent" → "Confirm payment intent". */
function labelFor(name: string): string {
  const text = name.replace(/^stripe_/, '').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Schemas

export interface SchemaContext {
  spec: JsonObject;
  depth: number;
  refs: readonly string[];
}

const EMPTY_STRING_BRANCH = (s: JsonObject): boolean => {
  const e = arr(s.enum);
  return s.type === 'string' && e.length === 1 && e[0] === '' && !s.properties;
};

function resolveRef(ref: string, spec: JsonObject): JsonObject {
  const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
  const target = m ? obj(obj(obj(spec.components)?.schemas)?.[m[1]]) : undefined;
  if (!target) throw new Error(`Unresolvable $ref ${ref}`);
  return target;
}

/** Convert one OpenAPI 3.0 schema (Stripe dialect) into the catalogue's JSON Schema subset. */
export function convertSchema(input: JsonObject, ctx: SchemaContext): JsonObject {
  const ref = str(input.$ref);
  if (ref) {
    if (ctx.refs.includes(ref)) {
      return { description: `Recursive reference to ${ref.split('/').pop()} (schema omitted).` };
    }
    const target = resolveRef(ref, ctx.spec);
    const merged: JsonObject = { ...target };
    if (input.description !== undefined) merged.description = input.description;
    return convertSchema(merged, { ...ctx, refs: [...ctx.refs, ref] });
  }
  const description = str(input.description) ? plainText(str(input.description)!) : undefined;

  const composite = input.properties !== undefined || input.items !== undefined || input.anyOf !== undefined || isObject(input.additionalProperties);
  if (ctx.depth > MAX_DEPTH && composite) {
    return {
      description: appendSentence(description, `Nested schema omitted beyond ${MAX_DEPTH} levels; see the Stripe API reference.`),
    };
  }

  const anyOf = arr(input.anyOf).filter(isObject);
  if (anyOf.length > 0) return convertAnyOf(input, anyOf, description, ctx);

  const out: JsonObject = {};
  const notes: string[] = [];
  const type = input.type;
  if (typeof type === 'string' || Array.isArray(type)) out.type = type;
  const format = str(input.format);
  if (format === 'unix-time') notes.push('Unix timestamp in seconds.');
  else if (format === 'decimal') notes.push('Decimal number as a string.');
  else if (format === 'binary') notes.push('Binary content.');
  else if (format) notes.push(`Format: ${format}.`);

  const enumValues = arr(input.enum);
  if (enumValues.length > 0) {
    if (input['x-stripeBypassValidation'] === true) {
      notes.push(`Known values: ${enumValues.map((v) => (v === '' ? '""' : String(v))).join(', ')} (others may be accepted).`);
    } else {
      out.enum = [...enumValues];
    }
  }
  if (typeof input.maxLength === 'number') out.maxLength = input.maxLength;
  if (typeof input.minLength === 'number') out.minLength = input.minLength;
  if (typeof input.pattern === 'string') out.pattern = input.pattern;
  for (const k of ['minimum', 'maximum', 'minItems', 'maxItems'] as const) {
    if (typeof input[k] === 'number') out[k] = input[k];
  }
  const items = obj(input.items);
  if (items) out.items = convertSchema(items, ctx);

  const properties = obj(input.properties);
  if (properties) {
    const props: JsonObject = {};
    for (const key of Object.keys(properties).sort()) {
      const p = obj(properties[key]);
      if (p) props[key] = convertSchema(p, { ...ctx, depth: ctx.depth + 1 });
    }
    out.properties = props;
    const required = arr(input.required).filter((r): r is string => typeof r === 'string').sort();
    if (required.length > 0) out.required = required;
  }
  if (typeof input.additionalProperties === 'boolean') {
    out.additionalProperties = input.additionalProperties;
  } else if (isObject(input.additionalProperties)) {
    out.additionalProperties = convertSchema(input.additionalProperties, { ...ctx, depth: ctx.depth + 1 });
  }
  if (input.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];

  let text = description;
  for (const n of notes) text = appendSentence(text, n);
  return text ? { description: text, ...out } : out;
}

function convertAnyOf(input: JsonObject, branches: JsonObject[], description: string | undefined, ctx: SchemaContext): JsonObject {
  const allowEmpty = branches.some(EMPTY_STRING_BRANCH);
  const rest = branches.filter((b) => !EMPTY_STRING_BRANCH(b)).map((b) => convertSchema(b, ctx));
  let text = description;
  if (allowEmpty) text = appendSentence(text, 'Pass an empty string ("") to unset.');

  const withDescription = (schema: JsonObject): JsonObject => {
    const { description: inner, ...restOfSchema } = schema;
    const d = text ?? str(inner);
    return d ? { description: d, ...restOfSchema } : restOfSchema;
  };

  if (allowEmpty) {
    const stringBranch = rest.find((b) => b.type === 'string');
    if (stringBranch) {
      const e = arr(stringBranch.enum);
      if (e.length > 0 && !e.includes('')) stringBranch.enum = ['', ...e];
      delete stringBranch.minLength;
    } else if (rest.length === 1 && typeof rest[0].type === 'string') {
      const only = rest[0];
      const { type, ...others } = only;
      return withDescription({ type: [type as string, 'string'], ...others, maxLength: 0 });
    } else {
      rest.push({ type: 'string', maxLength: 0 });
    }
  }
  if (rest.length === 1) return withDescription(rest[0]);
  return text ? { description: text, anyOf: rest } : { anyOf: rest };
}

function headersSchema(method: HttpMethod): JsonObject {
  const properties: JsonObject = {
    'Stripe-Account': {
      description: 'Connected account id (acct_…) to make the request on behalf of (Connect).',
      type: 'string',
      maxLength: 255,
      pattern: '^acct_[A-Za-z0-9]+$',
    },
  };
  if (method === 'POST') {
    properties['Idempotency-Key'] = {
      description: 'Idempotency key (at most 255 characters): a retry with the same key and parameters replays the first result.',
      type: 'string',
      minLength: 1,
      maxLength: 255,
    };
  }
  return {
    description: 'Optional request headers. Linkhub sets Authorization and its pinned Stripe-Version itself; other string headers (e.g. x-account-id) are allowed.',
    type: 'object',
    properties,
    additionalProperties: { type: 'string' },
  };
}

// ---------------------------------------------------------------------------------------------
// Catalogue

function permissionFor(method: HttpMethod, path: string): Pick<GeneratedAction, 'permission' | 'permissionVerified' | 'permissionNote'> {
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

function deprecationFor(method: HttpMethod, path: string, op: JsonObject): string | undefined {
  const rule = DEPRECATIONS.find((d) => (d.method === '*' || d.method === method) && prefixMatches(path, d.prefix));
  if (rule) return rule.reason;
  if (op.deprecated === true) return 'Marked deprecated in the Stripe OpenAPI spec.';
  return undefined;
}

function successResponse(op: JsonObject): { schema?: JsonObject; contentType?: string } {
  const responses = obj(op.responses);
  const ok = obj(responses?.['200']);
  const content = obj(ok?.content);
  if (!content) return {};
  const contentType = Object.keys(content).sort()[0];
  return { schema: obj(obj(content[contentType])?.schema), contentType };
}

function resourceIdOf(schema: JsonObject | undefined, spec: JsonObject): string | undefined {
  if (!schema) return undefined;
  const ref = str(schema.$ref);
  const target = ref ? resolveRef(ref, spec) : schema;
  const id = str(target['x-resourceId']);
  if (id) return id.split('.').pop()!.replace(/^deleted_/, '');
  for (const branch of arr(target.anyOf)) {
    const found = isObject(branch) ? resourceIdOf(branch, spec) : undefined;
    if (found) return found;
  }
  return undefined;
}

function buildInput(method: HttpMethod, op: JsonObject, spec: JsonObject, path: string): { input: JsonObject; contentType?: string } {
  const params = arr(op.parameters).filter(isObject).map((p) => (str(p.$ref) ? resolveParam(str(p.$ref)!, spec) : p));
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const declared = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of declared) {
    if (!pathParams.some((p) => p.name === name)) {
      pathParams.push({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 5000 } });
    }
  }
  const properties: JsonObject = {};
  const required: string[] = [];

  if (pathParams.length > 0) {
    const props: JsonObject = {};
    for (const p of [...pathParams].sort((a, b) => declared.indexOf(String(a.name)) - declared.indexOf(String(b.name)))) {
      const name = String(p.name);
      const schema = convertSchema(obj(p.schema) ?? { type: 'string' }, { spec, depth: 1, refs: [] });
      const d = str(p.description) ? plainText(str(p.description)!) : `Id of the ${name.replace(/_/g, ' ')} (path parameter).`;
      props[name] = { description: d, ...schema, type: 'string', minLength: 1 };
    }
    properties.path = {
      type: 'object',
      properties: props,
      required: pathParams.map((p) => String(p.name)).sort(),
      additionalProperties: false,
    };
    required.push('path');
  }

  if (queryParams.length > 0) {
    const props: JsonObject = {};
    const req: string[] = [];
    for (const p of [...queryParams].sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
      const name = String(p.name);
      const withDescription: JsonObject = { ...(obj(p.schema) ?? {}) };
      if (str(p.description) && withDescription.description === undefined) withDescription.description = p.description;
      props[name] = convertSchema(withDescription, { spec, depth: 1, refs: [] });
      if (p.required === true) req.push(name);
    }
    const query: JsonObject = { type: 'object', properties: props };
    if (req.length > 0) query.required = req.sort();
    query.additionalProperties = false;
    properties.query = query;
    if (req.length > 0) required.push('query');
  }

  let contentType: string | undefined;
  const content = obj(obj(op.requestBody)?.content);
  if (content) {
    const ct = Object.keys(content).sort()[0];
    const raw = obj(obj(content[ct])?.schema);
    const resolved = raw && str(raw.$ref) ? resolveRef(str(raw.$ref)!, spec) : raw;
    const hasFields = resolved && Object.keys(obj(resolved.properties) ?? {}).length > 0;
    if (raw && hasFields) {
      const body = convertSchema(raw, { spec, depth: 0, refs: [] });
      body.type = 'object';
      if (body.additionalProperties === undefined) body.additionalProperties = false;
      properties.body = body;
      if (arr(body.required).length > 0) required.push('body');
      contentType = ct;
    }
  }

  properties.headers = headersSchema(method);
  const input: JsonObject = { type: 'object', properties };
  input.required = required;
  input.additionalProperties = false;
  return contentType ? { input, contentType } : { input };
}

function resolveParam(ref: string, spec: JsonObject): JsonObject {
  const m = /^#\/components\/parameters\/(.+)$/.exec(ref);
  const target = m ? obj(obj(obj(spec.components)?.parameters)?.[m[1]]) : undefined;
  if (!target) throw new Error(`Unresolvable parameter $ref ${ref}`);
  return target;
}

function paginationOf(isList: boolean, input: JsonObject): GeneratedAction['pagination'] {
  if (!isList) return null;
  const query = obj(obj(obj(input.properties)?.query)?.properties) ?? {};
  if ('page' in query) return 'page';
  if ('starting_after' in query) return 'cursor';
  return null;
}

export function generateCatalog(specText: string, source = 'openapi.json'): GeneratedCatalog {
  const spec = JSON.parse(specText) as JsonObject;
  const paths = obj(spec.paths);
  if (!paths) throw new Error('The spec has no paths');

  const pathList = Object.keys(paths);
  const normalisedPaths = pathList.map((p) => p.replace(/\{[^}]+\}/g, '{}'));
  const ops: Array<{ method: HttpMethod; path: string; op: JsonObject }> = [];
  let specOperationCount = 0;
  for (const path of pathList) {
    const item = obj(paths[path])!;
    for (const key of Object.keys(item)) {
      if (['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(key)) specOperationCount++;
      const method = key.toUpperCase() as HttpMethod;
      if (!METHODS.includes(method)) {
        if (['parameters', 'servers', 'summary', 'description'].includes(key) || key.startsWith('x-')) continue;
        throw new Error(`Unsupported method ${key} on ${path}`);
      }
      if (!path.startsWith('/v1/')) throw new Error(`Not a v1 path: ${path}`);
      ops.push({ method, path, op: obj(item[key])! });
    }
  }
  ops.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHODS.indexOf(a.method) - METHODS.indexOf(b.method)));

  const actions: GeneratedAction[] = [];
  const seen = new Map<string, string>();
  for (const { method, path, op } of ops) {
    const key = `${method} ${path}`;
    const response = successResponse(op);
    const responseSchema = response.schema && str(response.schema.$ref) ? resolveRef(str(response.schema.$ref)!, spec) : response.schema;
    const responseProps = obj(responseSchema?.properties);
    const isList = !!(responseProps && responseProps.data && responseProps.has_more);
    const pathMethods = new Set<HttpMethod>(Object.keys(obj(paths[path])!).map((m) => m.toUpperCase() as HttpMethod).filter((m) => METHODS.includes(m)));
    // Compare paths with params normalised: /application_fees/{id}/refunds has the child
    // /application_fees/{fee}/refunds/{id}.
    const shape = path.replace(/\{[^}]+\}/g, '{}');
    const hasParamChild = normalisedPaths.some((p) => p.startsWith(shape + '/{') && !p.slice(shape.length + 1).includes('/'));
    const facts: OperationFacts = { method, path, isList, resourceId: resourceIdOf(response.schema, spec), pathMethods, hasParamChild };

    const name = NAME_OVERRIDES[key] ?? deriveName(facts);
    if (!NAME_PATTERN.test(name)) throw new Error(`Invalid action name ${name} for ${key}`);
    const clash = seen.get(name);
    if (clash) throw new Error(`Action name collision: ${name} for both ${clash} and ${key}`);
    seen.set(name, key);

    const operationId = str(op.operationId);
    if (!operationId) throw new Error(`No operationId for ${key}`);
    const label = labelFor(name);
    const description = plainText(str(op.summary) ?? str(op.description) ?? '') || label;
    const { input, contentType } = buildInput(method, op, spec, path);
    const deprecationReason = deprecationFor(method, path, op);

    const servers = arr(op.servers).filter(isObject);
    const baseUrl = BASE_URL_OVERRIDES[key] ?? (servers.length > 0 ? str(servers[0].url)?.replace(/\/$/, '') : undefined);
    const responseContentType = response.contentType && response.contentType !== 'application/json' ? response.contentType : undefined;
    // Key order here is the key order of the output file.
    const action: GeneratedAction = {
      name,
      operationId,
      method,
      path,
      label,
      description,
      access: method === 'GET' ? 'read' : 'write',
      ...permissionFor(method, path),
      list: isList,
      pagination: paginationOf(isList, input),
      deprecated: deprecationReason !== undefined,
      ...(deprecationReason ? { deprecationReason } : {}),
      ...(baseUrl ? { baseUrl } : {}),
      ...(contentType ? { contentType } : {}),
      ...(responseContentType ? { responseContentType } : {}),
      input,
    };
    actions.push(action);
  }

  if (actions.length !== specOperationCount) {
    throw new Error(`Generated ${actions.length} actions for ${specOperationCount} operations`);
  }
  for (const [name, key] of Object.entries(WELL_KNOWN)) {
    if (seen.get(name) !== key) throw new Error(`Well-known action ${name} should be ${key}, got ${seen.get(name) ?? 'nothing'}`);
  }

  const origin = arr(obj(spec.info)?.['x-origin']).filter(isObject)[0];
  return {
    $comment: 'Generated by scripts/generate-stripe-actions.ts from the Stripe OpenAPI spec. Do not edit; regenerate.',
    spec: {
      source: str(origin?.url) ?? source,
      sha256: createHash('sha256').update(specText).digest('hex'),
      operations: specOperationCount,
    },
    count: actions.length,
    actions,
  };
}

/** Stable serialisation: the object key order is fixed by construction; 1 action per block. */
export function renderCatalog(catalog: GeneratedCatalog): string {
  return JSON.stringify(catalog, null, 1) + '\n';
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv: string[]): { spec: string; out: string; check: boolean } {
  let spec = DEFAULT_SPEC;
  let out = DEFAULT_OUT;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--spec' || arg === '--out') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a path`);
      if (arg === '--spec') spec = resolve(value);
      else out = resolve(value);
    } else if (arg === '--check') {
      check = true;
    } else {
      throw new Error(`Unknown argument ${arg}; usage: generate-stripe-actions.ts [--spec path] [--out path] [--check]`);
    }
  }
  return { spec, out, check };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.spec)) throw new Error(`Spec not found: ${args.spec}`);
  const catalog = generateCatalog(readFileSync(args.spec, 'utf8'));
  const text = renderCatalog(catalog);
  if (args.check) {
    const current = existsSync(args.out) ? readFileSync(args.out, 'utf8') : '';
    if (current !== text) {
      console.error(`${args.out} is stale: run npx tsx scripts/generate-stripe-actions.ts`);
      process.exit(1);
    }
    console.log(`${args.out} is up to date (${catalog.count} actions)`);
    return;
  }
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, text);
  const nulls = catalog.actions.filter((a) => a.permission === null).map((a) => a.name);
  const deprecated = catalog.actions.filter((a) => a.deprecated).length;
  console.log(
    `wrote ${args.out}: ${catalog.count} actions, ${Buffer.byteLength(text)} bytes, ` +
      `${deprecated} deprecated, ${nulls.length} without permission (${nulls.join(', ')})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
