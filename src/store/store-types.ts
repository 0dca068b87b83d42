// What an open store is, whichever engine holds it (db.ts opens PGlite, postgres-store.ts PostgreSQL).
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ChangeFeed } from './change-feed.js';
import type * as schema from './schema.js';

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
  /**
   * The embedded store: `listener` is told once if the store stops answering (pglite-thread.ts);
   * from then on every statement fails as store_unavailable, and only a restart opens it again.
   */
  onStuck?(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}
