// The generated Stripe action catalogue (src/connectors/stripe/actions.generated.json):
// reproducible from the spec, complete, well named, permission-mapped, with input schemas that
// compile under Ajv, and in step with the pinned stripe SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import {
  findAction,
  stripeActionCatalog,
  stripeActions,
  stripeActionsByName,
  stripeActionsFile,
  type JsonSchema,
  type StripeAction,
} from '../src/connectors/stripe/actions.js';
import { singular } from '../scripts/stripe-actions/naming.js';
import { convertSchema } from '../scripts/stripe-actions/schemas.js';
import type { JsonObject } from '../scripts/stripe-actions/spec.js';
import { plainText } from '../scripts/stripe-actions/text.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = resolve(ROOT, 'vendor/stripe/openapi.json');
const COMMITTED = resolve(ROOT, 'src/connectors/stripe/actions.generated.json');
const GENERATOR = resolve(ROOT, 'scripts/generate-stripe-actions.ts');
const SDK_RESOURCES = resolve(ROOT, 'node_modules/stripe/esm/resources');
const EXPECTED_OPERATIONS = 452;

function specOperations(): Array<{ method: string; path: string; operationId: string }> {
  const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
  const ops: Array<{ method: string; path: string; operationId: string }> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (['get', 'post', 'delete', 'put', 'patch', 'head', 'options', 'trace'].includes(method)) {
        ops.push({ method: method.toUpperCase(), path, operationId: String(op.operationId) });
      }
    }
  }
  return ops;
}

