// Agent tokens of a linked account (create: shown once; list; revoke) and the account's agent policy
// (what its tokens without a policy of their own may do). Platform API key only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAgentToken, listAgentTokens, revokeAgentToken, setAccountAgentPolicy } from '../agent-token-ops.js';
import { apiKeyActor } from '../auth.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';
import { AccountParams, AgentTokenCreated, AgentTokenInput, PolicyBody, TokenParams } from './agent-schemas.js';

export const agentTokenRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { accounts } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey);
    const tags = ['Agent tokens'];

    app.post(
      '/accounts/:id/agent_tokens',
      {
        schema: {
          summary: 'Create an agent token for a linked account; the token is returned once',
          description:
            'The token (`lhat_…`) acts on this account (and `also_accounts`) under `policy` (null: the account’s agent policy). ' +
            "Give it to an agent as the provider SDK's key, with Linkhub as the SDK's host, or as a Bearer token on /mcp. " +
            'An account may have 100 live (not revoked, not expired) tokens made on it: past that, 409 `agent_token_limit`. A policy is at most 32 KiB as JSON.',
          tags,
          params: AccountParams,
          body: AgentTokenInput,
          response: { 201: AgentTokenCreated, ...errors(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const created = await createAgentToken(ctx.services, request.principal.project.id, request.params.id, request.body, apiKeyActor(request));
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/accounts/:id/agent_tokens',
      {
        schema: {
          summary: 'List the agent tokens that act on a linked account',
          description:
            'Newest first: every live token (at most 500), and the 50 most recently revoked or expired in the last 30 days (older ones are not listed).',
          tags,
          params: AccountParams,
          response: { 200: Type.Array(Type.Ref('AgentToken')), ...errors(401, 404) },
        },
      },
      async (request) => listAgentTokens(ctx.services, request.principal.project.id, request.params.id),
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
      async (request) => revokeAgentToken(ctx.services, request.principal.project.id, request.params.id, request.params.token_id, apiKeyActor(request)),
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
      async (request) => setAccountAgentPolicy(ctx.services, request.principal.project.id, request.params.id, request.body.policy, apiKeyActor(request)),
    );
  };
