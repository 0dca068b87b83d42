// The stand-in's world (docs/stripe.md#stand-in-world): accounts, API keys and per-(account, mode)
// object stores seeded from stripe/openapi's fixtures3.json (vendored in vendor/stripe/). Stores
// are seeded lazily, the first time an (account, mode) pair is touched, so starting one is cheap.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKey, newObjectId, type KeyKind, type Mode } from './keys.js';
import { normalizePermissions, type Access, type Permissions } from './permissions.js';

export type { KeyKind, Mode } from './keys.js';
export type KeyStatus = 'active' | 'expired' | 'deleted';
export type StripeObject = Record<string, any>;

export interface Account extends StripeObject {
  id: string;
  object: 'account';
  country: string;
  default_currency: string;
  email: string | null;
  business_profile: StripeObject & { name: string | null };
  settings: StripeObject & { dashboard: { display_name: string | null; timezone: string } };
}

export interface KeyRecord {
  secret: string;
  kind: KeyKind;
  mode: Mode;
  account: string;
  status: KeyStatus;
  permissions: Permissions;
  created: number;
  /** Organization keys: the accounts of the organization, one of which each request names in Stripe-Context. */
  organization: readonly string[];
}

export interface AddAccountInput {
  id?: string;
  name: string;
  email?: string | null;
  country?: string;
  default_currency?: string;
  display_name?: string | null;
  timezone?: string;
  /** Platform account this one is connected to (makes `Stripe-Account: <id>` valid for the platform's sk_). */
  platform?: string;
  /** API version applied when a request sends no Stripe-Version. */
  apiVersion?: string;
}

export interface AddKeyInput {
  kind: KeyKind;
  mode: Mode;
  account: string;
  permissions?: Record<string, Access | undefined>;
  status?: KeyStatus;
  /** Organization keys (kind `org`): the organization's accounts (`account` is one of them). */
  organization?: string[];
  /** Use this exact secret instead of a random one. */
  secret?: string;
}

export interface ResourceDef {
  /** Collection segment: `/v1/<name>`. */
  name: string;
  /** `object` value and the noun in "No such <object>: 'id'". */
  object: string;
  idPrefix: string;
  idLength: number;
  /** Accepted list query parameters besides limit/starting_after/ending_before/expand. */
  listFilters: readonly string[];
  /** Fields allowed in `expand[]` (x-expandableFields of openapi.json). */
  expandable: readonly string[];
  /** Expandable fields that hold ids of objects in another seeded collection. */
  refs: Readonly<Record<string, string>>;
  searchable: boolean;
  writable: boolean;
  /** DELETE /v1/<name>/{id}: 'delete' returns the deleted stub, 'cancel' sets status canceled. */
  del: 'delete' | 'cancel' | false;
}

const R = (d: Omit<ResourceDef, 'listFilters' | 'expandable' | 'refs'> & Partial<ResourceDef>): ResourceDef => ({
  listFilters: [],
  expandable: [],
  refs: {},
  ...d,
});

