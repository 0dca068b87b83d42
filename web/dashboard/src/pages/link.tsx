// Link account: for one owner (id, name, username) and environment, either an Auth Link to send
// (expires in 7 days by default) with a copy button, or the Hub right here ("Authenticate now").
import { useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type AuthLink } from '../api.js';
import { announce } from '../components/announcer.js';
import { CopyField } from '../components/copy-field.js';
import { Time } from '../components/display.js';
import { EXPIRIES, ExpirySelect } from '../components/expiry-select.js';
import { HubDialog, type HubLinked } from '../components/hub.js';
import type { PageProps } from '../page.js';

interface Form {
  ownerId: string;
  ownerName: string;
  username: string;
  type: 'production' | 'test';
  expiresIn: number;
}

export function LinkPage(p: PageProps) {
  const [form, setForm] = useState<Form>({ ownerId: '', ownerName: '', username: '', type: 'production', expiresIn: EXPIRIES[2].seconds });
  const [link, setLink] = useState<AuthLink | null>(null);
  const [hubToken, setHubToken] = useState<string | null>(null);
  const [linked, setLinked] = useState<HubLinked | null>(null);
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(expiresIn: number): Promise<AuthLink | null> {
    setError(null);
    const missing = !form.ownerId.trim() ? 'owner-id' : !form.ownerName.trim() ? 'owner-name' : null;
    if (missing) {
      setError({ message: missing === 'owner-id' ? 'Enter the owner ID.' : 'Enter the owner name.', field: missing });
      document.getElementById(missing)?.focus();
      return null;
    }
    setBusy(true);
    try {
      return await api<AuthLink>('POST', '/connect_sessions', {
        origin_owner_id: form.ownerId.trim(),
        origin_owner_name: form.ownerName.trim(),
        origin_username: form.username.trim() || null,
        type: form.type,
        expires_in: expiresIn,
      });
    } catch (e) {
      const field = e instanceof ApiError && typeof e.body?.field === 'string' ? e.body.field : null;
      setError({ message: errorMessage(e), field });
      return null;
    } finally {
      setBusy(false);
    }
  }

  const set = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    setLink(null);
  };
  const invalid = (f: string) => (error?.field === f ? 'true' : undefined);

  return (
    <div class="link-page">
      <p class="muted">
        Link a Stripe account for one of your users. Send them an Auth Link to paste their key themselves, or open the Hub here if they gave you the key.
      </p>
      <form
        class="card form"
        aria-labelledby="link-form-title"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          const l = await create(form.expiresIn);
          if (l) {
            setLink(l);
            announce('Auth Link created');
          }
        }}
      >
        <h2 id="link-form-title">Owner</h2>
        <div class="grid-3">
          <div class="field">
            <label for="owner-id">
              Owner ID <span class="req">(required)</span>
            </label>
            <input
              id="owner-id"
              required
              maxLength={255}
              value={form.ownerId}
              aria-invalid={invalid('owner-id') ?? invalid('origin_owner_id')}
              aria-describedby="owner-id-hint"
              onInput={(e) => set({ ownerId: e.currentTarget.value })}
            />
            <p class="hint" id="owner-id-hint">
              Your id for the customer (organization or user).
            </p>
          </div>
          <div class="field">
            <label for="owner-name">
              Owner name <span class="req">(required)</span>
            </label>
            <input
              id="owner-name"
              required
              maxLength={255}
              value={form.ownerName}
              aria-invalid={invalid('owner-name') ?? invalid('origin_owner_name')}
              onInput={(e) => set({ ownerName: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="owner-username">Username</label>
            <input id="owner-username" maxLength={255} value={form.username} autocomplete="off" onInput={(e) => set({ username: e.currentTarget.value })} />
          </div>
        </div>

        <fieldset class="choice">
          <legend>Environment</legend>
          <label class="radio">
            <input type="radio" name="type" value="production" checked={form.type === 'production'} onChange={() => set({ type: 'production' })} />
            <span>
              Production <span class="muted">— the user may link a live or a test key</span>
            </span>
          </label>
          <label class="radio">
            <input type="radio" name="type" value="test" checked={form.type === 'test'} onChange={() => set({ type: 'test' })} />
            <span>
              Test <span class="muted">— test-mode keys only</span>
            </span>
          </label>
        </fieldset>

        <ExpirySelect id="link-expiry" value={form.expiresIn} onChange={(v) => set({ expiresIn: v })} />

        {error && (
          <p class="alert alert-error" role="alert">
            {error.message}
          </p>
        )}

        <div class="button-row">
          <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
            Create Auth Link
          </button>
          <button
            type="button"
            class="btn"
            aria-haspopup="dialog"
            aria-disabled={busy ? 'true' : undefined}
            onClick={async () => {
              if (busy) return;
              setLinked(null);
              // A short-lived session: it is used right now, in this browser.
              const l = await create(30 * 60);
              if (l) setHubToken(l.token);
            }}
          >
            Authenticate now
          </button>
        </div>
      </form>

      {link && (
        <section class="card result" aria-labelledby="link-result-title">
          <h2 id="link-result-title">Auth Link for {link.origin_owner_name}</h2>
          <CopyField
            label="Auth Link"
            value={link.auth_link_url}
            autoFocus
            hint={
              <>
                Expires <Time iso={link.expires_at} /> ({new Date(link.expires_at).toLocaleString()}). Anyone with this link can link an account for{' '}
                {link.origin_owner_name}: send it privately.
              </>
            }
          />
          <div class="button-row">
            <a class="btn" href={link.auth_link_url} target="_blank" rel="noopener noreferrer">
              Open link<span class="sr-only"> (opens in a new tab)</span>
            </a>
          </div>
        </section>
      )}

      {linked && (
        <p class="alert alert-ok" role="status">
          Account linked ({linked.id}).{' '}
          <a
            href="/dashboard/accounts"
            onClick={(e) => {
              e.preventDefault();
              p.navigate('/dashboard/accounts');
            }}
          >
            See it in Accounts
          </a>
        </p>
      )}

      {hubToken && (
        <HubDialog
          token={hubToken}
          theme={p.theme}
          onSuccess={(a) => {
            setLinked(a);
            announce(`Account linked for ${form.ownerName}`);
          }}
          onClose={() => setHubToken(null)}
        />
      )}
    </div>
  );
}
