// How soon a PostgreSQL connection that went silent is found dead, on the connections a silent peer
// could otherwise hold forever: the sessions holding a start-up advisory lock (the server keeps a
// session's lock until it notices the peer gone, which by its default TCP keepalives takes over two
// hours, and every other node's start waits that long), and each node's listening connection (a
// dead one delivers no notification and raises no error). One figure, the silence allowed, sets all
// the rest, so that tests can shrink it to a second.
export interface LivenessOptions {
  /** How long a connection may stay silent before it is probed (ms; whole seconds on the server). */
  silentMs: number;
}

export const LIVENESS_DEFAULTS: LivenessOptions = { silentMs: 10_000 };

/** Unanswered keepalive probes before the server drops the connection. */
const PROBES = 3;

export interface LivenessTimes {
  keepaliveIdleS: number;
  keepaliveIntervalS: number;
  keepaliveCount: number;
  /** When the server gives up on a silent peer: keepalives unanswered, or a lock holder's session idle. */
  deadAfterMs: number;
  /** How often a lock holder shows the server it is alive, well within deadAfterMs. */
  heartbeatMs: number;
  /** How often a node waiting for a lock says so, naming the holder. */
  waitWarningMs: number;
  /** How often the listening connection is checked, and how long its answer may take. */
  listenCheckMs: number;
}

export function livenessTimes(o: LivenessOptions = LIVENESS_DEFAULTS): LivenessTimes {
  const keepaliveIdleS = Math.max(1, Math.round(o.silentMs / 1000));
  const keepaliveIntervalS = Math.max(1, Math.round(keepaliveIdleS / 2));
  return {
    keepaliveIdleS,
    keepaliveIntervalS,
    keepaliveCount: PROBES,
    deadAfterMs: (keepaliveIdleS + keepaliveIntervalS * PROBES) * 1000,
    heartbeatMs: Math.max(100, Math.round(o.silentMs / 2)),
    waitWarningMs: Math.max(100, Math.round(o.silentMs / 2)),
    listenCheckMs: Math.max(100, o.silentMs),
  };
}

/**
 * `url` with short server-side TCP keepalives for its sessions (any user may set them), so that a
 * peer cut off by the network is dropped, and its session's locks and open transaction ended, within
 * deadAfterMs instead of hours. With `idleInTransaction`, a transaction left idle that long is ended
 * too, which also covers a peer whose kernel still answers the probes (a paused process, a hung
 * proxy). Set at connection start (libpq's `options`, added to any the URL has): in force before
 * anything else, and no query of its own to race the session's first. A connection string that is
 * not a URL is left as it is.
 */
export function withLiveness(url: string, t: LivenessTimes, idleInTransaction: boolean): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const settings = [
    `tcp_keepalives_idle=${t.keepaliveIdleS}`,
    `tcp_keepalives_interval=${t.keepaliveIntervalS}`,
    `tcp_keepalives_count=${t.keepaliveCount}`,
    ...(idleInTransaction ? [`idle_in_transaction_session_timeout=${t.deadAfterMs}`] : []),
  ];
  u.searchParams.set('options', [u.searchParams.get('options'), ...settings.map((x) => `-c ${x}`)].filter(Boolean).join(' '));
  return u.toString();
}