/** The seeded collections. Id shapes follow the fixtures (`cus_` + 14, `ch_` + 24, …). */
export const RESOURCES: Readonly<Record<string, ResourceDef>> = {
  customers: R({
    name: 'customers',
    object: 'customer',
    idPrefix: 'cus_',
    idLength: 14,
    searchable: true,
    writable: true,
    del: 'delete',
    listFilters: ['created', 'email', 'test_clock'],
    expandable: [
      'address',
      'cash_balance',
      'default_source',
      'discount',
      'invoice_settings',
      'shipping',
      'sources',
      'subscriptions',
      'tax',
      'tax_ids',
      'test_clock',
    ],
  }),
  charges: R({
    name: 'charges',
    object: 'charge',
    idPrefix: 'ch_',
    idLength: 24,
    searchable: true,
    writable: true,
    del: false,
    listFilters: ['created', 'customer', 'payment_intent', 'transfer_group'],
    expandable: [
      'application',
      'application_fee',
      'balance_transaction',
      'billing_details',
      'customer',
      'failure_balance_transaction',
      'fraud_details',
      'invoice',
      'on_behalf_of',
      'outcome',
      'payment_intent',
      'payment_method_details',
      'radar_options',
      'refunds',
      'review',
      'shipping',
      'source_transfer',
      'transfer',
      'transfer_data',
    ],
    refs: { customer: 'customers', payment_intent: 'payment_intents', balance_transaction: 'balance_transactions', invoice: 'invoices' },
  }),
  payment_intents: R({
    name: 'payment_intents',
    object: 'payment_intent',
    idPrefix: 'pi_',
    idLength: 24,
    searchable: true,
    writable: true,
    del: false,
    listFilters: ['created', 'customer'],
    expandable: [
      'amount_details',
      'application',
      'automatic_payment_methods',
      'customer',
      'invoice',
      'last_payment_error',
      'latest_charge',
      'next_action',
      'on_behalf_of',
      'payment_method',
      'payment_method_options',
      'processing',
      'review',
      'shipping',
      'transfer_data',
    ],
    refs: { customer: 'customers', latest_charge: 'charges', invoice: 'invoices' },
  }),
  invoices: R({
    name: 'invoices',
    object: 'invoice',
    idPrefix: 'in_',
    idLength: 24,
    searchable: true,
    writable: true,
    del: 'delete',
    listFilters: ['collection_method', 'created', 'customer', 'due_date', 'status', 'subscription'],
    expandable: [
      'account_tax_ids',
      'application',
      'automatic_tax',
      'charge',
      'custom_fields',
      'customer',
      'customer_address',
      'customer_shipping',
      'customer_tax_ids',
      'default_payment_method',
      'default_source',
      'default_tax_rates',
      'discount',
      'discounts',
      'from_invoice',
      'last_finalization_error',
      'latest_revision',
      'lines',
      'on_behalf_of',
      'payment_intent',
      'payment_settings',
      'quote',
      'rendering_options',
      'shipping_cost',
      'shipping_details',
      'status_transitions',
      'subscription',
      'test_clock',
      'threshold_reason',
      'total_discount_amounts',
      'total_tax_amounts',
      'transfer_data',
    ],
    refs: { customer: 'customers', subscription: 'subscriptions', charge: 'charges', payment_intent: 'payment_intents' },
  }),
  subscriptions: R({
    name: 'subscriptions',
    object: 'subscription',
    idPrefix: 'sub_',
    idLength: 24,
    searchable: true,
    writable: true,
    del: 'cancel',
    listFilters: ['collection_method', 'created', 'current_period_end', 'current_period_start', 'customer', 'price', 'status', 'test_clock'],
    expandable: [
      'application',
      'automatic_tax',
      'billing_thresholds',
      'cancellation_details',
      'customer',
      'default_payment_method',
      'default_source',
      'default_tax_rates',
      'discount',
      'items',
      'latest_invoice',
      'on_behalf_of',
      'pause_collection',
      'payment_settings',
      'pending_invoice_item_interval',
      'pending_setup_intent',
      'pending_update',
      'schedule',
      'test_clock',
      'transfer_data',
      'trial_settings',
    ],
    refs: { customer: 'customers', latest_invoice: 'invoices' },
  }),
  products: R({
    name: 'products',
    object: 'product',
    idPrefix: 'prod_',
    idLength: 14,
    searchable: true,
    writable: true,
    del: 'delete',
    listFilters: ['active', 'created', 'ids', 'shippable', 'url'],
    expandable: ['default_price', 'package_dimensions', 'tax_code'],
    refs: { default_price: 'prices' },
  }),
  prices: R({
    name: 'prices',
    object: 'price',
    idPrefix: 'price_',
    idLength: 24,
    searchable: true,
    writable: true,
    del: false,
    listFilters: ['active', 'created', 'currency', 'lookup_keys', 'product', 'recurring', 'type'],
    expandable: ['currency_options', 'custom_unit_amount', 'product', 'recurring', 'tiers', 'transform_quantity'],
    refs: { product: 'products' },
  }),
  refunds: R({
    name: 'refunds',
    object: 'refund',
    idPrefix: 're_',
    idLength: 24,
    searchable: false,
    writable: true,
    del: false,
    listFilters: ['charge', 'created', 'payment_intent'],
    expandable: [
      'balance_transaction',
      'charge',
      'failure_balance_transaction',
      'next_action',
      'payment_intent',
      'source_transfer_reversal',
      'transfer_reversal',
    ],
    refs: { charge: 'charges', payment_intent: 'payment_intents', balance_transaction: 'balance_transactions' },
  }),
  balance_transactions: R({
    name: 'balance_transactions',
    object: 'balance_transaction',
    idPrefix: 'txn_',
    idLength: 24,
    searchable: false,
    writable: false,
    del: false,
    listFilters: ['created', 'currency', 'payout', 'source', 'type'],
    expandable: ['fee_details', 'source'],
    refs: { source: 'charges' },
  }),
  payouts: R({
    name: 'payouts',
    object: 'payout',
    idPrefix: 'po_',
    idLength: 24,
    searchable: false,
    writable: true,
    del: false,
    listFilters: ['arrival_date', 'created', 'destination', 'status'],
    expandable: ['balance_transaction', 'destination', 'failure_balance_transaction', 'original_payout', 'reversed_by'],
    refs: { balance_transaction: 'balance_transactions' },
  }),
  events: R({
    name: 'events',
    object: 'event',
    idPrefix: 'evt_',
    idLength: 24,
    searchable: false,
    writable: false,
    del: false,
    listFilters: ['created', 'delivery_success', 'type', 'types'],
    expandable: ['data', 'request'],
  }),
};

