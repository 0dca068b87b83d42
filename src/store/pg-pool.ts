// The PostgreSQL connection pool, bounded in every wait so that a database that is down or hung
// answers 503 in seconds (src/store/failures.ts) instead of holding requests for 15 s and more:
//   - a connection, new or from the pool, within connectTimeoutMs (pool exhausted included);
//   - a statement within statementTimeoutMs on the server (statement_timeout), and an answer within
//     that plus a grace on the client (query_timeout), since a hung server or network never sends
//     its own timeout error;
//   - a transaction left idle by a client that vanished is ended by the server
//     (idle_in_transaction_session_timeout), so its row locks do not outlive a network cut.
// A connection whose query got no answer is broken (the reply may still come and be read as the
// next query's): it is destroyed, never handed out again, even when a transaction releases it
// normally (drizzle releases its transaction's client without the error). A connection lost while
// checked out fails its next query (a 503), never the process.
import pg from 'pg';
import { isStoreUnavailable } from './failures.js';

export interface PoolOptions {
  max: number;
  connectTimeoutMs: number;
  /** 0: no statement or answer timeout (migrations). */
  statementTimeoutMs: number;
}

export const POOL_DEFAULTS: PoolOptions = { max: 10, connectTimeoutMs: 5000, statementTimeoutMs: 5000 };

/** How much longer than the server's statement timeout the client waits for any answer. */
const ANSWER_GRACE_MS = 1000;

type Queryable = { query: (...args: unknown[]) => unknown };

/** Closes a client's socket at once (end() would wait for a goodbye a dead or out-of-step connection never carries). */
export function destroyConnection(client: pg.ClientBase): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Wraps a new connection's query(): a failure that leaves it without an answer destroys its socket. */
function guard(client: pg.PoolClient): void {
  // A connection lost while checked out with no query under way (inside a transaction, between its
  // statements) is an 'error' event: unheard, it would end the process. The next query fails with it.
  client.on('error', () => {});
  const c = client as unknown as Queryable;
  const query = c.query.bind(client);
  const check = (e: unknown) => {
    // An SQLSTATE means the server answered (a statement timeout, a full disk): the connection is in
    // step. (No SQLSTATE class starts with E, so Node's EPIPE is not taken for one.)
    const sqlstate = /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(String((e as { code?: unknown }).code));
    if (!sqlstate && isStoreUnavailable(e)) destroyConnection(client);
  };
  c.query = (...args: unknown[]) => {
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === 'function') {
      args[last] = (err: unknown, ...rest: unknown[]) => {
        if (err) check(err);
        return (cb as (...a: unknown[]) => unknown)(err, ...rest);
      };
    }
    const r = query(...args);
    if (r instanceof Promise) r.catch(check);
    return r;
  };
}

export function createPool(connectionString: string, o: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: o.max,
    connectionTimeoutMillis: o.connectTimeoutMs,
    ...(o.statementTimeoutMs > 0
      ? {
          statement_timeout: o.statementTimeoutMs,
          query_timeout: o.statementTimeoutMs + ANSWER_GRACE_MS,
          idle_in_transaction_session_timeout: Math.max(10_000, 2 * o.statementTimeoutMs),
        }
      : {}),
    keepAlive: true,
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead
  pool.on('connect', guard);
  return pool;
}
