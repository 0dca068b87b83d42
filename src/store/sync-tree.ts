// Files and directories synced to the disk (fsync): a data directory written outside Postgres (copied
// from the store template, restored from a backup) must be on the disk before it is renamed into place,
// or a power cut could leave a half-written directory under the name of a store.
import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One file or directory synced. */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every file and directory under `dir` (and it) synced. */
export function syncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) syncTree(path);
    else if (e.isFile()) syncPath(path);
  }
  syncPath(dir);
}
