// Route table and endpoint handlers of the stand-in (docs/stripe.md#lists-search-and-expand): lists
// with the exact envelope and cursors, retrieve (with the cross-mode 404), search, expand, and
// create/update/delete. Customers validate parameters strictly (parameter_unknown); the other
// writable collections accept fields of their fixture shape.
import { createHash } from 'node:crypto';
import { errors, StripeError } from './errors.js';
import { expandList, type FormValue, type Params } from './form.js';
import { randomAlnum, type Mode } from './keys.js';
import { OBJECT_PERMISSION, grants } from './permissions.js';
import { FILE_CREATE, FILE_RETRIEVE } from './files.js';
import { compileSearch } from './search.js';
import { RESOURCES, toJson, touch, type KeyRecord, type ResourceDef, type Store, type StripeObject, type World } from './world.js';

export interface Ctx {
  world: World;
  key: KeyRecord;
  /** Account acted on (the key's, or the Stripe-Account one). */
  account: string;
  mode: Mode;
  method: string;
  path: string;
  params: Params;
  route: Route;
}

export interface Result {
  status: number;
  json: string;
}

export type Handler = (ctx: Ctx) => Result;

export interface Route {
  /** e.g. `/v1/customers/{id}`: used for permissions and per-endpoint rate limits. */
  template: string;
  handler: Handler;
  def?: ResourceDef;
  id?: string;
  search?: boolean;
}

const ok = (json: string): Result => ({ status: 200, json });

// ---------------------------------------------------------------------------------------
// Routing

interface RouteSet {
  list: Route;
  create?: Route;
  search?: Route;
  retrieve: Route;
  update?: Route;
  del?: Route;
}

const ROUTES = new Map<string, RouteSet>();
for (const def of Object.values(RESOURCES)) {
  const base = `/v1/${def.name}`;
  ROUTES.set(def.name, {
    list: { template: base, handler: listHandler, def },
    create: def.writable ? { template: base, handler: createHandler, def } : undefined,
    search: def.searchable ? { template: `${base}/search`, handler: searchHandler, def, search: true } : undefined,
    retrieve: { template: `${base}/{id}`, handler: retrieveHandler, def },
    update: def.writable ? { template: `${base}/{id}`, handler: updateHandler, def } : undefined,
    del: def.del ? { template: `${base}/{id}`, handler: deleteHandler, def } : undefined,
  });
}
const ACCOUNT_ROUTE: Route = { template: '/v1/account', handler: accountHandler };
const CONNECTED_ACCOUNT_ROUTE: Route = { template: '/v1/accounts/{id}', handler: connectedAccountHandler };
const BALANCE_ROUTE: Route = { template: '/v1/balance', handler: balanceHandler };

/** Matches a v1 path; null means "Unrecognized request URL". */
export function matchRoute(method: string, path: string): Route | null {
  if (!path.startsWith('/v1/')) return null;
  const rest = path.slice(4);
  const slash = rest.indexOf('/');
  if (slash === -1) {
    if (method === 'GET' && rest === 'account') return ACCOUNT_ROUTE;
    if (method === 'GET' && rest === 'balance') return BALANCE_ROUTE;
    if (method === 'POST' && rest === 'files') return FILE_CREATE;
    const set = ROUTES.get(rest);
    if (!set) return null;
    if (method === 'GET') return set.list;
    if (method === 'POST') return set.create ?? null;
    return null;
  }
  const segment = rest.slice(0, slash);
  const id = rest.slice(slash + 1);
  if (!id || id.includes('/')) return null;
  if (segment === 'files') return method === 'GET' ? { ...FILE_RETRIEVE, id } : null;
  if (segment === 'accounts') return method === 'GET' ? { ...CONNECTED_ACCOUNT_ROUTE, id } : null;
  const set = ROUTES.get(segment);
  if (!set) return null;
  if (id === 'search' && set.search) return method === 'GET' ? set.search : null;
  const r = method === 'GET' ? set.retrieve : method === 'POST' ? set.update : method === 'DELETE' ? set.del : undefined;
  return r ? { ...r, id } : null;
}

// ---------------------------------------------------------------------------------------
// Parameter helpers

