// Linkhub's MCP server for one linked account (one per request: the SDK's stateless pattern, so
// JSON-RPC ids of concurrent clients never cross). tools/list serves the connector's cached tools,
// marked for what the account's key cannot do; tools/call runs through the same executor as
// POST /actions/rpc (validation, permissions, throttle, call log and audit). A tool's failure (bad
// input, missing permission, unknown action, throttling, provider down) is a tool result with
// `isError: true` and the executor's message, never a transport error. The HTTP side (auth,
// transport, client quirks) is src/http/mcp.ts.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { ServiceError } from '../../errors/service-error.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import type { Actor } from '../logs/actor.js';
import type { ExecuteInput, ExecuteResult } from './executor.js';
import { executeToolName, searchMatches, SEARCH_MAX_TOP_K, searchToolName, type ToolMode, toolsFor } from './mcp-tools.js';
import { ArgumentError, type McpTool, type NestedArgs, type ParamStyle, renameFields, toNestedArgs } from './param-styles.js';

export const MCP_SERVER_INFO = { name: 'linkhub', version: '0.1.0' } as const;
const SEARCH_DEFAULT_TOP_K = 5;

/** One MCP connection: the account, its connector and key, and the client's choices. */
export interface McpConnection {
  projectId: string;
  accountId: string;
  connector: ConnectorDefinition;
  /** The executor's knowledge of the account's key. */
  key: KeyKnowledge;
  actor: Actor;
  mode: ToolMode;
  style: ParamStyle;
  hideUnavailable: boolean;
  logError: (e: unknown) => void;
}

const jsonResult = (payload: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(payload) }],
  structuredContent: payload,
});

const toolError = (message: string, details: Record<string, unknown> = {}): CallToolResult => ({
  content: [{ type: 'text', text: message }],
  structuredContent: { error: { message, ...details } },
  isError: true,
});

/** tools/list of a connection (also served pre-serialised by the HTTP fast path). */
export const toolsOf = (c: McpConnection) => toolsFor({ connector: c.connector, mode: c.mode, style: c.style, key: c.key, hideUnavailable: c.hideUnavailable });

export function mcpServer(c: McpConnection, execute: (input: ExecuteInput) => Promise<ExecuteResult>): McpServer {
  const search = searchToolName(c.connector);
  const executeName = executeToolName(c.connector);
  const byName = c.connector.actions.catalogue().byName;
  const name = c.connector.name;
  // McpServer's own tool registry (zod schemas, one registration per tool) does not fit a catalogue
  // of hundreds of JSON-Schema tools: the low-level handlers of its `server` serve the cached lists.
  const mcp = new McpServer(MCP_SERVER_INFO, {
    instructions:
      c.mode === 'search_execute'
        ? `${name} account ${c.accountId} through Linkhub. Find an action with ${search}, then run it with ${executeName}.`
        : `${name} account ${c.accountId} through Linkhub: one tool per ${name} API action.`,
  });

  const run = async (action: ConnectorAction, args: NestedArgs, next: string | null, style: ParamStyle): Promise<CallToolResult> => {
    try {
      const result = await execute({ projectId: c.projectId, accountId: c.accountId, actor: c.actor, action: action.name, ...args, next, source: 'mcp' });
      return jsonResult({ data: result.data, next: result.next });
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      // provider_errors repeats the provider's answer in full; provider_response already has its message
      const { provider_errors: _raw, ...extra } = e.extra;
      if (typeof extra.field === 'string') extra.field = renameFields(extra.field, action, style);
      return toolError(renameFields(e.message, action, style), { statusCode: e.statusCode, ...extra });
    }
  };

  /** Tool arguments → the executor's input, then the run; a misnamed argument is the tool's error. */
  const runWith = (action: ConnectorAction, style: ParamStyle, args: Record<string, unknown> | undefined, next: string | null): Promise<CallToolResult> | CallToolResult => {
    let input: NestedArgs;
    try {
      input = toNestedArgs(action, style, args);
    } catch (e) {
      if (e instanceof ArgumentError) return toolError(e.message, { statusCode: 400, code: 'invalid_input', field: e.field });
      throw e;
    }
    return run(action, input, next, style);
  };

  const searchCall = (args: Record<string, unknown>): CallToolResult => {
    const query = args.query;
    if (typeof query !== 'string' || !query.trim()) {
      return toolError('query is required: describe what you want to do, e.g. "refund a charge"', { statusCode: 400, field: 'query' });
    }
    const topK = args.top_k ?? SEARCH_DEFAULT_TOP_K;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > SEARCH_MAX_TOP_K) {
      return toolError(`top_k must be an integer from 1 to ${SEARCH_MAX_TOP_K}`, { statusCode: 400, field: 'top_k' });
    }
    const results = searchMatches(c.connector, query, topK, { includeSchema: args.include_schema === true, key: c.key, hideUnavailable: c.hideUnavailable });
    return jsonResult({ query, total_count: results.length, results });
  };

  const executeCall = async (args: Record<string, unknown>): Promise<CallToolResult> => {
    const { action: actionName, next, ...rest } = args;
    if (typeof actionName !== 'string' || !actionName) return toolError(`action is required: an action name from ${search}`, { statusCode: 400, field: 'action' });
    const action = byName.get(actionName);
    if (!action) return toolError(`Unknown action ${actionName}: find one with ${search}`, { statusCode: 404, code: 'unknown_action', field: 'action' });
    if (next !== undefined && next !== null && typeof next !== 'string') return toolError('next must be a string', { statusCode: 400, field: 'next' });
    return runWith(action, 'nested', rest, (next as string | null | undefined) ?? null);
  };

  mcp.server.registerCapabilities({ tools: {} });
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolsOf(c) as McpTool[] }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { name: tool, arguments: args } = req.params;
    try {
      if (c.mode === 'search_execute') {
        if (tool === search) return searchCall(args ?? {});
        if (tool === executeName) return await executeCall(args ?? {});
        return toolError(`Unknown tool ${tool}: in tool-mode=search_execute the tools are ${search} and ${executeName}`, { statusCode: 404 });
      }
      const action = byName.get(tool);
      if (!action) return toolError(`Unknown tool ${tool}: call tools/list for the tools of this account`, { statusCode: 404 });
      return await runWith(action, c.style, args, null);
    } catch (e) {
      c.logError(e);
      return toolError('Internal error while running the tool', { statusCode: 500 });
    }
  });
  return mcp;
}
