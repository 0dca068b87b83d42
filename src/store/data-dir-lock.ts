// One Linkhub process per data directory. The embedded store (PGlite) takes no lock of its own: a
// second process on the same directory started and silently lost acknowledged links.
//
// The lock is proper-lockfile's: a directory created atomically (<dataDir>/linkhub.lock) whose mtime
// the holder refreshes every 2 s; one not refreshed for 10 s is stale and taken over. That works
// across PID namespaces (two containers on one volume) and hosts, where a lock file holding only a
// PID would be judged by a PID that means nothing there and stolen from a live process. A holder
// that finds its lock taken over (compromised) is told so by onLost and must stop writing.
//
// Beside it, linkhub.pid says who holds it (PID, host, since) for the refusal message, and lets a
// restart after kill -9 take over at once instead of after 10 s: when the holder ran in our own PID
// namespace and boot, and its PID is gone or belongs to another process now (start time), it is dead.
// (Two processes starting together after such a crash could both judge it dead; the loser's
// heartbeat then finds its lock taken within 2 s and onLost stops it.)
import { mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { finishInterruptedRestore } from './interrupted-restore.js';

/** Who holds the directory (pid, host, boot, PID namespace, start time), beside the lock itself. */
const OWNER_FILE = 'linkhub.pid';
const STALE_MS = 10_000;
const UPDATE_MS = 2_000;

/** Who holds the lock (linkhub.pid). `boot`, `pidns` and `started` are null where /proc does not tell. */
interface Owner {
  pid: number;
  host: string;
  since: string;
  boot: string | null;
  pidns: string | null;
  started: string | null;
}

export class DataDirError extends Error {}

export interface DataDirLock {
  /** What taking the directory finished: an interrupted restore undone or cleaned up (interrupted-restore.ts); null: nothing. */
  notice: string | null;
  release(): Promise<void>;
}

const read = (f: () => string): string | null => {
  try {
    return f().trim();
  } catch {
    return null;
  }
};

/** The fields of /proc/<pid>/stat from the third on (state first); null without one. */
function statFields(pid: number): string[] | null {
  const stat = read(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // the command name (field 2) may hold spaces and parentheses: count from its closing ')'
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : null;
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat): tells a reused PID apart. */
const startTime = (pid: number): string | null => statFields(pid)?.[19] ?? null;

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function me(): Owner {
  return {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    boot: read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidns: read(() => readlinkSync('/proc/self/ns/pid')),
    started: startTime(process.pid),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a process killed but not yet reaped by its parent (a zombie, state Z) still answers signal 0: it holds nothing
  return statFields(pid)?.[0] !== 'Z';
}

/** Whether the holder's PID means something here: same boot and PID namespace (or, without /proc, same host). */
function visible(owner: Owner, self: Owner): boolean {
  return self.boot !== null && self.pidns !== null ? owner.boot === self.boot && owner.pidns === self.pidns : owner.host === self.host;
}

/** A visible holder is dead when its PID is gone or is another process now (another start time). */
function dead(owner: Owner): boolean {
  if (!alive(owner.pid)) return true;
  return owner.started !== null && startTime(owner.pid) !== owner.started;
}

function readOwner(file: string): Owner | null {
  const text = read(() => readFileSync(file, 'utf8'));
  if (!text) return null;
  try {
    const o = JSON.parse(text) as Owner;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

/** The PID of the process that holds (or last held) `dir`, as its lock names it; null when none is named. */
export const holderPid = (dir: string): number | null => readOwner(join(dir, OWNER_FILE))?.pid ?? null;

/** The one-line reason a data directory cannot be used: what, which path, the system's words. */
export function dataDirProblem(dir: string, e: NodeJS.ErrnoException): DataDirError {
  const what: Record<string, string> = {
    EROFS: 'is on a read-only file system: mount it read-write',
    EACCES: 'is not writable by this user: give it write permission',
    EPERM: 'is not writable by this user: give it write permission',
    ENOSPC: 'is on a full disk: free some space',
    EDQUOT: 'is over its disk quota: free some space or raise the quota',
    EFBIG: 'holds a file over the size this process may write (ulimit -f): raise the limit',
    ENOTDIR: 'is not a directory: point LINKHUB_DATA_DIR at one',
    EEXIST: 'is not a directory: point LINKHUB_DATA_DIR at one',
  };
  const reason = what[e.code ?? ''] ?? `cannot be used (${e.message})`;
  return new DataDirError(`the data directory ${dir} ${reason}${e.code ? ` (${e.code})` : ''}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the data directory for this process, or throws DataDirError naming the directory and the
 * holder. `onLost` runs if the lock is ever taken over while held (the process must stop writing).
 */
export async function lockDataDir(dir: string, onLost: (err: Error) => void): Promise<DataDirLock> {
  const lockPath = join(dir, 'linkhub.lock');
  const ownerFile = join(dir, OWNER_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw dataDirProblem(dir, e as NodeJS.ErrnoException);
  }
  const self = me();
  const options = { lockfilePath: lockPath, stale: STALE_MS, update: UPDATE_MS, realpath: false, retries: 0, onCompromised: onLost };
  const attempt = () =>
    lockfile.lock(dir, options).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ELOCKED') return null;
      throw dataDirProblem(dir, e);
    });

  let release = await attempt();
  if (!release) {
    const owner = readOwner(ownerFile);
    if (owner && visible(owner, self)) {
      if (dead(owner)) {
        // Its heartbeat stopped with it; its lock goes now rather than after the 10 s of staleness.
        rmSync(lockPath, { recursive: true, force: true });
        release = await attempt();
      }
    } else {
      // A holder we cannot see (another container or host): alive only if it keeps its heartbeat.
      const age = Date.now() - mtimeMs(lockPath);
      await sleep(Math.max(0, STALE_MS - age) + 500);
      release = await attempt();
    }
  }
  if (!release) {
    const o = readOwner(ownerFile);
    const who = o ? `PID ${o.pid} on ${o.host}, since ${o.since}` : 'its PID is not recorded';
    throw new DataDirError(
      `the data directory ${dir} is in use by another Linkhub process (${who}): stop that process, or give this one another LINKHUB_DATA_DIR (two processes on one embedded store lose writes)`,
    );
  }
  try {
    const tmp = `${ownerFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(self)}\n`);
    renameSync(tmp, ownerFile);
  } catch (e) {
    await release().catch(() => {});
    throw dataDirProblem(dir, e as NodeJS.ErrnoException);
  }
  const held = release;
  let notice: string | null;
  try {
    notice = finishInterruptedRestore(dir);
  } catch (e) {
    await release().catch(() => {});
    throw dataDirProblem(dir, e as NodeJS.ErrnoException);
  }
  return {
    notice,
    async release() {
      if (readOwner(ownerFile)?.pid === self.pid) rmSync(ownerFile, { force: true });
      await held().catch(() => {}); // already taken over (onLost said so) or removed: nothing left to free
    },
  };
}
