// Webhooks: add an endpoint (URL and events; the signing secret is shown once), list and remove
// endpoints, and recent deliveries with status, attempts and a Retry button (refreshed every 4 s).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorMessage, type Delivery, type WebhookEndpoint } from '../api.js';
import { announce } from '../components/announcer.js';
import { SecretOnce } from '../components/copy-field.js';
import { ConfirmDialog } from '../components/dialog.js';
import { ErrorAlert, StatusBadge, Time } from '../components/display.js';
import { POLL_MS, usePoll } from '../hooks/use-poll.js';
import type { PageProps } from '../page.js';
import { TableHead } from '../components/table-head.js';

export function WebhooksPage(p: PageProps) {
  const allEvents = p.session.webhook_events;
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(allEvents);
  const [formError, setFormError] = useState<{ message: string; field: 'url' | 'events' | null } | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [remove, setRemove] = useState<WebhookEndpoint | null>(null);
  const [busy, setBusy] = useState(false);
  const [retrying, setRetrying] = useState<Record<number, boolean>>({});

  async function load() {
    try {
      const [e, d] = await Promise.all([api<WebhookEndpoint[]>('GET', '/webhooks'), api<Delivery[]>('GET', '/webhooks/deliveries?limit=50')]);
      setEndpoints(e);
      setDeliveries(d);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  useEffect(() => void load(), []);
  usePoll(() => void load(), POLL_MS);

  const urlOf = (id: string) => endpoints?.find((e) => e.id === id)?.url ?? id;

  return (
    <div>
      <p class="muted">
        Linkhub POSTs <code>account.created</code>, <code>account.updated</code> and <code>account.deleted</code> to your endpoints, signed with the endpoint's
        secret, and retries failures with backoff.
      </p>

      <form
        class="card form"
        aria-labelledby="new-hook-title"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          let parsed: URL | null = null;
          try {
            parsed = new URL(url.trim());
          } catch {
            /* invalid */
          }
          if (!parsed || !/^https?:$/.test(parsed.protocol)) {
            setFormError({ message: 'Enter a full http:// or https:// URL.', field: 'url' });
            document.getElementById('hook-url')?.focus();
            return;
          }
          if (events.length === 0) {
            setFormError({ message: 'Choose at least one event.', field: 'events' });
            return;
          }
          setBusy(true);
          setFormError(null);
          try {
            const r = await api<WebhookEndpoint & { secret: string }>('POST', '/webhooks', { url: url.trim(), events });
            setCreated({ url: r.url, secret: r.secret });
            setUrl('');
            setEvents(allEvents);
            announce('Webhook endpoint added. Copy its signing secret now: it is shown only once.');
            await load();
          } catch (err) {
            setFormError({ message: errorMessage(err), field: err instanceof ApiError && err.body?.field === 'url' ? 'url' : null });
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="new-hook-title">Add an endpoint</h2>
        <div class="field">
          <label for="hook-url">Endpoint URL</label>
          <input
            id="hook-url"
            type="url"
            inputMode="url"
            placeholder="https://example.com/webhooks/linkhub"
            maxLength={2000}
            value={url}
            aria-invalid={formError?.field === 'url' ? 'true' : undefined}
            aria-describedby={formError?.field === 'url' ? 'hook-url-error' : undefined}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          {formError?.field === 'url' && (
            <p class="field-error" id="hook-url-error">
              {formError.message}
            </p>
          )}
        </div>
        <fieldset class="choice" aria-describedby={formError?.field === 'events' ? 'hook-events-error' : undefined}>
          <legend>Events</legend>
          <div class="checks">
            {allEvents.map((ev) => (
              <label class="check" key={ev}>
                <input
                  type="checkbox"
                  value={ev}
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                />
                <code>{ev}</code>
              </label>
            ))}
          </div>
          {formError?.field === 'events' && (
            <p class="field-error" id="hook-events-error">
              {formError.message}
            </p>
          )}
        </fieldset>
        {formError && formError.field === null && (
          <p class="alert alert-error" role="alert">
            {formError.message}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
            Add endpoint
          </button>
        </div>
      </form>

      {created && (
        <SecretOnce
          id="created-hook-title"
          title={`Signing secret for ${created.url}`}
          warning="Copy it now: verify each delivery's signature with it. It is stored encrypted and not shown again."
          label="Signing secret"
          value={created.secret}
          onDone={() => setCreated(null)}
        />
      )}

      <ErrorAlert error={error} />

      <h2 class="section-title">Endpoints</h2>
      <div class="table-wrap">
        <table class="table">
          <TableHead columns={['URL', 'Events', 'Secret', 'Added', '']} />
          <tbody>
            {(endpoints ?? []).map((e) => (
              <tr key={e.id}>
                <td class="mono break">{e.url}</td>
                <td>
                  {e.events.map((ev) => (
                    <code class="tag" key={ev}>
                      {ev}
                    </code>
                  ))}
                </td>
                <td class="mono">whsec_…{e.secret_hint}</td>
                <td class="nowrap">
                  <Time iso={e.created_at} />
                </td>
                <td class="actions">
                  <button
                    type="button"
                    class="btn btn-sm btn-danger-quiet"
                    aria-haspopup="dialog"
                    aria-label={`Remove endpoint ${e.url}`}
                    onClick={() => setRemove(e)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {endpoints && endpoints.length === 0 && <p class="empty muted">No endpoints yet.</p>}
      </div>

      <h2 class="section-title">Recent deliveries</h2>
      <div class="table-wrap">
        <table class="table">
          <TableHead columns={['Event', 'Endpoint', 'Status', 'Attempts', 'Last response', 'Created', '']} />
          <tbody>
            {(deliveries ?? []).map((d) => (
              <tr key={d.id} data-delivery-id={d.id}>
                <td>
                  <code>{d.event}</code>
                  <div class="sub mono">{d.event_id}</div>
                </td>
                <td class="mono break">{urlOf(d.endpoint_id)}</td>
                <td>
                  <StatusBadge status={d.status} />
                  {d.status === 'pending' && d.next_attempt_at && (
                    <div class="sub">
                      {Date.parse(d.next_attempt_at) <= Date.now() + 1000 ? (
                        'retrying now'
                      ) : (
                        <>
                          next attempt <Time iso={d.next_attempt_at} />
                        </>
                      )}
                    </div>
                  )}
                </td>
                <td>{d.attempts}</td>
                <td class="break">
                  {d.last_status_code !== null ? `HTTP ${d.last_status_code}` : d.last_error ? '' : <span class="muted">—</span>}
                  {d.last_error && d.last_error !== `HTTP ${d.last_status_code}` && <div class="sub reason">{d.last_error}</div>}
                </td>
                <td class="nowrap">
                  <Time iso={d.created_at} />
                </td>
                <td class="actions">
                  <button
                    type="button"
                    class="btn btn-sm"
                    aria-label={`Retry delivery ${d.id} (${d.event})`}
                    aria-disabled={retrying[d.id] ? 'true' : undefined}
                    onClick={async () => {
                      if (retrying[d.id]) return;
                      setRetrying((r) => ({ ...r, [d.id]: true }));
                      try {
                        await api('POST', `/webhooks/deliveries/${d.id}/retry`);
                        announce(`Delivery ${d.id} queued again`);
                        await load();
                      } catch (e) {
                        setError(errorMessage(e));
                      } finally {
                        setRetrying((r) => ({ ...r, [d.id]: false }));
                      }
                    }}
                  >
                    {retrying[d.id] ? 'Retrying…' : 'Retry'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {deliveries && deliveries.length === 0 && <p class="empty muted">No deliveries yet: they appear when an account is linked, updated or deleted.</p>}
      </div>

      {remove && (
        <ConfirmDialog
          title="Remove this endpoint?"
          confirmLabel="Remove endpoint"
          onClose={() => setRemove(null)}
          onConfirm={async () => {
            await api('DELETE', `/webhooks/${encodeURIComponent(remove.id)}`);
            announce('Endpoint removed');
            await load();
          }}
        >
          <p>
            <span class="mono break">{remove.url}</span> stops receiving events. Deliveries already queued for it are not sent.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
