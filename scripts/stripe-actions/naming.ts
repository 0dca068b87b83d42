// Action names: the `stripe_<verb>_<resource>` name of every operation, derived from its path by
// the rules below, plus the few explicit overrides where the rules collide or read wrong. Names are
// what MCP tools and RPC calls are addressed by, so they must be stable and unique.
import type { HttpMethod } from './spec.js';

/**
 * The rules. A name is `stripe_<verb>_<resource>`, snake case, matching NAME_PATTERN.
 * The connector key `stripe` contains no `_`, so `name.split('_')[0]` is the connector, as
 * StackOne's @stackone/ai reads it (docs/stackone-compat.md#actions).
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
 *  6. The generator FAILS on any duplicate name, any name not matching the pattern, or a
 *     well-known name (WELL_KNOWN) that is missing or bound to the wrong operation (ActionNamer);
 *     catalog.ts also fails when the action count differs from the spec's operation count.
 */

export const NAME_PATTERN = /^stripe_[a-z0-9_]+$/;

const NAMESPACES = new Set([
  'apple_pay',
  'apps',
  'billing_portal',
  'checkout',
  'financial_connections',
  'identity',
  'issuing',
  'radar',
  'reporting',
  'sigma',
  'tax',
  'terminal',
  'test_helpers',
  'treasury',
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

export interface OperationFacts {
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
  const before = tokens
    .slice(0, -1)
    .filter((t) => !isParam(t))
    .map(singular);
  let verb: string;
  let resource: string[];

  if (isParam(last)) {
    const collection = tokens[tokens.length - 2];
    verb = facts.method === 'GET' ? 'get' : facts.method === 'POST' ? 'update' : 'delete';
    resource = [
      ...tokens
        .slice(0, -2)
        .filter((t) => !isParam(t))
        .map(singular),
      singular(collection),
    ];
  } else if (last === 'search') {
    verb = 'search';
    const collection = tokens[tokens.length - 2];
    resource = [
      ...tokens
        .slice(0, -2)
        .filter((t) => !isParam(t))
        .map(singular),
      collection,
    ];
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
export function labelFor(name: string): string {
  const text = name.replace(/^stripe_/, '').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Hands out names in operation order and fails the generation on an invalid name, a name already
 * given to another operation, or (at the end) a WELL_KNOWN name missing or bound elsewhere.
 */
export class ActionNamer {
  /** Name → the `METHOD /path` it was given to. */
  private readonly given = new Map<string, string>();

  /** `key` is `METHOD /path`. */
  name(key: string, facts: OperationFacts): string {
    const name = NAME_OVERRIDES[key] ?? deriveName(facts);
    if (!NAME_PATTERN.test(name)) throw new Error(`Invalid action name ${name} for ${key}`);
    const clash = this.given.get(name);
    if (clash) throw new Error(`Action name collision: ${name} for both ${clash} and ${key}`);
    this.given.set(name, key);
    return name;
  }

  checkWellKnown(): void {
    for (const [name, key] of Object.entries(WELL_KNOWN)) {
      const got = this.given.get(name);
      if (got !== key) throw new Error(`Well-known action ${name} should be ${key}, got ${got ?? 'nothing'}`);
    }
  }
}