const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'expand'];
const listAllowed = new Map<string, Set<string>>(Object.values(RESOURCES).map((d) => [d.name, new Set([...LIST_PARAMS, ...d.listFilters])]));
const SEARCH_ALLOWED = new Set(['query', 'limit', 'page', 'expand']);
const EXPAND_ONLY = new Set(['expand']);
const NOTHING = new Set<string>();
const CUSTOMER_CREATE = new Set(
  'address,balance,cash_balance,coupon,description,email,expand,invoice_prefix,invoice_settings,metadata,name,next_invoice_sequence,payment_method,phone,preferred_locales,promotion_code,shipping,source,tax,tax_exempt,tax_id_data,test_clock'.split(
    ',',
  ),
);
const CUSTOMER_UPDATE = new Set(
  'address,balance,bank_account,card,cash_balance,coupon,default_alipay_account,default_bank_account,default_card,default_source,description,email,expand,invoice_prefix,invoice_settings,metadata,name,next_invoice_sequence,phone,preferred_locales,promotion_code,shipping,source,tax,tax_exempt'.split(
    ',',
  ),
);
/** Customer fields a create/update writes onto the object. */
const CUSTOMER_FIELDS = new Set(
  'address,balance,default_source,description,email,invoice_prefix,invoice_settings,metadata,name,next_invoice_sequence,phone,preferred_locales,shipping,tax_exempt,test_clock'.split(
    ',',
  ),
);
const REQUIRED_ON_CREATE: Readonly<Record<string, readonly string[]>> = {
  payment_intents: ['amount', 'currency'],
  products: ['name'],
  prices: ['currency'],
  subscriptions: ['customer'],
  payouts: ['amount', 'currency'],
};

function rejectUnknown(params: Params, allowed: Set<string>): void {
  for (const k in params) if (!allowed.has(k)) throw errors.parameterUnknown(k);
}

function parseLimit(params: Params): number {
  const raw = params.limit;
  if (raw === undefined) return 10;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw errors.invalidInteger('limit', typeof raw === 'string' ? raw : JSON.stringify(raw));
  const n = Number(raw);
  if (n < 1) throw errors.limitTooLow();
  if (n > 100) throw errors.limitTooHigh(raw);
  return n;
}

