// Schema validation: bodies strictly (no type coercion, unknown fields refused, never silently
// stripped); query strings, params and headers with coercion (repeated keys become arrays).
// Every declared string is a line (input-hygiene.ts): the compiler adds the `x-text` keyword to
// each string schema that does not name its kind, so no schema can forget it.
import { Ajv, type Options, type SchemaValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { fail } from '../errors/fail.js';
import { installInputHygiene, type TextKind, textProblem } from './input-hygiene.js';
import type { DeferredSchemas } from './lazy-compilers.js';

function make(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, removeAdditional: false, ...options });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const xText: SchemaValidateFunction = (kind: TextKind, data: string) => {
    const problem = textProblem(data, kind);
    // a validate keyword reports through the function's own `errors` (Ajv's contract)
    xText.errors = problem ? [{ keyword: 'x-text', message: problem, params: { kind } }] : [];
    return problem === null;
  };
  ajv.addKeyword({ keyword: 'x-text', type: 'string', schemaType: 'string', errors: true, validate: xText });
  return ajv;
}

/** Keywords whose values are data, not schemas: left as they are. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);

/** A copy of `schema` with `x-text: 'line'` on every string schema that names no kind. */
function withTextKinds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withTextKinds);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = DATA_KEYWORDS.has(k) ? v : withTextKinds(v);
  if (out.type === 'string' && out['x-text'] === undefined) out['x-text'] = 'line';
  return out;
}

export function installValidation(app: FastifyInstance, deferred: DeferredSchemas): void {
  const strict = make({ coerceTypes: false });
  const coercing = make({ coerceTypes: 'array' });
  // one copy per schema object: Ajv caches compiled schemas by identity (and refuses a second $id)
  const copies = new WeakMap<object, unknown>();
  const prepared = (schema: object) => {
    let copy = copies.get(schema);
    if (copy === undefined) {
      copy = withTextKinds(schema);
      copies.set(schema, copy);
    }
    return copy as object;
  };
  app.setValidatorCompiler(({ schema, httpPart }) => deferred.validator(() => (httpPart === 'body' ? strict : coercing).compile(prepared(schema))));
  installInputHygiene(app);
  // Bodies are JSON only. Fastify's built-in text/plain parser would hand a string to the body schema
  // ("body must be object"); without it a non-JSON body is a clear 415.
  app.removeContentTypeParser('text/plain');
  // JSON is UTF-8 (RFC 8259, section 8.1). Fastify's parser decodes a body's bytes with replacement
  // characters, so invalid ones were stored as U+FFFD instead of refused. A body whose text holds U+FFFD
  // is refused: it stands for bytes that were not UTF-8 (a client that means the character sends it
  // escaped, \ufffd). Checked on the text Fastify decodes, not the bytes: reading bytes then decoding
  // them allocated enough per request to cost the proxy 3 µs in GC (bench/proxy.ts profile).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.includes('\ufffd')) return done(fail('invalid_json'), undefined);
    parseJson(request, text, done);
  });
}
