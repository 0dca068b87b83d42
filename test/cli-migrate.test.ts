// The CLI never changes the store's schema by the way, on the store under test (PGlite in a data
// directory, or a PostgreSQL database): pointed at a database with no Linkhub store in it, `doctor`
// and the other commands refuse and create nothing there; on a store an older Linkhub wrote (its
// newest migration not applied), the commands refuse naming the migration and `linkhub migrate`,
// while `doctor` reports it and `backup` (embedded) takes it as it is, unmigrated (a backup before an
// upgrade is what a rollback restores); `linkhub migrate` brings it up to date, and the commands run.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { migrationsDir } from '../src/paths.js';
import type { Db } from '../src/store/db.js';
import { journal } from '../src/store/migration-journal.js';
import { missingMigrations } from '../src/store/migrations.js';
import { PgliteThread } from '../src/store/pglite-thread.js';
import { cli } from './helpers/cli.js';
import { type ChildStore, childStore } from './helpers/process.js';

const STACK_LINE = /^\s+at /m;
const newest = journal[journal.length - 1].tag;
const stores: ChildStore[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of stores.splice(0)) {
    await s.drop().catch(() => {});
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The store opened directly (no Linkhub process holds it): drizzle on PostgreSQL, or on PGlite in the data directory (created if new). */
async function withDb<T>(store: ChildStore, fn: (db: Db, kind: 'pg' | 'pglite') => Promise<T>): Promise<T> {
  if (store.databaseUrl) {
    const pool = new pg.Pool({ connectionString: store.databaseUrl, max: 1 });
    try {
      return await fn(drizzlePg(pool) as unknown as Db, 'pg');
    } finally {
      await pool.end();
    }
  }
  mkdirSync(join(store.dataDir, 'pgdata'), { recursive: true });
  const thread = await PgliteThread.start({ dataDir: join(store.dataDir, 'pgdata'), loadDataDir: null });
  try {
    return await fn(drizzlePglite(thread as unknown as PGlite) as unknown as Db, 'pglite');
  } finally {
    await thread.close();
  }
}

/** The tables of the database outside PostgreSQL's own schemas (drizzle's journal included). */
const userTables = (store: ChildStore) =>
  withDb(store, async (db) => {
    const r = (await db.execute(
      sql.raw("select table_schema || '.' || table_name as t from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')"),
    )) as unknown as { rows: { t: string }[] };
    return r.rows.map((row) => row.t);
  });

/** This version's migrations folder without its newest migration: what the Linkhub before it shipped. */
function olderMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'linkhub-older-migrations-'));
  dirs.push(dir);
  cpSync(migrationsDir, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  writeFileSync(journalFile, JSON.stringify({ version: '7', dialect: 'postgresql', entries: journal.slice(0, -1) }));
  rmSync(join(dir, `${newest}.sql`));
  return dir;
}

const storeLine = (stdout: string) => stdout.split('\n').find((l) => /\bstore\b/.test(l) && !/configuration loads/.test(l)) ?? '(no store line)';

test('a database with no Linkhub store in it: doctor and the commands refuse, and create nothing there', async () => {
  const store = await childStore();
  stores.push(store);
  // an empty database (on the embedded store: a data directory whose PGlite database holds no Linkhub table)
  assert.deepEqual(await userTables(store), []);

  const doctor = await cli(store.env, 'doctor');
  assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
  assert.match(
    storeLine(doctor.stdout),
    /^fail {2}the store cannot be opened: there is no Linkhub store in this database \(no Linkhub migration was ever applied to it\)/,
  );
  const list = await cli(store.env, 'accounts', 'list');
  assert.equal(list.code, 1, list.stdout + list.stderr);
  assert.match(list.stderr, /^linkhub: there is no Linkhub store in this database .*`linkhub migrate`/m);
  for (const r of [doctor, list]) assert.doesNotMatch(r.stdout + r.stderr, STACK_LINE);
  assert.deepEqual(await userTables(store), [], 'doctor and accounts list created no table');

  // `linkhub migrate` creates it, as a start would
  const migrated = await cli(store.env, 'migrate');
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  assert.equal(migrated.stdout.trim(), `the store has every migration of this version (${journal.length}, the newest ${newest})`);
  assert.deepEqual(await withDb(store, (db) => missingMigrations(db)), []);
});

test('a store an older Linkhub wrote: commands refuse naming the migration, doctor and backup take it as it is, migrate updates it', async () => {
  const store = await childStore();
  stores.push(store);
  const older = olderMigrations();
  await withDb(store, async (db, kind) => {
    if (kind === 'pg') await migratePg(db as never, { migrationsFolder: older });
    else await migratePglite(db as never, { migrationsFolder: older });
    assert.deepEqual(await missingMigrations(db), [newest]);
  });

  const list = await cli(store.env, 'accounts', 'list');
  assert.equal(list.code, 1, list.stdout + list.stderr);
  assert.equal(
    list.stderr.trim(),
    `linkhub: the store was written by an older Linkhub and lacks this version's migrations ${newest}: run \`linkhub migrate\` (or start this version of Linkhub, which migrates it), then \`linkhub accounts list\` again`,
  );
  const doctor = await cli(store.env, 'doctor');
  assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
  assert.equal(storeLine(doctor.stdout), `fail  the store lacks migrations ${newest}: run \`linkhub migrate\` or restart Linkhub to apply them`);
  if (!store.databaseUrl) {
    const file = join(store.dataDir, '..', `${store.dataDir.split('/').pop()}-before-upgrade.tar.gz`);
    dirs.push(file);
    const backup = await cli(store.env, 'backup', file);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.ok(existsSync(file));
  }
  assert.deepEqual(await withDb(store, (db) => missingMigrations(db)), [newest], 'accounts list, doctor and backup left the schema as it was');

  const migrated = await cli(store.env, 'migrate');
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  assert.equal(migrated.stdout.trim(), `the store has every migration of this version (${journal.length}, the newest ${newest})`);
  assert.deepEqual(await withDb(store, (db) => missingMigrations(db)), []);
  const again = await cli(store.env, 'logs', 'export', '--since', '1h', '--format', 'ndjson');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const twice = await cli(store.env, 'migrate');
  assert.equal(twice.stdout, migrated.stdout, 'a second migrate finds nothing to do');
});
