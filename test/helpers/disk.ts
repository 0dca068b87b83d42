// A full disk for tests: small tmpfs file systems mounted on new directories (mount needs root: the
// tests run as root here and in CI) and filled to their last block; unmountAll() in the file's after().
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mounts: string[] = [];

/** A tmpfs of `size` (e.g. '64m') mounted on a new directory. */
export function tmpfs(size: string, prefix = 'linkhub-disk-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Unmounts every tmpfs this file mounted (one already gone is skipped). */
export function unmountAll(): void {
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already gone */
    }
  }
}

/** Fills the file system of `dir` to the last block; returns the filler's path (remove it to free the space). */
export function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const chunk of [Buffer.alloc(1 << 20), Buffer.alloc(4096)]) {
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}
