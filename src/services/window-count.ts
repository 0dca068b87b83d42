// Events counted per client address in fixed windows, in the store: every node of a cluster counts in
// the same row (one atomic upsert), so a limit holds for the cluster, not per node. Used where an
// open endpoint is limited per address: dashboard sign-ins, OAuth client registrations.
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.js';

/** Tables of (client text primary key, attempts integer, window_started_at timestamptz). */
export type WindowTable = 'sign_in_attempts' | 'oauth_registration_windows';

/**
 * Counts one event of `client` in its window (a new window once the last one is over), atomically:
 * the event's number in the window and when the window ends (ms).
 */
export async function countInWindow(db: Db, table: WindowTable, client: string, windowMs: number): Promise<{ count: number; windowEnds: number }> {
  const t = sql.identifier(table);
  const over = sql`${t}.window_started_at <= now() - ${windowMs} * interval '1 millisecond'`;
  const result = await db.execute(
    sql`insert into ${t} (client, attempts, window_started_at) values (${client}, 1, now())
      on conflict (client) do update set
        attempts = case when ${over} then 1 else ${t}.attempts + 1 end,
        window_started_at = case when ${over} then now() else ${t}.window_started_at end
      returning attempts, (extract(epoch from window_started_at) * 1000)::float8 as started_ms`,
  );
  const [row] = (result as unknown as { rows: { attempts: number | string; started_ms: number | string }[] }).rows;
  return { count: Number(row.attempts), windowEnds: Number(row.started_ms) + windowMs };
}

/** Drops the windows over by now: the table keeps only addresses seen in the last window. */
export async function forgetOldWindows(db: Db, table: WindowTable, windowMs: number): Promise<void> {
  await db.execute(sql`delete from ${sql.identifier(table)} where window_started_at < now() - ${windowMs} * interval '1 millisecond'`);
}
