// Connections of a cluster's node that go silent without a word (a paused process, a black-holed
// network, a NAT or firewall that forgot them), on the machine's real PostgreSQL behind a proxy
// (test/helpers/tcp-proxy.ts) so that the shared server is never touched:
//   - a node stalled while it holds a start-up advisory lock (migration, or the first rows, taken on
//     every start) used to block every other node's start for good, silently: its session is now
//     ended by the server and the waiting node says in its log what it waits for;
//   - a node whose listening connection died silently used to hear no change again: the feed now
//     notices, reconnects and resynchronises.
// Two stores in this process stand for two nodes. The silence allowed is shrunk to 1 s (a stalled
// node loses its lock after 4 s); the bounds are generous multiples of that, where the defects
// waited forever.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import type { PoolOptions } from '../src/store/pg-pool.js';
import { openPostgresStore } from '../src/store/postgres-store.js';
import type { Store } from '../src/store/store-types.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const SERVER = process.env.LINKHUB_TEST_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOL: PoolOptions = { max: 4, connectTimeoutMs: 2000, statementTimeoutMs: 5000 };
const LIVENESS = { silentMs: 1000 };
/** Far above the 4 s a stalled node keeps a lock (and the 2 s to notice a dead listener) on a loaded machine. */
const BOUND_MS = 30_000;
const MIGRATION_KEY = 0x4c48_4d31;

const proxies: TcpProxy[] = [];
const stores: Store[] = [];
const databases: ScratchDatabase[] = [];
after(async () => {
  // proxies first: closing them ends the silent connections a store's close would otherwise wait on
  for (const p of proxies) await p.close();
  for (const s of stores) await within('store closed', 10_000, s.close()).catch(() => {});
  for (const db of databases) await db.drop();
});

async function scratch(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(SERVER, 'linkhub_silent');
  databases.push(db);
  return db;
}

async function proxyTo(db: ScratchDatabase): Promise<TcpProxy> {
  const u = new URL(db.url);
  const proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
  proxies.push(proxy);
  return proxy;
}

function track(store: Store): Store {
  stores.push(store);
  return store;
}

async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function query(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

/** Node B, on a healthy network, opens its store and takes the first-rows turn within the bound; what it logged. */
async function nodeBGoesOn(db: ScratchDatabase, opening: string): Promise<{ warnings: string[]; ms: number }> {
  const warnings: string[] = [];
  const started = performance.now();
  const b = track(
    await within(
      opening,
      BOUND_MS,
      openPostgresStore(db.url, POOL, (m) => warnings.push(m), LIVENESS),
    ),
  );
  assert.equal(
    await within(
      'B creates its first rows',
      BOUND_MS,
      b.exclusive(async () => 'B ran'),
    ),
    'B ran',
  );
  return { warnings, ms: Math.round(performance.now() - started) };
}

test('a node stalled holding the start-up (first rows) lock: another node starts within the bound, saying what it waits for', async (t) => {
  const db = await scratch();
  const proxy = await proxyTo(db);
  const a = track(await openPostgresStore(proxy.url(db.url), POOL, () => {}, LIVENESS));
  let entered!: () => void;
  const holding = new Promise<void>((r) => {
    entered = r;
  });
  // A never finishes its first rows: it stalls, lock held, when its network freezes.
  a.exclusive(() => {
    entered();
    return new Promise(() => {});
  }).catch(() => {});
  await holding;
  proxy.set('frozen');

  const { warnings, ms } = await nodeBGoesOn(db, 'B opens its store');
  t.diagnostic(`B had the lock after ${ms} ms; it warned: ${warnings[0]}`);
  assert.ok(
    warnings.some((m) => /waiting \d+ s for the start-up \(first rows\) lock, held by another node \(PostgreSQL backend \d+/.test(m)),
    `B said what it waited for: ${JSON.stringify(warnings)}`,
  );
});

test('a node stalled holding the migration lock mid-migration: another node migrates and starts within the bound', async (t) => {
  const db = await scratch();
  const proxy = await proxyTo(db);
  // A slow network stretches A's migration over seconds, so its network can freeze with the lock held.
  proxy.set('open', 20);
  const opening = openPostgresStore(proxy.url(db.url), POOL, () => {}, LIVENESS);
  opening.then(track, () => {});
  await until(
    'A holds the migration lock',
    BOUND_MS,
    async () => {
      // this database's lock only: other tests' nodes migrate their own databases meanwhile
      const r = await query(
        db.url,
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1::bigint::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [MIGRATION_KEY],
      );
      return r.rowCount === 1;
    },
    5,
  );
  proxy.set('frozen');

  const { warnings, ms } = await nodeBGoesOn(db, 'B migrates and opens its store');
  const tables = await query(db.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'accounts'");
  assert.equal(tables.rows[0].n, 1, 'B migrated the database');
  t.diagnostic(`B migrated after ${ms} ms; it warned: ${warnings[0]}`);
  assert.ok(
    warnings.some((m) => /waiting \d+ s for the migration lock, held by another node/.test(m)),
    `B said what it waited for: ${JSON.stringify(warnings)}`,
  );
});

test("a node whose listening connection dies silently notices, resynchronises, and hears other nodes' changes again", async (t) => {
  const db = await scratch();
  const proxy = await proxyTo(db);
  const warnings: string[] = [];
  const a = track(await openPostgresStore(proxy.url(db.url), POOL, (m) => warnings.push(m), LIVENESS));
  const b = track(await openPostgresStore(db.url, POOL, () => {}, LIVENESS));
  const heard = new Set<string>();
  let resyncs = 0;
  a.changes.subscribe('probe', (id) => heard.add(id));
  a.changes.onResync(() => resyncs++);
  const publishUntilHeard = async (prefix: string) => {
    let n = 0;
    await until(
      `A hears a change published through B (${prefix})`,
      BOUND_MS,
      () => {
        b.changes.publish('probe', `${prefix}-${n++}`);
        return [...heard].some((id) => id.startsWith(prefix));
      },
      200,
    );
  };
  await publishUntilHeard('before');

  // Every connection A has goes silent; new ones still work.
  proxy.set('strand');
  const stranded = performance.now();
  await publishUntilHeard('after');
  t.diagnostic(`A heard again after ${Math.round(performance.now() - stranded)} ms; it warned: ${warnings[0]}`);
  assert.ok(resyncs > 0, 'A dropped what it cached: changes sent while it was deaf are lost');
  assert.ok(
    warnings.some((m) => /listening connection .*failed its check/.test(m)),
    `A said so: ${JSON.stringify(warnings)}`,
  );
});
