// `linkhub restore`: a checked backup (readBackup) becomes the embedded store of a data directory
// that no process holds (the caller holds its lock). The snapshot is unpacked and opened (migrated,
// so a backup of an older Linkhub is brought up to date) in pgdata.restoring beside the store; only
// when that worked does it take pgdata's place. A store it replaces (`replace`) is kept aside as
// pgdata.before-restore until then, and put back if the swap fails, or by the next process to take
// the directory if this one is killed first (store/interrupted-restore.ts).
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { openSnapshot } from '../../store/db.js';
import { aside, holdsStore, RESTORING } from '../../store/interrupted-restore.js';
import { syncPath, syncTree } from '../../store/sync-tree.js';
import { accounts } from '../../store/schema.js';
import { writeFileAtomically } from '../atomic-file.js';
import type { Backup } from './backup.js';

/** The data directory holds a store and `replace` was not given. */
export class StoreNotEmptyError extends Error {}

export async function restoreBackup(dataDir: string, backup: Backup, opts: { replace: boolean }): Promise<{ accounts: number; replaced: boolean }> {
  const replaced = holdsStore(dataDir);
  if (replaced && !opts.replace) throw new StoreNotEmptyError(`${dataDir} already holds a store`);
  await mkdir(dataDir, { recursive: true });
  const pgdata = join(dataDir, 'pgdata');
  const fresh = join(dataDir, RESTORING);
  await rm(fresh, { recursive: true, force: true }); // a restore killed earlier
  let restored: number;
  try {
    const store = await openSnapshot(fresh, backup.pgdata);
    try {
      restored = Number((await store.db.select({ n: count() }).from(accounts))[0].n);
    } finally {
      await store.close();
    }
  } catch (e) {
    await rm(fresh, { recursive: true, force: true });
    throw new Error(`the backup's store could not be opened (nothing was changed): ${(e as Error).message}`);
  }

  // On the disk before anything is moved: from here on, the swap is a few renames (interrupted-restore.ts).
  syncTree(fresh);
  // What the restore replaces, moved aside: the store, and the key files when the backup brings its own.
  // Then the backup's key files, then the store: its rename is the moment the restore happens, and a
  // process that finds no store but one aside puts that back (interrupted-restore.ts).
  const replacing = ['pgdata', ...backup.keyFiles.map((k) => k.name)].filter((name) => existsSync(join(dataDir, name)));
  const asidePath = (name: string) => join(dataDir, aside(name));
  for (const name of replacing) await rm(asidePath(name), { recursive: true, force: true });
  for (const name of replacing.filter((n) => n !== 'pgdata')) await rename(join(dataDir, name), asidePath(name));
  if (replacing.includes('pgdata')) await rename(pgdata, asidePath('pgdata')); // last: no store aside, nothing to put back
  try {
    for (const k of backup.keyFiles) await writeFileAtomically(join(dataDir, k.name), [k.data]);
    await rename(fresh, pgdata);
    syncPath(dataDir);
  } catch (e) {
    await rm(fresh, { recursive: true, force: true });
    if (replacing.includes('pgdata')) await rm(pgdata, { recursive: true, force: true });
    for (const name of replacing) await rename(asidePath(name), join(dataDir, name));
    throw e;
  }
  for (const name of replacing) await rm(asidePath(name), { recursive: true, force: true });
  return { accounts: restored, replaced };
}
