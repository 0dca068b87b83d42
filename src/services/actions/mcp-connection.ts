// What an MCP connection is, and its tools/list, apart from the MCP SDK: the HTTP side answers
// tools/list from these without loading the SDK, which it loads on first need (src/http/mcp.ts).
import type { ConnectorDefinition } from '../../connectors/types.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';
import type { Actor } from '../logs/actor.js';
import type { RequestTrace } from '../logs/request-trace.js';
import { type ToolMode, toolsFor } from './mcp-tools.js';
import type { ParamStyle } from './param-styles.js';

export const MCP_SERVER_INFO = { name: 'linkhub', version: '0.1.0' } as const;

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
  /** The HTTP request of the connection (its traceparent goes upstream). */
  trace?: RequestTrace;
}

/** tools/list of a connection (also served pre-serialised by the HTTP fast path). */
export const toolsOf = (c: McpConnection) => toolsFor({ connector: c.connector, mode: c.mode, style: c.style, key: c.key, hideUnavailable: c.hideUnavailable });
