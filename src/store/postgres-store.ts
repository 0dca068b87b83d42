// The store on PostgreSQL (DATABASE_URL): migrated under an advisory lock (refused when a newer
// Linkhub migrated it: migrations.ts), a bounded pool, and the change feed on LISTEN/NOTIFY. Loaded
// by db.ts only when configured, so that the embedded store's start loads neither pg nor its drizzle adapter.
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsDir } from '../paths.js';
import { type AdvisoryLock, withAdvisoryLock } from './advisory-lock.js';
import { postgresChangeFeed } from './change-feed.js';
import { StoreAheadError } from './migration-journal.js';
import { migrationState } from './migrations.js';
import type { Db, Store } from './store-types.js';
import { createPool, POOL_DEFAULTS, type PoolOptions } from './pg-pool.js';
import { LIVENESS_DEFAULTS, type LivenessOptions, livenessTimes, withLiveness } from './pg-liveness.js';
import * as schema from './schema.js';

/** Fixed numbers: every node of a cluster takes the same advisory locks. */
const MIGRATION_LOCK: AdvisoryLock = { key: 0x4c48_4d31, name: 'migration' }; // "LHM1"
const BOOTSTRAP_LOCK: AdvisoryLock = { key: 0x4c48_4231, name: 'start-up (first rows)' }; // "LHB1"

export async function openPostgresStore(
  url: string,
  pool: PoolOptions | undefined,
  warn: ((msg: string) => void) | undefined,
  liveness: LivenessOptions = LIVENESS_DEFAULTS,
  /** false: the schema as it is (the CLI); a store a newer Linkhub migrated is refused either way. */
  migrate = true,
): Promise<Store> {
  const poolOptions = pool ?? POOL_DEFAULTS;
  const say = warn ?? (() => {});
  const times = livenessTimes(liveness);
  // Migrations run without the statement timeout: one may rightly take long (an index on a large table).
  // Then, still under the lock, one query: a store a newer Linkhub migrated (which the migrator leaves
  // as it is) is refused before this node serves, instead of failing requests on what it changed.
  if (migrate)
    await withAdvisoryLock(url, poolOptions, MIGRATION_LOCK, times, say, async (unlimited) => {
      const migrating = drizzlePg(unlimited, { schema });
      await migratePg(migrating, { migrationsFolder: migrationsDir });
      const { ahead } = await migrationState(migrating as unknown as Db);
      if (ahead) throw new StoreAheadError(ahead);
    });
  const conns = createPool(url, poolOptions);
  const db = drizzlePg(conns, { schema }) as unknown as Db;
  if (!migrate) {
    const ahead = await migrationState(db)
      .then((s) => s.ahead)
      .catch(async (e: unknown) => {
        await conns.end().catch(() => {});
        throw e;
      });
    if (ahead) {
      await conns.end().catch(() => {});
      throw new StoreAheadError(ahead);
    }
  }
  // Keepalives on both ends: the server drops its side of a dead listening connection soon, and this
  // side's kernel finds a dead peer too (much later than the feed's own check does: change-feed.ts).
  const listener = () =>
    new pg.Client({
      connectionString: withLiveness(url, times, false),
      connectionTimeoutMillis: poolOptions.connectTimeoutMs,
      query_timeout: times.listenCheckMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: liveness.silentMs,
    });
  const changes = postgresChangeFeed(conns, listener, say, times);
  return {
    db,
    kind: 'postgres',
    changes,
    exclusive: (fn) => withAdvisoryLock(url, poolOptions, BOOTSTRAP_LOCK, times, say, () => fn()),
    poolStats: () => ({ total: conns.totalCount, idle: conns.idleCount, waiting: conns.waitingCount }),
    close: async () => {
      await changes.close();
      await conns.end();
    },
  };
}
