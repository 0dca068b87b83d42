// POST /mcp: Linkhub's MCP server (docs/stackone-compat.md#mcp) over Streamable HTTP in stateless mode. One linked
// account per connection (x-account-id header, or ?x-account-id= / ?account_id=; the header wins),
// the platform API key as auth; or an agent token, which selects its account(s) and policy (mcp-auth.ts,
// docs/agents.md#mcp). Every POST gets a fresh MCP server and transport (the SDK's stateless
// pattern: JSON-RPC ids of concurrent clients can never cross), answered with plain JSON, never SSE.
// tools/call runs through the shared action executor (services.actions.execute), exactly as
// POST /actions/rpc does: same validation, permissions, throttle, request log and audit.
//
// Choices:
// - Linkhub's own failures before MCP starts are HTTP errors in Linkhub's error shape
//   ({statusCode, message, timestamp}) that also carry a JSON-RPC `error`, so StackOne's SDK and
//   generic MCP clients both read them: 401 no/invalid key, 400 no account id or a bad
//   `tool-mode`/`param-style`/`hide_unavailable`, 404 unknown account. The SDK transport's own
//   errors (not JSON-RPC, unsupported MCP-Protocol-Version) get the same merged shape.
// - A Host that does not name this Linkhub, or a browser Origin that is not allowed, → 403 before
//   anything else (mcp-guard.ts); clients outside a browser send no Origin.
// - GET and DELETE /mcp → 405 (no SSE stream, no sessions), before authentication.
// - CORS for browser clients (mcp-cors.ts): OPTIONS /mcp is the preflight, and every answer to an
//   Origin the guard accepted names it in Access-Control-Allow-Origin.
// - tools/list is small by default (tool-mode=search_execute: search and execute, a few hundred
//   tokens); tool-mode=all (alias individual) lists one tool per action.
// - Accept: `application/json` alone (StackOne's mcpPost) or none is served: answers are always JSON.
//   Such a client (no `text/event-stream` in Accept) also gets 200 instead of 202 for notifications,
//   since StackOne's SDK accepts only 200 (docs/stackone-compat.md#general-rules).
// - StackOne's 4.28 SDK strips free-form objects (docs/stackone-compat.md#free-form-objects-arrive-empty), so its JSON-RPC `id` arrives as `{}` and its
//   `params` as `{}`. Such an id is echoed back as `{}`, and an `initialize` with empty params gets
//   default params (protocol version from MCP-Protocol-Version, else 2025-06-18), so the call answers 200.
// - A tool's failure (bad input, missing permission, unknown action, throttling, provider down) is a
//   tool result with `isError: true` and the executor's message, never a transport error.
// - Restricted keys: tools/list marks the actions the key is known to lack (the executor's key
//   knowledge, as in GET /actions: closed to restricted keys, or a permission the provider refused) in the
//   description and `_meta`; `?hide_unavailable=true` leaves them out instead. Marked tools can still
//   be called (the permission may have been granted since).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getConnector } from '../connectors/registry.js';
import { fail, LinkhubError } from '../errors/fail.js';
import { type McpConnection, toolsOf } from '../services/actions/mcp-connection.js';
import { DEFAULT_TOOL_MODE, TOOL_MODE_NAMES, toolMode, toolsJson } from '../services/actions/mcp-tools.js';
import { PARAM_STYLES } from '../services/actions/param-styles.js';
import { pickAccount } from '../services/agents/tokens.js';
import { mcpAuthRefusal, mcpChallenge } from './mcp-auth.js';
import type { RouteContext } from './context.js';
import { jsonRpcError } from './errors.js';
import { allowMcpOrigin, mcpPreflight } from './mcp-cors.js';
import { mcpRequestRefusal } from './mcp-guard.js';
import { errors } from './openapi/errors.js';
import { McpQuery, McpRequestBody, McpResponse, OptionalAccountIdHeader } from './wire-schemas.js';

export { MCP_SERVER_INFO } from '../services/actions/mcp-connection.js';

/**
 * The MCP SDK's server side and Linkhub's server on it, loaded on the first request that needs them:
 * a start need not pay for them (about a third of a second and 25 MB: bench/start.ts).
 */
let sdkLoading: Promise<McpSdk> | null = null;
interface McpSdk {
  Transport: typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js').WebStandardStreamableHTTPServerTransport;
  versions: readonly string[];
  mcpServer: typeof import('../services/actions/mcp-server.js').mcpServer;
}
function mcpSdk(): Promise<McpSdk> {
  sdkLoading ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('../services/actions/mcp-server.js'),
  ]).then(([transport, types, server]) => ({
    Transport: transport.WebStandardStreamableHTTPServerTransport,
    versions: types.SUPPORTED_PROTOCOL_VERSIONS,
    mcpServer: server.mcpServer,
  }));
  return sdkLoading;
}

