// Platform API authentication: HTTP Basic with the API key as username (StackOne's scheme);
// `Bearer <key>` is accepted too.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyPrincipal, ApiKeyService } from '../services/api-keys.js';
import type { Actor } from '../services/audit.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: ApiKeyPrincipal;
  }
}

export function presentedApiKey(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(header);
  if (!m) return null;
  if (m[1].toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user || null;
}

export function apiKeyAuth(apiKeys: ApiKeyService) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const key = presentedApiKey(request.headers.authorization);
    if (!key) {
      return sendError(reply, 401, 'Missing API key: use HTTP Basic auth with the API key as username and an empty password');
    }
    const principal = await apiKeys.verify(key);
    if (!principal) return sendError(reply, 401, 'Invalid API key');
    request.principal = principal;
  };
}

export const apiKeyActor = (request: FastifyRequest): Actor => ({ type: 'api_key', id: request.principal.keyId });
