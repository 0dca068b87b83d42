// Request logs: every call made to Stripe with a linked account's key (proxy, actions RPC, MCP), newest
// first, filters kept in the URL, "Load more" paging and a dialog with one call's bodies (redacted by the
// server); and the Audit tab: each use of a stored key (who, what, when, outcome). The first page
// refreshes every 4 s until more are loaded.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, type AuditEvent, type Paged, type RequestLog, type RequestLogDetail } from '../api.js';
import { announce } from '../components/announcer.js';
import { Dialog } from '../components/dialog.js';
import { ErrorAlert, StatusBadge, Time, type StatusKind } from '../components/display.js';
import { POLL_MS, usePoll } from '../hooks/use-poll.js';
import type { PageProps } from '../page.js';

const PAGE = 50;
const FILTERS = ['account_id', 'status', 'source', 'success', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
type Tab = 'calls' | 'audit';
const TABS: [Tab, string][] = [
  ['calls', 'Calls'],
  ['audit', 'Audit'],
];

function readUrl(): { tab: Tab; filters: Filters } {
  const q = new URLSearchParams(location.search);
  return { tab: q.get('tab') === 'audit' ? 'audit' : 'calls', filters: Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ''])) as Filters };
}

/** The API query of the filters a tab uses; times go from the local date-time inputs to ISO. */
function apiQuery(f: Filters, keys: readonly (keyof Filters)[]): string {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of keys) {
    const v = f[k].trim();
    const d = k === 'from' || k === 'to' ? new Date(v) : null;
    if (v) q.set(k, d && !Number.isNaN(d.getTime()) ? d.toISOString() : v);
  }
  return q.toString();
}

/** Pages of a list at `path?query`, newest first; the first page alone is refreshed while shown. */
function usePaged<T>(path: string, query: string) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [max, setMax] = useState<number | null>(null);
  const seq = useRef(0);
  async function load(more: boolean) {
    const my = ++seq.current;
    setLoading(true);
    try {
      const res = await api<Paged<T>>('GET', `${path}?${query}${more && next ? '&next=' + encodeURIComponent(next) : ''}`);
      if (my !== seq.current) return;
      setRows((r) => (more && r ? [...r, ...res.data] : res.data));
      setNext(res.next);
      setMax(res.max ?? null);
      setError(null);
      if (more) announce(`${res.data.length} more loaded`);
    } catch (e) {
      if (my === seq.current) setError(errorMessage(e));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }
  useEffect(() => void load(false), [query]);
  usePoll(() => !loading && (rows?.length ?? 0) <= PAGE && void load(false), POLL_MS);
  return { rows, next, max, loading, error, loadMore: () => void load(true) };
}

const httpKind = (status: number | null): StatusKind => (status === null ? 'warn' : status < 300 ? 'ok' : 'err');
const callLabel = (r: RequestLog) => r.action ?? `${r.http_method} ${r.path}`;
const ACTORS: Record<string, string> = { api_key: 'API key', hub_session: 'Hub session', dashboard: 'Dashboard', system: 'Linkhub' };

function Account(p: { id: string; owner: string | null }) {
  return p.owner ? (
    <>
      <div class="strong">{p.owner}</div>
      <div class="sub mono">{p.id}</div>
    </>
  ) : (
    <span class="mono">{p.id}</span>
  );
}

function Who(p: { type: string; id: string; name: string | null }) {
  return (
    <>
      <div>
        {ACTORS[p.type] ?? p.type}
        {p.name && <span class="muted"> · {p.name}</span>}
      </div>
      <div class="sub mono">{p.id}</div>
    </>
  );
}

