// Linkhub itself: the MCP transport, and failures of the server, its store and its vault.
import type { ErrorEntry } from './types.js';

export const SERVER_ERRORS = {
  unknown_tool: {
    status: 404,
    message: 'Unknown tool {tool}: {hint}',
    action: 'Call tools/list and use one of the tools it lists.',
    retryable: false,
  },
  invalid_mcp_request: {
    status: 400,
    message: '{message}',
    action: 'POST one JSON-RPC 2.0 message (or a batch) as JSON, with a supported MCP-Protocol-Version.',
    retryable: false,
  },
  method_not_allowed: {
    status: 405,
    message: 'Method not allowed: /mcp is stateless Streamable HTTP; send JSON-RPC with POST (no SSE stream, no sessions)',
    action: 'Use POST /mcp (the Allow header says so); there is no SSE stream to GET and no session to DELETE.',
    retryable: false,
  },
  internal_error: {
    status: 500,
    message: 'Internal server error',
    action: 'Retry; if it persists, report it with the time of the call (the server log has the cause).',
    retryable: false,
  },
  secret_undecryptable: {
    status: 500,
    message: 'The stored secret of {owner} cannot be decrypted: {reason}',
    action: "Store the key again (re-link the account, or PATCH it with a new key); check that LINKHUB_MASTER_KEY is this store's.",
    retryable: false,
  },
  store_unavailable: {
    status: 503,
    message: 'Store is not available',
    action: 'Retry shortly; if it persists, check the database Linkhub uses.',
    retryable: true,
  },
  server_busy: {
    status: 503,
    message: 'Linkhub is busy: it holds as many request bodies and provider answers as it may at once, and this body would pass that ({reason})',
    action: 'Retry in a moment (the Retry-After header says when): the body was refused before it was read, and nothing was sent to the provider.',
    retryable: true,
    extras: ['reason'],
  },
  store_not_migrated: {
    status: 503,
    message: "The store lacks this version's migrations ({missing}): it was replaced or restored while Linkhub ran",
    action: 'Restart this node: it migrates the store at start-up (or restore the database that matches this version).',
    retryable: false,
  },
} as const satisfies Record<string, ErrorEntry>;
