// Requests generated from the live OpenAPI document (GET /openapi.json): one fast-check arbitrary
// per operation, drawing path parameters, query strings, headers and JSON bodies from the route's
// own schemas and mixing in hostile values (hostile.ts): wrong types, boundary numbers, controls,
// broken UTF-16, deep and huge values, polluting keys. Values the suite keeps alive (a linked
// account, a Hub token, …) appear as references resolved at send time (world.ts), so a route that
// deletes an account does not blind the routes fuzzed after it.
import fc from 'fast-check';
import { deepJson, HOSTILE_BODIES, HOSTILE_KEYS, HOSTILE_NUMBERS, HOSTILE_STRINGS, LONG_STRINGS, percentEncode, RAW_SEGMENTS } from './hostile.js';

type Schema = Record<string, any>;
export type Auth = 'api' | 'hub' | 'dashboard' | 'none';

export interface Operation {
  method: string;
  /** The OpenAPI path, `{name}` for a parameter. */
  path: string;
  auth: Auth;
  params: { name: string; in: 'path' | 'query' | 'header'; schema: Schema; required: boolean }[];
  body: Schema | null;
}

/** A value the world keeps alive (world.ts), named; resolved when the request is sent. */
export class Known {
  constructor(readonly name: string) {}
}
/** JSON nested this deep, spliced in as text when the body is serialised. */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'object' | 'array',
  ) {}
}

/** A generated request before the world's values are filled in. */
export interface Draft {
  op: Operation;
  path: Record<string, unknown>;
  query: [string, unknown][];
  headers: Record<string, unknown>;
  /** A JSON value, or raw text (`{ raw }`), or nothing. */
  body: { json: unknown } | { raw: string } | null;
  /** Drop the credentials (the route must still answer in the error shape). */
  noAuth: boolean;
}

const KNOWN_NAMES = ['account', 'otherAccount', 'hubToken', 'endpoint', 'delivery', 'apiKeyId', 'log', 'provider', 'integration'];

/** Every documented operation, dashboard sign-in and sign-out last (they end the session the others use). */
export function operations(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      const security: Schema[] = op.security ?? doc.security ?? [];
      const auth: Auth = security.length === 0 ? 'none' : security[0].hubSession ? 'hub' : security[0].dashboardSession ? 'dashboard' : 'api';
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      ops.push({ method: method.toUpperCase(), path, auth, params: (op.parameters ?? []).map((p: Schema) => ({ ...p, required: !!p.required })), body });
    }
  }
  const last = (o: Operation) => (o.path === '/dashboard/api/session' && o.method !== 'GET' ? 1 : 0);
  return ops.sort((a, b) => last(a) - last(b));
}

const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', '\u001f', 'a', '/', '%', '.'), maxLength: 8 }) },
);
const knownValue = fc.constantFrom(...KNOWN_NAMES).map((n) => new Known(n));
const hostileNumber = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
const deep = fc
  .record({ depth: fc.constantFrom(40, 200, 2_000, 10_000), kind: fc.constantFrom<'object' | 'array'>('object', 'array') })
  .map((d) => new Deep(d.depth, d.kind));

/** Any JSON value, hostile strings and keys included, occasionally very deep. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
    { weight: 1, arbitrary: deep },
    { weight: 2, arbitrary: fc.array(tie('v'), { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 3 }) },
  ),
})).v;

/** A value of the wrong kind for any schema. */
const wrongType = fc.oneof(fc.constant(null), fc.boolean(), hostileNumber, hostileString, fc.constant([]), fc.constant({}), deep);

function stringFor(s: Schema): fc.Arbitrary<unknown> {
  const plain = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
  const formatted = s.format === 'uri' ? fc.webUrl() : s.format === 'date-time' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : plain;
  return fc.oneof({ weight: 3, arbitrary: formatted }, { weight: 3, arbitrary: knownValue }, { weight: 4, arbitrary: hostileString });
}

function integerFor(s: Schema): fc.Arbitrary<unknown> {
  const min = typeof s.minimum === 'number' ? s.minimum : -(2 ** 31);
  const max = typeof s.maximum === 'number' ? s.maximum : 2 ** 31 - 1;
  const edges = [min - 1, min, max, max + 1].filter(Number.isFinite);
  return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(...edges), hostileNumber, knownValue);
}

