// Writes a file all at once or not at all: into a temporary file beside it (mode 0600: backups and
// log exports are for the operator alone), synced, then renamed over the name. A failure or a kill
// half-way leaves the previous file (or none), never a truncated one under the real name.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

type Source = Readable | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** Streams `source` (through `through`, e.g. gzip) into `file` atomically; returns the bytes written. */
export async function writeFileAtomically(file: string, source: Source, through: Transform[] = []): Promise<number> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
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
    throw e;
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