const first = (v: unknown): string | undefined => (Array.isArray(v) ? first(v[0]) : typeof v === 'string' ? v : undefined);

/** An HTTP error answer with its JSON-RPC error (errors.ts, jsonRpcError). */
function mcpHttpError(reply: FastifyReply, err: LinkhubError, rpc: { code?: number; id?: unknown } = {}) {
  return reply.code(err.statusCode).type('application/json').send(jsonRpcError(err, rpc));
}

function option<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw fail('invalid_input', { field: name, problem: `"${value}" is not supported: use ${allowed.join(', ')}` }, { field: name });
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw fail('invalid_input', { field: name, problem: 'must be true or false' }, { field: name });
}

export const mcpRoutes =
  (ctx: RouteContext): FastifyPluginAsync =>
  async (app) => {
    const { actions } = ctx.services;

    // Host and Origin first, before authentication (mcp-guard.ts: the specification's DNS-rebinding defence)
    app.addHook('onRequest', async (request, reply) => {
      const refusal = mcpRequestRefusal(request, ctx.services.config);
      if (refusal) return mcpHttpError(reply, refusal);
      allowMcpOrigin(request, reply); // an Origin the guard just accepted
    });
    app.options('/mcp', { schema: { hide: true } }, mcpPreflight);

    /**
     * Answers 401 with the challenge to a request without a valid credential (MCP authorization); true
     * when it did. A boolean, not the reply: a reply is thenable, so awaiting it gives undefined.
     */
    const challenged = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
      const refused = await mcpAuthRefusal(request, ctx.services);
      if (!refused) return false;
      const challenge = mcpChallenge(ctx.services.config.publicUrl, refused.entry !== 'api_key_missing');
      mcpHttpError(reply.header('www-authenticate', challenge), refused);
      return true;
    };
    // Unauthenticated first, as any request to the endpoint: clients probe with a GET for the challenge
    // (mcp-remote starts its callback server on that answer, before it prints the authorization URL)
    const notAllowed = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!(await challenged(request, reply))) mcpHttpError(reply.header('allow', 'POST'), fail('method_not_allowed'));
      return reply;
    };
    app.get('/mcp', { schema: { hide: true } }, notAllowed);
    app.delete('/mcp', { schema: { hide: true } }, notAllowed);

    async function connection(request: FastifyRequest): Promise<McpConnection> {
      const q = request.query as Record<string, unknown>;
      const mode = toolMode(option(first(q['tool-mode']) ?? first(q.tool_mode), TOOL_MODE_NAMES, DEFAULT_TOOL_MODE, 'tool-mode'));
      const style = option(first(q['param-style']) ?? first(q.param_style), PARAM_STYLES, 'nested', 'param-style');
      const hideUnavailable = flag(first(q.hide_unavailable), 'hide_unavailable');
      const named = (first(request.headers['x-account-id']) || first(q['x-account-id']) || first(q.account_id) || '').trim();
      const agent = request.agent ?? null;
      // an agent token selects its account; with several and none named, each tool call names one
      const choices = agent && !named && agent.accountIds.length > 1 ? agent.accountIds : null;
      const accountId = agent ? (choices ? choices[0] : pickAccount(agent, named || undefined, 'the x-account-id header')) : named;
      if (!accountId) {
        throw fail('missing_account_id', { where: 'the x-account-id header (or ?x-account-id= / ?account_id=)' }, { field: 'x-account-id' });
      }
      const projectId = agent ? agent.projectId : request.principal.project.id;
      const key = await actions.knowledge(projectId, accountId);
      const connector = getConnector(key.provider);
      if (!connector) throw fail('integration_disabled', { account: key.accountId, provider: key.provider });
      const logError = (e: unknown) =>
        request.log.error({ err: e instanceof Error ? { type: e.name, message: e.message, stack: e.stack } : e }, 'MCP tool failed');
      return {
        projectId,
        accountId: key.accountId,
        connector,
        key,
        actor: agent ? { type: 'agent_token', id: agent.tokenId } : { type: 'api_key', id: request.principal.keyId },
        agent,
        accountChoices: choices,
        mode,
        style,
        hideUnavailable,
        logError,
        trace: request,
      };
    }

    /**
     * tools/list alone (the common, large case: ~1.4 MB for the full catalogue) is answered from the
     * cached serialised list: the same bytes the SDK would send, without re-serialising per request.
     * Anything else, or anything unusual about it (batch, cursor, unsupported protocol version), goes
     * through the SDK server.
     */
    function fastToolsList(request: FastifyRequest, body: unknown, c: McpConnection, versions: readonly string[]): string | null {
      const m = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
      if (Array.isArray(body) || m.jsonrpc !== '2.0' || m.method !== 'tools/list') return null;
      if (!(typeof m.id === 'string' || (typeof m.id === 'number' && Number.isInteger(m.id)))) return null;
      if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Object.keys(m.params).some((k) => k !== '_meta'))) return null;
      const version = first(request.headers['mcp-protocol-version']);
      if (version !== undefined && !versions.includes(version)) return null;
      return `{"result":{"tools":${toolsJson(toolsOf(c))}},"jsonrpc":"2.0","id":${JSON.stringify(m.id)}}`;
    }

    const postSchema = {
      summary: 'MCP server (Streamable HTTP, stateless, JSON answers)',
      description:
        'JSON-RPC 2.0: initialize, tools/list, tools/call, notifications. Auth: the platform API key with one linked account per connection ' +
        '(x-account-id header, or ?x-account-id= / ?account_id=; the header wins), or an agent token (`Authorization: Bearer lhat_…`, from ' +
        'POST /accounts/{id}/agent_tokens or OAuth) that selects its account and policy; a token with several accounts takes an `account` tool ' +
        'argument unless x-account-id names one. Without a credential: 401 with `WWW-Authenticate: Bearer resource_metadata=…` (OAuth discovery). Query: tool-mode=search_execute (default: two tools, ' +
        '<provider>_search_actions and <provider>_execute_action, that reach every action) or all (alias individual: one tool per action), ' +
        'param-style=nested|flat_prefixed|flat_smart, hide_unavailable=true|false. Every tool carries annotations ' +
        '(readOnlyHint, destructiveHint, idempotentHint, openWorldHint, title). GET and DELETE answer 405. ' +
        'Browser clients: OPTIONS /mcp answers the CORS preflight for the origins the DNS-rebinding guard allows.',
      tags: ['MCP'],
      // documented, not validated: the handler and the MCP SDK transport check JSON-RPC and answer in its error shape
      docOnly: { body: McpRequestBody, querystring: McpQuery, headers: OptionalAccountIdHeader },
      response: {
        200: McpResponse,
        202: Type.Null({ description: 'Notification accepted (no body), for a client that accepts text/event-stream' }),
        ...errors(400, 401, 403, 404),
      },
    };
    app.post(
      '/mcp',
      {
        schema: postSchema,
        // before the body is read: nobody unknown gets a megabyte of JSON parsed
        onRequest: async (request, reply) => {
          if (await challenged(request, reply)) return reply;
        },
      },
      async (request, reply) => {
        let c: McpConnection;
        try {
          c = await connection(request);
        } catch (e) {
          if (e instanceof LinkhubError) return mcpHttpError(reply, e);
          throw e;
        }
        const body = request.body;
        if (body === undefined || body === null || typeof body !== 'object') {
          return mcpHttpError(reply, fail('invalid_mcp_request', { message: 'Request body must be a JSON-RPC message (Content-Type: application/json)' }), {
            code: -32700,
          });
        }

        const sdk = await mcpSdk();
        const fast = fastToolsList(request, body, c, sdk.versions);
        if (fast !== null) return reply.type('application/json').send(fast);

        let quirks: ReturnType<typeof normaliseQuirks>;
        try {
          quirks = normaliseQuirks(body, first(request.headers['mcp-protocol-version']), sdk.versions);
        } catch (e) {
          if (e instanceof LinkhubError) return mcpHttpError(reply, e, { code: -32600 });
          throw e;
        }
        const { body: message, ids } = quirks;
        const jsonOnly = !(first(request.headers.accept) ?? '').includes('text/event-stream');
        const mcp = sdk.mcpServer(c, (input) => actions.execute(input));
        const transport = new sdk.Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        try {
          await mcp.connect(transport);
          const res = await transport.handleRequest(webRequest(request), { parsedBody: message });
          return await sendWeb(reply, res, { ids, acceptedStatus: jsonOnly ? 200 : 202 });
        } finally {
          await mcp.close().catch(() => {});
        }
      },
    );
  };

