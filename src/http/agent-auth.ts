// Agent tokens on the wire: `Authorization: Bearer lhat_…` (what a provider SDK sends with the token
// as its key), or Basic with the token as username (curl -u lhat_…:).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../errors/fail.js';
import { type AgentPrincipal, type AgentTokenService, pickAccount } from '../services/agents/tokens.js';
import type { Actor } from '../services/logs/actor.js';
import { apiKeyActor, presentedApiKey } from './auth.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentPrincipal;
  }
}

/**
 * What Authorization headers present (an agent token, or null for anything else), remembered: a
 * client repeats its header on every call, and reading it (a regular expression, a Basic header's
 * base64) cost more than the lookup. Bounded; like the API-key cache, held in memory only.
 */
const presentedBy = new Map<string, string | null>();
const PRESENTED_MAX = 10_000;
/** Longer headers are read each time (no credential Linkhub issues is near this long). */
const PRESENTED_CHARS = 512;

/** The agent token presented on a request, or null when its credential is no agent token. */
export function presentedAgentToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  let token = presentedBy.get(header);
  if (token === undefined) {
    const presented = presentedApiKey(header);
    token = presented?.startsWith('lhat_') ? presented : null;
    if (header.length <= PRESENTED_CHARS) {
      if (presentedBy.size >= PRESENTED_MAX) presentedBy.clear();
      presentedBy.set(header, token);
    }
  }
  return token;
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;

/**
 * The onRequest hook of the provider's own paths: an agent token sets request.agent, anything else is
 * 401 agent_token_missing / agent_token_invalid (in the route's error shape), before the body is read:
 * those paths take bodies of up to 16 MB, which nobody unknown gets Linkhub to hold.
 */
export function agentAuth(tokens: AgentTokenService): Hook {
  return function authenticateAgent(request, _reply, done) {
    const token = presentedAgentToken(request);
    if (!token) return done(fail('agent_token_missing'));
    admitAgent(tokens, token, request, done, () => done(fail('agent_token_invalid')));
  };
}

/** request.agent from a presented token (the cache, else the store), then done(); `unknown()` for no such token. */
function admitAgent(tokens: AgentTokenService, token: string, request: FastifyRequest, done: (err?: Error) => void, unknown: () => void): void {
  const known = tokens.cached(token);
  if (known) {
    request.agent = known;
    done();
    return;
  }
  tokens.verify(token).then((principal) => {
    if (!principal) return unknown();
    request.agent = principal;
    done();
  }, done);
}

/** A single-valued header (the first when repeated), trimmed; undefined when absent or empty. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const h = request.headers[name];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  return v ? v : undefined;
}

/**
 * The onRequest hook of routes an agent may call too (the proxy, action execution): an agent token
 * sets request.agent, anything else goes through the API-key hook.
 */
export function callerAuth(apiKeyHook: Hook, tokens: AgentTokenService): Hook {
  return function authenticate(request, reply, done) {
    const token = presentedAgentToken(request);
    if (!token) {
      apiKeyHook(request, reply, done);
      return;
    }
    admitAgent(tokens, token, request, done, () => void sendError(reply, fail('agent_token_invalid')));
  };
}

/** Who calls (project, actor) and with which account: an agent picks among its token's accounts. */
export function callerOf(
  request: FastifyRequest,
  accountId: () => string,
  named: string | undefined,
): { projectId: string; actor: Actor; accountId: string; agent: AgentPrincipal | null } {
  const agent = request.agent ?? null;
  if (agent) {
    return {
      projectId: agent.projectId,
      actor: { type: 'agent_token', id: agent.tokenId },
      accountId: pickAccount(agent, named, 'the x-account-id header'),
      agent,
    };
  }
  return { projectId: request.principal.project.id, actor: apiKeyActor(request), accountId: accountId(), agent: null };
}
