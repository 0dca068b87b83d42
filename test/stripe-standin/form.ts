// v1 form and query decoding with Stripe's bracket notation
// (docs/stripe.md#requests-and-form-encoding):
// `metadata[k]=v` → {metadata: {k: 'v'}}, `items[0][price]=p` → {items: [{price: 'p'}]},
// `expand[]=a&expand[]=b` → {expand: ['a', 'b']}.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Params = { [key: string]: FormValue };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const INDEX = /^\d+$/;

function decode(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

type Container = { [key: string]: FormValue } | FormValue[];

function assign(out: Params, rawKey: string, value: string): void {
  const open = rawKey.indexOf('[');
  const base = open === -1 ? rawKey : rawKey.slice(0, open);
  if (!base || FORBIDDEN.has(base)) return;
  if (open === -1) {
    out[base] = value;
    return;
  }
  const subs: string[] = [];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  for (let m = re.exec(rawKey); m !== null; m = re.exec(rawKey)) {
    if (FORBIDDEN.has(m[1])) return;
    subs.push(m[1]);
  }
  let container: Container = out;
  let key: string | number = base;
  let parentName = base;
  for (const sub of subs) {
    const holder = container as Record<string | number, FormValue>;
    let cur: FormValue | undefined = holder[key];
    // Metadata keys are free-form: `metadata[0]=x` is a hash entry, not an array element.
    const wantArray = parentName !== 'metadata' && (sub === '' || INDEX.test(sub));
    if (cur === undefined || typeof cur === 'string') {
      cur = wantArray ? [] : {};
      holder[key] = cur;
    } else if (Array.isArray(cur) && !wantArray) {
      cur = Object.fromEntries(cur.map((v, i) => [String(i), v]));
      holder[key] = cur;
    }
    container = cur;
    if (Array.isArray(cur)) key = sub === '' ? cur.length : Number(sub);
    else key = sub === '' ? String(Object.keys(cur).length) : sub;
    parentName = sub;
  }
  (container as Record<string | number, FormValue>)[key] = value;
}

/** Decodes an `application/x-www-form-urlencoded` string (or a query string without `?`). */
export function parseForm(input: string): Params {
  const out: Params = {};
  if (!input) return out;
  for (const pair of input.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decode(eq === -1 ? pair : pair.slice(0, eq));
    const v = eq === -1 ? '' : decode(pair.slice(eq + 1));
    assign(out, k, v);
  }
  return out;
}

/** JSON with sorted object keys: equal for equal parameter sets regardless of order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return (
    '{' +
    Object.keys(o)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k]))
      .join(',') +
    '}'
  );
}

/** `expand[]` (or `expand[0]`…) as a string list. */
export function expandList(params: Params): string[] {
  const e = params.expand;
  if (e === undefined) return [];
  if (typeof e === 'string') return [e];
  if (Array.isArray(e)) return e.filter((x): x is string => typeof x === 'string');
  return Object.values(e).filter((x): x is string => typeof x === 'string');
}
