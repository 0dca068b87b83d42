// The Audit tab: each use of a stored key: when, for which account, who, what, and the outcome.
import type { AuditEvent } from '../../api.js';
import { StatusBadge, Time } from '../../components/display.js';
import { AccountCell, Who } from './cells.js';
import { apiQuery, type Filters } from './filters.js';
import { actionLabel, outcomeKind } from './labels.js';
import { LogTable } from './log-table.js';
import { usePaged } from './use-paged.js';

export function Audit(p: { filters: Filters; anyFilter: boolean }) {
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
            <AccountCell id={e.account_id} owner={e.account_owner_name} />
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
