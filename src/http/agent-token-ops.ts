// Agent tokens as the platform API and the Dashboard both create, show and revoke them: the wire
// view (never the token, only its hint), in one place so the two surfaces cannot drift apart.
import type { AgentPolicyData, agentTokens } from '../store/schema.js';
import type { Actor } from '../services/logs/actor.js';
import type { Services } from '../services/index.js';
import { checkPolicySize } from '../services/agents/tokens.js';

type TokenRow = typeof agentTokens.$inferSelect;

export const agentTokenView = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  hint: t.hint,
  account_id: t.accountId,
  accounts: t.accountIds,
  policy: t.policy,
  created_at: t.createdAt.toISOString(),
  expires_at: t.expiresAt?.toISOString() ?? null,
  last_used_at: t.lastUsedAt?.toISOString() ?? null,
  revoked_at: t.revokedAt?.toISOString() ?? null,
});

export interface AgentTokenBody {
  name: string;
  expires_in?: number | null;
  policy?: unknown;
  also_accounts?: string[];
}

/** Creates a token (the body as AgentTokenInput validated it) (the service audits it); the view with the token, shown once. */
export async function createAgentToken(services: Services, projectId: string, accountId: string, b: AgentTokenBody, actor: Actor) {
  const { row, token } = await services.agentTokens.create(
    projectId,
    accountId,
    { name: b.name, expiresIn: b.expires_in, policy: b.policy as AgentPolicyData | null | undefined, alsoAccounts: b.also_accounts },
    actor,
  );
  return { ...agentTokenView(row), token };
}

export async function revokeAgentToken(services: Services, projectId: string, accountId: string, tokenId: string, actor: Actor) {
  const row = await services.agentTokens.revoke(projectId, accountId, tokenId, actor);
  return agentTokenView(row);
}

/** The account's live tokens and its recently ended ones, bounded (AgentTokenService.list). */
export async function listAgentTokens(services: Services, projectId: string, accountId: string) {
  await services.accounts.get(projectId, accountId);
  return (await services.agentTokens.list(projectId, accountId)).map(agentTokenView);
}

/** Sets the account's agent policy, at most the size a token's policy may have (limits.policyBytes). */
export async function setAccountAgentPolicy(services: Services, projectId: string, accountId: string, policy: unknown, actor: Actor) {
  checkPolicySize(policy, services.agentTokens.limits.policyBytes);
  const row = await services.accounts.setAgentPolicy(projectId, accountId, (policy ?? null) as AgentPolicyData | null, actor);
  return { policy: row.agentPolicy ?? null };
}