/** Object type (`customer`) → collection (`customers`). */
export const RESOURCE_BY_OBJECT: Readonly<Record<string, ResourceDef>> = Object.fromEntries(Object.values(RESOURCES).map((d) => [d.object, d]));

// ---------------------------------------------------------------------------------------
// Fixtures

/** The vendored copy (provenance in vendor/stripe/README.md); LINKHUB_STRIPE_FIXTURES overrides it. */
const VENDORED_FIXTURES = fileURLToPath(new URL('../../vendor/stripe/fixtures3.json', import.meta.url));
/** Object types the world clones from the fixtures: every resource, the account and the balance. */
const FIXTURE_TYPES = ['account', 'balance', ...Object.keys(RESOURCE_BY_OBJECT)];
const fixtureCache = new Map<string, Record<string, StripeObject>>();

/** fixtures3.json `resources`, read and parsed once per process. */
export function loadFixtures(path = process.env.LINKHUB_STRIPE_FIXTURES || VENDORED_FIXTURES): Record<string, StripeObject> {
  const hit = fixtureCache.get(path);
  if (hit) return hit;
  const resources = (JSON.parse(readFileSync(path, 'utf8')) as { resources?: Record<string, StripeObject> }).resources ?? {};
  const missing = FIXTURE_TYPES.filter((type) => !resources[type]);
  if (missing.length > 0) throw new Error(`Stripe stand-in: ${path} has no example ${missing.join(', ')}`);
  fixtureCache.set(path, resources);
  return resources;
}

// ---------------------------------------------------------------------------------------
// Stores

/** Serialised-JSON cache per object, so the hot list path only concatenates strings. */
const jsonCache = new WeakMap<object, string>();

export function toJson(obj: StripeObject): string {
  let s = jsonCache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    jsonCache.set(obj, s);
  }
  return s;
}

/** Forget the cached JSON of an object after mutating it. */
export function touch(obj: StripeObject): void {
  jsonCache.delete(obj);
}

/** One collection of one (account, mode): newest first (created desc, then insertion). */
export class Store {
  readonly items: StripeObject[] = [];
  private readonly byId = new Map<string, StripeObject>();
  private positions: Map<string, number> | null = null;
  /** Deleted objects' stubs (`{id, object, deleted: true}`), still retrievable. */
  readonly deleted = new Map<string, StripeObject>();

