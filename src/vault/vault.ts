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

export interface SealedSecret {
  ciphertext: string;
  version: number;
}

export class Vault {
  private constructor(
    private readonly dataKeys: Map<number, Buffer>,
    private readonly current: number,
  ) {}

  /** Loads (or on an empty store creates) the data keys, unwrapping them with the master key. */
  static async open(db: Db, masterKey: Buffer): Promise<Vault> {
    const id = masterKeyId(masterKey);
    let rows = await db.select().from(vaultKeys).orderBy(asc(vaultKeys.version));
    if (rows.length === 0) {
      const dek = randomBytes(32);
      await db
        .insert(vaultKeys)
        .values({ version: 1, wrappedKey: encodeSealed(seal(masterKey, dek, wrapAad(1))), masterKeyId: id })
        .onConflictDoNothing();
      rows = await db.select().from(vaultKeys).orderBy(asc(vaultKeys.version));
    }
    const keys = new Map<number, Buffer>();
    for (const row of rows) {
      if (row.masterKeyId !== id) {
        throw new VaultError('the master key does not match this store (data keys were wrapped by another master key): check LINKHUB_MASTER_KEY');
      }
      try {
        keys.set(row.version, open(masterKey, decodeSealed(row.wrappedKey), wrapAad(row.version)));
      } catch {
        throw new VaultError(`data key v${row.version} cannot be unwrapped with this master key`);
      }
    }
    return new Vault(keys, Math.max(...keys.keys()));
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
