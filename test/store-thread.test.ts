// The embedded store on its own thread (src/store/pglite-thread.ts + pglite-worker.ts): what
// drizzle and the request log rely on behaves as with an in-process PGlite (rows, parameters,
// raw timestamps, error fields, transactions, savepoints, COPY, persistence), and the API thread
// keeps running while the store works.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { openStore, storeFromPglite, type Store } from '../src/store/db.js';
import { StoreUnavailableError } from '../src/store/failures.js';
import { PgliteThread } from '../src/store/pglite-thread.js';

describe('embedded store thread', () => {
  let thread: PgliteThread;
  before(async () => {
    thread = await PgliteThread.start({ dataDir: null, loadDataDir: null });
    await thread.exec(`create table t (id serial primary key, name text unique not null, at timestamptz not null default now());`);
  });
  after(async () => thread.close());

  test('query: parameters, object and array rows, raw timestamps when parsers are given', async () => {
    await thread.query('insert into t (name, at) values ($1, $2)', ['a', '2026-01-02T03:04:05Z']);
    const obj = await thread.query<{ id: number; name: string; at: Date }>('select id, name, at from t where name = $1', ['a']);
    assert.equal(obj.rows.length, 1);
    assert.equal(obj.rows[0].name, 'a');
    assert.ok(obj.rows[0].at instanceof Date, 'timestamps parsed by default');
    const raw = await thread.query<unknown[]>('select name, at from t where name = $1', ['a'], { rowMode: 'array', parsers: { 1184: (v: string) => v } });
    assert.equal(raw.rows[0][0], 'a');
    assert.equal(typeof raw.rows[0][1], 'string', 'drizzle keeps timestamps as text');
    assert.equal(raw.fields.length, 2);
    // Functions cannot cross threads: any other parser is refused, not silently ignored.
    await assert.rejects(thread.query('select 1::int4 as n', [], { parsers: { 23: (v: string) => Number(v) * 2 } }), /no custom parsers/);
  });

  test('errors keep Postgres fields (code, constraint, detail) and do not break the thread', async () => {
    await thread.query('insert into t (name) values ($1)', ['dup']);
    const err = await thread.query('insert into t (name) values ($1)', ['dup']).then(
      () => null,
      (e: Error & Record<string, unknown>) => e,
    );
    assert.ok(err, 'a unique violation must reject');
    assert.equal(err.code, '23505');
    assert.equal(err.constraint, 't_name_key');
    assert.match(String(err.detail), /already exists/);
    assert.equal((await thread.query<{ n: number }>('select count(*)::int as n from t where name = $1', ['dup'])).rows[0].n, 1);
  });

  test('transaction: commit keeps, a throw rolls back, statements outside wait for the commit', async () => {
    let seenOutside: number | null = null;
    await thread.transaction(async (tx) => {
      await tx.query('insert into t (name) values ($1)', ['tx1']);
      // Issued while the transaction is open: answered only after it commits (PGlite's own lock).
      void thread.query<{ n: number }>('select count(*)::int as n from t where name = $1', ['tx1']).then((r) => (seenOutside = r.rows[0].n));
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(seenOutside, null, 'a statement outside an open transaction must wait');
      assert.equal((await tx.query<{ n: number }>('select count(*)::int as n from t where name = $1', ['tx1'])).rows[0].n, 1);
    });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(seenOutside, 1);

    await assert.rejects(
      thread.transaction(async (tx) => {
        await tx.query('insert into t (name) values ($1)', ['tx2']);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await thread.query<{ n: number }>('select count(*)::int as n from t where name = $1', ['tx2'])).rows[0].n, 0);
  });

  test('drizzle on the thread: migrations, nested transaction (savepoint) rollback', async () => {
    const store: Store = await storeFromPglite(await PgliteThread.start({ dataDir: null, loadDataDir: null }));
    try {
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`insert into projects (id, name) values ('prj_outer', 'outer')`);
        await tx
          .transaction(async (inner) => {
            await inner.execute(sql`insert into projects (id, name) values ('prj_inner', 'inner')`);
            inner.rollback();
          })
          .catch(() => {});
      });
      const rows = (await store.db.execute(sql`select id from projects where id like 'prj_%er' order by id`)) as unknown as { rows: { id: string }[] };
      assert.deepEqual(
        rows.rows.map((r) => r.id),
        ['prj_outer'],
      );
    } finally {
      await store.close();
    }
  });

  test('copy: all statements in one transaction; a bad row writes nothing', async () => {
    await thread.exec('create table c (a text not null, b int not null)');
    await thread.copy([{ sql: `COPY c (a, b) FROM '/dev/blob'`, data: 'x\t1\ny\t2\n' }]);
    await assert.rejects(
      thread.copy([
        { sql: `COPY c (a, b) FROM '/dev/blob'`, data: 'z\t3\n' },
        { sql: `COPY c (a, b) FROM '/dev/blob'`, data: 'w\tnot-a-number\n' },
      ]),
      /invalid input syntax/,
    );
    assert.deepEqual(
      (await thread.query<{ a: string }>('select a from c order by a')).rows.map((r) => r.a),
      ['x', 'y'],
    );
  });

  test('the API thread keeps running while the store writes a large batch', async () => {
    await thread.exec('create table big (a text not null, b int not null)');
    const data = Array.from({ length: 60_000 }, (_, i) => `row-${i}\t${i}\n`).join('');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await thread.copy([{ sql: `COPY big (a, b) FROM '/dev/blob'`, data }]);
    const ms = performance.now() - t0;
    clearInterval(timer);
    assert.equal((await thread.query<{ n: number }>('select count(*)::int as n from big')).rows[0].n, 60_000);
    // In-process PGlite runs the COPY as one synchronous call: no timer could fire during it.
    assert.ok(ticks >= 3, `timers fired ${ticks} times during a ${ms.toFixed(0)} ms write`);
  });
});

