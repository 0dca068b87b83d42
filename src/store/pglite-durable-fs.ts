// PGlite starts Postgres with fsync off (`-F`), and its Node file system (Emscripten's NODEFS) has no
// fsync of its own, so Postgres's syncs did nothing: a commit reached the operating system's cache, not
// the disk. A process killed keeps it (the cache survives), but a power cut or an operating-system
// crash could lose committed changes, or leave data files ahead of the WAL that should precede them:
// a data directory Postgres cannot recover (described in PGlite issue electric-sql/pglite#1107, open).
//
// Here NODEFS files get a real fsync, and Postgres runs with fsync on. Its WAL is synced with fsync(),
// not fdatasync(), which Emscripten answers without asking the host. Written here because it is a
// hook into PGlite's Emscripten module (its `NODEFS` object), which PGlite offers no option for.
import { fsyncSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** Postgres settings that make its syncs reach the disk through DurableNodeFS (after PGlite's own, which they override). */
export const DURABLE_SETTINGS: readonly string[] = ['-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];

interface NodefsStream {
  nfd: number;
}
type Emscripten = {
  NODEFS: { stream_ops: { fsync?: (s: NodefsStream) => number } };
  FS: { ErrnoError: new (errno: number) => Error };
};
/** Emscripten's number for EIO. */
const EIO = 29;
type InitOptions = Parameters<NodeFS['init']>[1];

/** PGlite's NodeFS with an fsync that syncs the host file (and counts the syncs). */
export class DurableNodeFS extends NodeFS {
  /** Host fsyncs done so far. */
  syncs = 0;

  override async init(pg: PGlite, opts: InitOptions): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, opts);
    type PreRun = NonNullable<typeof emscriptenOpts.preRun>[number];
    const giveFsync: PreRun = (mod) => {
      const m = mod as unknown as Emscripten;
      m.NODEFS.stream_ops.fsync = (stream) => {
        try {
          fsyncSync(stream.nfd);
        } catch {
          // as the system call fails: Postgres then stops rather than go on with writes it cannot trust
          throw new m.FS.ErrnoError(EIO);
        }
        this.syncs++;
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), giveFsync] } };
  }
}
