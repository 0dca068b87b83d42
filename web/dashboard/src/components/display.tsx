// How values are shown across pages: times (relative, the full date on hover), environment and status
// badges, an account's key and name, and a page-level error.
import type { Account } from '../api.js';

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function relative(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return s <= 0 ? 'just now' : 'in a few seconds';
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 86400 * 30) return rtf.format(Math.round(s / 86400), 'day');
  return full.format(new Date(iso));
}

export function Time(p: { iso: string | null; empty?: string }) {
  if (!p.iso) return <span class="muted">{p.empty ?? 'Never'}</span>;
  const label = full.format(new Date(p.iso));
  return (
    <time dateTime={p.iso} title={label}>
      {relative(p.iso)}
    </time>
  );
}

export function EnvBadge(p: { env: 'production' | 'test' }) {
  return p.env === 'test' ? (
    <span class="badge badge-test" title="Test mode key">
      TEST
    </span>
  ) : (
    <span class="badge badge-live" title="Live (production) key">
      LIVE
    </span>
  );
}

export type StatusKind = 'ok' | 'err' | 'warn' | 'neutral';

/** An account or delivery status; other statuses (HTTP, audit outcomes) say their `kind`. */
export function StatusBadge(p: { status: string; kind?: StatusKind }) {
  const kind =
    p.kind ??
    (p.status === 'active' || p.status === 'delivered'
      ? 'ok'
      : p.status === 'error' || p.status === 'failed'
        ? 'err'
        : p.status === 'pending'
          ? 'warn'
          : 'neutral');
  return (
    <span class={`status status-${kind}`}>
      <span class="dot" aria-hidden="true" />
      {p.status.charAt(0).toUpperCase() + p.status.slice(1)}
    </span>
  );
}

export const keyLabel = (a: { provider: string; environment: string; key_type: string; key_hint: string }) =>
  a.provider === 'stripe' ? `${a.key_type === 'restricted' ? 'rk' : 'sk'}_${a.environment === 'test' ? 'test' : 'live'}_…${a.key_hint}` : `…${a.key_hint}`;

/** An account by its provider account's name, else its provider account id, else Linkhub's id. */
export const accountName = (a: Account) => a.external_account_name ?? a.external_account_id ?? a.id;

/** A page-level error, announced to screen readers. */
export function ErrorAlert(p: { error: string | null }) {
  return p.error ? (
    <p class="alert alert-error" role="alert">
      {p.error}
    </p>
  ) : null;
}

/** A credential's state (API keys, agent tokens): revoked (when), expired, or active. */
export function CredentialStatus(p: { revokedAt: string | null; expired?: boolean }) {
  if (p.revokedAt)
    return (
      <span class="status status-neutral">
        <span class="dot" aria-hidden="true" />
        Revoked <Time iso={p.revokedAt} />
      </span>
    );
  return (
    <span class={`status ${p.expired ? 'status-neutral' : 'status-ok'}`}>
      <span class="dot" aria-hidden="true" />
      {p.expired ? 'Expired' : 'Active'}
    </span>
  );
}

/** Revoke for a credential still live (it opens a confirmation). */
export function RevokeButton(p: { name: string; revokedAt: string | null; onClick(): void }) {
  if (p.revokedAt) return null;
  return (
    <button type="button" class="btn btn-sm btn-danger-quiet" aria-haspopup="dialog" aria-label={`Revoke ${p.name}`} onClick={p.onClick}>
      Revoke
    </button>
  );
}