export function LogsPage(_p: PageProps) {
  const [{ tab, filters }, setState] = useState(readUrl);
  const [draft, setDraft] = useState({ account_id: filters.account_id, status: filters.status });

  function apply(changed: Partial<Filters>, nextTab = tab) {
    const f = { ...filters, ...changed };
    setState({ tab: nextTab, filters: f });
    const q = new URLSearchParams(nextTab === 'audit' ? { tab: 'audit' } : {});
    for (const k of FILTERS) if (f[k].trim()) q.set(k, f[k].trim());
    history.replaceState(null, '', location.pathname + (q.toString() ? '?' + q : ''));
  }
  // Text filters apply 300 ms after typing stops.
  useEffect(() => {
    if (draft.account_id === filters.account_id && draft.status === filters.status) return;
    const t = setTimeout(() => apply(draft), 300);
    return () => clearTimeout(t);
  }, [draft]);

  const calls = tab === 'calls';
  const anyFilter = FILTERS.some((k) => (calls || !['status', 'source', 'success'].includes(k)) && filters[k]);
  const select = (k: keyof Filters, label: string, options: [string, string][]) => (
    <div class="field">
      <label for={`f-${k}`}>{label}</label>
      <select id={`f-${k}`} value={filters[k]} onChange={(e) => apply({ [k]: e.currentTarget.value })}>
        {options.map(([v, l]) => (
          <option value={v} key={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
  const time = (k: 'from' | 'to', label: string) => (
    <div class="field">
      <label for={`f-${k}`}>{label}</label>
      <input id={`f-${k}`} type="datetime-local" step={1} value={filters[k]} onChange={(e) => apply({ [k]: e.currentTarget.value })} />
    </div>
  );

  return (
    <div>
      <p class="muted">
        Calls your backend and agents made to Stripe through Linkhub, and every use of a stored key. Bodies are redacted before they are stored; keys never are.
      </p>
      <div role="tablist" aria-label="Log" class="tabs">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id ? 'true' : 'false'}
            aria-controls="log-panel"
            tabIndex={tab === id ? 0 : -1}
            onClick={() => apply({}, id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              const other = tab === 'calls' ? 'audit' : 'calls';
              apply({}, other);
              document.getElementById(`tab-${other}`)?.focus();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="log-panel" aria-labelledby={`tab-${tab}`}>
        <form class={`filters log-filters${calls ? '' : ' audit-filters'}`} role="search" aria-label={calls ? 'Filter calls' : 'Filter audit events'} onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="f-account">Account ID</label>
            <input id="f-account" type="text" class="mono" placeholder="acc_…" value={draft.account_id} onInput={(e) => setDraft({ ...draft, account_id: e.currentTarget.value })} />
          </div>
          {calls && (
            <>
              <div class="field">
                <label for="f-status">Status</label>
                <input id="f-status" type="text" placeholder="404 or 4xx" value={draft.status} onInput={(e) => setDraft({ ...draft, status: e.currentTarget.value })} />
              </div>
              {select('source', 'Source', [
                ['', 'All'],
                ['proxy', 'Proxy'],
                ['rpc', 'Actions RPC'],
                ['mcp', 'MCP'],
              ])}
              {select('success', 'Outcome', [
                ['', 'All'],
                ['true', 'Succeeded'],
                ['false', 'Failed'],
              ])}
            </>
          )}
          {time('from', 'From')}
          {time('to', 'To')}
          {anyFilter && (
            <button
              type="button"
              class="btn btn-quiet"
              onClick={() => {
                setDraft({ account_id: '', status: '' });
                apply(Object.fromEntries(FILTERS.map((k) => [k, ''])));
              }}
            >
              Clear filters
            </button>
          )}
        </form>
        {calls ? <Calls filters={filters} anyFilter={anyFilter} /> : <Audit filters={filters} anyFilter={anyFilter} />}
      </div>
    </div>
  );
}

function Calls(p: { filters: Filters; anyFilter: boolean }) {
  const list = usePaged<RequestLog>('/logs', apiQuery(p.filters, FILTERS));
  const [open, setOpen] = useState<RequestLog | null>(null);
  return (
    <>
      <LogTable
        list={list}
        caption="Calls to Stripe, newest first"
        columns={['Time', 'Account', 'Source', 'Call', 'Status', 'Duration', 'Retries', 'Stripe Request-Id', '']}
        what="calls"
        empty={p.anyFilter ? 'No calls match these filters.' : 'No calls yet: they appear here when your backend calls Stripe through the proxy, actions or MCP.'}
      >
        {(list.rows ?? []).map((r) => (
          <tr key={r.id} data-log-id={r.id}>
            <td class="nowrap">
              <Time iso={r.event_datetime} />
            </td>
            <td>
              <Account id={r.account_id} owner={r.account_owner_name} />
            </td>
            <td>{r.service === 'rpc' ? 'RPC' : r.service === 'mcp' ? 'MCP' : 'Proxy'}</td>
            <td class="mono break">
              {r.action ?? (
                <>
                  <span class="strong">{r.http_method}</span> {r.path}
                </>
              )}
            </td>
            <td class="nowrap">
              <StatusBadge status={r.status === null ? (r.error ?? 'no answer').replace(/_/g, ' ') : String(r.status)} kind={httpKind(r.status)} />
            </td>
            <td class="nowrap">{Math.round(r.duration)} ms</td>
            <td class={r.retries ? 'strong' : 'muted'}>{r.retries}</td>
            <td class="mono">{r.provider_request_id ?? <span class="muted">—</span>}</td>
            <td class="actions">
              <button type="button" class="btn btn-sm" aria-haspopup="dialog" aria-label={`Details of ${callLabel(r)} (call ${r.id})`} onClick={() => setOpen(r)}>
                Details
              </button>
            </td>
          </tr>
        ))}
      </LogTable>
      {open && <CallDialog log={open} onClose={() => setOpen(null)} />}
    </>
  );
}

/** The table of a tab (an empty column heading is an action column), its messages and "Load more". */
function LogTable(p: { list: ReturnType<typeof usePaged<unknown>>; caption: string; columns: string[]; what: string; empty: string; children: ComponentChildren }) {
  const { rows, next, max, loading, error, loadMore } = p.list;
  const shown = rows?.length ?? 0;
  return (
    <>
      <ErrorAlert error={error} />
      <div class="table-wrap" aria-busy={loading ? 'true' : 'false'}>
        <table class="table">
          <caption class="sr-only">{p.caption}</caption>
          <thead>
            <tr>
              {p.columns.map((c) => (
                <th scope="col" key={c}>
                  {c || <span class="sr-only">Actions</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{p.children}</tbody>
        </table>
        {!loading && shown === 0 && !error && <p class="empty muted">{p.empty}</p>}
        {loading && !rows && <p class="empty muted">Loading {p.what}…</p>}
      </div>
      <nav class="pager" aria-label="More">
        <span class="muted">
          {shown ? `${shown} ${p.what} shown` : ''}
          {!next && max !== null && shown >= max && ` (the newest ${max}: narrow the time range for older ones)`}
        </span>
        {next && (
          <button type="button" class="btn" aria-disabled={loading ? 'true' : undefined} onClick={() => !loading && loadMore()}>
            Load more
          </button>
        )}
      </nav>
    </>
  );
}

function CallDialog(p: { log: RequestLog; onClose(): void }) {
  const [log, setLog] = useState<RequestLogDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<RequestLogDetail>('GET', `/logs/${encodeURIComponent(p.log.id)}`).then(setLog, (e) => setError(errorMessage(e)));
  }, [p.log.id]);
  const r = log ?? p.log;
  return (
    <Dialog title={callLabel(p.log)} wide onClose={p.onClose}>
      <dl class="details">
        <dt>Time</dt>
        <dd>{new Date(r.event_datetime).toLocaleString()}</dd>
        <dt>Account</dt>
        <dd>
          <Account id={r.account_id} owner={r.account_owner_name} />
        </dd>
        <dt>Caller</dt>
        <dd>
          <Who type={r.source_type} id={r.source_id} name={r.actor_name} />
        </dd>
        <dt>Request</dt>
        <dd class="mono break">
          {r.http_method} {r.url}
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={r.status === null ? 'No answer' : String(r.status)} kind={httpKind(r.status)} />
          {r.error && <span class="muted"> {r.error}</span>}
        </dd>
        <dt>Duration</dt>
        <dd>
          {r.duration} ms, {r.attempts} {r.attempts === 1 ? 'attempt' : 'attempts'}
        </dd>
        <dt>Stripe Request-Id</dt>
        <dd class="mono">{r.provider_request_id ?? '—'}</dd>
        <dt>Idempotency key</dt>
        <dd class="mono break">{r.idempotency_key ?? '—'}</dd>
      </dl>
      <ErrorAlert error={error} />
      {!log && !error && (
        <p class="muted" role="status">
          Loading the bodies…
        </p>
      )}
      {log && (
        <>
          <Body title="Request body" value={log.request.body} none={log.http_method === 'GET' || log.http_method === 'DELETE' ? 'None.' : NOT_KEPT} />
          <Body
            title="Response body"
            value={log.response?.body ?? null}
            none={!log.response ? 'No answer from Stripe.' : log.success ? `${NOT_KEPT} By default only failed calls keep theirs.` : NOT_KEPT}
          />
        </>
      )}
    </Dialog>
  );
}

const NOT_KEPT = 'Not stored (LINKHUB_REQUEST_LOG_BODIES decides which bodies are kept).';

function Body(p: { title: string; value: unknown; none: string }) {
  return (
    <section class="body-block" aria-label={p.title}>
      <h3>{p.title}</h3>
      {p.value === null || p.value === undefined ? (
        <p class="muted">{p.none}</p>
      ) : (
        <pre class="code" tabIndex={0}>
          {typeof p.value === 'string' ? p.value : JSON.stringify(p.value, null, 2)}
        </pre>
      )}
    </section>
  );
}

const ACTIONS: Record<string, string> = { 'link.create': 'Account linked', 'link.relink': 'Account re-linked', 'key.rotate': 'Key replaced', 'key.test': 'Key tested', 'call.proxy': 'Proxy call' };
const actionLabel = (a: string) => ACTIONS[a] ?? a.replace(/^call\.(rpc|mcp):(.*)$/, (_, s: string, name: string) => `${s.toUpperCase()} ${name}`);
const outcomeKind = (o: string | null): StatusKind => (o === null ? 'neutral' : o === 'ok' || /^2\d\d$/.test(o) ? 'ok' : 'err');

function Audit(p: { filters: Filters; anyFilter: boolean }) {
  const list = usePaged<AuditEvent>('/audit', apiQuery(p.filters, ['account_id', 'from', 'to']));
  return (
    <LogTable
      list={list}
      caption="Uses of stored keys, newest first"
      columns={['When', 'Account', 'Who', 'What', 'Outcome']}
      what="events"
      empty={p.anyFilter ? 'No audit events match these filters.' : 'No keys used yet.'}
    >
      {(list.rows ?? []).map((e) => (
        <tr key={e.id} data-audit-id={e.id}>
          <td class="nowrap">
            <Time iso={e.at} />
          </td>
          <td>
            <Account id={e.account_id} owner={e.account_owner_name} />
          </td>
          <td>
            <Who type={e.actor_type} id={e.actor_id} name={e.actor_name} />
          </td>
          <td>
            <div>{actionLabel(e.action)}</div>
            <div class="sub mono">{e.action}</div>
          </td>
          <td>
            <StatusBadge status={e.outcome === null ? '—' : e.outcome === 'ok' ? 'OK' : e.outcome.replace(/_/g, ' ')} kind={outcomeKind(e.outcome)} />
          </td>
        </tr>
      ))}
    </LogTable>
  );
}
