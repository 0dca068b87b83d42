// Restricted-key permission model (docs/stripe.md#restricted-key-permissions): every resource is
// none/read/write, write implies read, GET needs `<x>_read`, POST/DELETE `<x>_write`, and errors
// name the permission with a `rak_` prefix. `GET /v1/account` cannot be granted to restricted keys.

export type Access = 'none' | 'read' | 'write';
/** Per-resource access of a restricted key, keyed by permission name (`customer`, `plan`, …). */
export type Permissions = Record<string, Access>;

/** First path segment after /v1/ → permission resource. Prices are `plan`, refunds are `charge`. */
export const SEGMENT_PERMISSION: Readonly<Record<string, string>> = {
  customers: 'customer',
  charges: 'charge',
  refunds: 'charge',
  payment_intents: 'payment_intent',
  invoices: 'invoice',
  subscriptions: 'subscription',
  products: 'product',
  prices: 'plan',
  plans: 'plan',
  balance: 'balance',
  balance_transactions: 'balance',
  payouts: 'payout',
  events: 'event',
  accounts: 'connected_account',
  files: 'file',
};

/** Object type → permission resource, for expansions (a restricted key needs read on each expanded type). */
export const OBJECT_PERMISSION: Readonly<Record<string, string>> = {
  customer: 'customer',
  charge: 'charge',
  refund: 'charge',
  payment_intent: 'payment_intent',
  invoice: 'invoice',
  subscription: 'subscription',
  product: 'product',
  price: 'plan',
  plan: 'plan',
  balance: 'balance',
  balance_transaction: 'balance',
  payout: 'payout',
  event: 'event',
  account: 'connected_account',
};

/** Friendly aliases accepted when building a key's permissions. */
const ALIASES: Readonly<Record<string, string>> = {
  customers: 'customer',
  price: 'plan',
  prices: 'plan',
  refund: 'charge',
  refunds: 'charge',
  balance_transaction: 'balance',
  connect: 'connected_account',
};

/** Permissions implied by others (customer_read grants billing_clock_read, and so on). */
const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  billing_clock_read: ['customer_read'],
  credit_note_read: ['invoice_read', 'invoice_write'],
};

export type Requirement = { kind: 'none' } | { kind: 'permission'; permission: string } | { kind: 'not_for_restricted' };

const NONE: Requirement = { kind: 'none' };
const NOT_FOR_RESTRICTED: Requirement = { kind: 'not_for_restricted' };
const cache = new Map<string, Requirement>();

/**
 * The permission a restricted key needs for `method` on a route template such as
 * `/v1/customers/{id}`. Results are memoised: the table is consulted once per route.
 */
export function requirementFor(method: string, template: string): Requirement {
  const cacheKey = method + ' ' + template;
  let r = cache.get(cacheKey);
  if (r) return r;
  const segment = template.split('/')[2] ?? '';
  if (segment === 'account') r = NOT_FOR_RESTRICTED;
  else {
    const resource = SEGMENT_PERMISSION[segment];
    r = resource ? { kind: 'permission', permission: `${resource}_${method === 'GET' ? 'read' : 'write'}` } : NONE;
  }
  cache.set(cacheKey, r);
  return r;
}

/** Normalises user-supplied permissions (aliases, unknown levels dropped). */
export function normalizePermissions(input: Record<string, Access | undefined> | undefined): Permissions {
  const out: Permissions = {};
  for (const [name, access] of Object.entries(input ?? {})) {
    if (access !== 'read' && access !== 'write' && access !== 'none') continue;
    out[ALIASES[name] ?? name] = access;
  }
  return out;
}

/** Whether `perms` grants `permission` (e.g. `customer_read`); write implies read. */
export function grants(perms: Permissions, permission: string): boolean {
  const cut = permission.lastIndexOf('_');
  const resource = permission.slice(0, cut);
  const level = permission.slice(cut + 1);
  const access = perms[resource];
  if (access === 'write' || (access === 'read' && level === 'read')) return true;
  const implied = IMPLIED[permission];
  return implied ? implied.some((p) => grants(perms, p)) : false;
}

/** True when the key has any Connect permission (needed to use `Stripe-Account`). */
export function hasConnect(perms: Permissions): boolean {
  const a = perms.connected_account;
  return a === 'read' || a === 'write';
}
