// The columns of an account that a verified key sets, shared by linking and key replacement.
import type { LiveTestOutcome } from '../../connectors/types.js';
import type { StatusReason } from '../../store/schema.js';
import type { Vault } from '../../vault/vault.js';
import type { AccountRow } from './account-view.js';

/** The columns a verified key sets: sealed for this account id, status active, what the test learnt. */
export function keyFields(
  vault: Vault,
  current: Pick<AccountRow, 'id' | 'externalAccountId' | 'externalAccountName'>,
  check: { key: string; keyType: 'secret' | 'restricted'; hint: string; context?: string | null },
  outcome: Extract<LiveTestOutcome, { result: 'ok' }>,
) {
  const sealed = vault.encrypt(check.key, current.id);
  return {
    status: 'active',
    statusReasons: [] as StatusReason[],
    keyType: check.keyType,
    keyHint: check.hint,
    context: check.context ?? null,
    secretCiphertext: sealed.ciphertext,
    secretKeyVersion: sealed.version,
    externalAccountId: outcome.externalAccountId ?? current.externalAccountId,
    externalAccountName: outcome.externalAccountName ?? current.externalAccountName,
    lastVerifiedAt: new Date(),
    // a new key, just tested: its schedule starts again from this test
    verifyFailures: 0,
    nextVerifyAt: null,
  };
}