  constructor(
    readonly def: ResourceDef,
    readonly account: string,
    readonly mode: Mode,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get(id: string): StripeObject | undefined {
    return this.byId.get(id);
  }

  /** Index of `id` in `items`, or -1. */
  position(id: string): number {
    if (!this.positions) {
      this.positions = new Map();
      for (const [i, o] of this.items.entries()) this.positions.set(o.id as string, i);
    }
    return this.positions.get(id) ?? -1;
  }

  /** Adds an object, keeping the order created desc (new objects go first among equals). */
  insert(obj: StripeObject): StripeObject {
    if (this.byId.has(obj.id)) throw new Error(`duplicate id ${obj.id}`);
    const created = obj.created as number;
    let i = 0;
    while (i < this.items.length && (this.items[i].created as number) > created) i++;
    this.items.splice(i, 0, obj);
    this.byId.set(obj.id, obj);
    this.positions = null;
    return obj;
  }

  /** Seeding: objects arrive already ordered newest first. */
  append(obj: StripeObject): void {
    this.items.push(obj);
    this.byId.set(obj.id, obj);
    this.positions = null;
  }

  remove(id: string): StripeObject | undefined {
    const obj = this.byId.get(id);
    if (!obj) return undefined;
    this.byId.delete(id);
    this.items.splice(this.items.indexOf(obj), 1);
    this.positions = null;
    const stub = { id, object: this.def.object, deleted: true };
    this.deleted.set(id, stub);
    return stub;
  }

  /** A fresh id that is not used in this store. */
  newId(): string {
    for (;;) {
      const id = newObjectId(this.def.idPrefix, this.def.idLength);
      if (!this.byId.has(id) && !this.deleted.has(id)) return id;
    }
  }
}

// ---------------------------------------------------------------------------------------
// The world

export interface SeedOptions {
  /** Customers per (account, mode); default 42 so paging has several pages. */
  customers?: number;
  /** Objects of every other collection per (account, mode); default 12. */
  others?: number;
  /** Another fixtures3.json; default the vendored one (or LINKHUB_STRIPE_FIXTURES). */
  fixturesPath?: string;
}

/** 2025-01-01T00:00:00Z: seeded objects are created before this, one step apart. */
const SEED_BASE = 1735689600;

export class World {
  readonly accounts = new Map<string, Account>();
  readonly keys = new Map<string, KeyRecord>();
  private readonly accountMeta = new Map<string, { platform?: string; apiVersion: string }>();
  private readonly stores = new Map<string, Store>();
  private readonly balances = new Map<string, StripeObject>();
  private readonly seeded = new Set<string>();
  private readonly fixtures: Record<string, StripeObject>;
  private readonly seedCustomers: number;
  private readonly seedOthers: number;

  constructor(opts: SeedOptions = {}) {
    this.fixtures = loadFixtures(opts.fixturesPath);
    this.seedCustomers = opts.customers ?? 42;
    this.seedOthers = opts.others ?? 12;
  }

  addAccount(input: AddAccountInput): Account {
    const id = input.id ?? newObjectId('acct_1', 15);
    if (this.accounts.has(id)) throw new Error(`account ${id} exists`);
    const base = structuredClone(this.fixtures.account) as StripeObject;
    const account = {
      ...base,
      id,
      object: 'account',
      country: input.country ?? 'US',
      default_currency: input.default_currency ?? 'usd',
      email: input.email === undefined ? `owner@${slug(input.name)}.example.com` : input.email,
      business_profile: { ...(base.business_profile ?? {}), name: input.name },
      settings: {
        ...(base.settings ?? {}),
        dashboard: { display_name: input.display_name === undefined ? input.name : input.display_name, timezone: input.timezone ?? 'Etc/UTC' },
      },
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      type: input.platform ? 'custom' : 'standard',
      created: SEED_BASE - 400 * 86400,
      metadata: {},
    } as Account;
    if (account.external_accounts) account.external_accounts = { ...account.external_accounts, url: `/v1/accounts/${id}/external_accounts` };
    if (account.requirements)
      account.requirements = {
        alternatives: [],
        current_deadline: null,
        currently_due: [],
        disabled_reason: null,
        errors: [],
        eventually_due: [],
        past_due: [],
        pending_verification: [],
      };
    this.accounts.set(id, account);
    this.accountMeta.set(id, { platform: input.platform, apiVersion: input.apiVersion ?? '2025-03-31.basil' });
    return account;
  }