/** A value drawn from `s`: mostly of its shape, sometimes of the wrong type or hostile. */
export function valueFor(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: shaped(s ?? {}, depth) }, { weight: 2, arbitrary: wrongType });
}

function shaped(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return anyJson;
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => shaped(x, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  switch (s.type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return integerFor(s);
    case 'number':
      return fc.oneof(integerFor(s), hostileNumber);
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 1, 0));
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(s.items, depth + 1), { maxLength: 4 });
    case 'object':
      return objectFor(s, depth);
    default:
      return anyJson;
  }
}

function objectFor(s: Schema, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries<Schema>(s.properties ?? {});
  const required = new Set<string>(s.required ?? []);
  const record = fc.record(Object.fromEntries(props.map(([k, v]) => [k, valueFor(v, depth + 1)])), {
    requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
  });
  const extra = fc.dictionary(
    fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })),
    s.additionalProperties && typeof s.additionalProperties === 'object' ? valueFor(s.additionalProperties, depth + 1) : anyJson,
    { maxKeys: 3 },
  );
  return fc.tuple(record, fc.option(extra, { freq: 3 })).map(([r, x]) => Object.assign(Object.create(null), r, x ?? {}));
}

function paramValue(p: Operation['params'][number]): fc.Arbitrary<unknown> {
  if (p.in === 'path') {
    return fc.oneof(
      { weight: 4, arbitrary: knownValue },
      { weight: 4, arbitrary: valueFor(p.schema) },
      { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw })) },
    );
  }
  return valueFor(p.schema);
}

/** The arbitrary of `op`'s requests. */
export function requestFor(op: Operation): fc.Arbitrary<Draft> {
  const path = fc.record(Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, paramValue(p)])));
  const queryParams = op.params.filter((p) => p.in === 'query');
  const query =
    queryParams.length === 0
      ? fc.constant([] as [string, unknown][])
      : fc.array(
          fc.constantFrom(...queryParams).chain((p) => paramValue(p).map((v): [string, unknown] => [p.name, v])),
          { maxLength: 4 },
        );
  const headers = fc.record(
    Object.fromEntries(
      op.params
        .filter((p) => p.in === 'header')
        .map((p) => [p.name, fc.oneof({ weight: 3, arbitrary: knownValue }, { weight: 1, arbitrary: valueFor(p.schema) })]),
    ),
    {
      requiredKeys: [],
    },
  );
  const body = op.body
    ? fc.oneof(
        { weight: 8, arbitrary: valueFor(op.body).map((json) => ({ json })) },
        { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_BODIES).map((raw) => ({ raw })) },
      )
    : fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_BODIES).map((raw) => ({ raw })) });
  const noAuth = fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.record({ op: fc.constant(op), path, query, headers, body, noAuth });
}

/** JSON text of a generated value: Known references resolved, Deep markers spliced in as text. */
export function serialise(v: unknown, resolve: (name: string) => string): string {
  const deeps: Deep[] = [];
  const text = JSON.stringify(v, (_k, x) => {
    if (x instanceof Known) return resolve(x.name);
    if (x instanceof Deep) return `\u0000deep-${deeps.push(x) - 1}\u0000`;
    return x;
  });
  if (text === undefined) return 'null';
  return deeps.length === 0 ? text : text.replace(/"\\u0000deep-(\d+)\\u0000"/g, (_m, i) => deepJson(deeps[Number(i)].depth, deeps[Number(i)].kind));
}

/** One path or query value as sent: Known resolved, `{raw}` unencoded, anything else stringified and percent-encoded. */
export function urlValue(v: unknown, resolve: (name: string) => string): string {
  if (v instanceof Known) return percentEncode(resolve(v.name));
  if (v && typeof v === 'object' && 'raw' in v) return String((v as { raw: string }).raw);
  if (typeof v === 'string') return percentEncode(v);
  return percentEncode(serialise(v, resolve).replace(/^"|"$/g, ''));
}

/** The seed of one route: the run's seed mixed with the route, so adding a route changes no other's requests. */
export function seedOf(seed: number, op: Operation): number {
  let h = seed;
  for (const c of `${op.method} ${op.path}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
