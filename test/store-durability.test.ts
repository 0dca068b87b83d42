// The embedded store's commits reach the disk, not only the operating system's cache: PGlite starts
// Postgres with fsync off and its Node file system has no fsync (src/store/pglite-durable-fs.ts), so a
// power cut or an OS crash could lose committed rows or leave a data directory Postgres cannot
// recover. Here: Postgres runs with fsync on, every commit is followed by a sync of a file on disk
// before its answer, and a new data directory is synced before it is put in place.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { startPgliteThread } from '../src/store/embedded-start.js';
import { PgliteThread } from '../src/store/pglite-thread.js';
import { storeFromPglite } from '../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'linkhub-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('on disk: fsync on, and each commit synced to the disk before it is answered', async () => {
  const thread = await startPgliteThread(dir);
  try {
    assert.ok(existsSync(join(dir, 'pgdata', 'PG_VERSION')), 'a data directory in place');
    assert.equal(existsSync(join(dir, 'pgdata.partial')), false);
    const setting = async (name: string) => (await thread.query<Record<string, string>>(`show ${name}`, [])).rows[0]?.[name];
    assert.equal(await setting('fsync'), 'on');
    assert.equal(await setting('wal_sync_method'), 'fsync', "Emscripten's fdatasync does not reach the host");
    const store = await storeFromPglite(thread);
    await store.db.execute(sql`create table durable_t (id serial primary key, v text not null)`);
    for (let i = 0; i < 5; i++) {
      const before = await thread.syncs();
      await store.db.execute(sql`insert into durable_t (v) values (${`row ${i}`})`);
      assert.ok((await thread.syncs()) > before, `commit ${i}: synced before its answer`);
    }
    const reads = await thread.syncs();
    await store.db.execute(sql`select count(*) from durable_t`);
    assert.equal(await thread.syncs(), reads, 'a read syncs nothing');
  } finally {
    await thread.close();
  }
});

test('in memory (no data directory): nothing to sync', async () => {
  const thread = await PgliteThread.start({ dataDir: null, loadDataDir: null });
  try {
    await thread.exec('create table m (id int)');
    await thread.query('insert into m values (1)', []);
    assert.equal(await thread.syncs(), 0);
  } finally {
    await thread.close();
  }
});
