// Agent tokens on the wire: `Authorization: Bearer lhat_…` (what a provider SDK sends with the token
// as its key), or Basic with the token as username (curl -u lhat_…:).
import type { FastifyRequest } from 'fastify';
import { fail } from '../errors/fail.js';
import type { AgentPrincipal, AgentTokenService } from '../services/agents/tokens.js';
import { presentedApiKey } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentPrincipal;
  }
}

/** The agent token presented on a request, or null when its credential is no agent token. */
export function presentedAgentToken(request: FastifyRequest): string | null {
  const presented = presentedApiKey(request.headers.authorization);
  return presented?.startsWith('lhat_') ? presented : null;
}

/** The principal of the request's agent token; 401 agent_token_missing / agent_token_invalid. */
export async function requireAgent(tokens: AgentTokenService, request: FastifyRequest): Promise<AgentPrincipal> {
  const token = presentedAgentToken(request);
  if (!token) throw fail('agent_token_missing');
  const principal = await tokens.verify(token);
  if (!principal) throw fail('agent_token_invalid');
  request.agent = principal;
  return principal;
}

/** A single-valued header (the first when repeated), trimmed; undefined when absent or empty. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const h = request.headers[name];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  return v ? v : undefined;
}
