// What an MCP connection is, and its tools/list, apart from the MCP SDK: the HTTP side answers
// tools/list from these without loading the SDK, which it loads on first need (src/http/mcp.ts).
import type { ConnectorDefinition } from '../../connectors/types.js';
import type { AgentPrincipal } from '../agents/tokens.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import type { Actor } from '../logs/actor.js';
import type { RequestTrace } from '../logs/request-trace.js';
import { searchToolName, type ToolMode, toolsFor } from './mcp-tools.js';
import type { McpTool, ParamStyle } from './param-styles.js';

export const MCP_SERVER_INFO = { name: 'linkhub', version: '0.1.0' } as const;

/** One MCP connection: the account, its connector and key, and the client's choices. */
export interface McpConnection {
  projectId: string;
  accountId: string;
  connector: ConnectorDefinition;
  /** The executor's knowledge of the account's key. */
  key: KeyKnowledge;
  actor: Actor;
  /** The agent token of the connection, whose policy applies to every call; null: the platform API key. */
  agent: AgentPrincipal | null;
  /**
   * A token with several accounts and none named for the connection: each tool call names one in its
   * `account` argument (accountId is then the first, whose connector and key describe the tools).
   */
  accountChoices: readonly string[] | null;
  mode: ToolMode;
  style: ParamStyle;
  hideUnavailable: boolean;
  logError: (e: unknown) => void;
  /** The HTTP request of the connection (its traceparent goes upstream). */
  trace?: RequestTrace;
}

export const ACCOUNT_ARGUMENT = 'account';

/** A tool that also takes the account to act on (every tool but the meta search, which calls nothing). */
function withAccount(tool: McpTool, choices: readonly string[]): McpTool {
  const account = { type: 'string', enum: [...choices], description: 'The linked account to act on: this token holds several, so name one on each call.' };
  return { ...tool, inputSchema: { ...tool.inputSchema, properties: { ...tool.inputSchema.properties, [ACCOUNT_ARGUMENT]: account } } };
}

/** tools/list of a connection (also served pre-serialised by the HTTP fast path). */
export function toolsOf(c: McpConnection): readonly McpTool[] {
  const tools = toolsFor({ connector: c.connector, mode: c.mode, style: c.style, key: c.key, hideUnavailable: c.hideUnavailable });
  const choices = c.accountChoices;
  if (!choices) return tools;
  const search = searchToolName(c.connector);
  return tools.map((t) => (t.name === search ? t : withAccount(t, choices)));
}
