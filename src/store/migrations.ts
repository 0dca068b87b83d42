// Which of this version's migrations (migrations/meta/_journal.json) the store has not applied, as
// drizzle's migrator records them: one row per migration in drizzle.__drizzle_migrations, whose
// created_at is the journal entry's `when`; the migrator applies every entry newer than the newest row.
// A node is migrated at start-up, so a gap means the database was replaced or restored from before
// this version while it ran: its queries would fail on missing tables or columns. The other way
// round, a row newer than every entry means a newer Linkhub migrated the store: this version's
// queries may fail on what it changed (a new NOT NULL column), so no node of it may start on it
// (postgres-store.ts, embedded-start.ts) and `linkhub doctor` fails.
import { sql } from 'drizzle-orm';
import type { Db } from './store-types.js';
import { journal, newestAppliedMigration, storeAheadProblem } from './migration-journal.js';

export interface MigrationState {
  /** The tags of the migrations this version needs and the store lacks ([] when it has them all). */
  missing: string[];
  /** Why the store is ahead of this version (migrated by a newer Linkhub: storeAheadProblem), or null. */
  ahead: string | null;
  /** No migration was ever applied: not a Linkhub store (an empty database, or another application's). */
  none: boolean;
}

/** Where the store stands against this version's migrations, by one small query. */
export async function migrationState(db: Db): Promise<MigrationState> {
  const newest = await newestAppliedMigration((text) => db.execute(sql.raw(text)));
  const last = newest ?? -1; // a store never migrated at all lacks everything
  return { missing: journal.filter((m) => m.when > last).map((m) => m.tag), ahead: storeAheadProblem(newest), none: newest === null };
}

/** The tags of the migrations this version needs and the store lacks ([] when it is up to date). */
export async function missingMigrations(db: Db): Promise<string[]> {
  return (await migrationState(db)).missing;
}
