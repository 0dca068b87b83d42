// The request log and the audit trail as the APIs show them, shared by the platform routes
// (logs.ts: GET /requests/logs, /requests/logs/{id}, /audit) and the dashboard's (dashboard/logs.ts):
// filter parsing (plain names, StackOne's flat names or filter[...]), cursors and views.
// Both stores are written in batches; every read here flushes pending rows first (read-your-writes).
import type { AuditService } from '../services/logs/audit.js';
import { fail } from '../errors/fail.js';
import type { RequestLogFilter, RequestLogService } from '../services/logs/request-log.js';
import { auditView, logView } from '../services/logs/views.js';

export type Query = Record<string, unknown>;

export const LOG_SOURCES = ['proxy', 'rpc', 'mcp', 'native', 'approval'] as const;

const invalid = (field: string, problem: string) => fail('invalid_input', { field, problem }, { field });

/** Values of one filter under any of its names: repeated keys, single values or comma-separated lists. */
function values(q: Query, ...names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const v = q[name];
    for (const x of Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]) {
      if (typeof x !== 'string' && typeof x !== 'number') continue;
      for (const part of String(x).split(',')) if (part.trim()) out.push(clean(name, part.trim()));
    }
  }
  return out;
}

/** Control characters (NUL above all, which PostgreSQL refuses in text) are bad input, not a store error. */
function clean(name: string, s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw invalid(name, 'must not contain control characters');
  if (s.length > 255) throw invalid(name, 'is longer than 255 characters');
  return s;
}

/** The first of `names` given in the query, with its value (the first one when repeated). */
function pick(q: Query, names: string[]): [string, string] | undefined {
  for (const name of names) {
    const v = Array.isArray(q[name]) ? (q[name] as unknown[])[0] : q[name];
    if (v !== undefined && v !== null && v !== '') return [name, clean(name, String(v))];
  }
  return undefined;
}

/** An ISO-8601 date-time or Unix seconds (or milliseconds), under any of `names`. */
function date(q: Query, ...names: string[]): Date | undefined {
  const got = pick(q, names);
  if (!got) return undefined;
  const [name, s] = got;
  const d = /^\d+$/.test(s) ? new Date(Number(s) * (Number(s) < 1e12 ? 1000 : 1)) : new Date(s);
  const year = d.getUTCFullYear(); // NaN for an invalid date; PostgreSQL's range is narrower than JavaScript's
  if (!(year >= 1970 && year <= 9999)) throw invalid(name, 'must be an ISO-8601 date-time or Unix seconds (from 1970 on)');
  return d;
}

function bool(q: Query, ...names: string[]): boolean | undefined {
  const got = pick(q, names);
  if (!got) return undefined;
  const [name, s] = got;
  if (/^(true|1)$/i.test(s)) return true;
  if (/^(false|0)$/i.test(s)) return false;
  throw invalid(name, `must be true or false, got "${s}"`);
}

// ---- cursors: opaque to callers; "l:<id>" pages the request log by id, "a:<offset>" the audit trail.

const cursor = (kind: 'l' | 'a', n: number) => Buffer.from(`${kind}:${n}`).toString('base64url');
function fromCursor(kind: 'l' | 'a', next: unknown, route: string): number | undefined {
  if (next === undefined || next === '') return undefined;
  const m = typeof next === 'string' ? new RegExp(`^${kind}:(\\d{1,18})$`).exec(Buffer.from(next, 'base64url').toString('utf8')) : null;
  if (!m) throw fail('invalid_cursor', { field: 'next', route }, { field: 'next' });
  return Number(m[1]);
}

// ---- request log ------------------------------------------------------------------------------

/** The request-log filter of a query; `limit` is one more than the page, to tell whether more follow. */
export function logFilter(q: Query, pageSize: number, route: string): RequestLogFilter {
  const statuses = values(q, 'status', 'statuses', 'status_codes', 'filter[status_codes]', 'filter[status]').map((s) => {
    if (/^[1-5]xx$/i.test(s)) return s.toLowerCase();
    if (/^[1-5]\d\d$/.test(s)) return Number(s);
    throw invalid('status', `must be a status code (404) or a class (4xx), got "${s}"`);
  });
  const sources = values(q, 'source', 'services', 'filter[services]');
  const unknown = sources.find((s) => !(LOG_SOURCES as readonly string[]).includes(s));
  if (unknown !== undefined) throw invalid('source', `must be one of ${LOG_SOURCES.join(', ')}, got "${unknown}"`);
  return {
    accountIds: values(q, 'account_id', 'account_ids', 'filter[account_ids]', 'filter[account_id]'),
    actions: values(q, 'action', 'actions', 'filter[actions]', 'filter[action]'),
    statuses,
    sources,
    methods: values(q, 'http_methods', 'method', 'filter[http_methods]').map((m) => m.toUpperCase()),
    providerRequestIds: values(q, 'request_ids', 'provider_request_id', 'filter[request_ids]'),
    success: bool(q, 'success', 'filter[success]'),
    from: date(q, 'from', 'since', 'start_date', 'filter[start_date]'),
    to: date(q, 'to', 'until', 'end_date', 'filter[end_date]'),
    beforeId: fromCursor('l', q.next, route),
    limit: pageSize + 1,
  };
}

const parseBody = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** Where each provider's calls go (Config.apiBases): the logs show the URL actually called. */
type ApiBases = Readonly<Record<string, string>>;

/** One page of the request log, newest first; `route` names the list route for cursor errors. */
export async function listLogs(requestLog: RequestLogService, apiBases: ApiBases, projectId: string, q: Query, pageSize: number, route: string) {
  const filter = logFilter(q, pageSize, route);
  await requestLog.flush();
  const rows = await requestLog.list(projectId, filter);
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  return { data: page.map((r) => logView(r, apiBases)), next: more ? cursor('l', page[page.length - 1].id) : null };
}

/** One log with its (already redacted, size-capped) request and response bodies; ids are decimal. */
export async function getLog(requestLog: RequestLogService, apiBases: ApiBases, projectId: string, id: string) {
  if (!/^\d{1,18}$/.test(id)) throw fail('request_log_not_found');
  await requestLog.flush();
  const r = await requestLog.get(projectId, Number(id));
  const v = logView(r, apiBases);
  return {
    ...v,
    request: { method: r.method, path: v.path, url: v.url, body: parseBody(r.requestBody) },
    response: r.status === null ? null : { status_code: r.status, body: parseBody(r.responseBody) },
  };
}

// ---- audit ------------------------------------------------------------------------------------

/** At most this many audit events are reachable by paging (AuditService.list's cap); narrow by time for older ones. */
export const AUDIT_MAX = 1000;

/**
 * Audit events newest first: account_id, since/from, until/to, and either `limit` alone (the platform)
 * or pages of `limit` with `next`. AuditService.list has no cursor, so a page past the first re-reads
 * the rows before it (offset paging, up to AUDIT_MAX rows).
 */
export async function listAudit(audit: AuditService, requestLog: RequestLogService, projectId: string, q: Query, limit: number, route: string) {
  const offset = fromCursor('a', q.next, route) ?? 0;
  const want = Math.min(offset + limit, AUDIT_MAX);
  await requestLog.flush(); // call audits are written with the request log
  const rows = await audit.list(projectId, {
    accountId: pick(q, ['account_id'])?.[1],
    since: date(q, 'since', 'from'),
    until: date(q, 'until', 'to'),
    limit: want + (want < AUDIT_MAX ? 1 : 0),
  });
  const page = rows.slice(offset, want);
  return {
    data: page.map(auditView),
    next: rows.length > want ? cursor('a', want) : null,
  };
}
