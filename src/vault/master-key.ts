// The master key: given by LINKHUB_MASTER_KEY, or (embedded store only) generated once
// into the data directory with mode 0600.
import { createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export interface MasterKeySource {
  key: Buffer;
  generatedAt: string | null;
  /**
   * The generated key's predecessor (master.key.previous) while `linkhub master-key rotate` replaces
   * it: still needed to unwrap the data keys not re-wrapped yet (a rotation killed half-way).
   */
  previous: Buffer | null;
}

const readKeyFile = (file: string): Buffer => {
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
  return key;
};

/** Replaces `file` by `key` atomically (written beside it with mode 0600, synced, renamed over it). */
function writeKeyFile(file: string, key: Buffer): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function loadOrCreateMasterKey(configured: Buffer | null, dataDir: string, warn: (msg: string) => void): MasterKeySource {
  if (configured) return { key: configured, generatedAt: null, previous: null };
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) warn(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    const previous = existsSync(`${file}.previous`) ? readKeyFile(`${file}.previous`) : null;
    return { key: readKeyFile(file), generatedAt: null, previous };
  }
  // An embedded store already in the data dir (PGlite's directory, see store/db.ts) was sealed with
  // a master key: a new one could not open it, so refuse instead of writing a useless master.key.
  const pgdata = join(dataDir, 'pgdata');
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    throw new Error(`${file} is missing but ${dataDir} holds an existing store: restore master.key from your backup, or set LINKHUB_MASTER_KEY`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  warn(
    `LINKHUB_MASTER_KEY is not set: generated a master key into ${file} (mode 0600). ` +
      'Back it up: without it the stored provider keys cannot be decrypted. Set LINKHUB_MASTER_KEY in production.',
  );
  return { key, generatedAt: file, previous: null };
}

/**
 * Replaces a generated master.key by a new key for `linkhub master-key rotate`, keeping the old one
 * as master.key.previous until finishKeyFileRotation (every data key re-wrapped). Each step is an
 * atomic rename, so a kill at any point leaves master.key and master.key.previous (when present)
 * holding the keys every data key is wrapped by; the next run resumes (`resumed`) instead of
 * generating yet another key.
 */
export function beginKeyFileRotation(dataDir: string): { key: Buffer; previous: Buffer; resumed: boolean } {
  const file = join(dataDir, 'master.key');
  const current = readKeyFile(file);
  const prevFile = `${file}.previous`;
  if (existsSync(prevFile)) {
    const old = readKeyFile(prevFile);
    if (!old.equals(current)) return { key: current, previous: old, resumed: true };
  } else {
    writeKeyFile(prevFile, current);
  }
  const key = randomBytes(32);
  writeKeyFile(file, key);
  return { key, previous: current, resumed: false };
}

/** Every data key is wrapped by the new master.key: its predecessor goes. */
export function finishKeyFileRotation(dataDir: string): void {
  rmSync(join(dataDir, 'master.key.previous'), { force: true });
}

/** A non-secret fingerprint telling which master key wrapped a data key. */
export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('linkhub master key id').digest('hex').slice(0, 16);
}
