// One held call: who asked (account, token), what (action, amount, reason), the full request
// (method, path, params, forwarded headers, idempotency key), and Approve / Deny while pending, or
// the decision and the provider's status once decided; Send again when the approved call got no
// answer (unconfirmed), while the provider still keeps its idempotency key; past that, why it is not
// sent again and where to look. An unconfirmed call is settled by a person who looked it up at the
// provider: applied, or not applied (Reconcile). Each is asked again in a dialog: approving sends a
// call that may move money, and no decision can be taken back.
import { useState } from 'preact/hooks';
import type { Approval } from '../../api.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { StatusBadge, Time } from '../../components/display.js';
import { formatMoney } from '../agents/policy-draft.js';
import { formLines } from './form-lines.js';

const OUTCOME: Record<string, { label: string; kind: 'ok' | 'err' | 'warn' | 'neutral' }> = {
  pending: { label: 'pending', kind: 'warn' },
  approved: { label: 'approved, sending', kind: 'warn' },
  executed: { label: 'approved and sent', kind: 'ok' },
  failed: { label: 'approved, not done', kind: 'err' },
  unconfirmed: { label: 'approved, no answer', kind: 'warn' },
  expired: { label: 'expired, not sent', kind: 'neutral' },
  denied: { label: 'denied', kind: 'neutral' },
};

export type Decision = 'approve' | 'deny' | 'applied' | 'not_applied';

const RECONCILED: Record<string, string> = { executed: 'found applied', failed: 'found not applied' };