function str(v: FormValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

// ---------------------------------------------------------------------------------------
// Expand: `data.`-prefixed on lists, depth ≤ 4, read permission on every expanded type.

type ExpandTree = Map<string, ExpandTree>;

function expandTree(paths: string[], list: boolean): ExpandTree | null {
  if (!paths.length) return null;
  const root: ExpandTree = new Map();
  for (const p of paths) {
    let parts = p.split('.');
    if (list) {
      if (parts[0] !== 'data' || parts.length < 2) throw errors.notExpandable(p, 'expand');
      parts = parts.slice(1);
    }
    if (parts.length > 4) throw errors.expandTooDeep('expand');
    let node = root;
    for (const part of parts) {
      let next = node.get(part);
      if (!next) {
        next = new Map();
        node.set(part, next);
      }
      node = next;
    }
  }
  return root;
}

function targetOf(def: ResourceDef, field: string, id: string): ResourceDef | undefined {
  if (def.name === 'balance_transactions' && field === 'source') {
    if (id.startsWith('re_')) return RESOURCES.refunds;
    if (id.startsWith('po_')) return RESOURCES.payouts;
    return RESOURCES.charges;
  }
  const name = def.refs[field];
  return name ? RESOURCES[name] : undefined;
}

function expandObject(ctx: Ctx, obj: StripeObject, def: ResourceDef, tree: ExpandTree, prefix: string): StripeObject {
  let out: StripeObject | null = null;
  for (const [field, sub] of tree) {
    const full = prefix + field;
    if (!def.expandable.includes(field)) throw errors.notExpandable(full, 'expand');
    const value = obj[field];
    if (typeof value !== 'string') continue; // null or already an object: nothing to do
    const target = targetOf(def, field, value);
    if (!target) continue;
    if (ctx.key.kind === 'rk') {
      const perm = `${OBJECT_PERMISSION[target.object]}_read`;
      if (!grants(ctx.key.permissions, perm)) throw errors.missingPermission(ctx.key.secret, ctx.account, perm);
    }
    const found = ctx.world.store(ctx.account, ctx.mode, target.name).get(value);
    if (!found) continue;
    out ??= { ...obj };
    out[field] = sub.size ? expandObject(ctx, found, target, sub, full + '.') : found;
  }
  return out ?? obj;
}

/** A write's top-level expand fields checked before it acts, as Stripe refuses a bad parameter before doing anything. */
function checkExpandable(def: ResourceDef, tree: ExpandTree | null): void {
  for (const field of tree?.keys() ?? []) if (!def.expandable.includes(field)) throw errors.notExpandable(field, 'expand');
}

function serialize(ctx: Ctx, obj: StripeObject, def: ResourceDef | undefined, tree: ExpandTree | null): string {
  if (!tree || !def) return toJson(obj);
  const expanded = expandObject(ctx, obj, def, tree, '');
  return expanded === obj ? toJson(obj) : JSON.stringify(expanded);
}

// ---------------------------------------------------------------------------------------
// Lists

type Filter = (o: StripeObject) => boolean;

function rangeFilter(field: string, v: FormValue): Filter {
  if (typeof v === 'string') {
    if (!/^\d+$/.test(v)) throw errors.invalidInteger(field, v);
    const n = Number(v);
    return (o) => o[field] === n;
  }
  if (Array.isArray(v)) throw errors.invalidInteger(field, JSON.stringify(v));
  const checks: Filter[] = [];
  for (const [op, raw] of Object.entries(v)) {
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw errors.invalidInteger(`${field}[${op}]`, String(raw));
    const n = Number(raw);
    if (op === 'gt') checks.push((o) => o[field] > n);
    else if (op === 'gte') checks.push((o) => o[field] >= n);
    else if (op === 'lt') checks.push((o) => o[field] < n);
    else if (op === 'lte') checks.push((o) => o[field] <= n);
    else throw errors.parameterUnknown(`${field}[${op}]`);
  }
  return (o) => checks.every((c) => c(o));
}

function listFilters(def: ResourceDef, params: Params): Filter[] {
  const fs: Filter[] = [];
  for (const name of def.listFilters) {
    const v = params[name];
    if (v === undefined) continue;
    if (['created', 'arrival_date', 'due_date', 'current_period_end', 'current_period_start'].includes(name)) fs.push(rangeFilter(name, v));
    else if (name === 'ids' || name === 'types' || name === 'lookup_keys') {
      const set = new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : Object.values(v).map(String));
      const field = name === 'ids' ? 'id' : name === 'types' ? 'type' : 'lookup_key';
      fs.push((o) => set.has(o[field]));
    } else if (name === 'active' || name === 'shippable') {
      const b = v === 'true';
      fs.push((o) => o[name] === b);
    } else if (name === 'price') {
      fs.push((o) => Array.isArray(o.items?.data) && o.items.data.some((it: StripeObject) => it.price?.id === v));
    } else if (name === 'status' && def.name === 'subscriptions' && v === 'all') {
    } else if (typeof v === 'string' && !['delivery_success', 'recurring'].includes(name)) {
      fs.push((o) => {
        const f = o[name];
        return (f && typeof f === 'object' ? f.id : f) === v;
      });
    }
  }
  // Subscriptions list excludes canceled ones unless a status is asked for.
  if (def.name === 'subscriptions' && params.status === undefined) fs.push((o) => o.status !== 'canceled');
  return fs;
}

function listHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  const p = ctx.params;
  rejectUnknown(p, listAllowed.get(def.name)!);
  const limit = parseLimit(p);
  const after = str(p.starting_after);
  const before = str(p.ending_before);
  if (after !== undefined && before !== undefined) throw errors.mutuallyExclusive('ending_before', 'starting_after');
  const tree = expandTree(expandList(p), true);
  const store = ctx.world.store(ctx.account, ctx.mode, def.name);
  const filters = listFilters(def, p);
  const items = store.items;
  const match = filters.length ? (o: StripeObject) => filters.every((f) => f(o)) : null;
  const picked: StripeObject[] = [];
  let hasMore = false;
  if (before !== undefined) {
    const pos = cursor(ctx, store, before, 'ending_before');
    for (let i = pos - 1; i >= 0; i--) {
      if (match && !match(items[i])) continue;
      if (picked.length === limit) {
        hasMore = true;
        break;
      }
      picked.push(items[i]);
    }
    picked.reverse();
  } else {
    const start = after !== undefined ? cursor(ctx, store, after, 'starting_after') + 1 : 0;
    for (let i = start; i < items.length; i++) {
      if (match && !match(items[i])) continue;
      if (picked.length === limit) {
        hasMore = true;
        break;
      }
      picked.push(items[i]);
    }
  }
  let data = '';
  for (let i = 0; i < picked.length; i++) data += (i ? ',' : '') + serialize(ctx, picked[i], def, tree);
  return ok(`{"object":"list","data":[${data}],"has_more":${hasMore},"url":"/v1/${def.name}"}`);
}

