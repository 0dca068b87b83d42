// Request logs: every call made to Stripe with a linked account's key (proxy, actions RPC, MCP), newest
// first, filters kept in the URL, "Load more" paging and a dialog with one call's bodies (redacted by the
// server); and the Audit tab: each use of a stored key (who, what, when, outcome). The first page
// refreshes every 4 s until more are loaded.
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../../page.js';
import { Audit } from './audit.js';
import { Calls } from './calls.js';
import { FILTERS, type Filters, readUrl, TABS } from './filters.js';

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
        <form
          class={`filters log-filters${calls ? '' : ' audit-filters'}`}
          role="search"
          aria-label={calls ? 'Filter calls' : 'Filter audit events'}
          onSubmit={(e) => e.preventDefault()}
        >
          <div class="field">
            <label for="f-account">Account ID</label>
            <input
              id="f-account"
              type="text"
              class="mono"
              placeholder="acc_…"
              value={draft.account_id}
              onInput={(e) => setDraft({ ...draft, account_id: e.currentTarget.value })}
            />
          </div>
          {calls && (
            <>
              <div class="field">
                <label for="f-status">Status</label>
                <input
                  id="f-status"
                  type="text"
                  placeholder="404 or 4xx"
                  value={draft.status}
                  onInput={(e) => setDraft({ ...draft, status: e.currentTarget.value })}
                />
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
