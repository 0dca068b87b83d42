// The hand-picked sweep: every hostile value (hostile.ts) in every slot of every route — each path
// parameter, query parameter, header and top-level body field in turn — with the rest of the
// request valid, so the value reaches as far into Linkhub as a valid one would (the form encoder,
// the store, the MCP id restorer) instead of stopping at the first field the schema refuses.
import { HOSTILE_STRINGS } from './hostile.js';
import { Deep, type Draft, Known, type Operation } from './requests.js';

type Schema = Record<string, any>;

/** The known value a path parameter of this route names. */
function knownFor(op: Operation, name: string): Known {
  if (name === 'provider') return new Known('provider');
  if (name === 'integration_id') return new Known('integration');
  if (op.path.includes('/deliveries/')) return new Known('delivery');
  if (op.path.includes('/webhooks/')) return new Known('endpoint');
  if (op.path.includes('/api_keys/')) return new Known('apiKeyId');
  if (op.path.includes('/logs/')) return new Known('log');
  return new Known('account');
}

/** The smallest valid value of a schema. */
function minimal(s: Schema | undefined, name = ''): unknown {
  if (!s) return null;
  if (s.anyOf) return minimal(s.anyOf.find((x: Schema) => x.type !== 'null') ?? s.anyOf[0], name);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  switch (s.type) {
    case 'string':
      if (s.format === 'uri') return 'https://example.com/hook';
      if (name === 'jsonrpc') return '2.0';
      if (name === 'method') return 'tools/list';
      if (name === 'action') return 'stripe_list_customers';
      if (/account_id$/.test(name)) return new Known('account');
      return 'fuzz';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return s.minItems ? [minimal(s.items)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = minimal(s.properties?.[k], k);
      if (name === 'credentials') out.api_key = 'sk_test_fuzz';
      return out;
    }
    default:
      return null;
  }
}

/** A valid request of the route (the sweep's baseline). */
function baseline(op: Operation): Draft {
  const path: Record<string, unknown> = {};
  const headers: Record<string, unknown> = {};
  for (const p of op.params) {
    if (p.in === 'path') path[p.name] = knownFor(op, p.name);
    if (p.in === 'header') headers[p.name] = new Known('account');
  }
  // MCP: ping (tools/list would serialise the whole catalogue on every request of the sweep)
  const body = op.body ? { json: op.path === '/mcp' ? { jsonrpc: '2.0', id: 1, method: 'ping' } : minimal(op.body) } : null;
  return { op, path, query: [], headers, body, noAuth: false };
}

/** The body fields a hostile value goes into: each documented property, and a nested one for open objects. */
function bodySlots(s: Schema | null): { name: string; open: boolean }[] {
  const obj = s?.anyOf ? s.anyOf.find((x: Schema) => x.type === 'object') : s;
  if (obj?.type !== 'object') return [];
  return Object.entries<Schema>(obj.properties ?? {}).map(([name, p]) => {
    const types = (p.anyOf ?? [p]).map((x: Schema) => x.type);
    return { name, open: types.includes('object') || types.includes(undefined) };
  });
}

/** Every draft of the sweep for one route: `values.length` × its slots. */
export function handPicked(op: Operation, values: readonly unknown[] = HOSTILE_VALUES): Draft[] {
  const base = baseline(op);
  const out: Draft[] = [];
  for (const v of values) {
    for (const p of op.params) {
      if (p.in === 'path') out.push({ ...base, path: { ...base.path, [p.name]: v } });
      if (p.in === 'query') out.push({ ...base, query: [[p.name, v]] });
      if (p.in === 'header') out.push({ ...base, headers: { [p.name]: v } });
    }
    const json = base.body && 'json' in base.body ? (base.body.json as Record<string, unknown>) : null;
    for (const slot of bodySlots(op.body)) {
      // open objects (metadata, an action's body, a JSON-RPC id) get the value as a key and as a nested value
      const value = slot.open && typeof v === 'string' ? { [v]: v, nested: { deeper: [v] } } : v;
      out.push({ ...base, body: { json: { ...json, [slot.name]: value } } });
    }
  }
  return out;
}

/** The sweep's values: every hostile string, plus deep nesting and boundary integers as whole values. */
export const HOSTILE_VALUES: readonly unknown[] = [...HOSTILE_STRINGS, new Deep(10_000, 'object'), new Deep(10_000, 'array'), 2 ** 31, 2 ** 53 + 2, -1, 1e308];
