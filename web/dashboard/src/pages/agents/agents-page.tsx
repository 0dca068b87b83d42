// An account's agents: its agent tokens (create with a policy, the token shown once; revoke with
// confirmation), its account-wide agent policy, and the way to the Connect an agent page.
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type Account, type AgentToken } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { SecretOnce } from '../../components/copy-field.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { ErrorAlert } from '../../components/display.js';
import type { PageProps } from '../../page.js';
import { AccountHeader } from './account-header.js';
import { accountIdOf, connectPath, rememberToken } from './account-path.js';
import { AccountPolicyForm } from './account-policy-form.js';
import { type CreatedToken, TokenForm } from './token-form.js';
import { TokensTable } from './tokens-table.js';

export function AgentsPage(p: PageProps) {
  const accountId = accountIdOf(location.pathname);
  const [account, setAccount] = useState<Account | null>(null);
  const [tokens, setTokens] = useState<AgentToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoke, setRevoke] = useState<AgentToken | null>(null);
  const tokensPath = `/accounts/${encodeURIComponent(accountId)}/agent_tokens`;

  async function load() {
    try {
      setTokens(await api<AgentToken[]>('GET', tokensPath));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  useEffect(() => {
    api<Account>('GET', `/accounts/${encodeURIComponent(accountId)}`)
      .then(setAccount)
      .catch((e) => setError(errorMessage(e)));
    void load();
  }, [accountId]);

  return (
    <div>
      <AccountHeader account={account} accountId={accountId} navigate={p.navigate} here="agents" />
      <p class="muted">
        An agent token (lhat_…) lets an AI agent act on this account under a policy, without the platform API key or the account's own key. Tokens are stored
        hashed: a new token is shown only once.
      </p>
      <ErrorAlert error={error} />

      <TokenForm
        accountId={accountId}
        onCreated={async (t) => {
          setCreated(t);
          rememberToken(accountId, t.token);
          announce(`Agent token ${t.name} created. Copy it now: it is shown only once.`);
          await load();
        }}
      />

      {created && (
        <div>
          <SecretOnce
            id="created-token-title"
            title={`Your new agent token "${created.name}"`}
            warning="Shown once: copy it now and store it safely. Linkhub keeps only a hash and cannot show it again."
            label="Agent token"
            value={created.token}
            onDone={() => setCreated(null)}
          />
          <p>
            <a
              href={connectPath(accountId)}
              onClick={(e) => {
                e.preventDefault();
                p.navigate(connectPath(accountId));
              }}
            >
              Connect an agent with this token
            </a>
          </p>
        </div>
      )}

      <h2 class="section-title">Agent tokens</h2>
      <TokensTable tokens={tokens} onRevoke={setRevoke} />

      <AccountPolicyForm accountId={accountId} />

      {revoke && (
        <ConfirmDialog
          title="Revoke this agent token?"
          confirmLabel="Revoke token"
          onClose={() => setRevoke(null)}
          onConfirm={async () => {
            await api('DELETE', `${tokensPath}/${encodeURIComponent(revoke.id)}`);
            announce(`Agent token ${revoke.name} revoked`);
            await load();
          }}
        >
          <p>
            <strong>{revoke.name}</strong> (lhat_…{revoke.hint}) stops working on every node at once: each call made with it gets 401. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
