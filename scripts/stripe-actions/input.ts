// An operation's parameters → the action's input schema. The shape is MCP's param-style=nested
// (docs/stackone-compat.md#mcp): {type: object, properties: {path, query, body, headers}, required,
// additionalProperties: false}, the same schema for RPC and MCP so both validate alike.
import { arr, isObject, obj, resolveParam, resolveRef, str, type HttpMethod, type JsonObject } from './spec.js';
import { convertSchema } from './schemas.js';
import { plainText } from './text.js';

/**
 * A group appears only when the operation has such parameters, except headers, which every action
 * has: an optional Stripe-Account, plus Idempotency-Key on POST, other string headers allowed.
 * Path params are required non-empty strings; query `deepObject` params keep their object schema;
 * `expand` stays an array of strings.
 */
export function buildInput(method: HttpMethod, op: JsonObject, spec: JsonObject, path: string): { input: JsonObject; contentType?: string } {
  const params = arr(op.parameters)
    .filter(isObject)
    .map((p) => (str(p.$ref) ? resolveParam(str(p.$ref)!, spec) : p));
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const declared = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of declared) {
    if (!pathParams.some((p) => p.name === name)) {
      pathParams.push({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 5000 } });
    }
  }
  const properties: JsonObject = {};
  const required: string[] = [];

  if (pathParams.length > 0) {
    const props: JsonObject = {};
    for (const p of [...pathParams].sort((a, b) => declared.indexOf(String(a.name)) - declared.indexOf(String(b.name)))) {
      const name = String(p.name);
      const schema = convertSchema(obj(p.schema) ?? { type: 'string' }, { spec, depth: 1, refs: [] });
      const d = str(p.description) ? plainText(str(p.description)!) : `Id of the ${name.replace(/_/g, ' ')} (path parameter).`;
      props[name] = { description: d, ...schema, type: 'string', minLength: 1 };
    }
    properties.path = {
      type: 'object',
      properties: props,
      required: pathParams.map((p) => String(p.name)).sort(),
      additionalProperties: false,
    };
    required.push('path');
  }

  if (queryParams.length > 0) {
    const props: JsonObject = {};
    const req: string[] = [];
    for (const p of [...queryParams].sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
      const name = String(p.name);
      const withDescription: JsonObject = { ...(obj(p.schema) ?? {}) };
      if (str(p.description) && withDescription.description === undefined) withDescription.description = p.description;
      props[name] = convertSchema(withDescription, { spec, depth: 1, refs: [] });
      if (p.required === true) req.push(name);
    }
    const query: JsonObject = { type: 'object', properties: props };
    if (req.length > 0) query.required = req.sort();
    query.additionalProperties = false;
    properties.query = query;
    if (req.length > 0) required.push('query');
  }

  let contentType: string | undefined;
  const content = obj(obj(op.requestBody)?.content);
  if (content) {
    const ct = Object.keys(content).sort()[0];
    const raw = obj(obj(content[ct])?.schema);
    const resolved = raw && str(raw.$ref) ? resolveRef(str(raw.$ref)!, spec) : raw;
    const hasFields = resolved && Object.keys(obj(resolved.properties) ?? {}).length > 0;
    if (raw && hasFields) {
      const body = convertSchema(raw, { spec, depth: 0, refs: [] });
      body.type = 'object';
      if (body.additionalProperties === undefined) body.additionalProperties = false;
      properties.body = body;
      if (arr(body.required).length > 0) required.push('body');
      contentType = ct;
    }
  }

  properties.headers = headersSchema(method);
  const input: JsonObject = { type: 'object', properties };
  input.required = required;
  input.additionalProperties = false;
  return contentType ? { input, contentType } : { input };
}

/** The headers group: Stripe-Account for Connect, Idempotency-Key (≤ 255 characters) on POST. */
function headersSchema(method: HttpMethod): JsonObject {
  const properties: JsonObject = {
    'Stripe-Account': {
      description: 'Connected account id (acct_…) to make the request on behalf of (Connect).',
      type: 'string',
      maxLength: 255,
      pattern: '^acct_[A-Za-z0-9]+$',
    },
  };
  if (method === 'POST') {
    properties['Idempotency-Key'] = {
      description: 'Idempotency key (at most 255 characters): a retry with the same key and parameters replays the first result.',
      type: 'string',
      minLength: 1,
      maxLength: 255,
    };
  }
  return {
    description:
      'Optional request headers. Linkhub sets Authorization and its pinned Stripe-Version itself; other string headers (e.g. x-account-id) are allowed.',
    type: 'object',
    properties,
    additionalProperties: { type: 'string' },
  };
}

export type Pagination = 'cursor' | 'page' | null;

/** How a list action pages: Stripe's search endpoints take `page`, its lists `starting_after`. */
export function paginationOf(isList: boolean, input: JsonObject): Pagination {
  if (!isList) return null;
  const query = obj(obj(obj(input.properties)?.query)?.properties) ?? {};
  if ('page' in query) return 'page';
  if ('starting_after' in query) return 'cursor';
  return null;
}
