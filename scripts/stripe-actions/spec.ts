// Reading Stripe's OpenAPI document. The spec is untyped JSON, so every access goes through the
// small accessors below (obj/str/arr answer undefined or [] for the wrong shape) rather than
// through casts; $refs are resolved against components; the v1 operations come out in one stable
// order, which is what makes the generated catalogue byte-for-byte reproducible.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** The methods Stripe's v1 API uses, in the order actions of one path are listed. */
export const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'DELETE'];

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
export function obj(value: Json | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
export function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function arr(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
export function prefixMatches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/** The target of a `#/components/schemas/…` reference; throws for anything else. */
export function resolveRef(ref: string, spec: JsonObject): JsonObject {
  const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
  const target = m ? obj(obj(obj(spec.components)?.schemas)?.[m[1]]) : undefined;
  if (!target) throw new Error(`Unresolvable $ref ${ref}`);
  return target;
}

/** The target of a `#/components/parameters/…` reference; throws for anything else. */
export function resolveParam(ref: string, spec: JsonObject): JsonObject {
  const m = /^#\/components\/parameters\/(.+)$/.exec(ref);
  const target = m ? obj(obj(obj(spec.components)?.parameters)?.[m[1]]) : undefined;
  if (!target) throw new Error(`Unresolvable parameter $ref ${ref}`);
  return target;
}

export interface SpecOperation {
  method: HttpMethod;
  path: string;
  op: JsonObject;
}

/**
 * Every operation of the spec, sorted by path, then GET/POST/DELETE. `count` is the number of
 * operations of any HTTP method, so the caller can check it made one action for each. Throws on a
 * method other than GET/POST/DELETE or a path outside /v1/: the catalogue has no rules for them.
 */
export function specOperations(paths: JsonObject): { operations: SpecOperation[]; count: number } {
  const ops: SpecOperation[] = [];
  let count = 0;
  for (const path of Object.keys(paths)) {
    const item = obj(paths[path])!;
    for (const key of Object.keys(item)) {
      if (['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(key)) count++;
      const method = key.toUpperCase() as HttpMethod;
      if (!METHODS.includes(method)) {
        if (['parameters', 'servers', 'summary', 'description'].includes(key) || key.startsWith('x-')) continue;
        throw new Error(`Unsupported method ${key} on ${path}`);
      }
      if (!path.startsWith('/v1/')) throw new Error(`Not a v1 path: ${path}`);
      ops.push({ method, path, op: obj(item[key])! });
    }
  }
  ops.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHODS.indexOf(a.method) - METHODS.indexOf(b.method)));
  return { operations: ops, count };
}

/** Schema and content type of an operation's 200 response (the first content type, sorted). */
export function successResponse(op: JsonObject): { schema?: JsonObject; contentType?: string } {
  const responses = obj(op.responses);
  const ok = obj(responses?.['200']);
  const content = obj(ok?.content);
  if (!content) return {};
  const contentType = Object.keys(content).sort()[0];
  return { schema: obj(obj(content[contentType])?.schema), contentType };
}

/** The object an operation returns, from `x-resourceId` (last dotted part, without `deleted_`). */
export function resourceIdOf(schema: JsonObject | undefined, spec: JsonObject): string | undefined {
  if (!schema) return undefined;
  const ref = str(schema.$ref);
  const target = ref ? resolveRef(ref, spec) : schema;
  const id = str(target['x-resourceId']);
  if (id)
    return id
      .split('.')
      .pop()!
      .replace(/^deleted_/, '');
  for (const branch of arr(target.anyOf)) {
    const found = isObject(branch) ? resourceIdOf(branch, spec) : undefined;
    if (found) return found;
  }
  return undefined;
}
