// JSON → `application/x-www-form-urlencoded` in Stripe's bracket notation (docs/stripe.md#requests-and-form-encoding), written
// to produce byte-for-byte what stripe-node 23 sends (`queryStringifyRequestData` in
// node_modules/stripe/esm/utils.js):
//   - nested objects        {metadata: {k: 'v'}}        → metadata[k]=v
//   - arrays, ANY element   {expand: ['a', 'b']}          → expand[0]=a&expand[1]=b
//                            {items: [{price: 'p'}]}       → items[0][price]=p
//     (stripe-node indexes every array, scalars included; Stripe also accepts `expand[]=a`,
//     but we follow the SDK so the two are indistinguishable on the wire)
//   - booleans true/false, numbers via String(), Date → Unix seconds
//   - null → empty string (`description=` unsets a field), undefined → omitted
//   - empty arrays and empty objects → nothing at all (as stripe-node)
//   - brackets stay literal; everything else is encodeURIComponent plus !'()* (qs style)
// The same encoding serves GET query strings (`toQueryString`).
// Input that cannot be encoded is refused as invalid_input naming the bracket key: an unpaired
// UTF-16 surrogate (encodeURIComponent throws URIError on it) and nesting deeper than
// MAX_FORM_DEPTH (the encoder recurses once per level; Stripe's parameters nest far less).
import { fail } from '../../errors/fail.js';

/** Deepest nesting encoded; deeper input is refused rather than recursed into. */
export const MAX_FORM_DEPTH = 20;

const NEEDS_FIX = /[!'()*]|%5B|%5D/;
const EXTRA = /[!'()*]|%5B|%5D/g;

function extraChar(m: string): string {
  switch (m) {
    case '!':
      return '%21';
    case "'":
      return '%27';
    case '(':
      return '%28';
    case ')':
      return '%29';
    case '*':
      return '%2A';
    case '%5B':
      return '[';
    default:
      return ']'; // %5D
  }
}

/** stripe-node's `encodeQueryValue`: encodeURIComponent, plus !'()*, with [ and ] left literal. */
export function encodeFormComponent(s: string, field = s): string {
  let e: string;
  try {
    e = encodeURIComponent(s);
  } catch {
    throw refuse(field, 'contains an unpaired surrogate: not valid Unicode');
  }
  // Fast path: most keys and values contain none of the characters needing the fix-up.
  return NEEDS_FIX.test(e) ? e.replace(EXTRA, extraChar) : e;
}

function scalar(v: unknown): string {
  if (v === null) return '';
  if (v instanceof Date) return Math.floor(v.getTime() / 1000).toString();
  return String(v);
}

function refuse(field: string, problem: string) {
  const shown = field.length > 100 ? `${field.slice(0, 100)}…` : field;
  return fail('invalid_input', { field: shown, problem }, { field: shown });
}

function encodeInto(out: string[], key: string, value: unknown, depth: number): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || value instanceof Date) {
    out.push(encodeFormComponent(key, key) + '=' + encodeFormComponent(scalar(value), key));
    return;
  }
  if (depth >= MAX_FORM_DEPTH) throw refuse(key, `nests deeper than ${MAX_FORM_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] !== undefined) encodeInto(out, key + '[' + i + ']', value[i], depth + 1);
    }
    return;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) encodeInto(out, key + '[' + k + ']', o[k], depth + 1);
}

/**
 * Form body for a Stripe v1 request. A non-object (or null) input gives ''.
 * Identical to stripe-node's `queryStringifyRequestData(data)`.
 */
export function formEncode(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const out: string[] = [];
  const o = data as Record<string, unknown>;
  for (const k of Object.keys(o)) encodeInto(out, k, o[k], 1);
  return out.join('&');
}
