// Param styles of MCP tool inputs (StackOne's `param-style`, docs/stackone-compat.md#mcp): `nested`
// (an action's own {path, query, body, headers} schema), `flat_prefixed` (every field named
// `<section>_<name>`) and `flat_smart` (bare names unless two sections share one), and the way back
// from tool arguments to the executor's nested input. Cached per action and style.
import type { ConnectorAction, JsonSchema } from '../../connectors/types.js';
import { fail } from '../../errors/fail.js';

export const PARAM_STYLES = ['nested', 'flat_prefixed', 'flat_smart'] as const;
export type ParamStyle = (typeof PARAM_STYLES)[number];

export const SECTIONS = ['path', 'query', 'body', 'headers'] as const;
export type Section = (typeof SECTIONS)[number];

export interface NestedArgs {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

export interface McpTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };
  annotations?: {
    title?: string;
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
  };
  _meta?: Record<string, unknown>;
}

/** A flat argument name and where it goes in the nested call. */
interface FlatArg {
  section: Section;
  key: string;
}

interface FlatShape {
  schema: McpTool['inputSchema'];
  /** flat name → nested place */
  args: Map<string, FlatArg>;
  /** `section.key` → flat name, to rename fields in the executor's messages */
  names: Map<string, string>;
}

export const sectionSchema = (a: ConnectorAction, s: Section): JsonSchema | undefined => a.input.properties[s];

// ---------- param styles ----------

const flatCache = new Map<string, FlatShape>();

/** The flat input schema of an action: `flat_prefixed` names every field `<section>_<name>`;
 * `flat_smart` uses the bare name unless it occurs in two sections (then it is prefixed too). */
function flatShape(action: ConnectorAction, style: 'flat_prefixed' | 'flat_smart'): FlatShape {
  const cacheKey = `${style}:${action.name}`;
  const hit = flatCache.get(cacheKey);
  if (hit) return hit;
  const counts = new Map<string, number>();
  for (const s of SECTIONS) for (const k of Object.keys(sectionSchema(action, s)?.properties ?? {})) counts.set(k, (counts.get(k) ?? 0) + 1);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const args = new Map<string, FlatArg>();
  const names = new Map<string, string>();
  for (const s of SECTIONS) {
    const sec = sectionSchema(action, s);
    if (!sec?.properties) continue;
    const req = new Set(sec.required ?? []);
    for (const [k, schema] of Object.entries(sec.properties)) {
      const flat = style === 'flat_prefixed' || counts.get(k)! > 1 || SECTIONS.includes(k as Section) ? `${s}_${k}` : k;
      properties[flat] = s === 'path' || s === 'headers' ? withNote(schema, s === 'path' ? 'Path parameter.' : 'Request header.') : schema;
      if (req.has(k)) required.push(flat);
      args.set(flat, { section: s, key: k });
      names.set(`${s}.${k}`, flat);
    }
  }
  const shape: FlatShape = { schema: { type: 'object', properties, required, additionalProperties: false }, args, names };
  flatCache.set(cacheKey, shape);
  return shape;
}

function withNote(schema: JsonSchema, note: string): JsonSchema {
  return { ...schema, description: schema.description ? `${note} ${schema.description}` : note };
}

export function inputSchemaFor(action: ConnectorAction, style: ParamStyle): McpTool['inputSchema'] {
  if (style === 'nested') return action.input as unknown as McpTool['inputSchema'];
  return flatShape(action, style).schema;
}

/** A tool argument that is not one of the action's (the tool's error, before anything is run). */
const badArgument = (field: string, problem: string) => fail('invalid_input', { field, problem }, { field });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tool arguments (in `style`) → the executor's nested {path, query, body, headers}. */
export function toNestedArgs(action: ConnectorAction, style: ParamStyle, args: Record<string, unknown> | undefined): NestedArgs {
  const a = args ?? {};
  if (style === 'nested') return pickNested(a, action.name);
  const { args: map } = flatShape(action, style);
  const out: Record<Section, Record<string, unknown> | undefined> = { path: undefined, query: undefined, body: undefined, headers: undefined };
  for (const [name, value] of Object.entries(a)) {
    const place = map.get(name);
    if (!place) {
      throw badArgument(name, `is not a known argument of ${action.name}`);
    }
    const section = out[place.section] ?? {};
    section[place.key] = value;
    out[place.section] = section;
  }
  return dropEmpty(out);
}

function pickNested(a: Record<string, unknown>, where: string): NestedArgs {
  const out: Record<string, Record<string, unknown> | undefined> = {};
  for (const [k, v] of Object.entries(a)) {
    if (!(SECTIONS as readonly string[]).includes(k)) {
      throw badArgument(k, `is not a known argument of ${where}: pass path, query, body and headers objects`);
    }
    if (v === undefined || v === null) continue;
    if (!isPlainObject(v)) throw badArgument(k, 'must be an object');
    out[k] = v;
  }
  return out as NestedArgs;
}

function dropEmpty(o: Record<Section, Record<string, unknown> | undefined>): NestedArgs {
  const r: NestedArgs = {};
  for (const s of SECTIONS) if (o[s]) r[s] = o[s];
  return r;
}

/** Rewrites `body.email`-style field names in an executor message to the flat argument names of `style`. */
export function renameFields(message: string, action: ConnectorAction, style: ParamStyle): string {
  if (style === 'nested') return message;
  const { names } = flatShape(action, style);
  return message.replace(/\b(path|query|body|headers)\.([A-Za-z0-9_-]+)/g, (m) => {
    const flat = names.get(m);
    return flat ? flat : m;
  });
}
