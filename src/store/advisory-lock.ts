// The start-up advisory locks of a PostgreSQL cluster: nodes started at once on an empty database
// take turns to migrate and to create the first rows, instead of racing to create the same tables
// and keys. Every start takes them, so a node that stalls holding one must not stall the others:
// its sessions are dropped by the server once it stops answering (pg-liveness.ts), and a node
// waiting for its turn says in its log for how long and who holds the lock, instead of waiting silently.
import type pg from 'pg';
import { createPool, type PoolOptions } from './pg-pool.js';
import { type LivenessTimes, withLiveness } from './pg-liveness.js';

/** The SQLSTATE of lock_timeout: the wait ended unfinished (lock_not_available). */
const LOCK_NOT_AVAILABLE = '55P03';

export interface AdvisoryLock {
  key: number;
  /** What the lock guards, for the log. */
  name: string;
}

/** The session holding `key` (pg_advisory_lock of a 32-bit key: classid 0, objid the key, objsubid 1), for the log. */
async function describeHolder(client: pg.PoolClient, key: number): Promise<string> {
  try {
    const r = await client.query<{ pid: number; addr: string | null; state: string | null; silent_s: number | null }>(
      `SELECT a.pid, a.client_addr::text AS addr, a.state, round(extract(epoch FROM now() - a.state_change))::int AS silent_s
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1::bigint::oid AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [key],
    );
    const h = r.rows[0];
    if (!h) return 'another node';
    return `another node (PostgreSQL backend ${h.pid}${h.addr ? ` from ${h.addr}` : ''}, ${h.state ?? 'state unknown'} for ${h.silent_s ?? '?'} s)`;
  } catch {
    return 'another node';
  }
}

/** Waits for the lock in steps of waitWarningMs (lock_timeout), warning after each step. */
async function acquire(client: pg.PoolClient, lock: AdvisoryLock, t: LivenessTimes, warn: (msg: string) => void): Promise<void> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [String(t.waitWarningMs)]);
  // Before the lock is ours (a session waiting for it is not idle): a node stalled between the grant
  // and its next statement must lose the lock too. PostgreSQL 14+: older servers have the keepalives alone.
  await client.query(`SELECT set_config('idle_session_timeout', $1, false)`, [String(t.deadAfterMs)]).catch(() => {});
  const started = performance.now();
  for (;;) {
    try {
      await client.query('SELECT pg_advisory_lock($1)', [lock.key]);
      break;
    } catch (e) {
      if ((e as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw e;
    }
    const waited = Math.round((performance.now() - started) / 1000);
    warn(
      `store: waiting ${waited} s for the ${lock.name} lock, held by ${await describeHolder(client, lock.key)}; ` +
        `a node that stopped answering loses it within about ${Math.round(t.deadAfterMs / 1000)} s`,
    );
  }
  await client.query(`SELECT set_config('lock_timeout', '0', false)`);
}

/** A query failed after `ms` without an answer (pg's query_timeout, missing from its types). */
function answeredWithin(ms: number, text: string, values: unknown[] = []): pg.QueryConfig {
  return { text, values, query_timeout: ms } as pg.QueryConfig;
}

/**
 * Runs `fn` holding a session advisory lock, on a pool of its own without statement timeouts (a
 * migration may rightly take long: an index on a large table). `fn` gets that pool (two connections:
 * one holds the lock). While `fn` runs, the holding session shows the server it is alive; silent
 * longer than deadAfterMs (a paused process, a network that swallows everything), the server ends it
 * and the lock passes on. So does a transaction of `fn` left idle that long.
 */
export async function withAdvisoryLock<T>(
  url: string,
  poolOptions: PoolOptions,
  lock: AdvisoryLock,
  t: LivenessTimes,
  warn: (msg: string) => void,
  fn: (unlimited: pg.Pool) => Promise<T>,
): Promise<T> {
  const unlimited = createPool(withLiveness(url, t, true), { ...poolOptions, max: 2, statementTimeoutMs: 0 });
  try {
    const client = await unlimited.connect();
    let broken = false;
    try {
      await acquire(client, lock, t, warn);
      let beat: Promise<unknown> | null = null;
      const heartbeat = setInterval(() => {
        if (beat || broken) return;
        // bounded: a holder cut off must not wait forever to release (the server has dropped it by then)
        beat = client
          .query(answeredWithin(t.deadAfterMs, 'SELECT 1'))
          .catch((e: Error) => {
            broken = true;
            warn(`store: lost the connection holding the ${lock.name} lock (${e.message}); another node may take its turn meanwhile`);
          })
          .finally(() => {
            beat = null;
          });
      }, t.heartbeatMs);
      heartbeat.unref();
      try {
        return await fn(unlimited);
      } finally {
        clearInterval(heartbeat);
        await beat; // one query at a time on a client
      }
    } finally {
      if (!broken) {
        await client.query(answeredWithin(t.deadAfterMs, 'SELECT pg_advisory_unlock($1)', [lock.key])).catch(() => {
          broken = true;
        });
      }
      client.release(broken || undefined);
    }
  } finally {
    await unlimited.end();
  }
}
