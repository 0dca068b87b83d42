// The store side of the cluster-wide throttle (upstream/leased-throttle.ts): tokens are taken from a
// bucket row per account with the SQL function linkhub_throttle_take (migrations/), atomically, so the nodes of a
// cluster together keep each account under its provider's rate.
import { sql } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import type { TokenSource } from '../../upstream/index.js';

export function storeTokenSource(db: Db): TokenSource {
  return {
    async take(key, rate, burst, want) {
      const result = await db.execute(sql`SELECT linkhub_throttle_take(${key}, ${rate}, ${burst}, ${want}) AS granted`);
      return Number((result as unknown as { rows: { granted: number | string }[] }).rows[0]?.granted ?? 0);
    },
  };
}
