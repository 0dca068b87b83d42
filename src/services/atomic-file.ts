// Writes a file all at once or not at all: into a temporary file beside it (mode 0600: backups and
// log exports are for the operator alone), synced, then renamed over the name. A failure or a kill
// half-way leaves the previous file (or none), never a truncated one under the real name.
//
// The temporary file is named `.NAME.linkhub-HOST-PID-RANDOM.tmp` (HOST: a hash of the host name):
// a process killed while writing (kill -9, out of memory) leaves it, and the next atomic write into
// the same directory removes it once its writer is gone (that PID no longer runs on this host), so
// repeated crashes do not fill the disk. A temporary file of a writer that still runs (another
// backup at that moment) is never touched; one from another host (a shared volume) only after a day.
// A failed write says which file and why (a full disk above all), and leaves no temporary file.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

type Source = Readable | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
/** A temporary file of writeFileAtomically: the name it stands for, its writer's host and PID. */
const TEMPORARY = /^\.(.+)\.linkhub-([0-9a-f]{8})-(\d+)-[0-9a-f]{8}\.tmp$/;
/** How long a temporary file written from another host is left alone (no write takes a day). */
const FOREIGN_AFTER_MS = 24 * 3600_000;

/** The temporary file a write of `file` by this process goes through. */
const temporaryName = (file: string) => join(dirname(file), `.${basename(file)}.linkhub-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: it runs, as another user
  }
}

/** Whether a temporary file's writer is gone: on this host, its PID no longer runs; from another, untouched for a day. */
async function abandoned(host: string, pid: number, path: string): Promise<boolean> {
  if (host === HOST) return !running(pid);
  const touched = await stat(path).then(
    (s) => s.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - touched >= FOREIGN_AFTER_MS;
}

/**
 * Removes from `dir` the temporary files of writes whose writer is gone (killed half-way); returns
 * the paths removed. Never one whose writer runs: a PID reused since keeps its file until it ends.
 */
export async function removeAbandonedTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed; // no directory (yet): the write says why
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    if (!(await abandoned(m[2], Number(m[3]), path))) continue;
    await rm(path, { force: true }).then(
      () => removed.push(path),
      () => {},
    );
  }
  return removed;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full (no space left on device): free some space',
  EDQUOT: 'the disk quota is exceeded: free some space or raise the quota',
  EFBIG: 'the file is over the size this process may write (ulimit -f)',
  EROFS: 'the file system is read-only',
  EACCES: 'this user may not write there',
  EPERM: 'this user may not write there',
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'its directory is not a directory',
};

/** A write of `file` that failed: the file, the reason an operator acts on, and what was left. */
export class FileWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    cause: Error,
  ) {
    super(`cannot write ${file}: ${REASONS[code] ?? cause.message} (${code}); a file there before is unchanged`, { cause });
  }
}

export interface AtomicWriteOptions {
  /** Told each temporary file of an earlier, killed write removed from the directory first. */
  removed?: (path: string) => void;
}

/** Streams `source` (through `through`, e.g. gzip) into `file` atomically; returns the bytes written. */
export async function writeFileAtomically(file: string, source: Source, through: Transform[] = [], opts: AtomicWriteOptions = {}): Promise<number> {
  for (const path of await removeAbandonedTemporaries(dirname(file))) opts.removed?.(path);
  const tmp = temporaryName(file);
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  try {
    await (pipeline as (...s: unknown[]) => Promise<void>)(source, ...through, out);
    const fd = await open(tmp, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new FileWriteError(file, code, e as Error) : e;
  }
  // the rename itself survives a power cut once the directory is synced
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return out.bytesWritten;
}
