// An account's agent tokens: name, hint, accounts, what its policy allows, created / expires / last
// used, and Revoke for those still live.
import type { AgentToken } from '../../api.js';
import { CredentialStatus, RevokeButton, Time } from '../../components/display.js';
import { TableHead } from '../../components/table-head.js';
import { policySummary } from './policy-draft.js';

const expired = (t: AgentToken) => t.expires_at !== null && Date.parse(t.expires_at) <= Date.now();

export function TokensTable(p: { tokens: AgentToken[] | null; onRevoke(t: AgentToken): void }) {
  return (
    <div class="table-wrap">
      <table class="table tokens-table">
        <TableHead columns={['Name', 'Token', 'Accounts', 'Policy', 'Created', 'Expires', 'Last used', 'Status', '']} />
        <tbody>
          {(p.tokens ?? []).map((t) => (
            <tr key={t.id} class={t.revoked_at ? 'row-muted' : undefined} data-token-id={t.id}>
              <td class="strong">{t.name}</td>
              <td class="mono nowrap">lhat_…{t.hint}</td>
              <td class="mono">
                {t.accounts.map((a) => (
                  <div key={a}>{a}</div>
                ))}
              </td>
              <td class="policy-cell">{policySummary(t.policy)}</td>
              <td class="nowrap">
                <Time iso={t.created_at} />
              </td>
              <td class="nowrap">
                <Time iso={t.expires_at} empty="Never" />
              </td>
              <td class="nowrap">
                <Time iso={t.last_used_at} />
              </td>
              <td>
                <CredentialStatus revokedAt={t.revoked_at} expired={expired(t)} />
              </td>
              <td class="actions">
                <RevokeButton name={t.name} revokedAt={t.revoked_at} onClick={() => p.onRevoke(t)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.tokens && p.tokens.length === 0 && <p class="empty muted">No agent tokens for this account yet.</p>}
      {!p.tokens && <p class="empty muted">Loading…</p>}
    </div>
  );
}
