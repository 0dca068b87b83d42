// Connect an agent to an account: copy-ready snippets with this Linkhub's public URL and the token
// just created here (kept in memory only), else a placeholder to replace.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type Account } from '../../api.js';
import { CopyBlock } from '../../components/copy-field.js';
import { ErrorAlert } from '../../components/display.js';
import type { PageProps } from '../../page.js';
import { AccountHeader } from './account-header.js';
import { accountIdOf, agentsPath, freshToken } from './account-path.js';
import { snippets, TOKEN_PLACEHOLDER } from './snippets.js';

export function ConnectPage(p: PageProps) {
  const accountId = accountIdOf(location.pathname);
  const [account, setAccount] = useState<Account | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = freshToken(accountId);
  useEffect(() => {
    api<Account>('GET', `/accounts/${encodeURIComponent(accountId)}`)
      .then(setAccount)
      .catch((e) => setError(errorMessage(e)));
  }, [accountId]);

  return (
    <div>
      <AccountHeader account={account} accountId={accountId} navigate={p.navigate} here="connect" />
      <ErrorAlert error={error} />
      {token ? (
        <p class="alert alert-warn">These snippets hold the token you just created. Keep them as secret as the token.</p>
      ) : (
        <p class="muted">
          Replace <code>{TOKEN_PLACEHOLDER}</code> with an agent token of this account (
          <a
            href={agentsPath(accountId)}
            onClick={(e) => {
              e.preventDefault();
              p.navigate(agentsPath(accountId));
            }}
          >
            create one
          </a>
          : it is shown once).
        </p>
      )}
      {/* only for an account Linkhub has: the id in the snippets is the one it gave, never the address bar's
          text (a crafted link would put shell code into the curl snippet a person copies) */}
      {account && (
        <div class="snippets">
          {snippets(p.session.public_url, token ?? TOKEN_PLACEHOLDER, account.id).map((s) => (
            <CopyBlock key={s.title} title={s.title} hint={s.hint} value={s.code} />
          ))}
        </div>
      )}
    </div>
  );
}
