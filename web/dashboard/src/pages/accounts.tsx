// Accounts: every linked account, filters (owner, environment, status, search) kept in the URL,
// keyset paging (Newer / Older), polling every 4 s so new links appear without a reload, and the
// per-account actions: Test connection, Re-link (Auth Link or the Hub right here) and Delete.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, type Account, type AccountPage, type AuthLink, type TestResult } from '../api.js';
import { announce } from '../components/announcer.js';
import { CopyField } from '../components/copy-field.js';
import { ConfirmDialog, Dialog, useCloseDialog } from '../components/dialog.js';
import { accountName, EnvBadge, ErrorAlert, keyLabel, StatusBadge, Time } from '../components/display.js';
import { EXPIRIES, ExpirySelect } from '../components/expiry-select.js';
import { HubDialog } from '../components/hub.js';
import { POLL_MS, usePoll } from '../hooks/use-poll.js';
import type { PageProps } from '../page.js';

interface Filters {
  owner: string;
  environment: '' | 'production' | 'test';
  status: '' | 'active' | 'error';
  search: string;
  limit: number;
}

function readFilters(): Filters {
  const q = new URLSearchParams(location.search);
  const env = q.get('environment');
  const status = q.get('status');
  const limit = Number(q.get('limit'));
  return {
    owner: q.get('owner') ?? '',
    environment: env === 'production' || env === 'test' ? env : '',
    status: status === 'active' || status === 'error' ? status : '',
    search: q.get('search') ?? '',
    limit: [25, 50, 100].includes(limit) ? limit : 25,
  };
}

function toQuery(f: Filters, cursor: string | null, limit = f.limit): string {
  const q = new URLSearchParams();
  if (f.owner.trim()) q.set('owner', f.owner.trim());
  if (f.environment) q.set('environment', f.environment);
  if (f.status) q.set('status', f.status);
  if (f.search.trim()) q.set('search', f.search.trim());
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return q.toString();
}

function urlQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.owner.trim()) q.set('owner', f.owner.trim());
  if (f.environment) q.set('environment', f.environment);
  if (f.status) q.set('status', f.status);
  if (f.search.trim()) q.set('search', f.search.trim());
  if (f.limit !== 25) q.set('limit', String(f.limit));
  const s = q.toString();
  return s ? '?' + s : '';
}

interface Outcome {
  ok: boolean;
  message: string;
}

