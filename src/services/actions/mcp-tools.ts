// The MCP tools of a connector's actions (StackOne's MCP tool modes, docs/stackone-compat.md#mcp):
// the two meta tools of `tool-mode=search_execute` (`<prefix>search_actions`, `<prefix>execute_action`,
// the default: a few hundred tokens that reach every action), or one tool per action with
// `tool-mode=all` (StackOne's name `individual` is its alias; hundreds of thousands of tokens for a
// large catalogue), with the input schema in one of the param styles (param-styles.ts), plus search
// matches for the meta search tool. Pure and cached: a catalogue's tools are built once per
// (connector, mode, style, key type), never per request.
import type { ConnectorAction, ConnectorDefinition, KeyType } from '../../connectors/types.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import { type Unavailable, unavailability } from './availability.js';
import { inputSchemaFor, type McpTool, type ParamStyle, SECTIONS, sectionSchema } from './param-styles.js';
import { SEARCH_DEFAULT_TOP_K, searchActions } from './search.js';
import { actionAnnotations } from './tool-annotations.js';

/** What `?tool-mode=` takes; `individual` is StackOne's name for `all`. */
export const TOOL_MODE_NAMES = ['search_execute', 'all', 'individual'] as const;
export type ToolModeName = (typeof TOOL_MODE_NAMES)[number];
export const DEFAULT_TOOL_MODE = 'search_execute' satisfies ToolModeName;
export type ToolMode = Exclude<ToolModeName, 'individual'>;
export const toolMode = (name: ToolModeName): ToolMode => (name === 'individual' ? 'all' : name);
export const SEARCH_MAX_TOP_K = 50;

export const searchToolName = (c: ConnectorDefinition) => `${c.actions.prefix}search_actions`;
export const executeToolName = (c: ConnectorDefinition) => `${c.actions.prefix}execute_action`;

function describe(a: ConnectorAction): string {
  let d = a.description || a.label;
  if (a.deprecated) d += ` Deprecated: ${a.deprecationReason ?? 'kept for completeness'}`;
  return d;
}

function actionTool(a: ConnectorAction, prefix: string, style: ParamStyle, keyType: KeyType): McpTool {
  const tool: McpTool = {
    name: a.name,
    title: a.label,
    description: describe(a),
    inputSchema: inputSchemaFor(a, style),
    annotations: actionAnnotations(a, prefix),
  };
  if (keyType === 'restricted') {
    tool._meta = { 'linkhub/permission': a.permission ?? (a.closedToRestrictedKeys ? 'not_available_to_restricted_keys' : null) };
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

function searchTool(c: ConnectorDefinition): McpTool {
  const title = `Search ${c.name} actions`;
  return {
    name: searchToolName(c),
    title,
    description:
      `Finds the ${c.name} actions (of ${c.actions.catalogue().actions.length}) that match a plain-language query, best first. Each match has its name, ` +
      `description, access (read/write) and its required and optional inputs as path.x / query.x / body.x. Call ${executeToolName(c)} with the chosen name.`,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 500, description: 'What you want to do, e.g. "refund a charge" or "list customers by email".' },
        top_k: { type: 'integer', minimum: 1, maximum: SEARCH_MAX_TOP_K, default: SEARCH_DEFAULT_TOP_K, description: 'How many matches to return.' },
        include_schema: { type: 'boolean', default: false, description: "Also return each match's full input JSON Schema." },
      },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  };
}