describe('embedded store thread on a data directory', () => {
  test('data survives close and reopen; a closed store refuses with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkhub-thread-'));
    try {
      const a = await openStore({ databaseUrl: null, pgliteDir: dir });
      await a.db.execute(sql`insert into projects (id, name) values ('prj_keep', 'kept')`);
      await a.close();
      await assert.rejects(a.db.execute(sql`select 1`), (e: Error) =>
        /embedded store is closed/.test(String((e.cause as Error | undefined)?.message ?? e.message)),
      );
      const b = await openStore({ databaseUrl: null, pgliteDir: dir });
      const rows = (await b.db.execute(sql`select name from projects where id = 'prj_keep'`)) as unknown as { rows: { name: string }[] };
      assert.equal(rows.rows[0]?.name, 'kept');
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an embedded store that stops answering', () => {
  // After a write-ahead log file could not be created on a full disk, every statement waited for ever
  // (even once space returned) while /healthz said 200: the node served nothing until someone restarted it.
  test('owing answers past the bound: the waiting statements and every later one fail as store_unavailable, and the listener is told once', async () => {
    const thread = await PgliteThread.start({ dataDir: null, loadDataDir: null }, { stuckAfterMs: 400 });
    try {
      await thread.query('select pg_sleep(0.8)'); // unwatched: no listener yet (a migration at start may take long)
      const told: string[] = [];
      thread.onStuck((reason) => told.push(reason));
      await thread.query('select pg_sleep(0.1)'); // an answer within the bound is no fault
      assert.deepEqual(told, []);
      const held = thread.query('select pg_sleep(3)'); // the thread answers nothing meanwhile
      const behind = thread.query('select 1');
      await assert.rejects(held, (e: Error) => e instanceof StoreUnavailableError && /stopped answering/.test(e.message));
      await assert.rejects(behind, (e: Error) => e instanceof StoreUnavailableError);
      await assert.rejects(thread.query('select 2'), (e: Error) => e instanceof StoreUnavailableError, 'a later statement fails at once');
      assert.equal(told.length, 1);
      assert.match(told[0], /answered nothing for [\d.]+ s with 2 statement\(s\) waiting/);
    } finally {
      await thread.close();
    }
  });
});
