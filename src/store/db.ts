// Opens the store: PostgreSQL when a URL is given, else PGlite in the data directory.
// Both are migrated with the same SQL migrations before anything else runs.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { migrationsDir } from '../paths.js';
import { type ChangeFeed, localChangeFeed, postgresChangeFeed } from './change-feed.js';
import { embeddedStoreError, startPgliteThread } from './embedded-start.js';
import { createPool, POOL_DEFAULTS, type PoolOptions } from './pg-pool.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Changes every node's caches must hear about (LISTEN/NOTIFY on PostgreSQL, local on PGlite). */
  changes: ChangeFeed;
  /** Runs `fn` while no other node runs an exclusive section (start-up bootstrap: default project, first key). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** PostgreSQL: the pool's connections now (for GET /metrics); null on the embedded store. */
  poolStats?(): PoolStats | null;
  /**
   * The embedded store: a tar of its data directory as of one moment, taken while it serves
   * (`linkhub backup`; openSnapshot opens one). Absent on PostgreSQL, which has pg_dump.
   */
  snapshot?(): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

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
}

/** Fixed numbers: every node of a cluster takes the same advisory locks. */
const MIGRATION_LOCK = 0x4c48_4d31; // "LHM1"
const BOOTSTRAP_LOCK = 0x4c48_4231; // "LHB1"

/**
 * Runs `fn` holding a PostgreSQL session advisory lock, on a pool of its own without statement
 * timeouts (waiting for another node's turn may rightly take long): nodes started at once on an
 * empty database take turns to migrate and to create the first rows, instead of racing to create
 * the same tables and keys; the ones after the first find nothing left to do. `fn` gets that pool
 * (two connections: one holds the lock).
 */
async function withAdvisoryLock<T>(url: string, poolOptions: PoolOptions, key: number, fn: (unlimited: pg.Pool) => Promise<T>): Promise<T> {
  const unlimited = createPool(url, { ...poolOptions, max: 2, statementTimeoutMs: 0 });
  try {
    const lock = await unlimited.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [key]);
      return await fn(unlimited);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
      lock.release();
    }
  } finally {
    await unlimited.end();
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (opts.databaseUrl) {
    const url = opts.databaseUrl;
    const poolOptions = opts.pool ?? POOL_DEFAULTS;
    // Migrations run without the statement timeout: one may rightly take long (an index on a large table).
    await withAdvisoryLock(url, poolOptions, MIGRATION_LOCK, (unlimited) => migratePg(drizzlePg(unlimited, { schema }), { migrationsFolder: migrationsDir }));
    const pool = createPool(url, poolOptions);
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const changes = postgresChangeFeed(pool, { connectionString: url }, opts.warn ?? (() => {}));
    return {
      db,
      kind: 'postgres',
      changes,
      exclusive: (fn) => withAdvisoryLock(url, poolOptions, BOOTSTRAP_LOCK, () => fn()),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: async () => {
        await changes.close();
        await pool.end();
      },
    };
  }
  const thread = await (opts.pglite ?? startPgliteThread(opts.pgliteDir));
  try {
    return await storeFromPglite(thread);
  } catch (e) {
    await thread.close().catch(() => {});
    throw embeddedStoreError(opts.pgliteDir, e);
  }
}

/**
 * Wraps an open PGlite (normally on its own thread, see pglite-thread.ts; an in-process PGlite
 * works too, e.g. to build a test template) and migrates it.
 */
export async function storeFromPglite(client: PGlite | PgliteThread): Promise<Store> {
  const db = drizzlePglite(client as PGlite, { schema });
  await migratePglite(db, { migrationsFolder: migrationsDir });
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
