// API keys for the platform API: create (the key is shown once, with a copy button), list with
// hint and last use ("…" and its last 4 characters: a key given by LINKHUB_API_KEY need not start
// with lh_), revoke (with confirmation; the key stops working at once).
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type ApiKey } from '../api.js';
import { announce } from '../components/announcer.js';
import { SecretOnce } from '../components/copy-field.js';
import { ConfirmDialog } from '../components/dialog.js';
import { CredentialStatus, ErrorAlert, RevokeButton, Time } from '../components/display.js';
import type { PageProps } from '../page.js';
import { TableHead } from '../components/table-head.js';

export function ApiKeysPage(_p: PageProps) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoke, setRevoke] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      setKeys(await api<ApiKey[]>('GET', '/api_keys'));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  useEffect(() => void load(), []);

  return (
    <div>
      <p class="muted">
        Your backend calls Linkhub's API with one of these keys (HTTP Basic, the key as username). Keys are stored hashed: a new key is shown only once.
      </p>

      <form
        class="card form inline-form"
        aria-labelledby="new-key-title"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          if (!name.trim()) {
            setNameError('Enter a name for the key.');
            document.getElementById('key-name')?.focus();
            return;
          }
          setBusy(true);
          setNameError(null);
          try {
            const k = await api<{ id: string; name: string; key: string }>('POST', '/api_keys', { name: name.trim() });
            setCreated({ name: k.name, key: k.key });
            setName('');
            announce(`API key ${k.name} created. Copy it now: it is shown only once.`);
            await load();
          } catch (err) {
            setNameError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="new-key-title">New API key</h2>
        <div class="form-row">
          <div class="field grow">
            <label for="key-name">Name</label>
            <input
              id="key-name"
              maxLength={100}
              placeholder="e.g. Production backend"
              value={name}
              aria-invalid={nameError ? 'true' : undefined}
              aria-describedby={nameError ? 'key-name-error' : undefined}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
            Create key
          </button>
        </div>
        {nameError && (
          <p class="field-error form-below" id="key-name-error">
            {nameError}
          </p>
        )}
      </form>

      {created && (
        <SecretOnce
          id="created-key-title"
          title={`Your new key "${created.name}"`}
          warning="Copy it now and store it safely: Linkhub keeps only a hash and cannot show it again."
          label="API key"
          value={created.key}
          onDone={() => setCreated(null)}
        />
      )}

      <ErrorAlert error={error} />

      <h2 class="section-title">Keys</h2>
      <div class="table-wrap">
        <table class="table">
          <TableHead columns={['Name', 'Key', 'Created', 'Last used', 'Status', '']} />
          <tbody>
            {(keys ?? []).map((k) => (
              <tr key={k.id} class={k.revoked_at ? 'row-muted' : undefined}>
                <td class="strong">{k.name}</td>
                <td class="mono">…{k.hint}</td>
                <td class="nowrap">
                  <Time iso={k.created_at} />
                </td>
                <td class="nowrap">
                  <Time iso={k.last_used_at} />
                </td>
                <td>
                  <CredentialStatus revokedAt={k.revoked_at} />
                </td>
                <td class="actions">
                  <RevokeButton name={k.name} revokedAt={k.revoked_at} onClick={() => setRevoke(k)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys && keys.length === 0 && <p class="empty muted">No API keys.</p>}
        {!keys && !error && <p class="empty muted">Loading…</p>}
      </div>

      {revoke && (
        <ConfirmDialog
          title="Revoke this API key?"
          confirmLabel="Revoke key"
          onClose={() => setRevoke(null)}
          onConfirm={async () => {
            await api('DELETE', `/api_keys/${encodeURIComponent(revoke.id)}`);
            announce(`API key ${revoke.name} revoked`);
            await load();
          }}
        >
          <p>
            <strong>{revoke.name}</strong> (…{revoke.hint}) stops working immediately: every call made with it gets 401. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
