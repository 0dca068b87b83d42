// Accounts: every linked account, filters (owner, environment, status, search) kept in the URL,
// keyset paging (Newer / Older), polling every 4 s so new links appear without a reload, and the
// per-account actions: Test connection, Re-link (Auth Link or the Hub right here) and Delete.
import { useState } from 'preact/hooks';
import { api, errorMessage, type Account, type TestResult } from '../../api.js';
import { announce } from '../../components/announcer.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { accountName, ErrorAlert, keyLabel } from '../../components/display.js';
import { HubDialog } from '../../components/hub.js';
import type { PageProps } from '../../page.js';
import { agentsPath } from '../agents/account-path.js';
import { AccountsTable, type Outcome } from './accounts-table.js';
import { FilterForm } from './filter-form.js';
import { anyFilter } from './filters.js';
import { RelinkDialog } from './relink-dialog.js';
import { useAccountList } from './use-account-list.js';

export function AccountsPage(p: PageProps) {
  const list = useAccountList();
  const { filters, page, data, setData } = list;
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [relink, setRelink] = useState<Account | null>(null);
  const [remove, setRemove] = useState<Account | null>(null);
  const [hub, setHub] = useState<{ token: string; account: Account } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const replaceRow = (a: Account) => setData((d) => (d ? { ...d, data: d.data.map((x) => (x.id === a.id ? a : x)) } : d));

  async function testConnection(a: Account) {
    setBusy((b) => ({ ...b, [a.id]: true }));
    setOutcomes((o) => {
      const { [a.id]: _, ...rest } = o;
      return rest;
    });
    try {
      const r = await api<TestResult>('POST', `/accounts/${encodeURIComponent(a.id)}/test`);
      replaceRow(r.account);
      setOutcomes((o) => ({ ...o, [a.id]: { ok: r.ok, message: r.message } }));
      announce(`Test connection for ${a.origin_owner_name}: ${r.message}`);
    } catch (e) {
      setOutcomes((o) => ({ ...o, [a.id]: { ok: false, message: errorMessage(e) } }));
      announce(`Test connection for ${a.origin_owner_name} failed: ${errorMessage(e)}`);
    } finally {
      setBusy((b) => ({ ...b, [a.id]: false }));
    }
  }

  const rows = data?.data ?? [];

  return (
    <div>
      <div class="page-actions">
        <p class="muted">Accounts your users linked, newest first. This list refreshes every few seconds.</p>
        <a
          class="btn btn-primary"
          href="/dashboard/link"
          onClick={(e) => {
            e.preventDefault();
            p.navigate('/dashboard/link');
          }}
        >
          Link account
        </a>
      </div>

      <FilterForm filters={filters} draft={list.draft} setDraft={list.setDraft} apply={list.applyFilters} />

      {notice && (
        <p class="alert alert-ok" role="status">
          {notice}
        </p>
      )}
      {list.newer && (
        <p class="alert alert-info">
          New accounts were linked.{' '}
          <button type="button" class="link-btn" onClick={list.showNewest}>
            Show the newest
          </button>
        </p>
      )}
      <ErrorAlert error={list.error} />

      <AccountsTable
        rows={rows}
        page={page}
        loading={list.loading}
        loaded={!!data}
        error={list.error}
        filtered={anyFilter(filters)}
        fresh={list.fresh}
        outcomes={outcomes}
        busy={busy}
        onTest={(a) => void testConnection(a)}
        onRelink={setRelink}
        onDelete={setRemove}
        onAgents={(a) => p.navigate(agentsPath(a.id))}
      />

      <nav class="pager" aria-label="Pages">
        <span class="muted">
          Page {page}
          {rows.length ? ` · ${rows.length} shown` : ''}
        </span>
        <label class="inline-field">
          <span>Per page</span>
          <select value={String(filters.limit)} onChange={(e) => list.applyFilters({ ...filters, limit: Number(e.currentTarget.value) })}>
            <option value="25">25</option>
            <option value="50">50</option>
            <option value="100">100</option>
          </select>
        </label>
        <button type="button" class="btn" disabled={page === 1} onClick={list.showNewer}>
          Newer
        </button>
        <button type="button" class="btn" disabled={!data?.next_cursor} onClick={list.showOlder}>
          Older
        </button>
      </nav>

      {relink && <RelinkDialog account={relink} onClose={() => setRelink(null)} onOpenHub={(token) => setHub({ token, account: relink })} />}
      {hub && (
        <HubDialog
          token={hub.token}
          theme={p.theme}
          title={`Update the key of ${hub.account.origin_owner_name}`}
          onSuccess={() => {
            setNotice(`Replaced the key of ${hub.account.origin_owner_name}'s account (${accountName(hub.account)}).`);
            announce(`The key of ${hub.account.origin_owner_name}'s account was replaced`);
            list.refresh();
          }}
          onClose={() => setHub(null)}
        />
      )}
      {remove && (
        <ConfirmDialog
          title="Delete this account?"
          confirmLabel="Delete account"
          onClose={() => setRemove(null)}
          onConfirm={async () => {
            const a = remove;
            await api('DELETE', `/accounts/${encodeURIComponent(a.id)}`);
            setData((d) => (d ? { ...d, data: d.data.filter((x) => x.id !== a.id) } : d));
            setNotice(`Deleted the account of ${a.origin_owner_name} (${accountName(a)}).`);
            announce(`Deleted the account of ${a.origin_owner_name}`);
          }}
        >
          <p>
            The stored key of <strong>{remove.origin_owner_name}</strong>'s {remove.provider_name} account <strong>{accountName(remove)}</strong> (
            {keyLabel(remove)}) is erased and your webhooks receive <code>account.deleted</code>.
          </p>
          <p>Calls with this account id stop working. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