test('(a) regenerating from vendor/stripe/openapi.json is byte-identical to the committed catalogue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkhub-stripe-actions-'));
  try {
    const out = join(dir, 'actions.generated.json');
    // No --spec: the generator's default must be the vendored spec, as `npm run generate:actions` uses it.
    const run = spawnSync(process.execPath, ['--import', 'tsx', GENERATOR, '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `generator failed:\n${run.stdout}\n${run.stderr}`);
    const fresh = readFileSync(out);
    const committed = readFileSync(COMMITTED);
    assert.ok(fresh.equals(committed), 'src/connectors/stripe/actions.generated.json is stale: run npx tsx scripts/generate-stripe-actions.ts');
    assert.ok(committed.length < 4 * 1024 * 1024, `catalogue is ${committed.length} bytes, over the 4 MB budget`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('(a) the catalogue records the spec it was generated from', () => {
  const ops = specOperations();
  assert.equal(stripeActionCatalog().spec.operations, ops.length);
  const byOperation = new Map(stripeActions().map((a) => [`${a.method} ${a.path}`, a]));
  for (const op of ops) {
    const action = byOperation.get(`${op.method} ${op.path}`);
    assert.ok(action, `no action for ${op.method} ${op.path}`);
    assert.equal(action.operationId, op.operationId);
  }
});

test('(b) one action per operation: 452 actions, unique names, stripe_<snake_case>', () => {
  assert.equal(stripeActionsFile, COMMITTED);
  assert.equal(stripeActions().length, EXPECTED_OPERATIONS);
  assert.equal(stripeActionCatalog().count, EXPECTED_OPERATIONS);
  assert.equal(stripeActionCatalog().spec.operations, EXPECTED_OPERATIONS);
  const names = new Set(stripeActions().map((a) => a.name));
  assert.equal(names.size, stripeActions().length, 'duplicate action names');
  const operations = new Set(stripeActions().map((a) => `${a.method} ${a.path}`));
  assert.equal(operations.size, stripeActions().length, 'two actions for one operation');
  for (const action of stripeActions()) {
    assert.match(action.name, /^stripe_[a-z0-9_]+$/);
    assert.equal(action.name.split('_')[0], 'stripe', 'connector key must be the first _-separated part');
    assert.ok(['GET', 'POST', 'DELETE'].includes(action.method));
    assert.equal(action.access, action.method === 'GET' ? 'read' : 'write');
    assert.ok(action.label.length > 0 && action.description.length > 0, `${action.name}: empty label/description`);
    assert.ok(action.description.length <= 301, `${action.name}: description not trimmed`);
    assert.doesNotMatch(action.description, /<\/?[a-z]+[^>]*>/i, `${action.name}: HTML left in description`);
    if (action.permission === null) assert.ok(action.permissionNote, `${action.name}: null permission without a note`);
    else assert.match(action.permission, action.method === 'GET' ? /^[a-z_]+_read$/ : /^[a-z_]+_write$/);
    if (action.deprecated) assert.ok(action.deprecationReason, `${action.name}: deprecated without a reason`);
    if (action.pagination !== null) assert.equal(action.list, true, `${action.name}: pagination implies list`);
  }
  assert.equal(findAction('stripe_no_such_action'), undefined);
  assert.equal(stripeActionsByName().size, stripeActions().length);
});

test('(c) well-known actions have the right method, path, access and permission', () => {
  const expect: Array<[string, string, string, 'read' | 'write', string | null]> = [
    ['stripe_list_customers', 'GET', '/v1/customers', 'read', 'customer_read'],
    ['stripe_get_customer', 'GET', '/v1/customers/{customer}', 'read', 'customer_read'],
    ['stripe_create_customer', 'POST', '/v1/customers', 'write', 'customer_write'],
    ['stripe_update_customer', 'POST', '/v1/customers/{customer}', 'write', 'customer_write'],
    ['stripe_delete_customer', 'DELETE', '/v1/customers/{customer}', 'write', 'customer_write'],
    ['stripe_search_customers', 'GET', '/v1/customers/search', 'read', 'customer_read'],
    ['stripe_create_refund', 'POST', '/v1/refunds', 'write', 'charge_write'],
    ['stripe_list_charges', 'GET', '/v1/charges', 'read', 'charge_read'],
    ['stripe_capture_charge', 'POST', '/v1/charges/{charge}/capture', 'write', 'charge_write'],
    ['stripe_create_payment_intent', 'POST', '/v1/payment_intents', 'write', 'payment_intent_write'],
    ['stripe_confirm_payment_intent', 'POST', '/v1/payment_intents/{intent}/confirm', 'write', 'payment_intent_write'],
    ['stripe_pay_invoice', 'POST', '/v1/invoices/{invoice}/pay', 'write', 'invoice_write'],
    ['stripe_get_balance', 'GET', '/v1/balance', 'read', 'balance_read'],
    ['stripe_list_prices', 'GET', '/v1/prices', 'read', 'plan_read'],
    ['stripe_get_price', 'GET', '/v1/prices/{price}', 'read', 'plan_read'],
    ['stripe_create_price', 'POST', '/v1/prices', 'write', 'plan_write'],
    ['stripe_list_customer_sources', 'GET', '/v1/customers/{customer}/sources', 'read', 'customer_read'],
    ['stripe_create_billing_portal_session', 'POST', '/v1/billing_portal/sessions', 'write', 'customer_portal_write'],
    ['stripe_list_events', 'GET', '/v1/events', 'read', 'event_read'],
    ['stripe_list_payouts', 'GET', '/v1/payouts', 'read', 'payout_read'],
    ['stripe_list_subscriptions', 'GET', '/v1/subscriptions', 'read', 'subscription_read'],
    ['stripe_list_products', 'GET', '/v1/products', 'read', 'product_read'],
    ['stripe_get_current_account', 'GET', '/v1/account', 'read', null],
    ['stripe_get_account', 'GET', '/v1/accounts/{account}', 'read', 'connected_account_read'],
  ];
  for (const [name, method, path, access, permission] of expect) {
    const action = findAction(name);
    assert.ok(action, `missing ${name}`);
    assert.deepEqual([action.method, action.path, action.access, action.permission], [method, path, access, permission], name);
  }
  assert.equal(findAction('stripe_list_customers')?.list, true);
  assert.equal(findAction('stripe_list_customers')?.pagination, 'cursor');
  assert.equal(findAction('stripe_search_customers')?.pagination, 'page');
  assert.equal(findAction('stripe_get_customer')?.list, false);
  assert.match(findAction('stripe_get_current_account')?.permissionNote ?? '', /restricted/);
  // Removed endpoints stay in the catalogue, marked deprecated
  // (docs/stripe.md#the-openapi-spec-and-fixtures).
  const upcoming = stripeActions().find((a) => a.method === 'GET' && a.path === '/v1/invoices/upcoming');
  assert.equal(upcoming?.deprecated, true);
  assert.match(upcoming?.deprecationReason ?? '', /2025-03-31/);
  assert.equal(findAction('stripe_create_file')?.baseUrl, 'https://files.stripe.com');
  assert.equal(findAction('stripe_create_file')?.contentType, 'multipart/form-data');
});

// ------------------------------------------------------------------------------------------------
// (d) Ajv

function firstType(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type[0] : schema.type;
}

/** A minimal value that satisfies `schema` (required fields only). */
function sample(schema: JsonSchema): unknown {
  if (schema.enum && schema.enum.length > 0) return schema.enum.find((v) => v !== '') ?? schema.enum[0];
  if (schema.anyOf && schema.anyOf.length > 0) return sample(schema.anyOf[0]);
  switch (firstType(schema)) {
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const n = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: n }, () => sample(schema.items ?? {}));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {});
      return out;
    }
    default:
      return 'x'; // a `{description}` fallback accepts anything
  }
}

function wrongValue(schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'maybe';
    case 'array':
      return 'not-an-array';
    case 'object':
      return 42;
    default:
      return undefined;
  }
}

