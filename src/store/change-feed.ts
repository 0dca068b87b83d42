// Changes that other Linkhub nodes must hear about at once (an account's key rotated or deleted, an
// API key revoked): each node's caches subscribe, and a change published on one node reaches the
// caches of every node. On PostgreSQL this is LISTEN/NOTIFY: one dedicated connection per node
// listens, a publish is a NOTIFY through the pool (delivered within milliseconds). When the listening
// connection drops, notifications sent meanwhile are lost: subscribers are told to resynchronise
// (drop what they cached) as soon as it is back. The embedded store serves one process, so there
// delivery is local only.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

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
 * Several nodes on one PostgreSQL database. `pool` sends the NOTIFYs; a dedicated client (from
 * `newClient`) listens, and is reconnected with a capped backoff after any error.
 */
export function postgresChangeFeed(pool: pg.Pool, newClient: () => pg.Client, warn: (msg: string) => void): ChangeFeed {
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
      await client?.end().catch(() => {});
    },
  };
}
