// Small shared pieces: modal dialog (native <dialog>: focus trap, Esc, focus return), confirmation,
// copy-once fields, times, badges, the screen-reader announcer, polling and the Hub loader.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorMessage } from './api.js';

// ---- announcer (one polite live region for the whole app) ---------------------------------------

let setAnnouncement: (s: string) => void = () => {};
export function announce(message: string) {
  // Clear then set, so the same message twice is read twice.
  setAnnouncement('');
  setTimeout(() => setAnnouncement(message), 50);
}
export function Announcer() {
  const [text, setText] = useState('');
  setAnnouncement = setText;
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}

// ---- dialogs ------------------------------------------------------------------------------------

const DialogClose = createContext<() => void>(() => {});
/** Closes the enclosing <Dialog> (focus then returns to what opened it). */
export const useCloseDialog = () => useContext(DialogClose);

export function Dialog(p: {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  /** No header: the content brings its own title and close button (the Hub). */
  bare?: boolean;
  wide?: boolean;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) d.showModal();
  }, []);
  const close = useCallback(() => ref.current?.close(), []);
  // The browser returns focus to the opener only when focus is still inside the dialog; content that
  // moved focus itself (the Hub's own dialogs) can leave it on <body>: then put it back here.
  const onClose = () => {
    const el = opener.current;
    p.onClose();
    setTimeout(() => {
      const lost = !document.activeElement || document.activeElement === document.body;
      if (lost && el?.isConnected) el.focus();
    }, 0);
  };
  return (
    <dialog
      ref={ref}
      class={`dialog${p.wide ? ' dialog-wide' : ''}${p.bare ? ' dialog-bare' : ''}`}
      aria-labelledby={p.bare ? undefined : id}
      aria-label={p.bare ? p.title : undefined}
      aria-describedby={p.describedBy}
      onClose={onClose}
    >
      {!p.bare && (
        <div class="dialog-head">
          <h2 id={id}>{p.title}</h2>
          <button type="button" class="icon-btn" aria-label="Close dialog" onClick={close}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </div>
      )}
      <DialogClose.Provider value={close}>{p.children}</DialogClose.Provider>
    </dialog>
  );
}

/** "Are you sure?" with the safe choice focused; the action runs inside and errors show there. */
export function ConfirmDialog(p: {
  title: string;
  confirmLabel: string;
  children: ComponentChildren;
  onConfirm(): Promise<void>;
  onClose(): void;
}) {
  const descId = useId();
  return (
    <Dialog title={p.title} onClose={p.onClose} describedBy={descId}>
      <ConfirmBody {...p} descId={descId} />
    </Dialog>
  );
}

function ConfirmBody(p: { confirmLabel: string; children: ComponentChildren; onConfirm(): Promise<void>; descId: string }) {
  const close = useCloseDialog();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <div id={p.descId}>{p.children}</div>
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="btn" autoFocus onClick={close} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          class="btn btn-danger"
          aria-disabled={busy ? 'true' : undefined}
          onClick={async () => {
            if (busy) return;
            setBusy(true);
            setError(null);
            try {
              await p.onConfirm();
              close();
            } catch (e) {
              setError(errorMessage(e));
              setBusy(false);
            }
          }}
        >
          {busy ? 'Working…' : p.confirmLabel}
        </button>
      </div>
    </div>
  );
}

// ---- copy ---------------------------------------------------------------------------------------

export function CopyField(p: { label: string; value: string; hint?: ComponentChildren; autoFocus?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  // `autofocus` only works at page load or when a dialog opens; this field usually appears later.
  useEffect(() => {
    if (p.autoFocus) input.current?.focus();
  }, []);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2500);
    return () => clearTimeout(t);
  }, [copied]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(p.value);
    } catch {
      // Not a secure context, or no permission: select and use the legacy command.
      input.current?.select();
      document.execCommand?.('copy');
    }
    setCopied(true);
  }
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <div class="copy-row">
        <input
          ref={input}
          id={id}
          class="mono"
          readOnly
          value={p.value}
          spellcheck={false}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={p.hint ? id + '-hint' : undefined}
        />
        <button type="button" class="btn" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {p.hint && (
        <p class="hint" id={id + '-hint'}>
          {p.hint}
        </p>
      )}
      <span class="sr-only" role="status">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </div>
  );
}

// ---- display ------------------------------------------------------------------------------------

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
    p.kind ?? (p.status === 'active' || p.status === 'delivered' ? 'ok' : p.status === 'error' || p.status === 'failed' ? 'err' : p.status === 'pending' ? 'warn' : 'neutral');
  return (
    <span class={`status status-${kind}`}>
      <span class="dot" aria-hidden="true" />
      {p.status.charAt(0).toUpperCase() + p.status.slice(1)}
    </span>
  );
}

// ---- polling ------------------------------------------------------------------------------------

