// `linkhub backup` of the embedded store: a gzip-compressed tar holding linkhub-backup.json (what
// this is, which master key ids wrap its data keys, a checksum of the rest), pgdata.tar (the store's
// snapshot, taken while it serves: Store.snapshot) and, only when asked, the generated master.key.
// readBackup checks all of it before a restore touches anything.
//
// By default the master key stays out: the backup holds every provider key encrypted, and whoever
// holds both the backup and the key holds those secrets, so they are kept apart (two places to
// steal from, and a backup copied to cheaper storage does not carry the key along).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';
import { count } from 'drizzle-orm';
import { buildInfo } from '../../build-info.js';
import type { Store } from '../../store/db.js';
import { accounts, vaultKeys } from '../../store/schema.js';
import { writeFileAtomically } from '../atomic-file.js';
import { type TarEntry, tarBytes, untar } from './archive.js';

const MANIFEST = 'linkhub-backup.json';
const PGDATA = 'pgdata.tar';
const FORMAT = 'linkhub-backup';
const VERSION = 1;
/** The key files of a data directory a backup may carry (master.key.previous: a rotation under way). */
export const KEY_FILES = ['master.key', 'master.key.previous'] as const;
export type KeyFile = { name: (typeof KEY_FILES)[number]; data: Buffer };

export interface BackupManifest {
  format: typeof FORMAT;
  version: number;
  created_at: string;
  linkhub: { version: string; commit: string | null };
  store: 'pglite';
  accounts: number;
  /** Ids (fingerprints) of the master keys wrapping the backup's data keys: what a restore needs. */
  master_key_ids: string[];
  /** The key files the backup carries (none unless asked). */
  key_files: string[];
  pgdata: { bytes: number; sha256: string };
}

export interface Backup {
  manifest: BackupManifest;
  pgdata: Uint8Array<ArrayBuffer>;
  keyFiles: KeyFile[];
}

/** A file that is not a backup this Linkhub can restore; `reason` says why. */
export class NotABackupError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is not a Linkhub backup: ${reason}`);
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Snapshots the open embedded store into `file` (atomically, mode 0600), with `keyFiles` when given.
 * Runs in whichever process holds the store: the server keeps serving (statements wait while the
 * data directory is read). `removed`: the temporary files of earlier backups killed half-way that
 * were removed from the directory (services/atomic-file.ts).
 */
export async function writeBackup(
  store: Store,
  file: string,
  keyFiles: KeyFile[] = [],
): Promise<{ manifest: BackupManifest; bytes: number; removed: string[] }> {
  if (!store.snapshot) throw new Error('only the embedded store is backed up by Linkhub: back up PostgreSQL with pg_dump');
  const [keys, [{ n }]] = await Promise.all([
    store.db.selectDistinct({ id: vaultKeys.masterKeyId }).from(vaultKeys).orderBy(vaultKeys.masterKeyId),
    store.db.select({ n: count() }).from(accounts),
  ]);
  const pgdata = await store.snapshot();
  const now = new Date();
  const manifest: BackupManifest = {
    format: FORMAT,
    version: VERSION,
    created_at: now.toISOString(),
    linkhub: buildInfo,
    store: 'pglite',
    accounts: Number(n),
    master_key_ids: keys.map((k) => k.id),
    key_files: keyFiles.map((k) => k.name),
    pgdata: { bytes: pgdata.length, sha256: sha256(pgdata) },
  };
  const entries: TarEntry[] = [{ name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') }, { name: PGDATA, data: pgdata }, ...keyFiles];
  const removed: string[] = [];
  const bytes = await writeFileAtomically(file, [await tarBytes(entries, now)], [createGzip()], { removed: (path) => removed.push(path) });
  return { manifest, bytes, removed };
}

function manifestProblem(m: Partial<BackupManifest>): string | null {
  if (m.format !== FORMAT) return `${MANIFEST} does not name the format ${FORMAT}`;
  if (typeof m.version !== 'number' || m.version > VERSION)
    return `it was written by a newer Linkhub (backup format ${String(m.version)}; this one reads ${VERSION})`;
  if (m.store !== 'pglite' || !m.pgdata || !Array.isArray(m.master_key_ids) || !Array.isArray(m.key_files)) return `${MANIFEST} is incomplete`;
  return null;
}

/** Reads and checks a backup file whole (format, checksum); throws NotABackupError saying what is wrong. */
export async function readBackup(file: string): Promise<Backup> {
  const raw = await readFile(file);
  let tar: Buffer;
  try {
    tar = await promisify(gunzip)(raw);
  } catch {
    throw new NotABackupError(file, 'it is not gzip-compressed (or is cut short)');
  }
  const entries = await untar(tar);
  if (entries instanceof Error) throw new NotABackupError(file, entries.message);
  if (entries[0]?.name !== MANIFEST) throw new NotABackupError(file, `it does not start with ${MANIFEST}`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(Buffer.from(entries[0].data).toString('utf8')) as BackupManifest;
  } catch {
    throw new NotABackupError(file, `${MANIFEST} is not JSON`);
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new NotABackupError(file, problem);
  const pgdata = entries.find((e) => e.name === PGDATA)?.data;
  if (!pgdata || pgdata.length !== manifest.pgdata.bytes || sha256(pgdata) !== manifest.pgdata.sha256) {
    throw new NotABackupError(file, `${PGDATA} is missing or damaged (its checksum differs from the one recorded)`);
  }
  const keyFiles: KeyFile[] = [];
  for (const name of KEY_FILES) {
    const e = entries.find((x) => x.name === name);
    if (e) keyFiles.push({ name, data: Buffer.from(e.data) });
  }
  if (keyFiles.length !== manifest.key_files.length) throw new NotABackupError(file, 'a key file it lists is missing');
  return { manifest, pgdata: new Uint8Array(pgdata), keyFiles };
}
