// Master-key rotation in the vault (src/vault/rotation.ts): data keys re-wrapped under the current
// master key in batches, resumable after a kill half-way, idempotent; the vault opens rows wrapped
// by a previous key, and refuses a key that matches nothing with the key ids named.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Store } from '../src/store/db.js';
import { vaultKeys } from '../src/store/schema.js';
import { masterKeyId } from '../src/vault/master-key.js';
import { masterKeyStatus, rotateMasterKey } from '../src/vault/rotation.js';
import { Vault, VaultError, wrapDataKey } from '../src/vault/vault.js';
import { createTestStore, type TestStore } from './helpers/store.js';

let testStore: TestStore;
let store: Store;
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const oldId = masterKeyId(oldKey);
const newId = masterKeyId(newKey);

before(async () => {
  testStore = await createTestStore();
  store = await testStore.open();
});
after(async () => {
  await store?.close();
  await testStore?.drop();
});

test('rotation: batched, resumable after a kill, idempotent; the value sealed before still opens with the new key alone', async () => {
  const vault = await Vault.open(store.db, oldKey);
  const sealed = vault.encrypt('sk_test_secret_value', 'acct_1');
  // more data keys, as a store with a longer history has (versions 2..7), all under the old key
  const extra = [2, 3, 4, 5, 6, 7].map((version) => ({ version, wrappedKey: wrapDataKey(oldKey, version, randomBytes(32)), masterKeyId: oldId }));
  await store.db.insert(vaultKeys).values(extra);
  const keys = { current: newKey, previous: [oldKey] };
  assert.deepEqual(await masterKeyStatus(store.db, keys), [{ masterKeyId: oldId, dataKeys: 7, role: 'previous' }]);

  // killed after the first batch: that batch is committed, the rest still under the old key
  const killed = new Error('killed');
  await assert.rejects(
    rotateMasterKey(store.db, keys, {
      batchSize: 3,
      onProgress: () => {
        throw killed;
      },
    }),
    killed,
  );
  const half = await masterKeyStatus(store.db, keys);
  assert.deepEqual(Object.fromEntries(half.map((r) => [r.role, r.dataKeys])), { current: 3, previous: 4 });
  // half-way, a node with the new key and the old as previous opens the vault
  assert.equal((await Vault.open(store.db, keys)).decrypt(sealed.ciphertext, 'acct_1'), 'sk_test_secret_value');

  const seen: number[] = [];
  const resumed = await rotateMasterKey(store.db, keys, { batchSize: 3, onProgress: (p) => void seen.push(p.done) });
  assert.deepEqual(resumed, { done: 4, total: 4, currentKeyId: newId }, 'only the rows left are re-wrapped');
  assert.deepEqual(seen, [3, 4]);
  assert.deepEqual(await masterKeyStatus(store.db, keys), [{ masterKeyId: newId, dataKeys: 7, role: 'current' }]);
  assert.deepEqual(await rotateMasterKey(store.db, keys), { done: 0, total: 0, currentKeyId: newId }, 'run again: nothing to do');

  // the new key alone opens every data key; the value sealed under the old wrapping decrypts
  const reopened = await Vault.open(store.db, newKey);
  assert.equal(reopened.decrypt(sealed.ciphertext, 'acct_1'), 'sk_test_secret_value');

  // the old key alone (PREVIOUS dropped too early on the wrong side) is refused naming both ids
  await assert.rejects(Vault.open(store.db, oldKey), (e: unknown) => {
    assert.ok(e instanceof VaultError);
    assert.match(e.message, new RegExp(`wrapped by master key ${newId}`));
    assert.match(e.message, new RegExp(`LINKHUB_MASTER_KEY \\(key id ${oldId}\\)`));
    assert.ok(!e.message.includes(oldKey.toString('base64')) && !e.message.includes(newKey.toString('base64')));
    return true;
  });
  // a rotation with keys that do not open the rows fails before changing anything
  const stranger = randomBytes(32);
  await assert.rejects(rotateMasterKey(store.db, { current: stranger, previous: [oldKey] }), /wrapped by master key/);
  assert.deepEqual(await masterKeyStatus(store.db, keys), [{ masterKeyId: newId, dataKeys: 7, role: 'current' }]);
});
