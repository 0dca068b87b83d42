// The store's side of GET /metrics, read on scrape: accounts by connector and status (one grouped
// query over the accounts table) and the webhook outbox's pending events (one aggregate over the
// due index's leading column). The age is computed by the database, so node clocks do not matter.
import { count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { accounts, webhookOutbox } from '../../store/schema.js';

export interface StoreGauges {
  accounts: { provider: string; status: string; count: number }[];
  outbox: { pending: number; oldestAgeSeconds: number };
}

export async function readStoreGauges(db: Db): Promise<StoreGauges> {
  const byStatus = await db
    .select({ provider: accounts.provider, status: accounts.status, count: count() })
    .from(accounts)
    .groupBy(accounts.provider, accounts.status);
  const [outbox] = await db
    .select({
      pending: count(),
      age: sql<string | number | null>`extract(epoch from now() - min(${webhookOutbox.createdAt}))`,
    })
    .from(webhookOutbox)
    .where(eq(webhookOutbox.status, 'pending'));
  return {
    accounts: byStatus.map((r) => ({ provider: r.provider, status: r.status, count: Number(r.count) })),
    outbox: { pending: Number(outbox?.pending ?? 0), oldestAgeSeconds: Math.max(0, Number(outbox?.age ?? 0)) },
  };
}
