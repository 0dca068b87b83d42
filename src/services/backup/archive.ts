// The few-entry tar a Linkhub backup is (tar-stream): the manifest, the PGlite data directory's own
// tar, and the key files when asked. `tar tzf backup.tar.gz` lists it like any tarball.
import { extract, pack } from 'tar-stream';

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

/** The tar of `entries`, regular files of mode 0600. */
export async function tarBytes(entries: TarEntry[], mtime: Date): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => p.on('end', resolve).on('error', reject));
  for (const e of entries) p.entry({ name: e.name, size: e.data.length, mode: 0o600, mtime }, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length));
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The regular files of a tar, or an Error saying why it is not one. */
export async function untar(buf: Buffer): Promise<TarEntry[] | Error> {
  const entries: TarEntry[] = [];
  const x = extract();
  const done = new Promise<TarEntry[] | Error>((resolve) => {
    x.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c) => parts.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') entries.push({ name: header.name, data: Buffer.concat(parts) });
        next();
      });
      stream.resume();
    });
    x.on('finish', () => resolve(entries));
    x.on('error', (e: Error) => resolve(new Error(/unexpected end|truncated/i.test(e.message) ? 'the archive is truncated' : 'it is not a tar archive')));
  });
  x.end(buf);
  return done;
}