function cursor(ctx: Ctx, store: Store, id: string, param: string): number {
  const pos = store.position(id);
  if (pos === -1) throw missing(ctx, store.def, id, param, false);
  return pos;
}

/** 404 for an id of `def`, with the cross-mode text when the other mode has it (modes share nothing). */
function missing(ctx: Ctx, def: ResourceDef, id: string, param: string, cacheable = true): StripeError {
  const otherMode: Mode = ctx.mode === 'live' ? 'test' : 'live';
  const other = ctx.world.store(ctx.account, otherMode, def.name);
  const e = other.get(id) || other.deleted.has(id) ? errors.resourceOtherMode(def.object, id, ctx.mode, param) : errors.resourceMissing(def.object, id, param);
  return cacheable ? e : new StripeError(e.status, e.fields, e.headers, false);
}

// ---------------------------------------------------------------------------------------
// Search: opaque next_page, total_count only when expanded.

function pageToken(query: string, offset: number): string {
  const h = createHash('sha256').update(query).digest('base64url').slice(0, 10);
  return Buffer.from(JSON.stringify({ o: offset, q: h })).toString('base64url');
}

function readPage(query: string, token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    const h = createHash('sha256').update(query).digest('base64url').slice(0, 10);
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 && v.q === h) return v.o;
  } catch {
    /* fall through */
  }
  throw errors.invalidPage();
}

function searchHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  const p = ctx.params;
  rejectUnknown(p, SEARCH_ALLOWED);
  const query = str(p.query);
  if (query === undefined) throw errors.missingParam('query');
  const limit = parseLimit(p);
  const offset = p.page === undefined ? 0 : readPage(query, String(p.page));
  const expands = expandList(p);
  const totalCount = expands.includes('total_count');
  const tree = expandTree(
    expands.filter((e) => e !== 'total_count'),
    true,
  );
  const pred = compileSearch(def.name, query);
  const hits = ctx.world.store(ctx.account, ctx.mode, def.name).items.filter(pred);
  const page = hits.slice(offset, offset + limit);
  const hasMore = offset + limit < hits.length;
  const data = page.map((o) => serialize(ctx, o, def, tree)).join(',');
  const next = hasMore ? JSON.stringify(pageToken(query, offset + limit)) : 'null';
  const total = totalCount ? `,"total_count":${hits.length}` : '';
  return ok(`{"object":"search_result","data":[${data}],"has_more":${hasMore},"next_page":${next}${total},"url":"/v1/${def.name}/search"}`);
}

// ---------------------------------------------------------------------------------------
// Retrieve / create / update / delete

function retrieveHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  const id = ctx.route.id!;
  rejectUnknown(ctx.params, EXPAND_ONLY);
  const tree = expandTree(expandList(ctx.params), false);
  const store = ctx.world.store(ctx.account, ctx.mode, def.name);
  const obj = store.get(id);
  if (obj) return ok(serialize(ctx, obj, def, tree));
  const stub = store.deleted.get(id);
  if (stub) return ok(toJson(stub));
  throw missing(ctx, def, id, 'id');
}

