// This version's migrations as drizzle-kit's journal lists them (migrations/meta/_journal.json).
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
