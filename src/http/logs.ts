// Linkhub's call history: GET /requests/logs, GET /requests/logs/{id} (StackOne's request-log
// routes, shapes close to its UnifiedLogs) and GET /audit (the append-only credential audit).
// Filters, cursors and views are in log-views.ts, shared with the dashboard's routes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteContext } from './context.js';
import { AUDIT_MAX, getLog, listAudit, listLogs, type Query } from './log-views.js';
import { errors } from './openapi/errors.js';
import { Page } from './wire-schemas.js';

export const logRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { requestLog, audit, config } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing

    app.get(
      '/requests/logs',
      {
        schema: {
          summary: "List request logs (calls made to providers with linked accounts' keys), newest first",
          description:
            "Filters (plain names, StackOne's flat names or filter[...] all work; lists are comma-separated): account_id/account_ids, action/actions, " +
            "status/status_codes (200, 4xx), source (proxy, rpc, mcp), http_methods, request_ids (the provider's request id), success, from/start_date, to/end_date. " +
            'Paged with page_size (default 25, max 200) and next.',
          tags: ['Logs and audit'],
          querystring: Type.Object(
            { page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })), next: Type.Optional(Type.String({ maxLength: 100 })) },
            { additionalProperties: true },
          ),
          response: { 200: Page(Type.Ref('RequestLog')), ...errors(400, 401) },
        },
      },
      async (request) =>
        listLogs(requestLog, config.apiBases, request.principal.project.id, request.query as Query, request.query.page_size ?? 25, 'GET /requests/logs'),
    );

    app.get(
      '/requests/logs/:id',
      {
        schema: {
          summary: 'One request log with its redacted, size-capped request and response bodies',
          tags: ['Logs and audit'],
          params: Type.Object({ id: Type.String({ maxLength: 30 }) }),
          response: { 200: Type.Object({ data: Type.Ref('RequestLogDetail') }), ...errors(401, 404) },
        },
      },
      async (request) => ({ data: await getLog(requestLog, config.apiBases, request.principal.project.id, request.params.id) }),
    );

    app.get(
      '/audit',
      {
        schema: {
          summary: 'Linkhub: credential audit trail (append-only), newest first',
          description:
            "Every use of a decrypted key: link, rotation, tests, and each call through proxy / rpc / MCP (action call.proxy, call.rpc:<action>, call.mcp:<action>; outcome = the provider's status). " +
            `Paged with limit and next (the newest ${AUDIT_MAX} events; narrow by since/until for older ones). ` +
            'There is no route to change or delete audit events, and the database refuses UPDATE/DELETE on them.',
          tags: ['Logs and audit'],
          querystring: Type.Object(
            {
              account_id: Type.Optional(Type.String()),
              since: Type.Optional(Type.String()),
              until: Type.Optional(Type.String()),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: AUDIT_MAX, default: 100 })),
              next: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: true },
          ),
          response: { 200: Page(Type.Ref('AuditEvent')), ...errors(400, 401) },
        },
      },
      async (request) => listAudit(audit, requestLog, request.principal.project.id, request.query as Query, request.query.limit ?? 100, 'GET /audit'),
    );
  };
