// The few-entry tar (ustar) a Linkhub backup is: written and read here by hand, because no tar
// library is a dependency (PGlite bundles one it does not export) and a backup holds two or three
// regular files, which is what this covers and nothing more: names under 100 bytes, no links,
// directories or long-name extensions. `tar tzf backup.tar.gz` lists it like any tarball.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) >= 100) throw new Error(`tar entry name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'utf8');
  h.write(octal(0o600, 8), 100); // mode
  h.write(octal(0, 8), 108); // uid
  h.write(octal(0, 8), 116); // gid
  h.write(octal(size, 12), 124);
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  h.write('        ', 148); // checksum field counts as spaces while summing
  h.write('0', 156); // regular file
  h.write('ustar\0' + '00', 257);
  const sum = h.reduce((n, b) => n + b, 0);
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The tar's chunks, in order (the large entries are not copied). */
export function tarChunks(entries: TarEntry[], mtime: Date): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const e of entries) out.push(header(e.name, e.data.length, mtime), e.data, padding(e.data.length));
  out.push(Buffer.alloc(2 * BLOCK)); // end of archive
  return out;
}

/** The regular files of a tar, or an Error saying why it is not one this module wrote. */
export function untar(buf: Buffer): TarEntry[] | Error {
  const entries: TarEntry[] = [];
  for (let off = 0; ; ) {
    if (off + BLOCK > buf.length) return new Error('the archive is truncated');
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    const field = (at: number, len: number) =>
      h
        .toString('latin1', at, at + len)
        .replace(/\0.*$/s, '')
        .trim();
    const stored = parseInt(field(148, 8), 8);
    const sum = h.reduce((n, b, i) => n + (i >= 148 && i < 156 ? 32 : b), 0);
    if (field(257, 6) !== 'ustar' || stored !== sum) return new Error('it is not a tar archive');
    const size = parseInt(field(124, 12), 8);
    if (!Number.isSafeInteger(size) || off + BLOCK + size > buf.length) return new Error('the archive is truncated');
    if (field(156, 1) === '0') entries.push({ name: h.toString('utf8', 0, 100).replace(/\0.*$/s, ''), data: buf.subarray(off + BLOCK, off + BLOCK + size) });
    off += BLOCK + size + padding(size).length;
  }
}
