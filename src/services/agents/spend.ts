// The rolling daily totals behind an agent policy's `per_day` caps: every money-moving call a policy
// lets through is written here before it is sent, and taken back when the provider refuses it.
// Checking and writing happen in one transaction under an advisory lock of the (spender, currency)
// pair, so calls racing on several nodes cannot both pass a cap that has room for only one.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { agentSpend } from '../../store/schema.js';

const DAY_MS = 86_400_000;

export type Reservation = { ok: true; id: number; spentToday: number } | { ok: false; spentToday: number };

export class SpendLedger {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes `amount` unless it would take the last 24 hours above `cap` (no cap: always written). */
  async reserve(spender: string, currency: string, amount: number, cap: number | undefined): Promise<Reservation> {
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
      if (cap !== undefined && spentToday + amount > cap) return { ok: false, spentToday };
      const [ins] = await tx
        .insert(agentSpend)
        .values({ spender, currency, amount, at: new Date(this.now()) })
        .returning({ id: agentSpend.id });
      return { ok: true, id: ins.id, spentToday };
    });
  }

  /** Adds an amount a person approved (counted, never refused). */
  async record(spender: string, currency: string, amount: number): Promise<void> {
    await this.db.insert(agentSpend).values({ spender, currency, amount, at: new Date(this.now()) });
  }

  /** Takes back a reservation whose call did not go through. */
  async release(id: number): Promise<void> {
    await this.db.delete(agentSpend).where(eq(agentSpend.id, id));
  }
}
