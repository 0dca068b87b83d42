// The MCP tool catalogue built from the Stripe action catalogue (COMPAT §10): one tool per action
// (`tool-mode=individual`) or the two meta tools of `tool-mode=search_execute`, with the input
// schema in one of three param styles, plus the lexical action search and the mapping of flat
// tool arguments back to the executor's {path, query, body, headers}. Pure and cached: the 452
// schemas are built once per (mode, style, key type), never per request.
import { type JsonSchema, type StripeAction, stripeActions, stripeActionsByName } from '../../connectors/stripe/actions.js';
import { SEARCH_DEFAULT_TOP_K, searchActions } from './action-search.js';
import { availability } from './actions.js';

export { SEARCH_DEFAULT_TOP_K };
import type { KeyKnowledge } from './caller.js';

export const TOOL_MODES = ['individual', 'search_execute'] as const;
export type ToolMode = (typeof TOOL_MODES)[number];
export const PARAM_STYLES = ['nested', 'flat_prefixed', 'flat_smart'] as const;
export type ParamStyle = (typeof PARAM_STYLES)[number];
export type KeyType = 'secret' | 'restricted';

export const SEARCH_TOOL = 'stripe_search_actions';
export const EXECUTE_TOOL = 'stripe_execute_action';
export const SEARCH_MAX_TOP_K = 50;

const SECTIONS = ['path', 'query', 'body', 'headers'] as const;
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

