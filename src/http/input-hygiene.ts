// What every string and every structure a client sends must be, whatever the route: PostgreSQL
// refuses U+0000 in text and jsonb (a 500 before this check), an unpaired UTF-16 surrogate is not
// Unicode (UTF-8 cannot carry it, encodeURIComponent throws on it), control characters in an id or
// a name forge log lines and table rows, and a structure nested thousands of levels deep overflows
// whatever recurses over it (JSON.stringify, jsonb, the form encoder). Refused as invalid_input
// naming the field, before schema validation, so no route can forget it.
//
// Two kinds of string:
// - line: ids, names, labels, filters, path and query values, and every object key: no control
//   character at all (C0, DEL, C1), no line or paragraph separator (U+2028, U+2029: a record's
//   key pattern `^.*$` does not match them, so its serialiser dropped such a key), no unpaired surrogate. Declared strings in a route's schema
//   are lines (validation.ts adds the `x-text` keyword to each) unless the schema says 'text'.
// - text: free text inside open values (metadata, an action's or proxied call's body, MCP
//   arguments), forwarded to a provider that may want a newline in a description: tab, line feed
//   and carriage return pass; any other C0 control and unpaired surrogates do not.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail, type LinkhubError } from '../errors/fail.js';

/** `raw`: a declared string its route checks itself (the proxy's URL guard answers url_refused with a reason). */
export type TextKind = 'line' | 'text' | 'raw';

/** Deepest nesting of objects and arrays a request may carry: far more than any provider's parameters need. */
export const MAX_DEPTH = 32;

// With the u flag a surrogate class matches only unpaired halves: a pair is one code point.
const BAD: Record<TextKind, RegExp | null> = {
  line: /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udfff]/u,
  text: /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udfff]/u,
  raw: null,
};

/** Why `s` is not acceptable as `kind`, or null. */
export function textProblem(s: string, kind: TextKind): string | null {
  const m = BAD[kind]?.exec(s);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code >= 0xd800 && code <= 0xdfff) return `contains an unpaired surrogate (${hex} at character ${m.index}): not valid Unicode`;
  return `must not contain control characters or line breaks (${hex} at character ${m.index})`;
}

type Where = 'body' | 'querystring' | 'params';

function refuse(where: Where, path: readonly string[], problem: string): LinkhubError {
  const field = path.map((p) => (p.length > 64 ? `${p.slice(0, 64)}…` : p)).join('.');
  return fail('invalid_input', { field: field ? `${where}.${field}` : where, problem }, { field: field || null });
}

/** Printable form of a key for the field name (a key may itself be the offending text). */
const shown = (k: string) =>
  textProblem(k, 'line')
    ? k.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : k;

/** Throws invalid_input for the first control character, unpaired surrogate or over-deep nesting in `v`. */
export function checkInput(v: unknown, where: Where, kind: TextKind, path: string[] = [], depth = 0): void {
  if (typeof v === 'string') {
    const problem = textProblem(v, kind);
    if (problem) throw refuse(where, path, problem);
    return;
  }
  // a raw body (a content-type parser's Buffer) has no strings or nesting: only bytes, passed on as they are
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
  if (depth >= MAX_DEPTH) throw refuse(where, path, `nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(String(i));
      checkInput(v[i], where, kind, path, depth + 1);
      path.pop();
    }
    return;
  }
  for (const k of Object.keys(v)) {
    const problem = textProblem(k, 'line');
    path.push(problem ? shown(k) : k);
    if (problem) throw refuse(where, path, `(a key) ${problem}`);
    checkInput((v as Record<string, unknown>)[k], where, kind, path, depth + 1);
    path.pop();
  }
}

/** Top-level body fields the route's schema marks `x-text: raw` (checked by the route itself). */
function rawFields(request: FastifyRequest): Set<string> | null {
  const props = (request.routeOptions.schema?.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!props) return null;
  const marksRaw = (s: unknown): boolean => {
    const o = s as { 'x-text'?: unknown; anyOf?: unknown[] } | null;
    return !!o && (o['x-text'] === 'raw' || (o.anyOf ?? []).some(marksRaw));
  };
  const raw = Object.keys(props).filter((k) => marksRaw(props[k]));
  return raw.length ? new Set(raw) : null;
}

/** The check on every route, schema or not: path and query values are lines, bodies text (their declared strings lines, by schema). */
export function installInputHygiene(app: FastifyInstance): void {
  const raws = new WeakMap<object, Set<string> | null>();
  app.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    try {
      checkInput(request.params, 'params', 'line');
      checkInput(request.query, 'querystring', 'line');
      const body = request.body;
      const schema = request.routeOptions.schema;
      let raw = schema ? raws.get(schema) : null;
      if (schema && raw === undefined) {
        raw = rawFields(request);
        raws.set(schema, raw);
      }
      if (raw && body !== null && typeof body === 'object' && !Array.isArray(body)) {
        for (const [k, v] of Object.entries(body)) {
          if (raw.has(k)) continue;
          const problem = textProblem(k, 'line');
          if (problem) throw refuse('body', [shown(k)], `(a key) ${problem}`);
          checkInput(v, 'body', 'text', [k], 1);
        }
      } else checkInput(body, 'body', 'text');
      done();
    } catch (e) {
      done(e as Error);
    }
  });
}
