// Platform API authentication: HTTP Basic with the API key as username (StackOne's scheme);
// `Bearer <key>` is accepted too.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyPrincipal, ApiKeyService } from '../services/admin/api-keys.js';
import { isAgentToken } from '../services/agents/tokens.js';
import type { Actor } from '../services/logs/actor.js';
import { fail, type LinkhubError } from '../errors/fail.js';
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

/**
 * The onRequest hook of API-key routes (callback style: a known key continues synchronously, with
 * no promise or microtask on the hot path; an unknown one is looked up in the store).
 */
export function apiKeyAuth(apiKeys: ApiKeyService) {
  const refuse = (reply: FastifyReply, err: LinkhubError): void => void sendError(reply, err);
  // an agent token where the API key belongs is told as such: "invalid API key" would say the token is bad
  const invalid = (header: string | undefined) => fail(isAgentToken(presentedApiKey(header) ?? '') ? 'agent_token_not_api_key' : 'api_key_invalid');
  return function authenticate(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const header = request.headers.authorization;
    const hit = header === undefined ? undefined : apiKeys.cachedForHeader(header);
    if (hit !== undefined) {
      if (hit === null) {
        refuse(reply, invalid(header));
        return;
      }
      request.principal = hit;
      done();
      return;
    }
    const key = presentedApiKey(header);
    if (!key) {
      refuse(reply, fail('api_key_missing'));
      return;
    }
    apiKeys.verify(key, header).then((principal) => {
      if (!principal) {
        refuse(reply, invalid(header));
        return;
      }
      request.principal = principal;
      done();
    }, done);
  };
}

export const apiKeyActor = (request: FastifyRequest): Actor => ({ type: 'api_key', id: request.principal.keyId });
