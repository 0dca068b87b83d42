// Linkhub's call history: GET /requests/logs, GET /requests/logs/{id} (StackOne's request-log
// routes, shapes close to its UnifiedLogs) and GET /audit (the append-only credential audit).
// Both stores are written in batches; these reads flush pending rows first (read-your-writes).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { STRIPE_PUBLIC_BASE } from '../services/actions.js';
import { ServiceError } from '../services/errors.js';
import type { RequestLogRow } from '../services/request-log.js';
import type { RouteContext } from './context.js';

function list(...vals: unknown[]): string[] {
  const out: string[] = [];
  for (const v of vals) {
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== 'string' && typeof x !== 'number') continue;
      for (const part of String(x).split(',')) if (part.trim()) out.push(part.trim());
    }
  }
  return out;
}

function date(name: string, ...vals: unknown[]): Date | undefined {
  const v = vals.find((x) => x !== undefined && x !== null && x !== '');
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[0] : v;
  const d = typeof s === 'number' || /^\d+$/.test(String(s)) ? new Date(Number(s) * (Number(s) < 1e12 ? 1000 : 1)) : new Date(String(s));
  if (Number.isNaN(d.getTime())) throw new ServiceError(400, `${name} must be an ISO-8601 date-time or Unix seconds`, { code: 'invalid_input', field: name });
  return d;
}

const parseBody = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

function logView(r: RequestLogRow) {
  const q = r.path.indexOf('?');
  const ok = r.status !== null && r.status >= 200 && r.status < 300;
  return {
    id: String(r.id),
    request_id: String(r.id),
    project_id: r.projectId,
    account_id: r.accountId,
    provider: r.provider,
    service: r.source,
    action: r.action,
    http_method: r.method,
    path: q === -1 ? r.path : r.path.slice(0, q),
    url: STRIPE_PUBLIC_BASE + r.path,
    status: r.status,
    success: ok,
    duration: Math.round(r.durationMs * 1000) / 1000,
    event_datetime: r.at.toISOString(),
    start_time: r.at.toISOString(),
    end_time: new Date(r.at.getTime() + r.durationMs).toISOString(),
    source_type: r.actorType,
    source_id: r.actorId,
    // Linkhub
    error: r.error,
    attempts: r.attempts,
    retries: Math.max(0, r.attempts - 1),
    provider_request_id: r.providerRequestId,
    idempotency_key: r.idempotencyKey,
  };
}

const cursor = (id: number) => Buffer.from(`l:${id}`).toString('base64url');
function fromCursor(next: string): number {
  const m = /^l:(\d+)$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
  if (!m) throw new ServiceError(400, 'next is not a cursor from GET /requests/logs', { code: 'invalid_cursor' });
  return Number(m[1]);
}

export const logRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { requestLog, audit } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing

    app.get(
      '/requests/logs',
      {
        schema: {
          summary: 'List request logs (calls made to Stripe with linked accounts\' keys), newest first',
          description:
            'Filters (plain names, StackOne\'s flat names or filter[...] all work; lists are comma-separated): account_id/account_ids, action/actions, ' +
            'status/status_codes (200, 4xx), source (proxy, rpc, mcp), http_methods, request_ids (Stripe Request-Id), success, from/start_date, to/end_date. ' +
            'Paged with page_size (default 25, max 200) and next.',
          tags: ['Request logs'],
          querystring: Type.Object(
            { page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })), next: Type.Optional(Type.String({ maxLength: 100 })) },
            { additionalProperties: true },
          ),
        },
      },
      async (request) => {
        const q = request.query as Record<string, unknown>;
        const f = (k: string) => q[`filter[${k}]`];
        const statuses = list(q.status, q.statuses, q.status_codes, f('status_codes'), f('status')).map((s) => {
          if (/^[1-5]xx$/i.test(s)) return s.toLowerCase();
          if (/^\d{3}$/.test(s)) return Number(s);
          throw new ServiceError(400, `status must be a status code (404) or a class (4xx), got "${s}"`, { code: 'invalid_input', field: 'status' });
        });
        const successRaw = q.success ?? f('success');
        const success = successRaw === undefined ? undefined : String(Array.isArray(successRaw) ? successRaw[0] : successRaw) === 'true';
        const pageSize = (q.page_size as number | undefined) ?? 25;
        await requestLog.flush();
        const rows = await requestLog.list(request.principal.project.id, {
          accountIds: list(q.account_id, q.account_ids, f('account_ids'), f('account_id')),
          actions: list(q.action, q.actions, f('actions'), f('action')),
          statuses,
          sources: list(q.source, q.services, f('services')),
          methods: list(q.http_methods, q.method, f('http_methods')),
          providerRequestIds: list(q.request_ids, q.provider_request_id, f('request_ids')),
          success,
          from: date('from', q.from, q.since, q.start_date, f('start_date')),
          to: date('to', q.to, q.until, q.end_date, f('end_date')),
          beforeId: typeof q.next === 'string' && q.next ? fromCursor(q.next) : undefined,
          limit: pageSize + 1,
        });
        const more = rows.length > pageSize;
        const page = more ? rows.slice(0, pageSize) : rows;
        return { data: page.map(logView), next: more ? cursor(page[page.length - 1].id) : null };
      },
    );

    app.get(
      '/requests/logs/:id',
      {
        schema: {
          summary: 'One request log with its redacted, size-capped request and response bodies',
          tags: ['Request logs'],
          params: Type.Object({ id: Type.String({ maxLength: 30 }) }),
        },
      },
      async (request) => {
        const id = request.params.id;
        if (!/^\d{1,18}$/.test(id)) throw new ServiceError(404, 'Request log not found');
        await requestLog.flush();
        const r = await requestLog.get(request.principal.project.id, Number(id));
        const v = logView(r);
        return {
          data: {
            ...v,
            request: { method: r.method, path: v.path, url: v.url, body: parseBody(r.requestBody) },
            response: r.status === null ? null : { status_code: r.status, body: parseBody(r.responseBody) },
          },
        };
      },
    );

    app.get(
      '/audit',
      {
        schema: {
          summary: 'Linkhub: credential audit trail (append-only), newest first',
          description:
            'Every use of a decrypted key: link, rotation, tests, and each call through proxy / rpc / MCP (action call.proxy, call.rpc:<action>, call.mcp:<action>; outcome = Stripe status). ' +
            'There is no route to change or delete audit events, and the database refuses UPDATE/DELETE on them.',
          tags: ['Audit'],
          querystring: Type.Object(
            {
              account_id: Type.Optional(Type.String()),
              since: Type.Optional(Type.String()),
              until: Type.Optional(Type.String()),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request) => {
        const q = request.query as Record<string, unknown>;
        await requestLog.flush();
        const rows = await audit.list(request.principal.project.id, {
          accountId: typeof q.account_id === 'string' ? q.account_id : undefined,
          since: date('since', q.since),
          until: date('until', q.until),
          limit: (q.limit as number | undefined) ?? 100,
        });
        return {
          data: rows.map((e) => ({
            id: String(e.id),
            project_id: e.projectId,
            account_id: e.accountId,
            actor_type: e.actorType,
            actor_id: e.actorId,
            action: e.action,
            outcome: e.outcome,
            at: e.at.toISOString(),
          })),
        };
      },
    );
  };
