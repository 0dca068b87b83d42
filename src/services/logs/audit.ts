// Append-only audit of every use of a decrypted credential: who, which account, what, when.
// Two stores, one trail: audit_events holds links, rotations, tests and deletions (one row each,
// written in the transaction of the change, so a crash cannot keep one without the other);
// calls through proxy, rpc and MCP are audited by their entry in the call log (request-log.ts),
// which is append-only too. list() merges both, newest first.
import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../store/db.js';
import { auditEvents } from '../../store/schema.js';
import type { RequestLogRow, RequestLogService } from './request-log.js';

import type { Actor } from './actor.js';

export interface AuditEntry {
  /** audit_events id, or `call_<request log id>` for a call. */
  id: string;
  projectId: string;
  accountId: string;
  actorType: string;
  actorId: string;
  /** link.create, key.rotate, key.test, … or call.proxy, call.rpc:<action>, call.mcp:<action>. */
  action: string;
  /** ok / a test result, or for calls the provider's status (else Linkhub's error: timeout, unreachable, …). */
  outcome: string | null;
  at: Date;
  /** The request log entry of a call. */
  requestLogId: number | null;
}

/** A call of the log as an audit entry. */
export function callAuditEntry(r: RequestLogRow): AuditEntry {
  return {
    id: `call_${r.id}`,
    projectId: r.projectId,
    accountId: r.accountId,
    actorType: r.actorType,
    actorId: r.actorId,
    action: r.source === 'proxy' ? 'call.proxy' : `call.${r.source}:${r.action ?? ''}`,
    outcome: r.status !== null ? String(r.status) : (r.error ?? 'unknown'),
    at: r.at,
    requestLogId: r.id,
  };
}

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly calls: RequestLogService,
  ) {}

  /** One event; given the transaction of the change it records, it commits (or not) with it. */
  async record(projectId: string, accountId: string, actor: Actor, action: string, outcome: string | null, tx: Db | Tx = this.db): Promise<void> {
    await tx.insert(auditEvents).values({ projectId, accountId, actorType: actor.type, actorId: actor.id, action, outcome });
  }

  /** Newest first (by time), at most `limit` (≤ 1000). Call entries written so far are included after a requestLog.flush(). */
  async list(projectId: string, q: { accountId?: string; since?: Date; until?: Date; limit?: number }): Promise<AuditEntry[]> {
    const limit = Math.min(q.limit ?? 100, 1000);
    const conds: SQL[] = [eq(auditEvents.projectId, projectId)];
    if (q.accountId) conds.push(eq(auditEvents.accountId, q.accountId));
    if (q.since) conds.push(gte(auditEvents.at, q.since));
    if (q.until) conds.push(lte(auditEvents.at, q.until));
    const [events, calls] = await Promise.all([
      this.db
        .select()
        .from(auditEvents)
        .where(and(...conds))
        .orderBy(desc(auditEvents.id))
        .limit(limit),
      this.calls.list(projectId, { accountIds: q.accountId ? [q.accountId] : undefined, from: q.since, to: q.until, audited: true, limit }),
    ]);
    const merged: AuditEntry[] = events.map((e) => ({ ...e, id: String(e.id), requestLogId: null }));
    for (const c of calls) merged.push(callAuditEntry(c));
    return merged.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }
}
