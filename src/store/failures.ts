// Which failures of the store mean "the store is not available right now" (answered 503
// store_unavailable with Retry-After, src/http/errors.ts) rather than a bug (500): PostgreSQL down,
// unreachable, hung, out of disk or connections, or restarting; the embedded store's thread gone.
// drizzle wraps a driver's error (DrizzleQueryError, `cause`), so the whole cause chain is read.

/** Raised by the store itself when it cannot take statements (the embedded store's thread stopped or closed). */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
}

/** Network errors of a connection to PostgreSQL (Node's codes). */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'STORE_UNAVAILABLE']);

/**
 * SQLSTATE classes and codes: 08 connection exception, 53 insufficient resources (disk full, out of
 * memory, too many connections), 57014 statement timeout, 57P01-57P05 shutdown / cannot connect now
 * / idle session timeout, 58030 I/O error.
 */
const SQLSTATE = /^(08...|53...|57014|57P0[1-5]|58030)$/;

/** What node-postgres and its pool say when no answer came (they set no code). */
const DRIVER_MESSAGES = [
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK.has(code) || SQLSTATE.test(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.startsWith(m))) return true;
  }
  return false;
}
