// Envelope encryption of stored secrets.
// Each value is sealed with a data key (AES-256-GCM, random IV, the owner's id as associated
// data so a ciphertext cannot be moved to another row). Data keys are kept wrapped by the
// master key in `vault_keys`; each ciphertext names its data-key version ("v<version>.<iv>.<ct>.<tag>"),
// so the master key can be rotated by re-wrapping data keys, without touching any value.
import { randomBytes } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { fail } from '../errors/fail.js';
import { vaultKeys } from '../store/schema.js';
import { decodeSealed, encodeSealed, open, seal } from './aead.js';
import { masterKeyId } from './master-key.js';

export class VaultError extends Error {}

/**
 * A stored value that cannot be opened (tampered with, copied from another record, or sealed with an
 * unknown data key): a 500 with code `secret_undecryptable` that says which record, instead of an
 * anonymous "Internal server error".
 */
const undecryptable = (owner: string, reason: string) => fail('secret_undecryptable', { owner, reason });

const wrapAad = (version: number) => Buffer.from(`linkhub data key v${version}`);

/** The master keys a node holds: the current one wraps, the previous ones only unwrap. */
export interface MasterKeys {
  current: Buffer;
  previous: Buffer[];
}

export interface RingKey {
  id: string;
  key: Buffer;
}

/** The current key first, then the previous ones (each with its id). */
export function keyRing(keys: Buffer | MasterKeys): RingKey[] {
  const all = Buffer.isBuffer(keys) ? [keys] : [keys.current, ...keys.previous];
  return all.map((key) => ({ id: masterKeyId(key), key }));
}

export function wrapDataKey(masterKey: Buffer, version: number, dataKey: Buffer): string {
  return encodeSealed(seal(masterKey, dataKey, wrapAad(version)));
}

/** A data key unwrapped by the master key of the ring its row names, or VaultError naming the key ids. */
export function unwrapDataKey(ring: RingKey[], row: { version: number; wrappedKey: string; masterKeyId: string }): Buffer {
  const holder = ring.find((k) => k.id === row.masterKeyId);
  if (!holder) {
    const previous = ring.slice(1).map((k) => k.id);
    throw new VaultError(
      `the master key does not match this store: data key v${row.version} is wrapped by master key ${row.masterKeyId}, which is neither LINKHUB_MASTER_KEY (key id ${ring[0].id})` +
        ` nor in LINKHUB_MASTER_KEY_PREVIOUS (${previous.length ? `key ids ${previous.join(', ')}` : 'not set'}): configure the master key with id ${row.masterKeyId}`,
    );
  }
  try {
    return open(holder.key, decodeSealed(row.wrappedKey), wrapAad(row.version));
  } catch {
    throw new VaultError(`data key v${row.version} cannot be unwrapped with master key ${holder.id} (the stored wrapped key is damaged)`);
  }
}

export interface SealedSecret {
  ciphertext: string;
  version: number;
}

export class Vault {
  private constructor(
    private readonly dataKeys: Map<number, Buffer>,
    private readonly current: number,
  ) {}

  /**
   * Loads (or on an empty store creates) the data keys, unwrapping each with whichever master key
   * wrapped it: `keys.current` (LINKHUB_MASTER_KEY, the one new data keys are wrapped by) or one of
   * `keys.previous` (LINKHUB_MASTER_KEY_PREVIOUS, only for unwrapping until `master-key rotate` ran).
   * A Buffer is a current key without previous ones.
   */
  static async open(db: Db, keys: Buffer | MasterKeys): Promise<Vault> {
    const ring = keyRing(keys);
    const current = ring[0];
    let rows = await db.select().from(vaultKeys).orderBy(asc(vaultKeys.version));
    if (rows.length === 0) {
      const dek = randomBytes(32);
      await db
        .insert(vaultKeys)
        .values({ version: 1, wrappedKey: wrapDataKey(current.key, 1, dek), masterKeyId: current.id })
        .onConflictDoNothing();
      rows = await db.select().from(vaultKeys).orderBy(asc(vaultKeys.version));
    }
    const dataKeys = new Map<number, Buffer>();
    for (const row of rows) dataKeys.set(row.version, unwrapDataKey(ring, row));
    return new Vault(dataKeys, Math.max(...dataKeys.keys()));
  }

  encrypt(plaintext: string, ownerId: string): SealedSecret {
    const key = this.dataKeys.get(this.current)!;
    const sealed = seal(key, Buffer.from(plaintext, 'utf8'), Buffer.from(ownerId, 'utf8'));
    return { ciphertext: `v${this.current}.${encodeSealed(sealed)}`, version: this.current };
  }

  decrypt(ciphertext: string, ownerId: string): string {
    const m = /^v(\d+)\.(.+)$/.exec(ciphertext);
    const key = m ? this.dataKeys.get(Number(m[1])) : undefined;
    if (!m || !key) throw undecryptable(ownerId, 'it names an unknown data key version');
    try {
      return open(key, decodeSealed(m[2]), Buffer.from(ownerId, 'utf8')).toString('utf8');
    } catch {
      throw undecryptable(ownerId, 'it was tampered with or copied from another record (store the key again to repair it)');
    }
  }
}