/** Calls fn every `ms` while the tab is visible, and at once when it becomes visible again. */
export function usePoll(fn: () => void, ms: number) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') ref.current();
    };
    const t = setInterval(tick, ms);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [ms]);
}

// ---- the Hub (/hub.js, <linkhub-hub token base-url>) ------------------------------------------------

let hubLoading: Promise<void> | null = null;

export function loadHub(): Promise<void> {
  if (customElements.get('linkhub-hub')) return Promise.resolve();
  if (!hubLoading) {
    const script = document.createElement('script');
    hubLoading = new Promise<void>((resolve, reject) => {
      script.src = '/hub.js';
      script.async = true;
      script.onload = () => (customElements.get('linkhub-hub') ? resolve() : reject(new Error('The Hub is not built on this server.')));
      script.onerror = () => reject(new Error('The Hub could not be loaded from /hub.js.'));
      document.head.appendChild(script);
    }).catch((e) => {
      hubLoading = null;
      script.remove();
      throw e;
    });
  }
  return hubLoading;
}

export interface HubLinked {
  id: string;
  provider: string;
}

/** Mounts <linkhub-hub> for a connect-session token; `success` and `close` come back as callbacks. */
export function HubMount(p: { token: string; theme: 'light' | 'dark'; onSuccess(a: HubLinked): void; onClose(): void }) {
  const host = useRef<HTMLDivElement>(null);
  const cb = useRef(p);
  cb.current = p;
  const [state, setState] = useState<{ s: 'loading' } | { s: 'ready' } | { s: 'failed'; message: string }>({ s: 'loading' });
  useEffect(() => {
    let el: HTMLElement | null = null;
    let cancelled = false;
    loadHub().then(
      () => {
        if (cancelled || !host.current) return;
        el = document.createElement('linkhub-hub');
        el.setAttribute('token', p.token);
        el.setAttribute('base-url', location.origin);
        el.setAttribute('theme', p.theme);
        el.addEventListener('success', (e) => cb.current.onSuccess((e as CustomEvent<HubLinked>).detail));
        el.addEventListener('close', () => cb.current.onClose());
        host.current.appendChild(el);
        setState({ s: 'ready' });
      },
      (e) => !cancelled && setState({ s: 'failed', message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
      el?.remove();
    };
  }, [p.token]);
  useEffect(() => {
    host.current?.querySelector('linkhub-hub')?.setAttribute('theme', p.theme);
  }, [p.theme]);
  return (
    <div class="hub-host">
      {state.s === 'loading' && (
        <p class="center muted" role="status">
          Loading the Hub…
        </p>
      )}
      {state.s === 'failed' && (
        <div class="hub-failed">
          <p class="alert alert-error" role="alert">
            {state.message} Use the Auth Link instead, or build the web assets (<code>npm run build:web</code>).
          </p>
          <div class="dialog-actions">
            <button type="button" class="btn" onClick={() => cb.current.onClose()} autoFocus>
              Close
            </button>
          </div>
        </div>
      )}
      <div ref={host} />
    </div>
  );
}

/** The Hub in a modal dialog. */
export function HubDialog(p: { token: string; theme: 'light' | 'dark'; title?: string; onSuccess(a: HubLinked): void; onClose(): void }) {
  return (
    <Dialog title={p.title ?? 'Link an account'} bare wide onClose={p.onClose}>
      <HubInDialog {...p} />
    </Dialog>
  );
}

function HubInDialog(p: { token: string; theme: 'light' | 'dark'; onSuccess(a: HubLinked): void }) {
  const close = useCloseDialog();
  return <HubMount token={p.token} theme={p.theme} onSuccess={p.onSuccess} onClose={close} />;
}

export const keyLabel = (a: { provider: string; environment: string; key_type: string; key_hint: string }) =>
  a.provider === 'stripe' ? `${a.key_type === 'restricted' ? 'rk' : 'sk'}_${a.environment === 'test' ? 'test' : 'live'}_…${a.key_hint}` : `…${a.key_hint}`;

/** A secret shown once after it was created (API key, webhook signing secret), with a copy field. */
export function SecretOnce(p: { id: string; title: ComponentChildren; warning: string; label: string; value: string; onDone(): void }) {
  return (
    <section class="card result secret-once" aria-labelledby={p.id}>
      <h2 id={p.id}>{p.title}</h2>
      <p class="alert alert-warn">{p.warning}</p>
      <CopyField label={p.label} value={p.value} autoFocus />
      <div class="button-row">
        <button type="button" class="btn" onClick={p.onDone}>
          I stored it
        </button>
      </div>
    </section>
  );
}

/** A page-level error, announced to screen readers. */
export function ErrorAlert(p: { error: string | null }) {
  return p.error ? (
    <p class="alert alert-error" role="alert">
      {p.error}
    </p>
  ) : null;
}
