// /dashboard/api/logs, /dashboard/api/logs/:id and /dashboard/api/audit: the default project's request
// log and credential audit for the Request logs page. Same filters, cursors and views as the platform's
// GET /requests/logs and GET /audit (log-views.ts), plus the account owner's name and, for calls made
// with an API key, the key's name. Registered inside the cookie-authenticated part of api.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteContext } from '../context.js';
import { AUDIT_MAX, getLog, listAudit, listLogs, type Query } from '../log-views.js';
import { errors } from '../openapi/errors.js';
import { NamedRequestLogDetail } from '../wire-schemas.js';
import { AuditPage, LogPage } from './schemas.js';

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }));

const LogQuery = Type.Object(
  {
    account_id: Text(100),
    action: Text(200),
    status: Text(100),
    source: Text(50),
    success: Type.Optional(Type.Boolean()),
    from: Text(40),
    to: Text(40),
    next: Text(100),
    limit: Limit(200, 25),
  },
  { additionalProperties: false },
);

const AuditQuery = Type.Object(
  { account_id: Text(100), from: Text(40), to: Text(40), next: Text(100), limit: Limit(200, 50) },
  { additionalProperties: false },
);

export const dashboardLogRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { services } = ctx;
    const { accounts, apiKeys, audit, requestLog, config } = services;
    const project = () => services.defaultProject.id;

    /** Adds account_owner_name and actor_name (an API key's name): two small queries per page. */
    async function named<T extends { account_id: string }>(rows: T[], actor: (r: T) => [type: string, id: string]) {
      const ids = [...new Set(rows.map((r) => r.account_id))];
      const [owned, keys] = await Promise.all([
        ids.length ? accounts.list(project(), { accountIds: ids }, 1, ids.length) : [],
        rows.some((r) => actor(r)[0] === 'api_key') ? apiKeys.list(project()) : [],
      ]);
      const owner = new Map(owned.map((a) => [a.id, a.originOwnerName]));
      const keyName = new Map(keys.map((k) => [k.id, k.name]));
      return rows.map((r) => {
        const [type, id] = actor(r);
        return { ...r, account_owner_name: owner.get(r.account_id) ?? null, actor_name: type === 'api_key' ? (keyName.get(id) ?? null) : null };
      });
    }
    const logActor = (r: { source_type: string; source_id: string }): [string, string] => [r.source_type, r.source_id];

    const logsSchema = {
      summary: 'Request logs, newest first, with owner and API key names',
      querystring: LogQuery,
      response: { 200: LogPage, ...errors(400, 401) },
    };
    app.get('/dashboard/api/logs', { schema: logsSchema }, async (request) => {
      const q = request.query;
      const page = await listLogs(requestLog, config.apiBases, project(), q as Query, q.limit ?? 25, 'GET /dashboard/api/logs');
      return { data: await named(page.data, logActor), next: page.next };
    });

    const logSchema = {
      summary: 'One request log with its bodies',
      params: Type.Object({ id: Type.String({ maxLength: 30 }) }),
      response: { 200: NamedRequestLogDetail, ...errors(401, 404) },
    };
    app.get('/dashboard/api/logs/:id', { schema: logSchema }, async (request) => {
      const [log] = await named([await getLog(requestLog, config.apiBases, project(), request.params.id)], logActor);
      return log;
    });

    const auditSchema = { summary: 'Credential audit events, newest first', querystring: AuditQuery, response: { 200: AuditPage, ...errors(400, 401) } };
    app.get('/dashboard/api/audit', { schema: auditSchema }, async (request) => {
      const q = request.query;
      const page = await listAudit(audit, requestLog, project(), q as Query, q.limit ?? 50, 'GET /dashboard/api/audit');
      return { data: await named(page.data, (e) => [e.actor_type, e.actor_id]), next: page.next, max: AUDIT_MAX };
    });
  };
