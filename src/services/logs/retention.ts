// Retention (LINKHUB_LOG_RETENTION_DAYS): call-log segments whose last call is older than the
// retention, and audit events as old, are deleted in the background. Each batch is one short
// transaction (a few hundred rows, FOR UPDATE SKIP LOCKED), so nothing waits on it for long, and
// takes a transaction advisory lock first: across a cluster one node prunes at a time, the others
// find the lock taken and leave the pass to it. Both tables are append-only (triggers); a DELETE is
// let through only in a transaction that set linkhub.retention (migrations/0007_retention.sql).
import { sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { Poller } from '../poller.js';

/** Fixed: every node of a cluster tries the same lock. */
const RETENTION_LOCK = 0x4c48_5231; // "LHR1"

/** What is pruned: the table, the time that ages a row, rows per transaction. */
const TABLES = [
  // one segment holds up to 1000 calls: a few segments are as much work as hundreds of audit rows
  { table: 'call_log_segments', at: 'last_at', batch: 20 },
  { table: 'audit_events', at: 'at', batch: 500 },
] as const;

export interface RetentionOptions {
  /** Days kept; 0 = forever (nothing runs). */
  days: number;
  /** Time between two passes, ms. */
  pollMs: number;
}

export class Retention {
  private readonly loop: Poller;

  constructor(
    private readonly db: Db,
    private readonly opts: RetentionOptions,
    warn: (msg: string) => void,
  ) {
    this.loop = new Poller('log retention pass', opts.pollMs, () => this.pass(), warn);
  }

  start(): void {
    if (this.opts.days <= 0 || !this.loop.stopped) return;
    this.loop.start();
  }

  /** Starts no new batch; the one under way commits. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async pass(): Promise<void> {
    for (const t of TABLES) {
      for (;;) {
        if (this.loop.stopped) return;
        const deleted = await this.prune(t.table, t.at, t.batch);
        if (deleted === null) return; // another node is pruning
        if (deleted < t.batch) break;
      }
    }
  }

  /** Deletes up to `batch` rows older than the retention; null when another node holds the lock. */
  private prune(table: string, at: string, batch: number): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const lock = await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`);
      if (!(lock as unknown as { rows: { ok: boolean }[] }).rows[0]?.ok) return null;
      await tx.execute(sql`SET LOCAL linkhub.retention = 'on'`);
      const t = sql.identifier(table);
      const result = await tx.execute(sql`
        DELETE FROM ${t} WHERE id IN (
          SELECT id FROM ${t} WHERE ${sql.identifier(at)} < now() - make_interval(days => ${this.opts.days})
          LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING id`);
      return (result as unknown as { rows: unknown[] }).rows.length;
    });
  }
}
