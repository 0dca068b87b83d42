// Changes that other Linkhub nodes must hear about at once (an account's key rotated or deleted, an
// API key revoked): each node's caches subscribe, and a change published on one node reaches the
// caches of every node. On PostgreSQL this is LISTEN/NOTIFY: one dedicated connection per node
// listens, a publish is a NOTIFY through the pool (delivered within milliseconds). When the listening
// connection drops, notifications sent meanwhile are lost: subscribers are told to resynchronise
// (drop what they cached) as soon as it is back. A connection can also die without a word (a NAT or
// firewall forgets it): it then delivers nothing and raises no error, so the feed asks it a question
// now and then and treats one left unanswered as a drop. The embedded store serves one process, so
// there delivery is local only.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { LIVENESS_DEFAULTS, type LivenessTimes, livenessTimes } from './pg-liveness.js';
import { destroyConnection } from './pg-pool.js';

export const CHANGE_CHANNEL = 'linkhub_changes';

export interface ChangeFeed {
  /** Tells every node (this one synchronously) that `id` of `topic` changed. Never throws. */
  publish(topic: string, id: string): void;
  subscribe(topic: string, onChange: (id: string) => void): void;
  /** Called when notifications may have been missed (the listening connection came back). */
  onResync(fn: () => void): void;
  close(): Promise<void>;
}

class Subscribers {
  private readonly byTopic = new Map<string, ((id: string) => void)[]>();
  private readonly resync: (() => void)[] = [];

  add(topic: string, fn: (id: string) => void): void {
    this.byTopic.set(topic, [...(this.byTopic.get(topic) ?? []), fn]);
  }

  addResync(fn: () => void): void {
    this.resync.push(fn);
  }

  deliver(topic: string, id: string): void {
    for (const fn of this.byTopic.get(topic) ?? []) fn(id);
  }

  resynchronise(): void {
    for (const fn of this.resync) fn();
  }
}

/** One process: publish delivers to this process's subscribers. */
export function localChangeFeed(): ChangeFeed {
  const subs = new Subscribers();
  return {
    publish: (topic, id) => subs.deliver(topic, id),
    subscribe: (topic, fn) => subs.add(topic, fn),
    onResync: (fn) => subs.addResync(fn),
    close: async () => {},
  };
}

/**
 * Repeats the listening client's LISTEN every listenCheckMs (a no-op round trip, which also leaves the
 * session showing LISTEN in pg_stat_activity, where an operator looks for it); no answer within as
 * long (or an error) closes it, and its 'end' reconnects and resynchronises as for any drop.
 */
function watch(c: pg.Client, t: LivenessTimes, live: () => boolean, warn: (msg: string) => void): void {
  let asking = false;
  const check = setInterval(() => {
    if (asking) return;
    asking = true;
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${t.listenCheckMs} ms`)), t.listenCheckMs);
    });
    Promise.race([c.query(`LISTEN ${CHANGE_CHANNEL}`), silence])
      .catch((e: Error) => {
        if (!live()) return;
        warn(`change feed: the listening connection to PostgreSQL failed its check (${e.message}); reconnecting`);
        destroyConnection(c);
      })
      .finally(() => {
        clearTimeout(timer);
        asking = false;
      });
  }, t.listenCheckMs);
  check.unref();
  c.once('end', () => clearInterval(check));
}

/**
 * Several nodes on one PostgreSQL database. `pool` sends the NOTIFYs; a dedicated client (from
 * `newClient`) listens, is checked every `times.listenCheckMs`, and is reconnected with a capped
 * backoff after any error or failed check.
 */
export function postgresChangeFeed(
  pool: pg.Pool,
  newClient: () => pg.Client,
  warn: (msg: string) => void,
  times: LivenessTimes = livenessTimes(LIVENESS_DEFAULTS),
): ChangeFeed {
  const subs = new Subscribers();
  // Our own notifications come back too: they were delivered locally already.
  const node = randomBytes(6).toString('hex');
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | null = null;

  const listen = async (): Promise<void> => {
    timer = null;
    if (closed) return;
    const c = newClient();
    c.on('error', () => {}); // 'end' follows and reconnects
    c.on('notification', (n) => {
      const payload = n.payload ?? '';
      const [from, topic, ...rest] = payload.split(':');
      if (from !== node && topic) subs.deliver(topic, rest.join(':'));
    });
    c.on('end', () => {
      if (client === c) client = null;
      if (!closed) schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      warn(`change feed: cannot listen on PostgreSQL (${(e as Error).message}); retrying`);
      await c.end().catch(() => {});
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    const reconnected = client === null && retryMs > 100;
    client = c;
    watch(c, times, () => !closed && client === c, warn);
    retryMs = 100;
    // Anything published while nobody listened is lost: caches start over.
    if (reconnected) subs.resynchronise();
  };
  const schedule = () => {
    if (timer || closed) return;
    subs.resynchronise(); // from now until listening again, nothing cached can be trusted
    timer = setTimeout(() => void listen(), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const started = listen();
  return {
    publish(topic, id) {
      subs.deliver(topic, id);
      pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, `${node}:${topic}:${id}`]).catch((e: Error) => warn(`change feed: NOTIFY failed (${e.message})`));
    },
    subscribe: (topic, fn) => subs.add(topic, fn),
    onResync: (fn) => subs.addResync(fn),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await started;
      const c = client;
      if (!c) return;
      // A goodbye on a dead connection would wait forever: a second is plenty on a live one.
      await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
      destroyConnection(c);
    },
  };
}
