// /dashboard/api: an account's agent tokens (create: shown once; list; revoke), its agent policy,
// and calls held for approval (list, approve, deny). The same services and views as the platform
// API (agent-token-ops.ts, ApprovalService.view), acting as the signed-in Dashboard admin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAgentToken, listAgentTokens, revokeAgentToken, setAccountAgentPolicy } from '../agent-token-ops.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';
import {
  AccountParams,
  AgentTokenCreated,
  AgentTokenInput,
  ApprovalListQuery,
  ApprovalReconcileBody,
  PolicyBody,
  TokenParams,
} from '../platform/agent-schemas.js';
import { IdParams, Nullable } from '../schemas.js';
import { dashboardActor } from './session.js';

const NoBody = Nullable(Type.Object({}, { additionalProperties: false }));

export const dashboardAgentRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { services } = ctx;
    const projectId = () => services.defaultProject.id;

    app.get(
      '/dashboard/api/accounts/:id/agent_tokens',
      { schema: { summary: "An account's agent tokens", params: AccountParams, response: { 200: Type.Array(Type.Ref('AgentToken')), ...errors(401, 404) } } },
      async (request) => listAgentTokens(services, projectId(), request.params.id),
    );

    app.post(
      '/dashboard/api/accounts/:id/agent_tokens',
      {
        schema: {
          summary: 'Create an agent token; the token is returned once',
          params: AccountParams,
          body: AgentTokenInput,
          response: { 201: AgentTokenCreated, ...errors(400, 401, 404) },
        },
      },
      async (request, reply) => reply.code(201).send(await createAgentToken(services, projectId(), request.params.id, request.body, dashboardActor(request))),
    );

    app.delete(
      '/dashboard/api/accounts/:id/agent_tokens/:token_id',
      { schema: { summary: 'Revoke an agent token', params: TokenParams, body: NoBody, response: { 200: Type.Ref('AgentToken'), ...errors(401, 404) } } },
      async (request) => revokeAgentToken(services, projectId(), request.params.id, request.params.token_id, dashboardActor(request)),
    );

    app.get(
      '/dashboard/api/accounts/:id/agent_policy',
      { schema: { summary: "The account's agent policy", params: AccountParams, response: { 200: PolicyBody, ...errors(401, 404) } } },
      async (request) => ({ policy: (await services.accounts.get(projectId(), request.params.id)).agentPolicy ?? null }),
    );

    app.put(
      '/dashboard/api/accounts/:id/agent_policy',
      {
        schema: { summary: "Set the account's agent policy", params: AccountParams, body: PolicyBody, response: { 200: PolicyBody, ...errors(400, 401, 404) } },
      },
      async (request) => setAccountAgentPolicy(services, projectId(), request.params.id, request.body.policy, dashboardActor(request)),
    );

    app.get(
      '/dashboard/api/approvals',
      {
        schema: {
          summary: 'Calls held for approval, newest first',
          querystring: ApprovalListQuery,
          response: { 200: Type.Array(Type.Ref('Approval')), ...errors(400, 401) },
        },
      },
      async (request) => {
        const q = request.query;
        return (await services.approvals.list(projectId(), { status: q.status, accountId: q.account_id, limit: q.limit })).map((a) =>
          services.approvals.view(a),
        );
      },
    );

    for (const decision of ['approve', 'deny'] as const) {
      app.post(
        `/dashboard/api/approvals/:id/${decision}`,
        {
          schema: {
            summary: decision === 'approve' ? 'Approve a held call: Linkhub sends it once' : 'Deny a held call: it is never sent',
            params: IdParams,
            body: NoBody,
            response: { 200: Type.Ref('Approval'), ...errors(401, 404, 409) },
          },
        },
        async (request) => services.approvals.view(await services.approvals.resolve(projectId(), request.params.id, decision, dashboardActor(request))),
      );
    }

    app.post(
      '/dashboard/api/approvals/:id/reconcile',
      {
        schema: {
          summary: 'Settle a call sent without an answer from what you found at the provider',
          params: IdParams,
          body: ApprovalReconcileBody,
          response: { 200: Type.Ref('Approval'), ...errors(400, 401, 404, 409) },
        },
      },
      async (request) =>
        services.approvals.view(await services.approvals.reconcile(projectId(), request.params.id, request.body.outcome, dashboardActor(request))),
    );
  };
