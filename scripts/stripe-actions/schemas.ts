// Stripe's OpenAPI 3.0 schemas → the JSON Schema subset the catalogue ships. Every input schema
// must compile under Ajv's strict mode (Linkhub validates RPC and MCP input with it) and stay small
// enough for an MCP client to list hundreds of tools, hence the rules below.
import { arr, isObject, obj, resolveRef, str, type JsonObject } from './spec.js';
import { appendSentence, plainText } from './text.js';

/**
 * The subset is JSON Schema draft-07 that compiles under Ajv strict mode with allowUnionTypes:
 *  - `$ref`s are resolved inline (a recursive ref becomes `{description}`); `x-*`, `title` and
 *    `format` are dropped (format is noted in the description: unix-time, decimal string);
 *  - objects/arrays nested deeper than MAX_DEPTH object levels fall back to `{description}`
 *    (any value; scalar leaves keep their schema);
 *  - Stripe's "unset" idiom `anyOf: [X, {type: string, enum: [""]}]` is collapsed: for a string X
 *    "" is added to its enum (or already allowed), otherwise X gets `type: [X.type, "string"]`
 *    with `maxLength: 0`, i.e. X or the empty string, and the description says so;
 *  - `x-stripeBypassValidation` enums (Stripe accepts values beyond the list) lose `enum`, the
 *    known values move into the description;
 *  - descriptions are plain text trimmed to about MAX_DESCRIPTION characters (text.ts).
 */

/** Object nesting levels kept in body/query schemas (a top-level field is level 1). */
const MAX_DEPTH = 5;

export interface SchemaContext {
  spec: JsonObject;
  depth: number;
  refs: readonly string[];
}

const EMPTY_STRING_BRANCH = (s: JsonObject): boolean => {
  const e = arr(s.enum);
  return s.type === 'string' && e.length === 1 && e[0] === '' && !s.properties;
};

/** Convert one OpenAPI 3.0 schema (Stripe dialect) into the catalogue's JSON Schema subset. */
export function convertSchema(input: JsonObject, ctx: SchemaContext): JsonObject {
  const ref = str(input.$ref);
  if (ref) {
    if (ctx.refs.includes(ref)) {
      return { description: `Recursive reference to ${ref.split('/').pop()} (schema omitted).` };
    }
    const target = resolveRef(ref, ctx.spec);
    const merged: JsonObject = { ...target };
    if (input.description !== undefined) merged.description = input.description;
    return convertSchema(merged, { ...ctx, refs: [...ctx.refs, ref] });
  }
  const description = str(input.description) ? plainText(str(input.description)!) : undefined;

  const composite = input.properties !== undefined || input.items !== undefined || input.anyOf !== undefined || isObject(input.additionalProperties);
  if (ctx.depth > MAX_DEPTH && composite) {
    return {
      description: appendSentence(description, `Nested schema omitted beyond ${MAX_DEPTH} levels; see the Stripe API reference.`),
    };
  }

  const anyOf = arr(input.anyOf).filter(isObject);
  if (anyOf.length > 0) return convertAnyOf(anyOf, description, ctx);

  const out: JsonObject = {};
  const notes: string[] = [];
  const type = input.type;
  if (typeof type === 'string' || Array.isArray(type)) out.type = type;
  const format = str(input.format);
  if (format === 'unix-time') notes.push('Unix timestamp in seconds.');
  else if (format === 'decimal') notes.push('Decimal number as a string.');
  else if (format === 'binary') notes.push('Binary content.');
  else if (format) notes.push(`Format: ${format}.`);

  const enumValues = arr(input.enum);
  if (enumValues.length > 0) {
    if (input['x-stripeBypassValidation'] === true) {
      notes.push(`Known values: ${enumValues.map((v) => (v === '' ? '""' : String(v))).join(', ')} (others may be accepted).`);
    } else {
      out.enum = [...enumValues];
    }
  }
  if (typeof input.maxLength === 'number') out.maxLength = input.maxLength;
  if (typeof input.minLength === 'number') out.minLength = input.minLength;
  if (typeof input.pattern === 'string') out.pattern = input.pattern;
  for (const k of ['minimum', 'maximum', 'minItems', 'maxItems'] as const) {
    if (typeof input[k] === 'number') out[k] = input[k];
  }
  const items = obj(input.items);
  if (items) out.items = convertSchema(items, ctx);

  const properties = obj(input.properties);
  if (properties) {
    const props: JsonObject = {};
    for (const key of Object.keys(properties).sort()) {
      const p = obj(properties[key]);
      if (p) props[key] = convertSchema(p, { ...ctx, depth: ctx.depth + 1 });
    }
    out.properties = props;
    const required = arr(input.required)
      .filter((r): r is string => typeof r === 'string')
      .sort();
    if (required.length > 0) out.required = required;
  }
  if (typeof input.additionalProperties === 'boolean') {
    out.additionalProperties = input.additionalProperties;
  } else if (isObject(input.additionalProperties)) {
    out.additionalProperties = convertSchema(input.additionalProperties, { ...ctx, depth: ctx.depth + 1 });
  }
  if (input.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];

  let text = description;
  for (const n of notes) text = appendSentence(text, n);
  return text ? { description: text, ...out } : out;
}

/**
 * anyOf, with Stripe's `""` unset branch folded into the other branch: one schema with a note is
 * simpler for a client, or a model, to fill in than an anyOf of two.
 */
function convertAnyOf(branches: JsonObject[], description: string | undefined, ctx: SchemaContext): JsonObject {
  const allowEmpty = branches.some(EMPTY_STRING_BRANCH);
  const rest = branches.filter((b) => !EMPTY_STRING_BRANCH(b)).map((b) => convertSchema(b, ctx));
  let text = description;
  if (allowEmpty) text = appendSentence(text, 'Pass an empty string ("") to unset.');

  const withDescription = (schema: JsonObject): JsonObject => {
    const { description: inner, ...restOfSchema } = schema;
    const d = text ?? str(inner);
    return d ? { description: d, ...restOfSchema } : restOfSchema;
  };

  if (allowEmpty) {
    const stringBranch = rest.find((b) => b.type === 'string');
    if (stringBranch) {
      const e = arr(stringBranch.enum);
      if (e.length > 0 && !e.includes('')) stringBranch.enum = ['', ...e];
      delete stringBranch.minLength;
    } else if (rest.length === 1 && typeof rest[0].type === 'string') {
      const only = rest[0];
      const { type, ...others } = only;
      return withDescription({ type: [type as string, 'string'], ...others, maxLength: 0 });
    } else {
      rest.push({ type: 'string', maxLength: 0 });
    }
  }
  if (rest.length === 1) return withDescription(rest[0]);
  return text ? { description: text, anyOf: rest } : { anyOf: rest };
}