function executeTool(c: ConnectorDefinition): McpTool {
  const title = `Execute a ${c.name} action`;
  const example = c.actions.catalogue().actions.find((a) => a.list && a.method === 'GET')?.name ?? `${c.actions.prefix}…`;
  const headers = [...c.api.passHeaders, ...(c.api.idempotency ? [c.api.idempotency.header] : [])];
  return {
    name: executeToolName(c),
    title,
    description:
      `Runs one ${c.name} action by name (find it with ${searchToolName(c)}) with its inputs grouped as path, query, body and headers, ` +
      `e.g. {"action":"${example}","query":{"limit":3}}. Returns {data, next}; pass \`next\` back for the next page of a list.`,
    inputSchema: {
      type: 'object',
      properties: {
        action: { type: 'string', pattern: `^${c.actions.prefix}[a-z0-9_]+$`, description: `Action name from ${searchToolName(c)}, e.g. ${example}.` },
        path: { type: 'object', description: 'Path parameters, e.g. {"id":"…"}.', additionalProperties: true },
        query: { type: 'object', description: 'Query parameters (GET actions), e.g. {"limit":10}.', additionalProperties: true },
        body: { type: 'object', description: 'Body fields (POST actions), e.g. {"email":"a@b.co"}.', additionalProperties: true },
        headers: { type: 'object', description: `Optional headers: ${headers.join(', ')}.`, additionalProperties: { type: 'string' } },
        next: { type: 'string', description: 'For list actions: the `next` cursor of the previous page.' },
      },
      required: ['action'],
      additionalProperties: false,
    },
    annotations: { title, readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  };
}

const listCache = new Map<string, readonly McpTool[]>();

/** The cached tool list of (connector, mode, style, key type), before account-specific marks. */
export function baseTools(c: ConnectorDefinition, mode: ToolMode, style: ParamStyle, keyType: KeyType): readonly McpTool[] {
  const key = mode === 'search_execute' ? `${c.key}:${mode}` : `${c.key}:${mode}:${style}:${keyType}`;
  let tools = listCache.get(key);
  if (!tools) {
    tools = Object.freeze(
      mode === 'search_execute' ? [searchTool(c), executeTool(c)] : c.actions.catalogue().actions.map((a) => actionTool(a, c.actions.prefix, style, keyType)),
    );
    listCache.set(key, tools);
  }
  return tools;
}

const jsonCache = new WeakMap<readonly McpTool[], string>();

/** `JSON.stringify(tools)`, kept for the cached lists (a full catalogue can be well over a megabyte of JSON). */
export function toolsJson(tools: readonly McpTool[]): string {
  let json = jsonCache.get(tools);
  if (json === undefined) {
    json = JSON.stringify(tools);
    if (Object.isFrozen(tools)) jsonCache.set(tools, json);
  }
  return json;
}

export interface ToolListOptions {
  connector: ConnectorDefinition;
  mode: ToolMode;
  style: ParamStyle;
  /** What the executor knows about the account's key (type, permissions refused or shown to work). */
  key: KeyKnowledge;
  /** Drop unavailable actions instead of marking them. */
  hideUnavailable: boolean;
}

/** tools/list for one account: the cached list, with the actions its restricted key cannot run marked or hidden. */
export function toolsFor(o: ToolListOptions): readonly McpTool[] {
  const base = baseTools(o.connector, o.mode, o.style, o.key.keyType);
  if (o.mode !== 'all' || o.key.keyType !== 'restricted') return base;
  const byName = o.connector.actions.catalogue().byName;
  const out: McpTool[] = [];
  for (const tool of base) {
    const u = unavailability(o.connector, byName.get(tool.name)!, o.key);
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
  /** restricted keys: the permission the action needs */
  permission?: string | null;
  /** restricted keys: set when the key is known to lack what the action needs */
  available?: false;
  missing_permission?: string | null;
  unavailable_reason?: string;
  input_schema?: unknown;
}

/** `path.customer`-style names of an action's required and optional inputs. */
export function inputNames(a: ConnectorAction): { required: string[]; optional: string[] } {
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
  c: ConnectorDefinition,
  query: string,
  topK: number,
  o: { includeSchema?: boolean; key?: KeyKnowledge; hideUnavailable?: boolean } = {},
): SearchMatch[] {
  const restricted = o.key?.keyType === 'restricted';
  let ranked = searchActions(c, query, restricted && o.hideUnavailable ? c.actions.catalogue().actions.length : topK);
  if (restricted && o.hideUnavailable) ranked = ranked.filter(({ action }) => !unavailability(c, action, o.key!)).slice(0, topK);
  return ranked.map(({ action: a, score }) => {
    const u = restricted ? unavailability(c, a, o.key!) : null;
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
      ...(restricted ? { permission: a.permission } : {}),
      ...(u ? { available: false as const, missing_permission: u.permission, unavailable_reason: u.reason } : {}),
      ...(o.includeSchema ? { input_schema: a.input } : {}),
    };
  });
}