const QUIRK_ID = `linkhub-object-id-${randomUUID()}-`;
const DEFAULT_PROTOCOL_VERSION = '2025-06-18';
/**
 * Deepest object `id` kept for restoring (StackOne's SDK sends `{}`). The id is stored and written
 * back whole with the answer, so a deeper one is refused rather than carried through.
 */
const MAX_ID_DEPTH = 8;

/** Nesting depth of a JSON value, counted no further than `limit + 1` (never recursing deeper). */
function depthOf(v: unknown, limit: number): number {
  if (v === null || typeof v !== 'object') return 0;
  if (limit < 0) return 1;
  let deepest = 0;
  for (const x of Object.values(v)) deepest = Math.max(deepest, depthOf(x, limit - 1));
  return deepest + 1;
}

/**
 * StackOne 4.28 quirks: an object `id` (stripped to `{}`) becomes a placeholder string the SDK server
 * accepts, restored in the answer; `initialize` with empty params gets defaults. Other input is untouched.
 */
function normaliseQuirks(body: object, protocolHeader: string | undefined, versions: readonly string[]): { body: unknown; ids: Map<string, unknown> } {
  const ids = new Map<string, unknown>();
  // Each tools/list in a batch is built and serialised whole by the SDK (~1.4 MB with tool-mode=all):
  // 100 in one batch answered 141 MB, and eight such batches at once ran the node out of memory.
  if (Array.isArray(body) && body.filter((m) => (m as { method?: unknown } | null)?.method === 'tools/list').length > 1) {
    throw fail('invalid_mcp_request', { message: 'A batch may carry tools/list once; send the others in requests of their own' });
  }
  const fix = (m: unknown): unknown => {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return m;
    let msg = m as Record<string, unknown>;
    if (msg.id !== null && typeof msg.id === 'object') {
      if (depthOf(msg.id, MAX_ID_DEPTH) > MAX_ID_DEPTH) {
        throw fail('invalid_input', { field: 'body.id', problem: `nests deeper than ${MAX_ID_DEPTH} levels` }, { field: 'id' });
      }
      const placeholder = `${QUIRK_ID}${ids.size}`;
      ids.set(placeholder, msg.id);
      msg = { ...msg, id: placeholder };
    }
    const params = msg.params;
    if (msg.method === 'initialize' && (params === undefined || (params !== null && typeof params === 'object' && Object.keys(params).length === 0))) {
      const version = protocolHeader && versions.includes(protocolHeader) ? protocolHeader : DEFAULT_PROTOCOL_VERSION;
      msg = { ...msg, params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'unknown', version: '0' } } };
    }
    return msg;
  };
  return { body: Array.isArray(body) ? body.map(fix) : fix(body), ids };
}

