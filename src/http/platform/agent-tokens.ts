// Agent tokens of a linked account (create: shown once; list; revoke) and the account's agent policy
// (what its tokens without a policy of their own may do). Platform API key only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AgentPolicyData, agentTokens } from '../../store/schema.js';
import { apiKeyActor } from '../auth.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';
import { Nullable } from '../schemas.js';
import { AgentPolicyInput, AgentTokenCreated, AgentTokenInput } from './agent-schemas.js';

type TokenRow = typeof agentTokens.$inferSelect;

const tokenView = (t: TokenRow) => ({
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

const AccountParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const TokenParams = Type.Object({ id: Type.String({ maxLength: 100 }), token_id: Type.String({ maxLength: 100 }) });
const PolicyBody = Type.Object({ policy: Nullable(AgentPolicyInput) }, { additionalProperties: false });

export const agentTokenRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { agentTokens, accounts, audit } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey);
    const tags = ['Agent tokens'];

    app.post(
      '/accounts/:id/agent_tokens',
      {
        schema: {
          summary: 'Create an agent token for a linked account; the token is returned once',
          description:
            'The token (`lhat_…`) acts on this account (and `also_accounts`) under `policy` (null: the account’s agent policy). ' +
            "Give it to an agent as the provider SDK's key, with Linkhub as the SDK's host, or as a Bearer token on /mcp.",
          tags,
          params: AccountParams,
          body: AgentTokenInput,
          response: { 201: AgentTokenCreated, ...errors(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const projectId = request.principal.project.id;
        const b = request.body;
        const actor = apiKeyActor(request);
        const { row, token } = await agentTokens.create(
          projectId,
          request.params.id,
          { name: b.name, expiresIn: b.expires_in, policy: b.policy as AgentPolicyData | null | undefined, alsoAccounts: b.also_accounts },
          actor,
        );
        await audit.record(projectId, row.accountId, actor, 'agent_token.created', row.id);
        return reply.code(201).send({ ...tokenView(row), token });
      },
    );

    app.get(
      '/accounts/:id/agent_tokens',
      {
        schema: {
          summary: 'List the agent tokens that act on a linked account',
          tags,
          params: AccountParams,
          response: { 200: Type.Array(Type.Ref('AgentToken')), ...errors(401, 404) },
        },
      },
      async (request) => {
        const projectId = request.principal.project.id;
        await accounts.get(projectId, request.params.id);
        return (await agentTokens.list(projectId, request.params.id)).map(tokenView);
      },
    );

    app.delete(
      '/accounts/:id/agent_tokens/:token_id',
      {
        schema: {
          summary: 'Revoke an agent token (refused on every node within the cluster check interval)',
          tags,
          params: TokenParams,
          response: { 200: Type.Ref('AgentToken'), ...errors(401, 404) },
        },
      },
      async (request) => {
        const projectId = request.principal.project.id;
        const row = await agentTokens.revoke(projectId, request.params.id, request.params.token_id);
        await audit.record(projectId, row.accountId, apiKeyActor(request), 'agent_token.revoked', row.id);
        return tokenView(row);
      },
    );

    app.get(
      '/accounts/:id/agent_policy',
      { schema: { summary: "The account's agent policy", tags, params: AccountParams, response: { 200: PolicyBody, ...errors(401, 404) } } },
      async (request) => ({ policy: (await accounts.get(request.principal.project.id, request.params.id)).agentPolicy ?? null }),
    );

    app.put(
      '/accounts/:id/agent_policy',
      {
        schema: {
          summary: "Set the account's agent policy (for its tokens without a policy of their own; null: no limits)",
          tags,
          params: AccountParams,
          body: PolicyBody,
          response: { 200: PolicyBody, ...errors(400, 401, 404) },
        },
      },
      async (request) => {
        const projectId = request.principal.project.id;
        const row = await accounts.setAgentPolicy(projectId, request.params.id, (request.body.policy ?? null) as AgentPolicyData | null, apiKeyActor(request));
        return { policy: row.agentPolicy ?? null };
      },
    );
  };
