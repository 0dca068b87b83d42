// Opens the store: PostgreSQL when a URL is given, else PGlite in the data directory.
// Both are migrated with the same SQL migrations before anything else runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { migrationsDir } from '../paths.js';
import { dataDirProblem } from './data-dir-lock.js';
import { createPool, POOL_DEFAULTS, type PoolOptions } from './pg-pool.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | null;
  /** PGlite data directory; `null` keeps PGlite in memory (tests). */
  pgliteDir: string | null;
  /** PostgreSQL: pool size and timeouts (pg-pool.ts); defaults when left out. */
  pool?: PoolOptions;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (opts.databaseUrl) {
    const poolOptions = opts.pool ?? POOL_DEFAULTS;
    // Migrations run on their own connection without the statement timeout: one may rightly take
    // long (an index on a large table, waiting for another node's migration to finish).
    const migrator = createPool(opts.databaseUrl, { ...poolOptions, max: 1, statementTimeoutMs: 0 });
    try {
      await migratePg(drizzlePg(migrator, { schema }), { migrationsFolder: migrationsDir });
    } finally {
      await migrator.end();
    }
    const pool = createPool(opts.databaseUrl, poolOptions);
    const db = drizzlePg(pool, { schema });
    return { db: db as unknown as Db, kind: 'postgres', close: () => pool.end() };
  }
  const dataDir = opts.pgliteDir ? join(opts.pgliteDir, 'pgdata') : null;
  try {
    if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true });
    return await storeFromPglite(await PgliteThread.start({ dataDir, loadDataDir: null }));
  } catch (e) {
    // What the operator can act on: which directory, and the system's reason (full, read-only, …).
    if (opts.pgliteDir && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!)) {
      throw dataDirProblem(opts.pgliteDir, e as NodeJS.ErrnoException);
    }
    throw new Error(`the embedded store in ${dataDir ?? 'memory'} could not be opened: ${(e as Error).message}`);
  }
}

/**
 * Wraps an open PGlite (normally on its own thread, see pglite-thread.ts; an in-process PGlite
 * works too, e.g. to build a test template) and migrates it.
 */
export async function storeFromPglite(client: PGlite | PgliteThread): Promise<Store> {
  const db = drizzlePglite(client as PGlite, { schema });
  await migratePglite(db, { migrationsFolder: migrationsDir });
  return { db: db as unknown as Db, kind: 'pglite', close: () => client.close() };
}
