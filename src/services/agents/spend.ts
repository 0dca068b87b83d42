// The rolling daily totals behind an agent policy's `per_day` caps: every money-moving call a policy
// lets through is written here before it is sent, and taken back when the provider refuses it.
// Checking and writing happen in one transaction under an advisory lock of the (spender, currency)
// pair, so calls racing on several nodes cannot both pass a cap that has room for only one.
import { createHash } from 'node:crypto';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { agentSpend } from '../../store/schema.js';

const DAY_MS = 86_400_000;

/**
 * What names one call to the provider: its idempotency key with where the key counts (`scope`,
 * keyScope: the provider keeps keys per account), its method, path and body (a key names one request).
 * No scope: a call held before scopes were recorded, named as it was then.
 */
export function callDigest(key: string, req: { method: string; path: string; body: string | Buffer | null; scope?: string }): string {
  const h = createHash('sha256')
    .update(JSON.stringify(req.scope === undefined ? [key, req.method, req.path] : [key, req.method, req.path, req.scope]))
    .update('\n');
  if (req.body !== null) h.update(req.body);
  return h.digest('hex');
}

/** `id` null: a repeat of a call already counted (its idempotency key and request), nothing written. */
export type Reservation = { ok: true; id: number | null; spentToday: number } | { ok: false; spentToday: number };

export class SpendLedger {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes `amount` unless it would take the last 24 hours above `cap` (no cap: always written). A call
   * repeated with the idempotency key of one counted in the window, for the same request (`digest`,
   * callDigest), is the same call to the provider, which replays its answer: not counted again. The
   * same key for another request is counted: the provider may never have seen the first (a 5xx before
   * it kept the key), so it may apply this one.
   */
  async reserve(spender: string, currency: string, amount: number, cap: number | undefined, digest: string | null = null): Promise<Reservation> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`spend:${spender}:${currency}`}))`);
      const since = new Date(this.now() - DAY_MS);
      // what left the window is no longer needed by anyone
      await tx.delete(agentSpend).where(and(eq(agentSpend.spender, spender), eq(agentSpend.currency, currency), lte(agentSpend.at, since)));
      const [row] = await tx
        .select({ total: sql<string | null>`sum(${agentSpend.amount})` })
        .from(agentSpend)
        .where(and(eq(agentSpend.spender, spender), eq(agentSpend.currency, currency), gt(agentSpend.at, since)));
      const spentToday = Number(row?.total ?? 0);
      if (digest !== null && (await this.countedIn(tx, spender, currency, digest, since))) return { ok: true, id: null, spentToday };
      if (cap !== undefined && spentToday + amount > cap) return { ok: false, spentToday };
      const [ins] = await tx
        .insert(agentSpend)
        .values({ spender, currency, amount, at: new Date(this.now()), callDigest: digest })
        .returning({ id: agentSpend.id });
      return { ok: true, id: ins.id, spentToday };
    });
  }

  /** Whether the call (its digest) is counted in the last 24 hours. */
  async counted(spender: string, currency: string, digest: string): Promise<boolean> {
    return this.countedIn(this.db, spender, currency, digest, new Date(this.now() - DAY_MS));
  }

  private async countedIn(db: Pick<Db, 'select'>, spender: string, currency: string, digest: string, since: Date): Promise<boolean> {
    const [same] = await db
      .select({ id: agentSpend.id })
      .from(agentSpend)
      .where(and(eq(agentSpend.spender, spender), eq(agentSpend.currency, currency), eq(agentSpend.callDigest, digest), gt(agentSpend.at, since)))
      .limit(1);
    return same !== undefined;
  }

  /** Takes back what a call (its digest, callDigest) counted: it was found not to have gone through. */
  async forget(spender: string, currency: string, digest: string, db: Pick<Db, 'delete'> = this.db): Promise<void> {
    await db.delete(agentSpend).where(and(eq(agentSpend.spender, spender), eq(agentSpend.currency, currency), eq(agentSpend.callDigest, digest)));
  }

  /** Takes back a reservation whose call did not go through (null: a repeat, nothing was written). */
  async release(id: number | null): Promise<void> {
    if (id !== null) await this.db.delete(agentSpend).where(eq(agentSpend.id, id));
  }
}
