// A small parser for Stripe's search query language (docs/stripe.md#lists-search-and-expand):
// `field:'v'`, `metadata['k']:'v'`, negation `-field:'v'`, numeric `>`/`<`/`>=`/`<=`, substring
// `field~'sub'` (≥3 chars), clauses joined by AND or by OR (not mixed, ≤10, no parentheses).
// `:` compares strings case-insensitively. Error texts are not verified [?].
import { errors } from './errors.js';
import type { StripeObject } from './world.js';

/** Searchable fields per collection (a subset of Stripe's lists); `metadata` means `metadata['k']`. */
export const SEARCH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  customers: ['created', 'email', 'metadata', 'name', 'phone'],
  charges: ['amount', 'created', 'currency', 'customer', 'disputed', 'metadata', 'payment_intent', 'refunded', 'status'],
  invoices: ['created', 'currency', 'customer', 'metadata', 'number', 'receipt_number', 'status', 'subscription', 'total'],
  payment_intents: ['amount', 'created', 'currency', 'customer', 'metadata', 'status'],
  prices: ['active', 'currency', 'lookup_key', 'metadata', 'product', 'type'],
  products: ['active', 'description', 'metadata', 'name', 'shippable', 'url'],
  subscriptions: ['created', 'metadata', 'status'],
};

type Op = ':' | '~' | '>' | '<' | '>=' | '<=';
interface Clause {
  negate: boolean;
  path: string[];
  op: Op;
  value: string | number | null;
}

export type Predicate = (o: StripeObject) => boolean;

const compiled = new Map<string, Predicate>();

/** Compiles `query` for `resource` into a predicate (memoised); throws a 400 StripeError on bad syntax. */
export function compileSearch(resource: string, query: string): Predicate {
  const cacheKey = resource + '\u0000' + query;
  const hit = compiled.get(cacheKey);
  if (hit) return hit;
  const clauses: Clause[] = [];
  const joins: string[] = [];
  const p = new Parser(query);
  p.ws();
  if (p.done()) throw errors.invalidSearchQuery('the query is empty.');
  for (;;) {
    clauses.push(p.clause(resource));
    p.ws();
    if (p.done()) break;
    const j = p.word();
    if (j !== 'AND' && j !== 'OR') throw errors.invalidSearchQuery(`unexpected token '${j}' at position ${p.pos}.`);
    joins.push(j);
    p.ws();
  }
  if (new Set(joins).size > 1) throw errors.invalidSearchQuery('AND and OR cannot be combined in one query.');
  if (clauses.length > 10) throw errors.invalidSearchQuery('a query can have at most 10 clauses.');
  const tests = clauses.map(clauseTest);
  const pred: Predicate = joins[0] === 'OR' ? (o) => tests.some((t) => t(o)) : (o) => tests.every((t) => t(o));
  if (compiled.size > 500) compiled.clear();
  compiled.set(cacheKey, pred);
  return pred;
}

function clauseTest(c: Clause): Predicate {
  const get = (o: StripeObject): unknown => {
    let v: unknown = o;
    for (const k of c.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v;
  };
  let test: (v: unknown) => boolean;
  const want = c.value;
  if (c.op === ':') {
    if (want === null) test = (v) => v === null || v === undefined;
    else {
      const w = String(want).toLowerCase();
      test = (v) => v !== null && v !== undefined && typeof v !== 'object' && String(v).toLowerCase() === w;
    }
  } else if (c.op === '~') {
    const w = String(want).toLowerCase();
    test = (v) => typeof v === 'string' && v.toLowerCase().includes(w);
  } else {
    const w = Number(want);
    const cmp = { '>': (a: number) => a > w, '<': (a: number) => a < w, '>=': (a: number) => a >= w, '<=': (a: number) => a <= w }[c.op];
    test = (v) => typeof v === 'number' && cmp(v);
  }
  return c.negate ? (o) => !test(get(o)) : (o) => test(get(o));
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.pos >= this.s.length;
  }

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  word(): string {
    const start = this.pos;
    while (this.pos < this.s.length && /[A-Za-z0-9_.]/.test(this.s[this.pos])) this.pos++;
    if (start === this.pos) throw errors.invalidSearchQuery(`unexpected character '${this.s[this.pos]}' at position ${this.pos}.`);
    return this.s.slice(start, this.pos);
  }

  quoted(): string {
    const q = this.s[this.pos];
    if (q !== "'" && q !== '"') throw errors.invalidSearchQuery(`expected a quoted value at position ${this.pos}.`);
    let out = '';
    this.pos++;
    while (this.pos < this.s.length && this.s[this.pos] !== q) {
      if (this.s[this.pos] === '\\' && this.pos + 1 < this.s.length) this.pos++;
      out += this.s[this.pos++];
    }
    if (this.pos >= this.s.length) throw errors.invalidSearchQuery('unterminated quoted value.');
    this.pos++;
    return out;
  }

  clause(resource: string): Clause {
    let negate = false;
    if (this.s[this.pos] === '-') {
      negate = true;
      this.pos++;
    }
    const field = this.word();
    let path = field.split('.');
    if (field === 'metadata') {
      if (this.s[this.pos] !== '[') throw errors.invalidSearchQuery("metadata fields are written metadata['key'].");
      this.pos++;
      const key = this.quoted();
      if (this.s[this.pos] !== ']') throw errors.invalidSearchQuery(`expected ']' at position ${this.pos}.`);
      this.pos++;
      path = ['metadata', key];
    }
    const allowed = SEARCH_FIELDS[resource] ?? [];
    if (!allowed.includes(path[0])) {
      throw errors.invalidSearchQuery(`the field '${field}' is not supported for ${resource} search.`);
    }
    let op: Op;
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two === '>=' || two === '<=') {
      op = two;
      this.pos += 2;
    } else if (':~<>'.includes(this.s[this.pos] ?? '\u0000')) {
      op = this.s[this.pos] as Op;
      this.pos++;
    } else throw errors.invalidSearchQuery(`expected an operator after '${field}'.`);
    let value: string | number | null;
    const c = this.s[this.pos];
    if (c === "'" || c === '"') value = this.quoted();
    else {
      const w = this.word();
      if (w === 'null' && op === ':') value = null;
      else if (/^-?\d+(\.\d+)?$/.test(w)) value = Number(w);
      else throw errors.invalidSearchQuery(`values must be quoted: '${w}'.`);
    }
    if (op === '~' && (typeof value !== 'string' || value.length < 3)) {
      throw errors.invalidSearchQuery('substring matches (~) need at least 3 characters.');
    }
    if (op !== ':' && op !== '~' && typeof value !== 'number') {
      throw errors.invalidSearchQuery(`the ${op} operator needs a number.`);
    }
    return { negate, path, op, value };
  }
}
