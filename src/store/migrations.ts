// Which of this version's migrations (migrations/meta/_journal.json) the store has not applied, as
// drizzle's migrator records them: one row per migration in drizzle.__drizzle_migrations, whose
// created_at is the journal entry's `when`; the migrator applies every entry newer than the newest row.
// A node is migrated at start-up, so a gap means the database was replaced or restored from before
// this version while it ran: its queries would fail on missing tables or columns.
import { sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { journal } from './migration-journal.js';

/** The tags of the migrations this version needs and the store lacks ([] when it is up to date). */
export async function missingMigrations(db: Db): Promise<string[]> {
  // to_regclass: a store never migrated at all has no such table (and lacks everything)
  const result = await db.execute(
    sql`select case when to_regclass('drizzle.__drizzle_migrations') is null then null else (select max(created_at) from drizzle.__drizzle_migrations) end as last`,
  );
  const last = (result as unknown as { rows: { last: string | number | null }[] }).rows[0]?.last;
  const newest = last == null ? -1 : Number(last);
  return journal.filter((m) => m.when > newest).map((m) => m.tag);
}
