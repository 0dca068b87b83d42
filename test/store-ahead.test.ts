// A store a newer Linkhub migrated, on the store under test (PGlite in a data directory, or a
// PostgreSQL database): the newer version added a NOT NULL column to accounts and recorded a
// migration this version does not know (a row of drizzle.__drizzle_migrations newer than every
// entry of its journal). This version must not serve it (a link would fail with 500 on the column):
// its node refuses to start, naming it, before it answers /readyz, and `linkhub doctor` fails
// naming it. A fresh store and one at exactly this version start as before.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Db } from '../src/store/db.js';
import { journal } from '../src/store/migration-journal.js';
import { missingMigrations } from '../src/store/migrations.js';
import { PgliteThread } from '../src/store/pglite-thread.js';
import { cli } from './helpers/cli.js';
import { type ChildStore, childStore, killAllLinkhubProcesses, spawnLinkhub, startLinkhubProcess, waitFor } from './helpers/process.js';

const STACK_LINE = /^\s+at /m;
/** The migration of the newer version: a day from now (whole seconds), by a hash this version's journal does not hold. */
const FUTURE = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
const FUTURE_HASH = 'f'.repeat(64);
const futureDate = `${new Date(FUTURE).toISOString().slice(0, 10)} ${new Date(FUTURE).toISOString().slice(11, 19)} UTC`;
const REASON = `the store was migrated by a newer Linkhub (a migration of ${futureDate} this version does not know): run that version or newer`;

let store: ChildStore;

before(async () => {
  store = await childStore();
});
after(async () => {
  await killAllLinkhubProcesses();
  await store?.drop().catch(() => {});
  if (store) rmSync(store.dataDir, { recursive: true, force: true });
});

/** The store opened directly (no Linkhub process holds it): drizzle on PostgreSQL, or on PGlite in the data directory. */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (store.databaseUrl) {
    const pool = new pg.Pool({ connectionString: store.databaseUrl, max: 1 });
    try {
      return await fn(drizzlePg(pool) as unknown as Db);
    } finally {
      await pool.end();
    }
  }
  const thread = await PgliteThread.start({ dataDir: join(store.dataDir, 'pgdata'), loadDataDir: null });
  try {
    return await fn(drizzlePglite(thread as unknown as PGlite) as unknown as Db);
  } finally {
    await thread.close();
  }
}

const storeLine = (stdout: string) => stdout.split('\n').find((l) => /\bstore\b/.test(l) && !/configuration loads/.test(l)) ?? '(no store line)';

test('a fresh store, then the same store at exactly this version: both start, doctor finds every migration', async () => {
  const first = await startLinkhubProcess(store.env); // fresh: migrated at start
  assert.equal((await first.stop()).code, 0);
  const second = await startLinkhubProcess(store.env); // at this version: nothing to migrate, nothing ahead
  try {
    // (on the embedded store doctor runs inside this server; its other checks, e.g. the Stripe API, may fail here)
    const doctor = await cli(store.env, 'doctor');
    assert.match(doctor.stdout, /^ok {4}the store answers and has every migration$/m, doctor.stdout + doctor.stderr);
  } finally {
    assert.equal((await second.stop()).code, 0);
  }
  assert.deepEqual(await withDb((db) => missingMigrations(db)), []);
});

test('a store migrated by a newer Linkhub: start is refused naming it, doctor fails naming it', async () => {
  assert.ok(
    journal.every((m) => m.when < FUTURE),
    "the newer version's migration is newer than this version's newest",
  );
  await withDb(async (db) => {
    // what the newer version's migration did: a NOT NULL column this version's inserts do not fill
    await db.execute(sql.raw(`alter table accounts add column region text not null default 'x'`));
    await db.execute(sql.raw('alter table accounts alter column region drop default'));
    await db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${FUTURE_HASH}, ${FUTURE})`);
    assert.deepEqual(await missingMigrations(db), [], 'nothing of this version is missing: the store is ahead, not behind');
  });

  // the node: exits by itself, one line naming the reason, never ready
  const node = await spawnLinkhub(store.env);
  const seen: { exit: { code: number | null; signal: string | null } | null } = { exit: null };
  void node.exited.then((e) => (seen.exit = e));
  const outcome = await waitFor(
    'the node to exit or to answer /readyz 200',
    async () => {
      if (seen.exit) return 'exited';
      const res = await fetch(`${node.url}/readyz`).catch(() => null);
      return res?.status === 200 ? 'ready' : null;
    },
    60_000,
    100,
  );
  if (outcome === 'ready') {
    await node.stop();
    assert.fail(`a node of this version started on the store a newer Linkhub migrated and answered /readyz 200\n${node.stderr()}`);
  }
  const exit = await node.exited;
  assert.equal(exit.signal, null, node.stderr());
  assert.equal(exit.code, 1, node.stderr());
  const lines = node
    .stderr()
    .split('\n')
    .filter((l) => l.trim() !== '');
  assert.deepEqual(lines, [`linkhub: failed to start: ${REASON}`]);
  assert.doesNotMatch(node.stderr() + node.stdout(), STACK_LINE);
  assert.doesNotMatch(node.stdout(), /listening|API key/i, 'never started serving');

  // doctor: a failed check naming it (exit 1, as for its other failed checks), not "has every migration"
  const doctor = await cli(store.env, 'doctor');
  assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
  assert.equal(storeLine(doctor.stdout), `fail  the store cannot be opened: ${REASON}`, doctor.stdout);
  assert.doesNotMatch(doctor.stdout, /has every migration/);
  assert.match(doctor.stderr, /^linkhub: doctor: /m);
  assert.doesNotMatch(doctor.stdout + doctor.stderr, STACK_LINE);

  // the refusal changed nothing: the store is as the newer version left it
  const rows = await withDb(
    async (db) =>
      (await db.execute(sql.raw('select hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1'))) as unknown as {
        rows: { hash: string; created_at: unknown }[];
      },
  );
  assert.equal(rows.rows[0].hash, FUTURE_HASH);
  assert.equal(Number(rows.rows[0].created_at), FUTURE);
});
