// The account's agent policy: what its tokens without a policy of their own may do.
import { useEffect, useState } from 'preact/hooks';
import { ErrorAlert } from '../../components/display.js';
import { api, errorMessage, type AgentPolicy } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { draftOf, emptyDraft, policyOf } from './policy-draft.js';
import { PolicyFields } from './policy-fields.js';

export function AccountPolicyForm(p: { accountId: string }) {
  const path = `/accounts/${encodeURIComponent(p.accountId)}/agent_policy`;
  const [draft, setDraft] = useState(emptyDraft());
  const [limited, setLimited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ policy: AgentPolicy | null }>('GET', path)
      .then((r) => {
        setLimited(r.policy !== null);
        setDraft(draftOf(r.policy));
      })
      .catch((e) => setError(errorMessage(e)));
  }, [path]);

  async function save(e: Event) {
    e.preventDefault();
    if (busy) return;
    const policy = limited ? policyOf(draft) : { policy: null };
    if ('error' in policy) return setError(policy.error);
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ policy: AgentPolicy | null }>('PUT', path, { policy: policy.policy });
      setDraft(draftOf(r.policy));
      announce('Account policy saved');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" aria-labelledby="account-policy-title" noValidate onSubmit={save}>
      <h2 id="account-policy-title">Account agent policy</h2>
      <p class="muted">Tokens created without a policy of their own follow this one, read at each call.</p>
      <label class="check">
        <input type="checkbox" checked={limited} onChange={(e) => setLimited(e.currentTarget.checked)} />
        Limit what these tokens may do (unchecked: no limits)
      </label>
      {limited && <PolicyFields idPrefix="account-policy" draft={draft} onChange={setDraft} />}
      <ErrorAlert error={error} />
      <div class="button-row">
        <button type="submit" class="btn" aria-disabled={busy ? 'true' : undefined}>
          Save account policy
        </button>
      </div>
    </form>
  );
}