/** Why an action cannot work with this account's key, when that is known. */
export interface Unavailable {
  /** `rak_…` permission the key lacks, or null when the action is closed to restricted keys altogether. */
  permission: string | null;
  reason: string;
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

const sectionSchema = (a: StripeAction, s: Section): JsonSchema | undefined => a.input.properties[s];

// ---------- param styles ----------

const flatCache = new Map<string, FlatShape>();

/** The flat input schema of an action: `flat_prefixed` names every field `<section>_<name>`;
 * `flat_smart` uses the bare name unless it occurs in two sections (then it is prefixed too). */
function flatShape(action: StripeAction, style: 'flat_prefixed' | 'flat_smart'): FlatShape {
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

export function inputSchemaFor(action: StripeAction, style: ParamStyle): McpTool['inputSchema'] {
  if (style === 'nested') return action.input as unknown as McpTool['inputSchema'];
  return flatShape(action, style).schema;
}

export class ArgumentError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tool arguments (in `style`) → the executor's nested {path, query, body, headers}. */
export function toNestedArgs(action: StripeAction, style: ParamStyle, args: Record<string, unknown> | undefined): NestedArgs {
  const a = args ?? {};
  if (style === 'nested') return pickNested(a, action.name);
  const { args: map } = flatShape(action, style);
  const out: Record<Section, Record<string, unknown> | undefined> = { path: undefined, query: undefined, body: undefined, headers: undefined };
  for (const [name, value] of Object.entries(a)) {
    const place = map.get(name);
    if (!place) {
      throw new ArgumentError(`${name} is not a known argument of ${action.name}`, name);
    }
    (out[place.section] ??= {})[place.key] = value;
  }
  return dropEmpty(out);
}

function pickNested(a: Record<string, unknown>, where: string): NestedArgs {
  const out: Record<string, Record<string, unknown> | undefined> = {};
  for (const [k, v] of Object.entries(a)) {
    if (!(SECTIONS as readonly string[]).includes(k)) {
      throw new ArgumentError(`${k} is not a known argument of ${where}: pass path, query, body and headers objects`, k);
    }
    if (v === undefined || v === null) continue;
    if (!isPlainObject(v)) throw new ArgumentError(`${k} must be an object`, k);
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
export function renameFields(message: string, action: StripeAction, style: ParamStyle): string {
  if (style === 'nested') return message;
  const { names } = flatShape(action, style);
  return message.replace(/\b(path|query|body|headers)\.([A-Za-z0-9_-]+)/g, (m) => {
    const flat = names.get(m);
    return flat ? flat : m;
  });
}

// ---------- tools ----------

function annotations(a: StripeAction): NonNullable<McpTool['annotations']> {
  return {
    title: a.label,
    readOnlyHint: a.access === 'read',
    destructiveHint: a.method === 'DELETE',
    idempotentHint: a.method !== 'POST',
    openWorldHint: true,
  };
}

function describe(a: StripeAction): string {
  let d = a.description || a.label;
  if (a.deprecated) d += ` Deprecated: ${a.deprecationReason ?? 'kept for completeness'}`;
  return d;
}

/** Restricted-key permission an action needs, as Stripe names it (`rak_customer_read`). */
export const rakPermission = (a: StripeAction): string | null => (a.permission ? `rak_${a.permission}` : null);

/** Not available to restricted keys at all (Stripe's "not available for use by restricted keys"). */
const closedToRestricted = (a: StripeAction) => a.permission === null && /Not available to restricted keys/.test(a.permissionNote ?? '');

/**
 * What is known about an action for this key, from the executor's key knowledge (the same verdict
 * as GET /actions `available`): restricted keys cannot use actions Stripe closes to them, nor actions
 * whose permission (or, for a write, the read below it) Stripe refused in an earlier call.
 */
export function unavailability(a: StripeAction, k: KeyKnowledge): Unavailable | null {
  const verdict = availability(a, k);
  if (verdict.available !== false) return null;
  if (verdict.availability_reason === 'not_available_to_restricted_keys' || closedToRestricted(a)) {
    return { permission: null, reason: 'Not available to restricted keys: link a secret key (sk_…) to use it.' };
  }
  const p = rakPermission(a)!;
  const read = p.replace(/_write$/, '_read');
  const lacking = k.missing.has(p) ? p : read;
  return { permission: lacking, reason: `This account's restricted key lacks ${lacking}: Stripe refused it earlier. Grant it in the Stripe Dashboard (Developers > API keys).` };
}

function actionTool(a: StripeAction, style: ParamStyle, keyType: KeyType): McpTool {
  const tool: McpTool = { name: a.name, title: a.label, description: describe(a), inputSchema: inputSchemaFor(a, style), annotations: annotations(a) };
  if (keyType === 'restricted') {
    const p = rakPermission(a);
    tool._meta = { 'linkhub/permission': p ?? (closedToRestricted(a) ? 'not_available_to_restricted_keys' : null) };
  }
  return tool;
}

function markUnavailable(tool: McpTool, u: Unavailable): McpTool {
  return {
    ...tool,
    description: `[Unavailable with this account's key${u.permission ? `: needs ${u.permission}` : ''}] ${tool.description}`,
    _meta: { ...tool._meta, 'linkhub/available': false, 'linkhub/missing_permission': u.permission, 'linkhub/unavailable_reason': u.reason },
  };
}

const searchTool = (): McpTool => ({
  name: SEARCH_TOOL,
  title: 'Search Stripe actions',
  description:
    `Finds the Stripe actions (of ${stripeActions.length}) that match a plain-language query, best first. Each match has its name, ` +
    `description, access (read/write) and its required and optional inputs as path.x / query.x / body.x. Call ${EXECUTE_TOOL} with the chosen name.`,
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', minLength: 1, maxLength: 500, description: 'What you want to do, e.g. "refund a charge" or "list customers by email".' },
      top_k: { type: 'integer', minimum: 1, maximum: SEARCH_MAX_TOP_K, default: SEARCH_DEFAULT_TOP_K, description: 'How many matches to return.' },
      include_schema: { type: 'boolean', default: false, description: 'Also return each match\'s full input JSON Schema.' },
    },
    required: ['query'],
    additionalProperties: false,
  },
  annotations: { title: 'Search Stripe actions', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
});

const executeTool = (): McpTool => ({
  name: EXECUTE_TOOL,
  title: 'Execute a Stripe action',
  description:
    `Runs one Stripe action by name (find it with ${SEARCH_TOOL}) with its inputs grouped as path, query, body and headers, ` +
    'e.g. {"action":"stripe_list_customers","query":{"limit":3}}. Returns {data, next}; pass `next` back for the next page of a list.',
  inputSchema: {
    type: 'object',
    properties: {
      action: { type: 'string', pattern: '^stripe_[a-z0-9_]+$', description: `Action name from ${SEARCH_TOOL}, e.g. stripe_list_customers.` },
      path: { type: 'object', description: 'Path parameters, e.g. {"customer":"cus_…"}.', additionalProperties: true },
      query: { type: 'object', description: 'Query parameters (GET actions), e.g. {"limit":10}.', additionalProperties: true },
      body: { type: 'object', description: 'Body fields (POST actions), e.g. {"email":"a@b.co"}.', additionalProperties: true },
      headers: { type: 'object', description: 'Optional headers: Stripe-Account, Idempotency-Key.', additionalProperties: { type: 'string' } },
      next: { type: 'string', description: 'For list actions: the `next` cursor of the previous page.' },
    },
    required: ['action'],
    additionalProperties: false,
  },
  annotations: { title: 'Execute a Stripe action', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
});

const listCache = new Map<string, readonly McpTool[]>();

/** The cached tool list of (mode, style, key type), before account-specific marks. */
export function baseTools(mode: ToolMode, style: ParamStyle, keyType: KeyType): readonly McpTool[] {
  const key = mode === 'search_execute' ? mode : `${mode}:${style}:${keyType}`;
  let tools = listCache.get(key);
  if (!tools) {
    tools = Object.freeze(mode === 'search_execute' ? [searchTool(), executeTool()] : stripeActions.map((a) => actionTool(a, style, keyType)));
    listCache.set(key, tools);
  }
  return tools;
}

const jsonCache = new WeakMap<readonly McpTool[], string>();

/** `JSON.stringify(tools)`, kept for the cached lists (the full catalogue is ~1.4 MB of JSON). */
export function toolsJson(tools: readonly McpTool[]): string {
  let json = jsonCache.get(tools);
  if (json === undefined) {
    json = JSON.stringify(tools);
    if (Object.isFrozen(tools)) jsonCache.set(tools, json);
  }
  return json;
}

export interface ToolListOptions {
  mode: ToolMode;
  style: ParamStyle;
  /** What the executor knows about the account's key (type, `rak_…` permissions refused or shown to work). */
  key: KeyKnowledge;
  /** Drop unavailable actions instead of marking them. */
  hideUnavailable: boolean;
}

/** tools/list for one account: the cached list, with the actions its restricted key cannot run marked or hidden. */
export function toolsFor(o: ToolListOptions): readonly McpTool[] {
  const base = baseTools(o.mode, o.style, o.key.keyType);
  if (o.mode !== 'individual' || o.key.keyType !== 'restricted') return base;
  const out: McpTool[] = [];
  for (const tool of base) {
    const u = unavailability(stripeActionsByName.get(tool.name)!, o.key);
    if (!u) out.push(tool);
    else if (!o.hideUnavailable) out.push(markUnavailable(tool, u));
  }
  return out;
}

export interface SearchMatch {
  name: string;
  label: string;
  description: string;
  access: 'read' | 'write';
  method: string;
  path: string;
  /** 1 for the best match, relative below it. */
  score: number;
  required: string[];
  optional: string[];
  deprecated?: true;
  /** restricted keys: the `rak_…` permission the action needs */
  permission?: string | null;
  /** restricted keys: set when the key is known to lack what the action needs */
  available?: false;
  missing_permission?: string | null;
  unavailable_reason?: string;
  input_schema?: unknown;
}

/** `path.customer`-style names of an action's required and optional inputs. */
export function inputNames(a: StripeAction): { required: string[]; optional: string[] } {
  const required: string[] = [];
  const optional: string[] = [];
  for (const s of SECTIONS) {
    const sec = sectionSchema(a, s);
    const req = new Set(sec?.required ?? []);
    for (const k of Object.keys(sec?.properties ?? {})) (req.has(k) ? required : optional).push(`${s}.${k}`);
  }
  return { required, optional };
}

export function searchMatches(
  query: string,
  topK: number,
  o: { includeSchema?: boolean; key?: KeyKnowledge; hideUnavailable?: boolean } = {},
): SearchMatch[] {
  const restricted = o.key?.keyType === 'restricted';
  let ranked = searchActions(query, restricted && o.hideUnavailable ? stripeActions.length : topK);
  if (restricted && o.hideUnavailable) ranked = ranked.filter(({ action }) => !unavailability(action, o.key!)).slice(0, topK);
  return ranked.map(({ action: a, score }) => {
    const u = restricted ? unavailability(a, o.key!) : null;
    return {
      name: a.name,
      label: a.label,
      description: a.description,
      access: a.access,
      method: a.method,
      path: a.path,
      score,
      ...inputNames(a),
      ...(a.deprecated ? { deprecated: true as const } : {}),
      ...(restricted ? { permission: rakPermission(a) } : {}),
      ...(u ? { available: false as const, missing_permission: u.permission, unavailable_reason: u.reason } : {}),
      ...(o.includeSchema ? { input_schema: a.input } : {}),
    };
  });
}
