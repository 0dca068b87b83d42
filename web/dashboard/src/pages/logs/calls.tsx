// The Calls tab: one row per call to Stripe, and its Details dialog.
import { useState } from 'preact/hooks';
import type { RequestLog } from '../../api.js';
import { StatusBadge, Time } from '../../components/display.js';
import { CallDialog } from './call-dialog.js';
import { AccountCell } from './cells.js';
import { apiQuery, FILTERS, type Filters } from './filters.js';
import { callLabel, httpKind } from './labels.js';
import { LogTable } from './log-table.js';
import { usePaged } from './use-paged.js';

export function Calls(p: { filters: Filters; anyFilter: boolean }) {
  const list = usePaged<RequestLog>('/logs', apiQuery(p.filters, FILTERS));
  const [open, setOpen] = useState<RequestLog | null>(null);
  return (
    <>
      <LogTable
        list={list}
        caption="Calls to Stripe, newest first"
        columns={['Time', 'Account', 'Source', 'Call', 'Status', 'Duration', 'Retries', 'Stripe Request-Id', '']}
        what="calls"
        empty={
          p.anyFilter ? 'No calls match these filters.' : 'No calls yet: they appear here when your backend calls Stripe through the proxy, actions or MCP.'
        }
      >
        {(list.rows ?? []).map((r) => (
          <tr key={r.id} data-log-id={r.id}>
            <td class="nowrap">
              <Time iso={r.event_datetime} />
            </td>
            <td>
              <AccountCell id={r.account_id} owner={r.account_owner_name} />
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
              <button
                type="button"
                class="btn btn-sm"
                aria-haspopup="dialog"
                aria-label={`Details of ${callLabel(r)} (call ${r.id})`}
                onClick={() => setOpen(r)}
              >
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