function convert(v: FormValue, existing: unknown): unknown {
  if (typeof v === 'string') {
    if (v === '') return null;
    if (typeof existing === 'number' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    if (typeof existing === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => convert(x, undefined));
  const ex = existing && typeof existing === 'object' && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...ex };
  for (const [k, x] of Object.entries(v)) out[k] = convert(x, ex[k]);
  return out;
}

function applyParams(ctx: Ctx, obj: StripeObject, def: ResourceDef, params: Params, fields: Set<string> | null): void {
  for (const [k, v] of Object.entries(params)) {
    if (k === 'expand') continue;
    if (k === 'metadata') {
      if (v === '') obj.metadata = {};
      else if (typeof v === 'object' && !Array.isArray(v)) {
        const md: Record<string, string> = { ...(obj.metadata ?? {}) };
        for (const [mk, mv] of Object.entries(v)) {
          if (mv === '') delete md[mk];
          else md[mk] = typeof mv === 'string' ? mv : JSON.stringify(mv);
        }
        obj.metadata = md;
      }
      continue;
    }
    if (fields ? !fields.has(k) : !(k in obj)) continue;
    const refDef = typeof v === 'string' && v !== '' ? targetOf(def, k, v) : undefined;
    if (refDef && !ctx.world.store(ctx.account, ctx.mode, refDef.name).get(v as string)) {
      throw missing(ctx, refDef, v as string, k);
    }
    obj[k] = convert(v, obj[k]);
  }
}

function newObject(ctx: Ctx, def: ResourceDef, store: Store): StripeObject {
  const o = ctx.world.template(def.object);
  o.id = store.newId();
  o.object = def.object;
  o.livemode = ctx.mode === 'live';
  o.created = Math.floor(Date.now() / 1000);
  if (def.name === 'customers') {
    Object.assign(o, {
      address: null,
      balance: 0,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_prefix: randomAlnum(8).toUpperCase(),
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    });
  }
  if (def.name === 'payment_intents') o.client_secret = `${o.id}_secret_${randomAlnum(25)}`;
  return o;
}

function createHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  const p = ctx.params;
  if (def.name === 'customers') rejectUnknown(p, CUSTOMER_CREATE);
  for (const r of REQUIRED_ON_CREATE[def.name] ?? []) if (p[r] === undefined) throw errors.missingParam(r);
  const tree = expandTree(expandList(p), false);
  checkExpandable(def, tree);
  const store = ctx.world.store(ctx.account, ctx.mode, def.name);
  const obj = newObject(ctx, def, store);
  applyParams(ctx, obj, def, p, def.name === 'customers' ? CUSTOMER_FIELDS : null);
  store.insert(obj);
  return ok(serialize(ctx, obj, def, tree));
}

function updateHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  const p = ctx.params;
  if (def.name === 'customers') rejectUnknown(p, CUSTOMER_UPDATE);
  const tree = expandTree(expandList(p), false);
  checkExpandable(def, tree);
  const store = ctx.world.store(ctx.account, ctx.mode, def.name);
  const obj = store.get(ctx.route.id!);
  if (!obj) throw missing(ctx, def, ctx.route.id!, 'id');
  applyParams(ctx, obj, def, p, def.name === 'customers' ? CUSTOMER_FIELDS : null);
  touch(obj);
  return ok(serialize(ctx, obj, def, tree));
}

function deleteHandler(ctx: Ctx): Result {
  const def = ctx.route.def!;
  rejectUnknown(ctx.params, def.del === 'cancel' ? new Set(['cancellation_details', 'invoice_now', 'prorate', 'expand']) : NOTHING);
  const store = ctx.world.store(ctx.account, ctx.mode, def.name);
  const id = ctx.route.id!;
  if (!store.get(id)) throw missing(ctx, def, id, 'id');
  if (def.del === 'cancel') {
    const obj = store.get(id)!;
    obj.status = 'canceled';
    obj.canceled_at = obj.ended_at = Math.floor(Date.now() / 1000);
    touch(obj);
    return ok(toJson(obj));
  }
  return ok(JSON.stringify(store.remove(id)));
}

// ---------------------------------------------------------------------------------------
// Account and balance

function accountHandler(ctx: Ctx): Result {
  rejectUnknown(ctx.params, EXPAND_ONLY);
  return ok(JSON.stringify(ctx.world.getAccount(ctx.account)!));
}

function connectedAccountHandler(ctx: Ctx): Result {
  rejectUnknown(ctx.params, EXPAND_ONLY);
  const id = ctx.route.id!;
  const acct = ctx.world.getAccount(id);
  if (!acct || (id !== ctx.account && ctx.world.platformOf(id) !== ctx.account)) {
    throw errors.accountInvalid(ctx.key.secret, id);
  }
  return ok(JSON.stringify(acct));
}

function balanceHandler(ctx: Ctx): Result {
  rejectUnknown(ctx.params, EXPAND_ONLY);
  return ok(JSON.stringify(ctx.world.balance(ctx.account, ctx.mode)));
}
