// The rolling daily totals behind an agent policy's `per_day` caps: every money-moving call a policy
// lets through is written here before it is sent, and taken back when the provider refuses it.
// Checking and writing happen in one transaction under an advisory lock of the (spender, currency)
// pair, so calls racing on several nodes cannot both pass a cap that has room for only one.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { agentSpend } from '../../store/schema.js';

const DAY_MS = 86_400_000;

/** `id` null: a repeat of a call already counted (its idempotency key), nothing written. */
export type Reservation = { ok: true; id: number | null; spentToday: number } | { ok: false; spentToday: number };

export class SpendLedger {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes `amount` unless it would take the last 24 hours above `cap` (no cap: always written). A call
   * repeated with the idempotency key of one counted in the window is the same call to the provider
   * (it replays its answer, or refuses a key reused for another request): not counted again.
   */
  async reserve(spender: string, currency: string, amount: number, cap: number | undefined, key: string | null = null): Promise<Reservation> {
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
      if (key !== null) {
        const [same] = await tx
          .select({ id: agentSpend.id })
          .from(agentSpend)
          .where(and(eq(agentSpend.spender, spender), eq(agentSpend.currency, currency), eq(agentSpend.idempotencyKey, key), gt(agentSpend.at, since)))
          .limit(1);
        if (same) return { ok: true, id: null, spentToday };
      }
      if (cap !== undefined && spentToday + amount > cap) return { ok: false, spentToday };
      const [ins] = await tx
        .insert(agentSpend)
        .values({ spender, currency, amount, at: new Date(this.now()), idempotencyKey: key })
        .returning({ id: agentSpend.id });
      return { ok: true, id: ins.id, spentToday };
    });
  }

  /** Adds an amount a person approved (counted, never refused); its id, to take it back. */
  async record(spender: string, currency: string, amount: number, key: string | null = null): Promise<number> {
    const [ins] = await this.db
      .insert(agentSpend)
      .values({ spender, currency, amount, at: new Date(this.now()), idempotencyKey: key })
      .returning({ id: agentSpend.id });
    return ins.id;
  }

  /** Takes back a reservation whose call did not go through (null: a repeat, nothing was written). */
  async release(id: number | null): Promise<void> {
    if (id !== null) await this.db.delete(agentSpend).where(eq(agentSpend.id, id));
  }
}