export function ApprovalCard(p: { approval: Approval; onDecide(d: Decision): Promise<void> }) {
  const a = p.approval;
  const [asking, setAsking] = useState<Decision | null>(null);
  const outcome = a.reconciled_at
    ? { label: RECONCILED[a.status] ?? a.status, kind: a.status === 'executed' ? ('ok' as const) : ('neutral' as const) }
    : (OUTCOME[a.status] ?? { label: a.status, kind: 'neutral' as const });
  const reconciling = asking === 'applied' || asking === 'not_applied';
  const amount = a.currency === 'unknown' ? 'Amount not known' : formatMoney(a.amount, a.currency);
  const again = a.status === 'unconfirmed';
  // the card is drawn when the list is read: a call past its time then shows why it is not sent again
  const closed = again && a.send_again_until !== null && Date.parse(a.send_again_until) <= Date.now();
  return (
    <article class={`card approval approval-${a.status}`} aria-labelledby={`apr-${a.id}`} data-approval-id={a.id}>
      <div class="approval-head">
        <h2 id={`apr-${a.id}`}>
          <span class="mono">{a.action ?? 'Unknown action'}</span> · {amount}
        </h2>
        <StatusBadge status={outcome.label} kind={outcome.kind} />
      </div>
      <dl class="facts">
        <dt>Account</dt>
        <dd class="mono">{a.account_id}</dd>
        <dt>Agent token</dt>
        <dd class="mono">{a.agent_token_id ?? 'none (account policy)'}</dd>
        <dt>Reason</dt>
        <dd>{a.reason}</dd>
        <dt>Asked</dt>
        <dd>
          <Time iso={a.created_at} />
        </dd>
        {a.expires_at && (
          <>
            <dt>{a.status === 'expired' ? 'Expired' : 'Expires'}</dt>
            <dd>
              <Time iso={a.expires_at} />
            </dd>
          </>
        )}
        {a.resolved_at && a.status !== 'expired' && (
          <>
            <dt>Decided</dt>
            <dd>
              <Time iso={a.resolved_at} /> by <span class="mono">{a.resolved_by}</span>
            </dd>
          </>
        )}
        {a.reconciled_at && (
          <>
            <dt>Reconciled</dt>
            <dd>
              <Time iso={a.reconciled_at} /> by <span class="mono">{a.reconciled_by}</span>
            </dd>
          </>
        )}
        {a.result && !a.reconciled_at && (
          <>
            <dt>Provider status</dt>
            <dd class="mono">{a.result.status === 0 ? `not sent: ${a.result.error ?? 'the provider was unreachable'}` : a.result.status}</dd>
          </>
        )}
      </dl>
      <details open={a.status === 'pending'}>
        <summary>Request</summary>
        <dl class="facts">
          <dt>Method and path</dt>
          <dd class="mono">
            {a.request.method} {a.request.path}
          </dd>
          <dt>Idempotency key</dt>
          <dd class="mono">{a.request.idempotency_key}</dd>
          <dt>Headers</dt>
          <dd class="mono">
            {Object.keys(a.request.headers).length === 0
              ? 'none'
              : Object.entries(a.request.headers).map(([k, v]) => (
                  <div key={k}>
                    {k}: {v}
                  </div>
                ))}
          </dd>
        </dl>
        <p class="facts-label">Parameters</p>
        <Parameters params={a.request.params} />
      </details>
      {a.status === 'pending' && (
        <div class="button-row">
          <button type="button" class="btn btn-primary" onClick={() => setAsking('approve')}>
            Approve
          </button>
          <button type="button" class="btn btn-danger-quiet" onClick={() => setAsking('deny')}>
            Deny
          </button>
        </div>
      )}
      {closed && (
        <p class="approval-closed" role="note">
          No answer came, and the provider keeps an idempotency key for a limited time only, so this call is not sent again: it could be applied twice. Look it
          up at the provider by its idempotency key; if it was not applied and is still wanted, make it again.
        </p>
      )}
      {again && (
        <div class="button-row">
          {!closed && (
            <button type="button" class="btn btn-primary" onClick={() => setAsking('approve')}>
              Send again
            </button>
          )}
          <button type="button" class="btn" onClick={() => setAsking('applied')}>
            It was applied
          </button>
          <button type="button" class="btn" onClick={() => setAsking('not_applied')}>
            It was not applied
          </button>
        </div>
      )}
      {reconciling && (
        <ConfirmDialog
          title={asking === 'applied' ? 'Record it as applied?' : 'Record it as not applied?'}
          confirmLabel={asking === 'applied' ? 'Applied' : 'Not applied'}
          onClose={() => setAsking(null)}
          onConfirm={() => p.onDecide(asking)}
        >
          <p>
            Look the call up at the provider by its idempotency key <span class="mono">{a.request.idempotency_key}</span> first. It is never sent again after
            this;{' '}
            {asking === 'applied'
              ? 'the agent repeating it is told it was applied, without its answer.'
              : 'the agent repeating it is told it was not done, and its amount no longer counts in the day.'}
          </p>
        </ConfirmDialog>
      )}
      {asking && !reconciling && (
        <ConfirmDialog
          title={asking === 'deny' ? 'Deny this call?' : again ? 'Send this call again?' : 'Approve and send this call?'}
          confirmLabel={asking === 'deny' ? 'Deny call' : again ? 'Send again' : 'Approve and send'}
          onClose={() => setAsking(null)}
          onConfirm={() => p.onDecide(asking)}
        >
          <p>
            <span class="mono">
              {a.request.method} {a.request.path}
            </span>{' '}
            ({amount}) on <span class="mono">{a.account_id}</span>
            {asking === 'deny'
              ? ' is never sent; the agent is told it was denied. This cannot be undone.'
              : again
                ? ' was sent but no answer came. It is sent again with the same idempotency key, so the provider applies it once: if the first went through, it answers what it did.'
                : ' is sent now, once, with its idempotency key. This cannot be undone.'}
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}

/** A form body decoded, one parameter a row, names given more than once marked; else the JSON as sent. */
function Parameters(p: { params: unknown }) {
  const lines = formLines(p.params);
  if (!lines) {
    return (
      <pre class="mono request-params" tabIndex={0}>
        {JSON.stringify(p.params, null, 2)}
      </pre>
    );
  }
  return (
    <>
      <table class="request-form">
        <tbody>
          {lines.map((l, i) => (
            <tr key={i} class={l.times > 1 ? 'repeated' : undefined}>
              <th scope="row" class="mono">
                {l.name}
              </th>
              <td class="mono">{l.value}</td>
              <td>
                {l.times > 1 && <strong>given {l.times} times: the provider may use any of them</strong>}
                {l.hidden && <strong> holds characters a page does not show</strong>}
                {l.written !== null && <span class="muted"> written {l.written}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>As sent</summary>
        <pre class="mono request-params" tabIndex={0}>
          {String(p.params)}
        </pre>
      </details>
    </>
  );
}
