// The table of linked accounts: owner (and the account's id, to copy for the API), provider account, environment, key, status (with why it
// failed in plain words, and Re-link first among the actions when a new key is needed), last verified, created, and the per-account actions with the last test's outcome.
import type { Account } from '../../api.js';
import { accountName, EnvBadge, keyLabel, StatusBadge, Time } from '../../components/display.js';
import { CopyId } from '../../components/copy-field.js';
import { TableHead } from '../../components/table-head.js';
import { agentsPath } from '../agents/account-path.js';
import { needsNewKey, StatusReason } from './status-reason.js';

/** What Test connection said, shown under the account's buttons. */
export interface Outcome {
  ok: boolean;
  message: string;
}

export interface AccountsTableProps {
  rows: Account[];
  page: number;
  loading: boolean;
  /** A first answer came (until then: "Loading accounts…"). */
  loaded: boolean;
  error: string | null;
  /** Filters are set: an empty list says so, rather than "no accounts yet". */
  filtered: boolean;
  /** Accounts linked since the list was first shown: highlighted. */
  fresh: Set<string>;
  outcomes: Record<string, Outcome>;
  /** Accounts whose test is running. */
  busy: Record<string, boolean>;
  onTest(a: Account): void;
  onRelink(a: Account): void;
  onDelete(a: Account): void;
  /** Opens the account's agent tokens. */
  onAgents(a: Account): void;
}

export function AccountsTable(p: AccountsTableProps) {
  return (
    <div class="table-wrap" aria-busy={p.loading ? 'true' : 'false'}>
      <table class="table accounts-table">
        <caption class="sr-only">Linked accounts, page {p.page}</caption>
        <TableHead columns={['Owner', 'Provider account', 'Env', 'Key', 'Status', 'Last verified', 'Created', '']} />
        <tbody>
          {p.rows.map((a) => {
            const o = p.outcomes[a.id];
            const name = `${a.origin_owner_name} (${accountName(a)})`;
            return (
              <tr key={a.id} class={p.fresh.has(a.id) ? 'row-new' : undefined} data-account-id={a.id}>
                <td class="owner-cell">
                  <div class="strong">{a.origin_owner_name}</div>
                  <div class="sub mono">{a.origin_owner_id}</div>
                  {a.origin_username && <div class="sub">{a.origin_username}</div>}
                  <CopyId value={a.id} label="Copy the account id" />
                </td>
                <td>
                  {a.external_account_name ? (
                    <div class="strong">{a.external_account_name}</div>
                  ) : (
                    <div class="muted" title="Stripe did not tell the account name to this key (restricted keys often cannot read it)">
                      Name not available
                    </div>
                  )}
                  <div class="sub nowrap">
                    {a.provider_name}
                    {a.external_account_id && (
                      <>
                        {' · '}
                        <span class="mono">{a.external_account_id}</span>
                      </>
                    )}
                  </div>
                </td>
                <td>
                  <EnvBadge env={a.environment} />
                </td>
                <td>
                  <div>{a.key_type === 'restricted' ? 'Restricted' : 'Secret'}</div>
                  <div class="sub mono key-label">{keyLabel(a)}</div>
                  {a.context && (
                    <div class="sub mono nowrap" title="Sent as the context of every call (e.g. Stripe-Context for an organization key)">
                      in {a.context}
                    </div>
                  )}
                </td>
                <td>
                  <StatusBadge status={a.status} />
                  {a.status_reasons[0] && <StatusReason reason={a.status_reasons[0]} />}
                </td>
                <td class="nowrap" data-col="last-verified">
                  <Time iso={a.last_verified_at} />
                </td>
                <td class="nowrap">
                  <Time iso={a.created_at} />
                </td>
                <td class="actions">
                  <div class="action-row">
                    <button
                      type="button"
                      class="btn btn-sm"
                      aria-label={`Test connection for ${name}`}
                      aria-disabled={p.busy[a.id] ? 'true' : undefined}
                      onClick={() => !p.busy[a.id] && p.onTest(a)}
                    >
                      {p.busy[a.id] ? 'Testing…' : 'Test connection'}
                    </button>
                    <button
                      type="button"
                      class={needsNewKey(a) ? 'btn btn-sm btn-primary' : 'btn btn-sm'}
                      aria-label={`Re-link ${name}`}
                      aria-haspopup="dialog"
                      onClick={() => p.onRelink(a)}
                    >
                      Re-link
                    </button>
                    <a
                      class="btn btn-sm"
                      href={agentsPath(a.id)}
                      aria-label={`Agents of ${name}`}
                      onClick={(e) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                        e.preventDefault();
                        p.onAgents(a);
                      }}
                    >
                      Agents
                    </a>
                    <button
                      type="button"
                      class="btn btn-sm btn-danger-quiet"
                      aria-label={`Delete ${name}`}
                      aria-haspopup="dialog"
                      onClick={() => p.onDelete(a)}
                    >
                      Delete
                    </button>
                  </div>
                  {o && <div class={`outcome ${o.ok ? 'outcome-ok' : 'outcome-err'}`}>{o.message}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!p.loading && p.rows.length === 0 && !p.error && (
        <div class="empty">
          {p.filtered ? (
            <p>No accounts match these filters.</p>
          ) : (
            <>
              <p class="strong">No linked accounts yet.</p>
              <p class="muted">Send your user an Auth Link, or link an account yourself with the Hub.</p>
            </>
          )}
        </div>
      )}
      {p.loading && !p.loaded && <p class="empty muted">Loading accounts…</p>}
    </div>
  );
}