/** The sample input with one field set to a value of the wrong type. */
function wrongTyped(action: StripeAction, valid: Record<string, Record<string, unknown>>): { input: unknown; field: string } {
  for (const group of ['path', 'query', 'body'] as const) {
    const props = action.input.properties[group]?.properties ?? {};
    for (const [key, schema] of Object.entries(props)) {
      const bad = wrongValue(schema);
      if (bad !== undefined && !schema.enum) {
        return { input: { ...valid, [group]: { ...(valid[group] ?? {}), [key]: bad } }, field: `${group}.${key}` };
      }
    }
  }
  return { input: { ...valid, unexpected: true }, field: 'unexpected top-level property' };
}

test('(d) every input schema compiles with Ajv (strict); samples validate, wrong types fail', () => {
  const ajv = new Ajv({ strict: true, strictTypes: true, allowUnionTypes: true, allErrors: false });
  for (const action of stripeActions()) {
    assert.equal(action.input.type, 'object');
    assert.equal(action.input.additionalProperties, false);
    const validate = ajv.compile(action.input);
    const valid = sample(action.input) as Record<string, Record<string, unknown>>;
    assert.ok(validate(valid), `${action.name}: sample ${JSON.stringify(valid)} rejected: ${ajv.errorsText(validate.errors)}`);
    const { input, field } = wrongTyped(action, valid);
    assert.equal(validate(input), false, `${action.name}: wrong-typed ${field} accepted`);
  }

  const validateCreate = ajv.compile(findAction('stripe_create_customer')!.input);
  assert.ok(validateCreate({ body: { email: 'a@example.com', metadata: { plan: 'pro' }, expand: ['tax'] } }));
  assert.ok(validateCreate({ body: { address: '' } }), 'Stripe\'s "" unset idiom must be allowed');
  assert.ok(validateCreate({ body: { address: { city: 'Paris' } } }));
  assert.ok(validateCreate({ body: {}, headers: { 'Idempotency-Key': 'k1', 'x-account-id': 'acc_1' } }));
  assert.equal(validateCreate({ body: { address: 'Paris' } }), false, 'only the empty string unsets');
  assert.equal(validateCreate({ body: { email: 123 } }), false);
  assert.equal(validateCreate({ body: { no_such_param: 1 } }), false);
  assert.equal(validateCreate({ body: {}, headers: { 'Stripe-Account': 'cus_123' } }), false);

  const validateList = ajv.compile(findAction('stripe_list_customers')!.input);
  assert.ok(validateList({}));
  assert.ok(validateList({ query: { limit: 3, created: { gte: 1700000000 }, expand: ['data.default_source'] } }));
  assert.ok(validateList({ query: { created: 1700000000 } }));
  assert.equal(validateList({ query: { limit: 'ten' } }), false);
  assert.equal(validateList({ body: {} }), false, 'GET actions have no body');

  const validateGet = ajv.compile(findAction('stripe_get_customer')!.input);
  assert.ok(validateGet({ path: { customer: 'cus_123' } }));
  assert.equal(validateGet({}), false, 'path is required');
  assert.equal(validateGet({ path: {} }), false, 'the path param is required');
  assert.equal(validateGet({ path: { customer: '' } }), false, 'an empty id is rejected');

  const validateSearch = ajv.compile(findAction('stripe_search_customers')!.input);
  assert.equal(validateSearch({}), false, 'search needs query.query');
  assert.ok(validateSearch({ query: { query: "email:'a@example.com'", page: 'p1' } }));
});

test('(e) every path parameter is a required string in input.properties.path', () => {
  for (const action of stripeActions()) {
    const params = [...action.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const path = action.input.properties.path;
    if (params.length === 0) {
      assert.equal(path, undefined, `${action.name}: path group without path params`);
      assert.ok(!action.input.required.includes('path'));
      continue;
    }
    assert.ok(path, `${action.name}: missing path group`);
    assert.ok(action.input.required.includes('path'), `${action.name}: path group not required`);
    assert.equal(path.additionalProperties, false);
    assert.deepEqual([...(path.required ?? [])].sort(), [...params].sort(), `${action.name}: required path params`);
    assert.deepEqual(Object.keys(path.properties ?? {}).sort(), [...params].sort());
    for (const p of params) assert.equal(path.properties?.[p]?.type, 'string', `${action.name}: ${p} must be a string`);
  }
});

// ------------------------------------------------------------------------------------------------
// Drift against the pinned SDK: the vendored spec is older than stripe@23, whose removed
// operations must be exactly the deprecated ones (docs/stripe.md#the-openapi-spec-and-fixtures)

function sdkRoutes(dir: string): Set<string> {
  const routes = new Set<string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.js')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/_makeRequest\('([A-Z]+)',\s*[`']([^`']+)[`']/g)) {
          routes.add(`${m[1]} ${m[2].replace(/\$\{[^}]*\}/g, '{}')}`);
        }
      }
    }
  };
  walk(dir);
  return routes;
}