export function AccountsPage(p: PageProps) {
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [draft, setDraft] = useState({ owner: filters.owner, search: filters.search });
  /** cursors[i] is the cursor of page i+1 (null for the newest page). */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [data, setData] = useState<AccountPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [newer, setNewer] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [relink, setRelink] = useState<Account | null>(null);
  const [remove, setRemove] = useState<Account | null>(null);
  const [hub, setHub] = useState<{ token: string; account: Account } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const seq = useRef(0);
  const inFlight = useRef(false);
  const known = useRef<{ ids: Set<string>; newest: string | null } | null>(null);
  const topId = useRef<string | null>(null);
  const page = cursors.length;
  const cursor = cursors[cursors.length - 1];

  // Text filters apply 300 ms after typing stops.
  useEffect(() => {
    if (draft.owner === filters.owner && draft.search === filters.search) return;
    const t = setTimeout(() => applyFilters({ ...filters, owner: draft.owner, search: draft.search }), 300);
    return () => clearTimeout(t);
  }, [draft]);

  function applyFilters(next: Filters) {
    setFilters(next);
    setCursors([null]);
    history.replaceState(null, '', location.pathname + urlQuery(next));
  }

  async function load(silent: boolean) {
    if (silent && inFlight.current) return;
    const my = ++seq.current;
    inFlight.current = true;
    if (!silent) setLoading(true);
    try {
      const res = await api<AccountPage>('GET', '/accounts?' + toQuery(filters, cursor));
      if (my !== seq.current) return;
      const prev = known.current;
      if (silent && prev && prev.newest) {
        // Rows newer than the newest one shown before: linked since (not rows shifted up by a delete).
        const added = res.data.filter((a) => !prev.ids.has(a.id) && a.created_at > prev.newest!);
        if (added.length) {
          setFresh((s) => new Set([...s, ...added.map((a) => a.id)]));
          announce(added.length === 1 ? `New account linked: ${added[0].origin_owner_name}` : `${added.length} new accounts linked`);
        }
      }
      known.current = { ids: new Set(res.data.map((a) => a.id)), newest: res.data[0]?.created_at ?? prev?.newest ?? null };
      setData(res);
      setError(null);
      if (page === 1) {
        topId.current = res.data[0]?.id ?? null;
        setNewer(false);
      } else if (silent) {
        const head = await api<AccountPage>('GET', '/accounts?' + toQuery(filters, null, 1));
        if (my === seq.current && head.data[0] && head.data[0].id !== topId.current) setNewer(true);
      }
    } catch (e) {
      if (my === seq.current) setError(errorMessage(e));
    } finally {
      if (my === seq.current) {
        inFlight.current = false;
        setLoading(false);
      }
    }
  }

  useEffect(() => {
    known.current = null;
    if (page === 1) setFresh(new Set());
    void load(false);
  }, [filters, cursors]);

  usePoll(() => void load(true), POLL_MS);

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

  const anyFilter = !!(filters.owner || filters.environment || filters.status || filters.search);
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

      <form class="filters" role="search" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-search">Search</label>
          <input
            id="f-search"
            type="search"
            placeholder="Owner, username, Stripe account…"
            value={draft.search}
            onInput={(e) => setDraft({ ...draft, search: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="f-owner">Owner ID</label>
          <input id="f-owner" type="text" placeholder="Exact owner ID" value={draft.owner} onInput={(e) => setDraft({ ...draft, owner: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="f-env">Environment</label>
          <select id="f-env" value={filters.environment} onChange={(e) => applyFilters({ ...filters, environment: e.currentTarget.value as Filters['environment'] })}>
            <option value="">All</option>
            <option value="production">Live</option>
            <option value="test">Test</option>
          </select>
        </div>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={filters.status} onChange={(e) => applyFilters({ ...filters, status: e.currentTarget.value as Filters['status'] })}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="error">Error</option>
          </select>
        </div>
        {anyFilter && (
          <button
            type="button"
            class="btn btn-quiet"
            onClick={() => {
              setDraft({ owner: '', search: '' });
              applyFilters({ ...filters, owner: '', environment: '', status: '', search: '' });
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {notice && (
        <p class="alert alert-ok" role="status">
          {notice}
        </p>
      )}
      {newer && (
        <p class="alert alert-info">
          New accounts were linked.{' '}
          <button type="button" class="link-btn" onClick={() => setCursors([null])}>
            Show the newest
          </button>
        </p>
      )}
      <ErrorAlert error={error} />

      <div class="table-wrap" aria-busy={loading ? 'true' : 'false'}>
        <table class="table accounts-table">
          <caption class="sr-only">
            Linked accounts, page {page}
          </caption>
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Provider account</th>
              <th scope="col">Env</th>
              <th scope="col">Key</th>
              <th scope="col">Status</th>
              <th scope="col">Last verified</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => {
              const o = outcomes[a.id];
              const name = `${a.origin_owner_name} (${accountName(a)})`;
              return (
                <tr key={a.id} class={fresh.has(a.id) ? 'row-new' : undefined} data-account-id={a.id}>
                  <td class="owner-cell">
                    <div class="strong">{a.origin_owner_name}</div>
                    <div class="sub mono">{a.origin_owner_id}</div>
                    {a.origin_username && <div class="sub">{a.origin_username}</div>}
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
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                    {a.status_reasons[0] && (
                      <div class="sub reason" title={a.status_reasons[0].description}>
                        {a.status_reasons[0].description}
                      </div>
                    )}
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
                        aria-disabled={busy[a.id] ? 'true' : undefined}
                        onClick={() => !busy[a.id] && void testConnection(a)}
                      >
                        {busy[a.id] ? 'Testing…' : 'Test connection'}
                      </button>
                      <button type="button" class="btn btn-sm" aria-label={`Re-link ${name}`} aria-haspopup="dialog" onClick={() => setRelink(a)}>
                        Re-link
                      </button>
                      <button type="button" class="btn btn-sm btn-danger-quiet" aria-label={`Delete ${name}`} aria-haspopup="dialog" onClick={() => setRemove(a)}>
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
        {!loading && rows.length === 0 && !error && (
          <div class="empty">
            {anyFilter ? (
              <p>No accounts match these filters.</p>
            ) : (
              <>
                <p class="strong">No linked accounts yet.</p>
                <p class="muted">Send your user an Auth Link, or link an account yourself with the Hub.</p>
              </>
            )}
          </div>
        )}
        {loading && !data && <p class="empty muted">Loading accounts…</p>}
      </div>

      <nav class="pager" aria-label="Pages">
        <span class="muted">
          Page {page}
          {rows.length ? ` · ${rows.length} shown` : ''}
        </span>
        <label class="inline-field">
          <span>Per page</span>
          <select value={String(filters.limit)} onChange={(e) => applyFilters({ ...filters, limit: Number(e.currentTarget.value) })}>
            <option value="25">25</option>
            <option value="50">50</option>
            <option value="100">100</option>
          </select>
        </label>
        <button type="button" class="btn" disabled={page === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </button>
        <button type="button" class="btn" disabled={!data?.next_cursor} onClick={() => data?.next_cursor && setCursors((c) => [...c, data.next_cursor])}>
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
            void load(true);
          }}
          onClose={() => setHub(null)}
        />
      )}
      {remove && (
        <ConfirmDialog
          title="Delete this account?"
          confirmLabel="Delete account"
          onClose={() => {
            setRemove(null);
            // The row (and the button focus returns to) may be gone after the next render: then the page heading.
            setTimeout(() => {
              if (!document.activeElement || document.activeElement === document.body) document.querySelector<HTMLElement>('main h1')?.focus();
            }, 50);
          }}
          onConfirm={async () => {
            const a = remove;
            await api('DELETE', `/accounts/${encodeURIComponent(a.id)}`);
            setData((d) => (d ? { ...d, data: d.data.filter((x) => x.id !== a.id) } : d));
            setNotice(`Deleted the account of ${a.origin_owner_name} (${accountName(a)}).`);
            announce(`Deleted the account of ${a.origin_owner_name}`);
          }}
        >
          <p>
            The stored key of <strong>{remove.origin_owner_name}</strong>'s {remove.provider_name} account <strong>{accountName(remove)}</strong> ({keyLabel(remove)}) is
            erased and your webhooks receive <code>account.deleted</code>.
          </p>
          <p>Calls with this account id stop working. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Re-link: an Auth Link for the account (Hub edit mode), or "Update the key now" (the Hub here, in its own dialog). */
function RelinkDialog(p: { account: Account; onClose(): void; onOpenHub(token: string): void }) {
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
        Lets <strong>{a.origin_owner_name}</strong> paste a new key for their {a.provider_name} account <strong>{accountName(a)}</strong> (<EnvBadge env={a.environment} />
        , {keyLabel(a)}). The account keeps its id; the current key stays until the new one passes the live test.
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
                Send it to {a.origin_owner_name}. It expires <Time iso={link.expires_at} /> ({new Date(link.expires_at).toLocaleString()}). Anyone with the link can replace
                the key: send it privately.
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