/** Puts the ids replaced by normaliseQuirks back into a JSON-RPC answer. */
function restoreIds(text: string, ids: Map<string, unknown>): string {
  if (ids.size === 0 || !text) return text;
  const swap = (m: unknown) => {
    if (m && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string' && ids.has((m as { id: string }).id)) {
      (m as { id: unknown }).id = ids.get((m as { id: string }).id);
    }
    return m;
  };
  const parsed: unknown = JSON.parse(text);
  return JSON.stringify(Array.isArray(parsed) ? parsed.map(swap) : swap(parsed));
}

const SKIP_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'accept', 'content-type', 'cookie', 'authorization']);

/** The Web Request the SDK transport reads: same URL and headers; the body (parsed by Fastify) goes separately. */
function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(request.headers)) {
    if (v === undefined || SKIP_HEADERS.has(k)) continue;
    headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
  }
  // Answers are always plain JSON (enableJsonResponse), so a client accepting only JSON is served too.
  headers.set('accept', 'application/json, text/event-stream');
  headers.set('content-type', 'application/json');
  return new Request(new URL(request.url, 'http://linkhub.local'), { method: 'POST', headers });
}

async function sendWeb(reply: FastifyReply, res: Response, o: { ids: Map<string, unknown>; acceptedStatus: 200 | 202 }) {
  const text = restoreIds(await res.text(), o.ids);
  reply.code(res.status === 202 ? o.acceptedStatus : res.status);
  for (const [k, v] of res.headers) if (k !== 'content-length' && k !== 'allow') reply.header(k, v);
  if (res.status >= 400) {
    // an SDK transport error ({jsonrpc, error, id}): give it Linkhub's error shape too
    let rpc: { error?: { code?: number; message?: string }; id?: unknown } = {};
    try {
      rpc = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const message = rpc.error?.message ?? (text || 'MCP request failed');
    return mcpHttpError(reply, fail('invalid_mcp_request', { message }), { code: rpc.error?.code ?? -32000, id: rpc.id });
  }
  return text ? reply.send(text) : reply.send();
}
