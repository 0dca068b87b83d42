// The request log and the audit trail as Linkhub shows them: the API's list views (GET
// /requests/logs, GET /audit, through src/http/log-views.ts) and `linkhub logs export`. What is
// stored was redacted when written (call-records.ts); a view adds no body and no secret.
import { getConnector } from '../../connectors/registry.js';
import type { AuditEntry } from './audit.js';
import type { RequestLogRow } from './request-log.js';

/** A log as the API shows it; `apiBases` (LINKHUB_<KEY>_API_BASE) make `url` the URL actually called. */
export function logView(r: RequestLogRow, apiBases: Readonly<Record<string, string>> = {}) {
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
    url: (apiBases[r.provider ?? ''] ?? getConnector(r.provider)?.api.baseUrl ?? '') + r.path,
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

export type LogView = ReturnType<typeof logView>;

export function auditView(e: AuditEntry) {
  return {
    id: String(e.id),
    project_id: e.projectId,
    account_id: e.accountId,
    actor_type: e.actorType,
    actor_id: e.actorId,
    action: e.action,
    outcome: e.outcome,
    at: e.at.toISOString(),
  };
}

export type AuditView = ReturnType<typeof auditView>;