test('(f) deprecated actions are exactly the operations the pinned stripe SDK no longer exposes', () => {
  // stripe is a devDependency, so after `npm ci` this always exists; a missing SDK fails here.
  assert.ok(existsSync(SDK_RESOURCES), `stripe SDK not installed at ${SDK_RESOURCES}: run npm ci`);
  const version = (JSON.parse(readFileSync(resolve(ROOT, 'node_modules/stripe/package.json'), 'utf8')) as { version: string }).version;
  const routes = sdkRoutes(SDK_RESOURCES);
  assert.ok(routes.size > 400, `only ${routes.size} SDK routes found: has the SDK layout changed?`);
  const shape = (a: StripeAction): string => `${a.method} ${a.path.replace(/\{[^}]+\}/g, '{}')}`;
  const missing = stripeActions()
    .filter((a) => !routes.has(shape(a)))
    .map((a) => a.name)
    .sort();
  const deprecated = stripeActions()
    .filter((a) => a.deprecated)
    .map((a) => a.name)
    .sort();
  assert.deepEqual(missing, deprecated, `stripe@${version} drift: update DEPRECATIONS in scripts/stripe-actions/deprecations.ts and regenerate`);
  // Every resource (first path segment after the namespaces) still has SDK routes.
  const sdkPrefixes = new Set([...routes].map((r) => r.split(' ')[1].split('/').slice(0, 3).join('/')));
  const live = stripeActions().filter((a) => !a.deprecated);
  for (const a of live) assert.ok(sdkPrefixes.has(a.path.split('/').slice(0, 3).join('/')), `${a.name}: resource unknown to stripe@${version}`);
});

test('(g) generator schema rules: refs, depth fallback, "" unset idiom, bypassed enums, vendor keys', () => {
  const spec: JsonObject = {
    components: {
      schemas: {
        node: { type: 'object', properties: { child: { $ref: '#/components/schemas/node' }, label: { type: 'string' } } },
      },
    },
  };
  const ctx = { spec, depth: 1, refs: [] as string[] };
  const recursive = convertSchema({ $ref: '#/components/schemas/node' }, ctx);
  const child = (recursive.properties as Record<string, JsonObject>).child;
  assert.deepEqual(Object.keys(child), ['description'], 'a recursive $ref becomes {description}');
  assert.match(String(child.description), /Recursive reference to node/);

  let deep: JsonObject = { type: 'integer' };
  for (let i = 0; i < 8; i++) deep = { type: 'object', properties: { next: deep } };
  let level = convertSchema(deep, { spec, depth: 0, refs: [] }) as JsonSchema;
  let depth = 0;
  while (level.properties?.next) {
    level = level.properties.next;
    depth++;
  }
  assert.ok(depth <= 6, `schema kept ${depth} levels`);
  assert.match(String(level.description), /Nested schema omitted beyond 5 levels/);
  assert.equal(level.type, undefined, 'the fallback accepts any value');

  const unsetObject = convertSchema(
    {
      anyOf: [
        { type: 'object', title: 't', properties: { a: { type: 'string' } } },
        { type: 'string', enum: [''] },
      ],
      description: 'D',
    },
    ctx,
  );
  assert.deepEqual(unsetObject.type, ['object', 'string']);
  assert.equal(unsetObject.maxLength, 0);
  assert.equal(unsetObject.title, undefined, 'title is dropped');
  assert.match(String(unsetObject.description), /empty string/);
  const unsetEnum = convertSchema(
    {
      anyOf: [
        { type: 'string', enum: ['a', 'b'] },
        { type: 'string', enum: [''] },
      ],
    },
    ctx,
  );
  assert.deepEqual(unsetEnum.enum, ['', 'a', 'b']);
  assert.equal(unsetEnum.anyOf, undefined);

  const bypass = convertSchema({ type: 'string', enum: ['card', 'sepa_debit'], 'x-stripeBypassValidation': true, format: 'unix-time' }, ctx);
  assert.equal(bypass.enum, undefined, 'bypassed enums do not restrict');
  assert.match(String(bypass.description), /Known values: card, sepa_debit/);
  assert.equal(bypass.format, undefined);
  assert.ok(!JSON.stringify(stripeActions()).includes('"x-'), 'no x-* vendor keys in the catalogue');

  assert.equal(plainText('<p>Use <code>expand</code> and <a href="/x">this &amp; that</a>.</p>'), 'Use expand and this & that.');
  assert.equal(plainText('word '.repeat(100)).length <= 301, true);
  assert.deepEqual(['customers', 'capabilities', 'people', 'prices', 'tax_ids', 'usage_record_summaries', 'status'].map(singular), [
    'customer',
    'capability',
    'person',
    'price',
    'tax_id',
    'usage_record_summary',
    'status',
  ]);
});
