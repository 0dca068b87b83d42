// CORS on /mcp, for MCP clients that run in a browser page (web agents, the MCP Inspector): they send
// Authorization, Content-Type: application/json and the MCP headers, so every POST is preflighted.
// The origins are exactly those mcp-guard.ts lets through (Linkhub's public origin, a
// LINKHUB_MCP_ALLOWED_ORIGINS entry, or a page of this Linkhub itself): the guard runs first and
// refuses any other Origin with 403 before these headers are written, so a disallowed page gets no
// Access-Control-Allow-Origin and DNS-rebinding protection is unchanged. No Allow-Credentials:
// /mcp takes no cookies, only the Authorization header, which CORS lets through without it.
//
// Written here rather than with @fastify/cors (which /hub/* uses): that plugin adds a catch-all
// `OPTIONS *` route to the scope it is registered in, and /mcp is registered at the root, so every
// path's OPTIONS would go through the MCP guard; and its origin callback does not see the Host the
// guard's rules need.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const MCP_CORS_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
/** What MCP clients send (the Streamable HTTP transport's headers), the account, and W3C trace context. */
export const MCP_CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
  'x-account-id',
  'traceparent',
  'tracestate',
] as const;
/** What a browser client may read: the session id (the transport looks for it), the auth challenge, Linkhub's request id. */
export const MCP_CORS_EXPOSE_HEADERS = ['mcp-session-id', 'www-authenticate', 'x-request-id'] as const;
/** Seconds a browser may reuse a preflight (Chromium caps it at 7200). */
export const MCP_CORS_MAX_AGE = 7200;

/**
 * CORS headers of an /mcp answer whose Origin the guard has accepted. Vary: Origin always, so a
 * cache never hands one origin's answer to another.
 */
export function allowMcpOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${vary}, Origin` : 'Origin');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', MCP_CORS_EXPOSE_HEADERS.join(', '));
}

/** OPTIONS /mcp: the preflight answer (204, no body); the origin headers come from allowMcpOrigin. */
export function mcpPreflight(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .code(204)
    .header('access-control-allow-methods', MCP_CORS_METHODS.join(', '))
    .header('access-control-allow-headers', MCP_CORS_ALLOW_HEADERS.join(', '))
    .header('access-control-max-age', String(MCP_CORS_MAX_AGE))
    .send();
}
