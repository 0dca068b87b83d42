// Linkhub's MCP server for one linked account (one per request: the SDK's stateless pattern, so
// JSON-RPC ids of concurrent clients never cross). tools/list serves the connector's cached tools,
// marked for what the account's key cannot do; tools/call runs through the same executor as
// POST /actions/rpc (validation, permissions, throttle, call log and audit). A tool's failure (bad
// input, missing permission, unknown action, throttling, provider down) is a tool result with
// `isError: true` and the executor's message, never a transport error. The HTTP side (auth,
// transport, client quirks) is src/http/mcp.ts.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type CallToolRequest, CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorAction } from '../../connectors/types.js';
import { fail, LinkhubError } from '../../errors/fail.js';
import type { ExecuteInput, ExecuteResult } from './executor.js';
import { pickAccount } from '../agents/tokens.js';
import { ACCOUNT_ARGUMENT, MCP_SERVER_INFO, type McpConnection, toolsOf } from './mcp-connection.js';
import { executeToolName, searchMatches, SEARCH_MAX_TOP_K, searchToolName } from './mcp-tools.js';
import { type McpTool, type NestedArgs, type ParamStyle, renameFields, toNestedArgs } from './param-styles.js';
import { SEARCH_DEFAULT_TOP_K } from './search.js';

const jsonResult = (payload: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(payload) }],
  structuredContent: payload,
});

/** A tool's failure as its result: the catalogue error's message, status, code and extras (`rename` puts field names in the tool's style). */
function toolError(e: LinkhubError, rename: (text: string) => string = (text) => text): CallToolResult {
  // provider_errors repeats the provider's answer in full; provider_response already has its message
  const { provider_errors: _raw, ...extra }: Record<string, unknown> = e.extra;
  if (typeof extra.field === 'string') extra.field = rename(extra.field);
  const message = rename(e.message);
  return {
    content: [{ type: 'text', text: message }],
    structuredContent: { error: { message, statusCode: e.statusCode, code: e.code, ...extra } },
    isError: true,
  };
}

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

  /** The account a call acts on: the connection's, or (a token holding several) the one its `account` argument names. */
  const accountOf = (named: unknown): string => {
    if (!c.accountChoices || !c.agent) return c.accountId;
    return pickAccount(c.agent, typeof named === 'string' && named ? named : undefined, `the "${ACCOUNT_ARGUMENT}" argument`);
  };

  const run = async (action: ConnectorAction, args: NestedArgs, next: string | null, style: ParamStyle, account: unknown): Promise<CallToolResult> => {
    try {
      const result = await execute({
        projectId: c.projectId,
        accountId: accountOf(account),
        actor: c.actor,
        agent: c.agent,
        action: action.name,
        ...args,
        next,
        source: 'mcp',
        trace: c.trace,
      });
      return jsonResult({ data: result.data, next: result.next });
    } catch (e) {
      if (!(e instanceof LinkhubError)) throw e;
      return toolError(e, (text) => renameFields(text, action, style));
    }
  };

  /** Tool arguments → the executor's input, then the run; a misnamed argument is the tool's error. */
  const runWith = (
    action: ConnectorAction,
    style: ParamStyle,
    args: Record<string, unknown> | undefined,
    next: string | null,
  ): Promise<CallToolResult> | CallToolResult => {
    let input: NestedArgs;
    const { [ACCOUNT_ARGUMENT]: account, ...actionArgs } = args ?? {};
    try {
      input = toNestedArgs(action, style, c.accountChoices ? actionArgs : args);
    } catch (e) {
      if (e instanceof LinkhubError) return toolError(e);
      throw e;
    }
    return run(action, input, next, style, account);
  };

  const searchCall = (args: Record<string, unknown>): CallToolResult => {
    const query = args.query;
    if (typeof query !== 'string' || !query.trim()) {
      return toolError(
        fail('invalid_input', { field: 'query', problem: 'is required: describe what you want to do, e.g. "refund a charge"' }, { field: 'query' }),
      );
    }
    const topK = args.top_k ?? SEARCH_DEFAULT_TOP_K;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > SEARCH_MAX_TOP_K) {
      return toolError(fail('invalid_input', { field: 'top_k', problem: `must be an integer from 1 to ${SEARCH_MAX_TOP_K}` }, { field: 'top_k' }));
    }
    const results = searchMatches(c.connector, query, topK, { includeSchema: args.include_schema === true, key: c.key, hideUnavailable: c.hideUnavailable });
    return jsonResult({ query, total_count: results.length, results });
  };

  const executeCall = async (args: Record<string, unknown>): Promise<CallToolResult> => {
    const { action: actionName, next, ...rest } = args;
    const bad = (field: string, problem: string) => toolError(fail('invalid_input', { field, problem }, { field }));
    if (typeof actionName !== 'string' || !actionName) return bad('action', `is required: an action name from ${search}`);
    const action = byName.get(actionName);
    if (!action) return toolError(fail('unknown_action', { action: actionName, hint: `find one with ${search}` }, { field: 'action' }));
    if (next !== undefined && next !== null && typeof next !== 'string') return bad('next', 'must be a string');
    return runWith(action, 'nested', rest, (next as string | null | undefined) ?? null);
  };

  // The SDK parses a request with the handler's schema first and answers a misfit as an internal
  // error (-32603); its tools/call wrapper answers the same misfit as invalid params (-32602). So the
  // handler's schema names only the method and the wrapper checks the params, as CallToolRequestSchema.
  const toolsCallMethod = CallToolRequestSchema.pick({ method: true }).loose();
  mcp.server.registerCapabilities({ tools: {} });
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: toolsOf(c) as McpTool[] }));
  mcp.server.setRequestHandler(toolsCallMethod, async (req) => {
    const { name: tool, arguments: args } = (req as CallToolRequest).params;
    try {
      if (c.mode === 'search_execute') {
        if (tool === search) return searchCall(args ?? {});
        if (tool === executeName) return await executeCall(args ?? {});
        return toolError(fail('unknown_tool', { tool, hint: `in tool-mode=search_execute the tools are ${search} and ${executeName}` }));
      }
      const action = byName.get(tool);
      if (!action) return toolError(fail('unknown_tool', { tool, hint: 'call tools/list for the tools of this account' }));
      return await runWith(action, c.style, args, null);
    } catch (e) {
      c.logError(e);
      return toolError(fail('internal_error'));
    }
  });
  return mcp;
}
