// The master key: given by LINKHUB_MASTER_KEY, or (embedded store only) generated once
// into the data directory with mode 0600.
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MasterKeySource {
  key: Buffer;
  generatedAt: string | null;
}

export function loadOrCreateMasterKey(configured: Buffer | null, dataDir: string, warn: (msg: string) => void): MasterKeySource {
  if (configured) return { key: configured, generatedAt: null };
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) warn(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return { key, generatedAt: null };
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
  return { key, generatedAt: file };
}

/** A non-secret fingerprint telling which master key wrapped a data key. */
export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('linkhub master key id').digest('hex').slice(0, 16);
}
