// Who calls /mcp: an agent token (`Authorization: Bearer lhat_…`, which selects its accounts and
// policy: docs/agents.md#mcp) or the platform API key (Basic, Bearer or bare, with x-account-id).
// Without a credential the 401 carries `WWW-Authenticate: Bearer resource_metadata="…"`, where an
// OAuth-first MCP client (mcp-remote, the MCP Inspector) starts its discovery (RFC 9728).
import type { FastifyRequest } from 'fastify';
import { fail, type LinkhubError } from '../errors/fail.js';
import type { Services } from '../services/index.js';
import { presentedAgentToken } from './agent-auth.js';
import { presentedApiKey } from './auth.js';

/** The protected-resource metadata of /mcp (RFC 9728: the well-known path followed by the resource's path). */
export const mcpResourceMetadataUrl = (publicUrl: string) => `${publicUrl}/.well-known/oauth-protected-resource/mcp`;

/** The WWW-Authenticate challenge of a 401 on /mcp (RFC 6750 and RFC 9728). */
export function mcpChallenge(publicUrl: string, invalid: boolean): string {
  return `Bearer resource_metadata="${mcpResourceMetadataUrl(publicUrl)}"${invalid ? ', error="invalid_token"' : ''}`;
}

/** The API key: Basic (key as username) or Bearer, or the bare key when a client copies it verbatim into Authorization. */
export function mcpApiKey(header: string | undefined): string | null {
  const key = presentedApiKey(header);
  if (key) return key;
  const raw = header?.trim();
  return raw && /^[^\s:]+$/.test(raw) && !/^(basic|bearer)$/i.test(raw) ? raw : null;
}

/**
 * Authenticates a /mcp request: sets request.agent (an agent token) or request.principal (the API
 * key), or returns the 401 to answer.
 */
export async function mcpAuthRefusal(request: FastifyRequest, services: Pick<Services, 'agentTokens' | 'apiKeys'>): Promise<LinkhubError | null> {
  const token = presentedAgentToken(request);
  if (token) {
    const agent = await services.agentTokens.verify(token);
    if (!agent) return fail('agent_token_invalid');
    request.agent = agent;
    return null;
  }
  const key = mcpApiKey(request.headers.authorization);
  if (!key) return fail('api_key_missing');
  const principal = await services.apiKeys.verify(key);
  if (!principal) return fail('api_key_invalid');
  request.principal = principal;
  return null;
}
