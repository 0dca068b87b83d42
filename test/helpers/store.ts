// Test stores: PGlite in memory, on its own thread as in production, loaded from a migrated
// template (cached on disk per migration set, ~0.4 s instead of ~3 s per store), or a fresh
// database on the PostgreSQL server of LINKHUB_TEST_DATABASE_URL, dropped on close.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrationsDir } from '../../src/paths.js';
import { openStore, storeFromPglite, type Store } from '../../src/store/db.js';
import { PgliteThread } from '../../src/store/pglite-thread.js';
import { createScratchDatabase } from './scratch-database.js';

export const testStoreKind: 'pglite' | 'postgres' = process.env.LINKHUB_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(migrationsDir).sort()) if (f.endsWith('.sql')) h.update(f).update(readFileSync(join(migrationsDir, f)));
  return h.digest('hex').slice(0, 16);
}

async function template(): Promise<Buffer> {
  const file = join(tmpdir(), `linkhub-pglite-template-${migrationsHash()}.tar`);
  if (existsSync(file)) return readFileSync(file);
  const client = await PGlite.create();
  const store = await storeFromPglite(client);
  const dump = Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer());
  await store.close();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, dump);
  renameSync(tmp, file);
  return dump;
}

export interface TestStore {
  open(): Promise<Store>;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

/** A new, empty, migrated store of the kind under test. */
export async function createTestStore(): Promise<TestStore> {
  if (testStoreKind === 'postgres') {
    const base = process.env.LINKHUB_TEST_DATABASE_URL;
    if (!base) throw new Error('LINKHUB_TEST_STORE=postgres needs LINKHUB_TEST_DATABASE_URL');
    const db = await createScratchDatabase(base, 'linkhub_t');
    return { databaseUrl: db.url, open: () => openStore({ databaseUrl: db.url, pgliteDir: null }), drop: db.drop };
  }
  const dump = await template();
  return {
    databaseUrl: null,
    open: async () => storeFromPglite(await PgliteThread.start({ dataDir: null, loadDataDir: new Uint8Array(dump) })),
    drop: async () => {},
  };
}
