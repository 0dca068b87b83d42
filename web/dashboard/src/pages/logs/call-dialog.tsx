// One call in detail: time, account, caller, URL, status, duration and attempts, Request-Id, the
// idempotency key, and the request and response bodies as the server stored them (redacted).
import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type RequestLog, type RequestLogDetail } from '../../api.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorAlert, StatusBadge } from '../../components/display.js';
import { AccountCell, Who } from './cells.js';
import { callLabel, httpKind } from './labels.js';

export function CallDialog(p: { log: RequestLog; onClose(): void }) {
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
          <AccountCell id={r.account_id} owner={r.account_owner_name} />
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