  getAccount(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  /** The API version applied when a request names none. */
  defaultApiVersion(account: string): string {
    return this.accountMeta.get(account)?.apiVersion ?? '2025-03-31.basil';
  }

  /** Platform of a connected account, if any. */
  platformOf(account: string): string | undefined {
    return this.accountMeta.get(account)?.platform;
  }

  /** Creates a key and returns its secret. */
  addKey(input: AddKeyInput): string {
    if (!this.accounts.has(input.account)) throw new Error(`unknown account ${input.account}`);
    const secret = input.secret ?? generateKey(input.kind, input.mode);
    if (this.keys.has(secret)) throw new Error('duplicate key');
    this.keys.set(secret, {
      secret,
      kind: input.kind,
      mode: input.mode,
      account: input.account,
      status: input.status ?? 'active',
      permissions: normalizePermissions(input.permissions),
      created: Math.floor(Date.now() / 1000),
      organization: input.organization ?? [],
    });
    return secret;
  }

  getKey(secret: string): KeyRecord | undefined {
    return this.keys.get(secret);
  }

  setKeyStatus(secret: string, status: KeyStatus): void {
    const k = this.keys.get(secret);
    if (!k) throw new Error('unknown key');
    k.status = status;
  }

  setKeyPermissions(secret: string, permissions: Record<string, Access | undefined>): void {
    const k = this.keys.get(secret);
    if (!k) throw new Error('unknown key');
    k.permissions = normalizePermissions(permissions);
  }

  /** The store of `resource` (e.g. 'customers') for (account, mode), seeding the pair on first use. */
  store(account: string, mode: Mode, resource: string): Store {
    const key = account + '|' + mode + '|' + resource;
    let s = this.stores.get(key);
    if (s) return s;
    this.ensureSeeded(account, mode);
    s = this.stores.get(key);
    if (!s) throw new Error(`unknown resource ${resource}`);
    return s;
  }

  /** The balance object of (account, mode). */
  balance(account: string, mode: Mode): StripeObject {
    this.ensureSeeded(account, mode);
    return this.balances.get(account + '|' + mode)!;
  }

  private ensureSeeded(account: string, mode: Mode): void {
    const pair = account + '|' + mode;
    if (this.seeded.has(pair)) return;
    if (!this.accounts.has(account)) throw new Error(`unknown account ${account}`);
    this.seeded.add(pair);
    for (const def of Object.values(RESOURCES)) this.stores.set(pair + '|' + def.name, new Store(def, account, mode));
    this.seed(account, mode);
  }

  /** A fixture-shaped object without an id, for creating new objects of `object` type. */
  template(object: string): StripeObject {
    const t = structuredClone(this.fixtures[object] ?? { object }) as StripeObject;
    t.metadata = {};
    return t;
  }

  private seed(account: string, mode: Mode): void {
    const livemode = mode === 'live';
    const stores: Record<string, Store> = {};
    const ids: Record<string, string[]> = {};
    for (const def of Object.values(RESOURCES)) {
      const s = this.store(account, mode, def.name);
      stores[def.name] = s;
      const n = def.name === 'customers' ? this.seedCustomers : this.seedOthers;
      const list: string[] = [];
      const taken = new Set<string>();
      while (list.length < n) {
        const id = newObjectId(def.idPrefix, def.idLength);
        if (!taken.has(id)) {
          taken.add(id);
          list.push(id);
        }
      }
      ids[def.name] = list;
    }
    const pick = (name: string, i: number): string | null => {
      const l = ids[name];
      return l.length ? l[i % l.length] : null;
    };
    const currency = this.accounts.get(account)!.default_currency;

    const make = (def: ResourceDef, i: number, fields: StripeObject): StripeObject => {
      const o = this.template(def.object);
      Object.assign(o, fields);
      o.id = ids[def.name][i];
      o.object = def.object;
      o.livemode = livemode;
      // Newest first; each collection offset a little so timestamps differ across collections.
      o.created = SEED_BASE - i * 3600 - Object.keys(RESOURCES).indexOf(def.name) * 7;
      if ('currency' in o && typeof o.currency === 'string') o.currency = currency;
      return o;
    };

    const n = (name: string): number => ids[name].length;

    for (let i = 0; i < n('products'); i++) {
      stores.products.append(
        make(RESOURCES.products, i, {
          name: `Product ${i + 1}`,
          description: `Seeded product ${i + 1}`,
          active: i % 5 !== 4,
          default_price: pick('prices', i),
          metadata: { index: String(i + 1) },
        }),
      );
    }
    for (let i = 0; i < n('prices'); i++) {
      stores.prices.append(
        make(RESOURCES.prices, i, {
          product: pick('products', i),
          unit_amount: 500 * (i + 1),
          unit_amount_decimal: String(500 * (i + 1)),
          nickname: `Price ${i + 1}`,
          active: true,
          metadata: { index: String(i + 1) },
        }),
      );
    }
    for (let i = 0; i < n('customers'); i++) {
      const k = i + 1;
      stores.customers.append(
        make(RESOURCES.customers, i, {
          name: `Test Customer ${k}`,
          email: `customer${k}@example.com`,
          description: k % 4 === 0 ? `VIP customer ${k}` : null,
          phone: `+1555000${String(k).padStart(4, '0')}`,
          discount: null,
          shipping: null,
          currency,
          invoice_prefix: `LH${String(k).padStart(5, '0')}`,
          metadata: { index: String(k), tier: k % 3 === 0 ? 'gold' : 'standard' },
        }),
      );
    }
    for (let i = 0; i < n('payment_intents'); i++) {
      const id = ids.payment_intents[i];
      stores.payment_intents.append(
        make(RESOURCES.payment_intents, i, {
          amount: 1000 + i * 100,
          amount_received: 1000 + i * 100,
          customer: pick('customers', i),
          latest_charge: pick('charges', i),
          invoice: null,
          status: 'succeeded',
          canceled_at: null,
          client_secret: `${id}_secret_${newObjectId('', 25)}`,
          metadata: {},
        }),
      );
    }
    for (let i = 0; i < n('charges'); i++) {
      stores.charges.append(
        make(RESOURCES.charges, i, {
          amount: 1000 + i * 100,
          amount_captured: 1000 + i * 100,
          amount_refunded: i % 6 === 0 ? 1000 + i * 100 : 0,
          refunded: i % 6 === 0,
          captured: true,
          paid: true,
          status: 'succeeded',
          customer: pick('customers', i),
          payment_intent: pick('payment_intents', i),
          balance_transaction: pick('balance_transactions', i),
          invoice: null,
          description: `Charge ${i + 1}`,
          metadata: {},
        }),
      );
    }
    for (let i = 0; i < n('balance_transactions'); i++) {
      stores.balance_transactions.append(
        make(RESOURCES.balance_transactions, i, {
          amount: 1000 + i * 100,
          net: 1000 + i * 100,
          fee: 0,
          source: pick('charges', i),
          type: 'charge',
          reporting_category: 'charge',
          description: `Charge ${i + 1}`,
        }),
      );
    }
    for (let i = 0; i < n('refunds'); i++) {
      stores.refunds.append(
        make(RESOURCES.refunds, i, {
          amount: 1000 + i * 100,
          charge: pick('charges', i),
          payment_intent: pick('payment_intents', i),
          balance_transaction: null,
          status: 'succeeded',
          metadata: {},
        }),
      );
    }
    for (let i = 0; i < n('subscriptions'); i++) {
      const sub = make(RESOURCES.subscriptions, i, {
        customer: pick('customers', i),
        latest_invoice: pick('invoices', i),
        status: i % 5 === 4 ? 'canceled' : 'active',
        metadata: { index: String(i + 1) },
      });
      const items = sub.items as StripeObject | undefined;
      const price = stores.prices.items[i % Math.max(1, n('prices'))];
      if (items && Array.isArray(items.data) && items.data[0] && price) {
        items.data = [{ ...items.data[0], id: newObjectId('si_', 14), subscription: sub.id, price: structuredClone(price) }];
        items.url = `/v1/subscription_items?subscription=${sub.id}`;
      }
      stores.subscriptions.append(sub);
    }
    for (let i = 0; i < n('invoices'); i++) {
      const inv = make(RESOURCES.invoices, i, {
        customer: pick('customers', i),
        subscription: pick('subscriptions', i),
        status: i % 3 === 0 ? 'open' : 'paid',
        account_name: this.accounts.get(account)!.business_profile.name,
        account_country: this.accounts.get(account)!.country,
        metadata: {},
      });
      const lines = inv.lines as StripeObject | undefined;
      if (lines && Array.isArray(lines.data)) {
        lines.data = lines.data.map((l: StripeObject) => ({ ...l, id: newObjectId('il_', 24), invoice: inv.id }));
        lines.url = `/v1/invoices/${inv.id}/lines`;
      }
      stores.invoices.append(inv);
    }
    for (let i = 0; i < n('payouts'); i++) {
      stores.payouts.append(
        make(RESOURCES.payouts, i, {
          amount: 10000 + i * 1000,
          balance_transaction: pick('balance_transactions', i),
          status: 'paid',
          metadata: {},
        }),
      );
    }
    for (let i = 0; i < n('events'); i++) {
      const customer = stores.customers.items[i % Math.max(1, n('customers'))];
      stores.events.append(
        make(RESOURCES.events, i, {
          type: 'customer.created',
          api_version: this.defaultApiVersion(account),
          pending_webhooks: 0,
          data: { object: customer ? structuredClone(customer) : {} },
          request: { id: null, idempotency_key: null },
        }),
      );
    }

    const balance = structuredClone(this.fixtures.balance) as StripeObject;
    balance.livemode = livemode;
    for (const part of ['available', 'pending', 'connect_reserved']) {
      if (Array.isArray(balance[part]))
        balance[part] = balance[part].map((b: StripeObject) => ({ ...b, currency, amount: part === 'available' ? 123456 : b.amount }));
    }
    this.balances.set(account + '|' + mode, balance);
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'account'
  );
}
