// Re-link an account: an Auth Link for its owner to paste a new key (the Hub in edit mode: the account
// keeps its id and the current key stays until the new one passes the live test), or "Update the key
// now" (the Hub right here, in its own dialog).
import { useState } from 'preact/hooks';
import { api, errorMessage, type Account, type AuthLink } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { CopyField } from '../../components/copy-field.js';
import { Dialog, useCloseDialog } from '../../components/dialog.js';
import { accountName, EnvBadge, ErrorAlert, keyLabel, Time } from '../../components/display.js';
import { EXPIRIES, ExpirySelect } from '../../components/expiry-select.js';

/** Re-link: an Auth Link for the account (Hub edit mode), or "Update the key now" (the Hub here, in its own dialog). */
export function RelinkDialog(p: { account: Account; onClose(): void; onOpenHub(token: string): void }) {
  return (
    <Dialog title={`Re-link ${p.account.origin_owner_name}`} onClose={p.onClose} wide>
      <RelinkBody {...p} />
    </Dialog>
  );
}

function RelinkBody(p: { account: Account; onOpenHub(token: string): void }) {
  const close = useCloseDialog();
  const a = p.account;
  const [expiresIn, setExpiresIn] = useState(EXPIRIES[2].seconds);
  const [link, setLink] = useState<AuthLink | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Closes this dialog (focus goes back to Re-link), then the Hub opens in its own. */
  const openHub = (token: string) => {
    close();
    p.onOpenHub(token);
  };

  async function create(seconds: number): Promise<AuthLink | null> {
    setBusy(true);
    setError(null);
    try {
      return await api<AuthLink>('POST', `/accounts/${encodeURIComponent(a.id)}/relink`, { expires_in: seconds });
    } catch (e) {
      setError(errorMessage(e));
      return null;
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <p>
        Lets <strong>{a.origin_owner_name}</strong> paste a new key for their {a.provider_name} account <strong>{accountName(a)}</strong> (
        <EnvBadge env={a.environment} />, {keyLabel(a)}). The account keeps its id; the current key stays until the new one passes the live test.
      </p>
      {!link ? (
        <div class="form-row">
          <ExpirySelect id="relink-expiry" value={expiresIn} onChange={setExpiresIn} />
          <div class="button-row">
            <button
              type="button"
              class="btn btn-primary"
              aria-disabled={busy ? 'true' : undefined}
              onClick={async () => {
                if (busy) return;
                const l = await create(expiresIn);
                if (l) {
                  setLink(l);
                  announce('Auth Link created');
                }
              }}
            >
              Create Auth Link
            </button>
            <button
              type="button"
              class="btn"
              aria-disabled={busy ? 'true' : undefined}
              onClick={async () => {
                if (busy) return;
                const l = await create(30 * 60);
                if (l) openHub(l.token);
              }}
            >
              Update the key now
            </button>
          </div>
        </div>
      ) : (
        <div>
          <CopyField
            label="Auth Link"
            value={link.auth_link_url}
            autoFocus
            hint={
              <>
                Send it to {a.origin_owner_name}. It expires <Time iso={link.expires_at} /> ({new Date(link.expires_at).toLocaleString()}). Anyone with the link
                can replace the key: send it privately.
              </>
            }
          />
          <div class="button-row">
            <a class="btn" href={link.auth_link_url} target="_blank" rel="noopener noreferrer">
              Open link<span class="sr-only"> (opens in a new tab)</span>
            </a>
            <button type="button" class="btn" onClick={() => openHub(link.token)}>
              Update the key now
            </button>
          </div>
        </div>
      )}
      <ErrorAlert error={error} />
    </div>
  );
}
