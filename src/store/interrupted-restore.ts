// What a `linkhub restore` killed half-way (or cut off by a power cut) leaves in a data directory, and
// how the next process to take the directory finishes it. The restore (services/backup/restore.ts)
// syncs its new store in `pgdata.restoring`, moves what it replaces aside as `<name>.before-restore`
// (the key files the backup brings, then the store), writes the backup's key files, and renames
// `pgdata.restoring` to `pgdata`: that rename is the moment the restore happens. So while
// `pgdata.restoring` is there, the restore has not happened, and what is aside goes back (a new store
// must never be seeded in place of the one aside, nor a new master key made for it); once it is gone,
// what is aside is only what the restore replaced.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const RESTORING = 'pgdata.restoring';
const ASIDE = '.before-restore';
export const aside = (name: string): string => `${name}${ASIDE}`;

/** Whether the data directory holds an embedded store (a `pgdata` with something in it). */
export function holdsStore(dataDir: string): boolean {
  const pgdata = join(dataDir, 'pgdata');
  return existsSync(pgdata) && readdirSync(pgdata).length > 0;
}

/**
 * Finishes an interrupted restore in `dataDir` (held by this process): one that had not happened is
 * undone, one that had is cleaned up. Returns what it did, for the operator, or null: nothing to do.
 */
export function finishInterruptedRestore(dataDir: string): string | null {
  if (!existsSync(dataDir)) return null;
  const asides = readdirSync(dataDir).filter((n) => n.endsWith(ASIDE));
  const putBack = (n: string) => {
    const to = join(dataDir, n.slice(0, -ASIDE.length));
    rmSync(to, { recursive: true, force: true }); // a key file the restore wrote, an empty store directory
    renameSync(join(dataDir, n), to);
  };
  const restoring = join(dataDir, RESTORING);
  if (existsSync(restoring)) {
    for (const n of asides) putBack(n);
    rmSync(restoring, { recursive: true, force: true });
    return asides.length > 0
      ? `a restore into ${dataDir} was interrupted before it happened: what it was replacing (${asides.map((n) => n.slice(0, -ASIDE.length)).join(', ')}) is back; run the restore again`
      : `a restore into ${dataDir} was interrupted before it replaced anything: its unfinished store is removed`;
  }
  // It happened (or its own undoing was cut short): what is aside is put back only where nothing replaced it.
  let back = 0;
  for (const n of asides) {
    const original = n.slice(0, -ASIDE.length);
    const missing = original === 'pgdata' ? !holdsStore(dataDir) : !existsSync(join(dataDir, original));
    if (missing) {
      putBack(n);
      back++;
    } else rmSync(join(dataDir, n), { recursive: true, force: true });
  }
  if (back > 0) return `a restore into ${dataDir} was interrupted while it was being undone: ${back} item(s) it had moved aside are back`;
  return asides.length > 0 ? `a restore into ${dataDir} had finished: what it replaced is removed` : null;
}
