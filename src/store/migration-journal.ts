// This version's migrations as drizzle-kit's journal lists them (migrations/meta/_journal.json), and
// what a store's applied migrations say of this version. Light (no drizzle): embedded-start.ts loads it first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir } from '../paths.js';

export interface JournalEntry {
  tag: string;
  /** When it was generated: drizzle's migrator records it as the migration's created_at. */
  when: number;
}

export const journal: JournalEntry[] = (JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] }).entries;

/** This version's migrations, `tag@when`, in order: what a store template must hold to serve it (embedded-start.ts). */
export const migrationIds = (): string[] => journal.map((m) => `${m.tag}@${m.when}`);

/** The `when` of this version's newest migration. */
export const newestKnownMigration = (): number => journal.reduce((n, m) => Math.max(n, m.when), 0);

/** SQLSTATE undefined_table: a store never migrated has no drizzle.__drizzle_migrations (nor its schema). */
const UNDEFINED_TABLE = '42P01';

/**
 * The created_at of the newest migration applied to the store (one row per migration in drizzle's
 * drizzle.__drizzle_migrations, on PGlite and PostgreSQL alike), or null when none was: one small
 * query, run by `query` (drizzle's execute, or the embedded store's thread before drizzle is loaded).
 */
export async function newestAppliedMigration(query: (text: string) => Promise<unknown>): Promise<number | null> {
  let last: unknown;
  try {
    const result = (await query('select max(created_at) as last from drizzle.__drizzle_migrations')) as { rows: { last: unknown }[] };
    last = result.rows[0]?.last;
  } catch (e) {
    // drizzle wraps the driver's error (DrizzleQueryError: the SQLSTATE is its cause's)
    const err = e as { code?: unknown; cause?: { code?: unknown } };
    if (err.code === UNDEFINED_TABLE || err.cause?.code === UNDEFINED_TABLE) return null;
    throw e;
  }
  return last == null ? null : Number(last);
}

/** A store migrated by a newer Linkhub: this version must not serve it (its tables have changed under this version's queries). */
export class StoreAheadError extends Error {}

/**
 * Why this version must not run on a store whose newest applied migration is `newestApplied`: one
 * newer than any this version knows was applied by a newer Linkhub (a column this version does not
 * fill, a table renamed…). Null when it may run (a store at this version, behind it, or new).
 */
export function storeAheadProblem(newestApplied: number | null): string | null {
  if (newestApplied == null || !(newestApplied > newestKnownMigration())) return null;
  const iso = new Date(newestApplied).toISOString();
  const date = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return `the store was migrated by a newer Linkhub (a migration of ${date} this version does not know): run that version or newer`;
}
