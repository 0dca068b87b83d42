// The store on PostgreSQL (DATABASE_URL): migrated under an advisory lock, a bounded pool, and the
// change feed on LISTEN/NOTIFY. Loaded by db.ts only when configured, so that the embedded store's
// start loads neither pg nor its drizzle adapter.
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsDir } from '../paths.js';
import { postgresChangeFeed } from './change-feed.js';
import type { Db, Store } from './store-types.js';
import { createPool, POOL_DEFAULTS, type PoolOptions } from './pg-pool.js';
import * as schema from './schema.js';

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

export async function openPostgresStore(url: string, pool: PoolOptions | undefined, warn: ((msg: string) => void) | undefined): Promise<Store> {
  const poolOptions = pool ?? POOL_DEFAULTS;
  // Migrations run without the statement timeout: one may rightly take long (an index on a large table).
  await withAdvisoryLock(url, poolOptions, MIGRATION_LOCK, (unlimited) => migratePg(drizzlePg(unlimited, { schema }), { migrationsFolder: migrationsDir }));
  const conns = createPool(url, poolOptions);
  const db = drizzlePg(conns, { schema }) as unknown as Db;
  const changes = postgresChangeFeed(conns, () => new pg.Client({ connectionString: url }), warn ?? (() => {}));
  return {
    db,
    kind: 'postgres',
    changes,
    exclusive: (fn) => withAdvisoryLock(url, poolOptions, BOOTSTRAP_LOCK, () => fn()),
    poolStats: () => ({ total: conns.totalCount, idle: conns.idleCount, waiting: conns.waitingCount }),
    close: async () => {
      await changes.close();
      await conns.end();
    },
  };
}
