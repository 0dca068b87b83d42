// Master-key rotation: every data key in `vault_keys` re-wrapped under the current master key.
// Only the wrapping changes (the data keys themselves, and so every stored ciphertext, stay as they
// are), which is what makes it safe while nodes serve: a node reads `vault_keys` once, when it opens
// the vault at start, and keeps the unwrapped data keys in memory; it never re-reads them nor creates
// one (a data key is created only on an empty store). A node (re)started during or after the
// rotation opens each row with whichever of its master keys the row names, so the operator's order
// is: every node onto the new key with the old one in LINKHUB_MASTER_KEY_PREVIOUS, then rotate, then
// drop PREVIOUS (see the README, "Rotating the master key").
//
// Batched, each batch one transaction that locks its rows; a row already under the current key is
// never touched again, so a rotation killed half-way is finished by running it again, and two
// rotations at once only wait for each other.
import { and, asc, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { vaultKeys } from '../store/schema.js';
import { keyRing, type MasterKeys, unwrapDataKey, wrapDataKey } from './vault.js';

export interface RotationProgress {
  /** Data keys re-wrapped by this run so far. */
  done: number;
  /** Data keys that were not under the current key when this run began. */
  total: number;
}

export interface RotationResult extends RotationProgress {
  currentKeyId: string;
}

export async function rotateMasterKey(
  db: Db,
  keys: MasterKeys,
  opts: { batchSize?: number; onProgress?: (p: RotationProgress) => void | Promise<void> } = {},
): Promise<RotationResult> {
  const ring = keyRing(keys);
  const current = ring[0];
  const batchSize = opts.batchSize ?? 100;
  const [{ n }] = await db.select({ n: count() }).from(vaultKeys).where(ne(vaultKeys.masterKeyId, current.id));
  const progress: RotationProgress = { done: 0, total: Number(n) };
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(vaultKeys)
        .where(ne(vaultKeys.masterKeyId, current.id))
        .orderBy(asc(vaultKeys.version))
        .limit(batchSize)
        .for('update');
      for (const row of rows) {
        const dataKey = unwrapDataKey(ring, row);
        await tx
          .update(vaultKeys)
          .set({ wrappedKey: wrapDataKey(current.key, row.version, dataKey), masterKeyId: current.id })
          .where(and(eq(vaultKeys.version, row.version), eq(vaultKeys.masterKeyId, row.masterKeyId)));
      }
      return rows.length;
    });
    if (moved === 0) break;
    progress.done += moved;
    progress.total = Math.max(progress.total, progress.done);
    await opts.onProgress?.({ ...progress });
  }
  return { ...progress, currentKeyId: current.id };
}

export interface KeyIdCount {
  masterKeyId: string;
  dataKeys: number;
  /** How this node's configuration knows the key: current (LINKHUB_MASTER_KEY), previous, or not at all. */
  role: 'current' | 'previous' | 'unknown';
}

/** How many data keys are wrapped under each master key id. */
export async function masterKeyStatus(db: Db, keys: MasterKeys): Promise<KeyIdCount[]> {
  const ring = keyRing(keys);
  const rows = await db
    .select({ masterKeyId: vaultKeys.masterKeyId, n: count() })
    .from(vaultKeys)
    .groupBy(vaultKeys.masterKeyId)
    .orderBy(vaultKeys.masterKeyId);
  const role = (id: string): KeyIdCount['role'] => (id === ring[0].id ? 'current' : ring.some((k) => k.id === id) ? 'previous' : 'unknown');
  return rows.map((r) => ({ masterKeyId: r.masterKeyId, dataKeys: Number(r.n), role: role(r.masterKeyId) }));
}
