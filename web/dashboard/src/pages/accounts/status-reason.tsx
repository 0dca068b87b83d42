// Why an account is not active, in plain words: what happened (by the reason's code), the provider's
// or Linkhub's own description beneath, and what to do. Keys that stopped working need a new key:
// the row's Re-link (an Auth Link, or "Update the key now") is the way to give one.
import type { Account } from '../../api.js';

type Reason = Account['status_reasons'][number];

/** What each reason code means for the user; an unknown code shows its description alone. */
const IN_WORDS: Record<string, { what: string; relink: boolean }> = {
  invalid_key: { what: 'The key no longer works: it was revoked, rolled or deleted.', relink: true },
  expired_key: { what: 'The key has expired.', relink: true },
  missing_permission: { what: 'The key lacks a permission Linkhub needs.', relink: true },
  provider_unreachable: { what: 'Linkhub could not reach the provider to check the key.', relink: false },
};

/** True when the account needs a new key (its Re-link is then the first thing to do). */
export const needsNewKey = (a: Account): boolean => a.status === 'error' && a.status_reasons.some((r) => IN_WORDS[r.code]?.relink);

export function StatusReason(p: { reason: Reason }) {
  const words = IN_WORDS[p.reason.code];
  return (
    <div class="reason-block" data-reason={p.reason.code}>
      {words && <div class="reason-what">{words.what}</div>}
      <div class="sub reason" title={p.reason.description}>
        {p.reason.description}
      </div>
      {words?.relink && <div class="sub reason-todo">Re-link to give a new key.</div>}
    </div>
  );
}
