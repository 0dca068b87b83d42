// Opens the store: PostgreSQL when a URL is given, else PGlite in the data directory.
// Both are migrated with the same SQL migrations before anything else runs.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrationsDir } from '../paths.js';
import { localChangeFeed } from './change-feed.js';
import { embeddedStoreError, startPgliteThread } from './embedded-start.js';
import type { PoolOptions } from './pg-pool.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';
import type { Db, Store } from './store-types.js';

export type { Db, PoolStats, Store, Tx } from './store-types.js';

export interface StoreOptions {
  databaseUrl: string | null;
  /** PGlite data directory; `null` keeps PGlite in memory (tests). */
  pgliteDir: string | null;
  /** Where the change feed reports a lost or failing connection (never a secret). */
  warn?: (msg: string) => void;
  /** PostgreSQL: pool size and timeouts (pg-pool.ts); defaults when left out. */
  pool?: PoolOptions;
  /** The embedded store's thread when it was started already (main.ts starts it early: embedded-start.ts). */
  pglite?: Promise<PgliteThread>;
  /**
   * false: open the store as it is, unmigrated (the CLI: a command does not change the store's schema;
   * `linkhub migrate` and a server's start do). A store a newer Linkhub migrated is refused either way.
   */
  migrate?: boolean;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  // PostgreSQL's driver and its drizzle adapter load only when configured: the embedded store needs neither.
  const migrate = opts.migrate ?? true;
  if (opts.databaseUrl) return (await import('./postgres-store.js')).openPostgresStore(opts.databaseUrl, opts.pool, opts.warn, undefined, migrate);
  const thread = await (opts.pglite ?? startPgliteThread(opts.pgliteDir));
  try {
    return await storeFromPglite(thread, migrate);
  } catch (e) {
    await thread.close().catch(() => {});
    throw embeddedStoreError(opts.pgliteDir, e);
  }
}

/**
 * Wraps an open PGlite (normally on its own thread, see pglite-thread.ts; an in-process PGlite
 * works too, e.g. to build a test template) and migrates it (unless `migrate` is false).
 */
export async function storeFromPglite(client: PGlite | PgliteThread, migrate = true): Promise<Store> {
  const db = drizzlePglite(client as PGlite, { schema });
  if (migrate) await migratePglite(db, { migrationsFolder: migrationsDir });
  const snapshot =
    client instanceof PgliteThread
      ? () => client.snapshot()
      : async () => {
          await client.query('CHECKPOINT');
          return new Uint8Array(await (await client._runExclusiveTransaction(() => client.dumpDataDir('none'))).arrayBuffer());
        };
  // One process per data directory: nothing to exclude.
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    changes: localChangeFeed(),
    exclusive: (fn) => fn(),
    poolStats: () => null,
    snapshot,
    ...(client instanceof PgliteThread ? { onStuck: (l: (reason: string) => void) => client.onStuck(l) } : {}),
    close: () => client.close(),
  };
}

/**
 * Creates the embedded store's PGlite directory `pgdata` (which must not exist or be empty) from a
 * snapshot (Store.snapshot) and opens it, migrated: a snapshot of an older Linkhub is brought up to date.
 */
export async function openSnapshot(pgdata: string, snapshot: Uint8Array<ArrayBuffer>): Promise<Store> {
  return storeFromPglite(await PgliteThread.start({ dataDir: pgdata, loadDataDir: snapshot }));
}
