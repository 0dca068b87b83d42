// Calls held by an agent policy: list and read them, approve (the held call is sent once) or deny.
// Platform API key; the Dashboard shows the same.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { apiKeyActor } from '../auth.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';
import { IdParams } from '../schemas.js';
import { ApprovalListQuery, ApprovalReconcileBody } from './agent-schemas.js';

export const approvalRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { approvals } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey);
    const tags = ['Approvals'];

    app.get(
      '/approvals',
      {
        schema: {
          summary: 'List calls held for approval, newest first',
          tags,
          querystring: ApprovalListQuery,
          response: { 200: Type.Array(Type.Ref('Approval')), ...errors(400, 401) },
        },
      },
      async (request) => {
        const q = request.query;
        return (await approvals.list(request.principal.project.id, { status: q.status, accountId: q.account_id, limit: q.limit })).map((a) =>
          approvals.view(a),
        );
      },
    );

    app.get(
      '/approvals/:id',
      {
        schema: {
          summary: 'One held call, with the full request and, once sent, the provider status',
          tags,
          params: IdParams,
          response: { 200: Type.Ref('Approval'), ...errors(401, 404) },
        },
      },
      async (request) => approvals.view(await approvals.get(request.principal.project.id, request.params.id)),
    );

    for (const decision of ['approve', 'deny'] as const) {
      app.post(
        `/approvals/:id/${decision}`,
        {
          schema: {
            summary: decision === 'approve' ? 'Approve a held call: Linkhub sends it once, with its idempotency key' : 'Deny a held call: it is never sent',
            tags,
            params: IdParams,
            response: { 200: Type.Ref('Approval'), ...errors(401, 404, 409) },
          },
        },
        async (request) => approvals.view(await approvals.resolve(request.principal.project.id, request.params.id, decision, apiKeyActor(request))),
      );
    }

    app.post(
      '/approvals/:id/reconcile',
      {
        schema: {
          summary: 'Settle a call sent without an answer (unconfirmed) from what you found at the provider: it is never sent again',
          tags,
          params: IdParams,
          body: ApprovalReconcileBody,
          response: { 200: Type.Ref('Approval'), ...errors(400, 401, 404, 409) },
        },
      },
      async (request) => approvals.view(await approvals.reconcile(request.principal.project.id, request.params.id, request.body.outcome, apiKeyActor(request))),
    );
  };
