// The new agent token form: name, expiry, its own policy (or the account's), other accounts it may
// act on. The created token (with the token itself, shown once) goes to onCreated.
import { useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/display.js';
import { api, errorMessage } from '../../api.js';
import { emptyDraft, policyOf } from './policy-draft.js';
import { PolicyFields } from './policy-fields.js';

export interface CreatedToken {
  id: string;
  name: string;
  token: string;
}

const TOKEN_EXPIRIES = [
  { seconds: 0, label: 'Never' },
  { seconds: 24 * 60 * 60, label: '1 day' },
  { seconds: 7 * 24 * 60 * 60, label: '7 days' },
  { seconds: 30 * 24 * 60 * 60, label: '30 days' },
  { seconds: 90 * 24 * 60 * 60, label: '90 days' },
  { seconds: 365 * 24 * 60 * 60, label: '1 year' },
];

export function TokenForm(p: { accountId: string; onCreated(t: CreatedToken): Promise<void> }) {
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState(0);
  const [ownPolicy, setOwnPolicy] = useState(true);
  const [draft, setDraft] = useState(emptyDraft());
  const [also, setAlso] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setError('Enter a name for the token.');
      document.getElementById('token-name')?.focus();
      return;
    }
    const policy = ownPolicy ? policyOf(draft) : { policy: null };
    if ('error' in policy) return setError(policy.error);
    setBusy(true);
    setError(null);
    try {
      const alsoAccounts = also.split(/[\s,]+/).filter(Boolean);
      const t = await api<CreatedToken>('POST', `/accounts/${encodeURIComponent(p.accountId)}/agent_tokens`, {
        name: name.trim(),
        ...(expiresIn ? { expires_in: expiresIn } : {}),
        policy: policy.policy,
        ...(alsoAccounts.length ? { also_accounts: alsoAccounts } : {}),
      });
      setName('');
      setDraft(emptyDraft());
      setAlso('');
      await p.onCreated(t);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" aria-labelledby="new-token-title" noValidate onSubmit={submit}>
      <h2 id="new-token-title">New agent token</h2>
      <div class="grid-2">
        <div class="field">
          <label for="token-name">Name</label>
          <input id="token-name" maxLength={100} placeholder="e.g. Support agent" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="token-expiry">Expires after</label>
          <select id="token-expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(Number(e.currentTarget.value))}>
            {TOKEN_EXPIRIES.map((x) => (
              <option key={x.seconds} value={String(x.seconds)}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label class="check">
        <input type="checkbox" checked={ownPolicy} onChange={(e) => setOwnPolicy(e.currentTarget.checked)} />
        Give this token its own policy (unchecked: it follows the account's agent policy)
      </label>
      {ownPolicy && <PolicyFields idPrefix="token-policy" draft={draft} onChange={setDraft} />}
      <div class="field">
        <label for="token-also">Other accounts (optional)</label>
        <input
          id="token-also"
          class="mono"
          placeholder="acc_…, acc_…"
          value={also}
          onInput={(e) => setAlso(e.currentTarget.value)}
          aria-describedby="token-also-hint"
        />
        <p class="hint" id="token-also-hint">
          Account ids, comma separated. A token on several accounts names one on each call (the Linkhub-Account header).
        </p>
      </div>
      <ErrorAlert error={error} />
      <div class="button-row">
        <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
          Create token
        </button>
      </div>
    </form>
  );
}
