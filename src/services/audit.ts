// Append-only audit of every use of a decrypted credential: who, which account, what, when.
import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { auditEvents } from '../store/schema.js';

export interface Actor {
  type: 'api_key' | 'hub_session' | 'dashboard' | 'system';
  id: string;
}

export class AuditService {
  constructor(private readonly db: Db) {}

  async record(projectId: string, accountId: string, actor: Actor, action: string, outcome: string | null): Promise<void> {
    await this.db.insert(auditEvents).values({ projectId, accountId, actorType: actor.type, actorId: actor.id, action, outcome });
  }

  list(projectId: string, q: { accountId?: string; since?: Date; until?: Date; limit?: number }) {
    const conds: SQL[] = [eq(auditEvents.projectId, projectId)];
    if (q.accountId) conds.push(eq(auditEvents.accountId, q.accountId));
    if (q.since) conds.push(gte(auditEvents.at, q.since));
    if (q.until) conds.push(lte(auditEvents.at, q.until));
    return this.db
      .select()
      .from(auditEvents)
      .where(and(...conds))
      .orderBy(desc(auditEvents.id))
      .limit(Math.min(q.limit ?? 100, 1000));
  }
}
