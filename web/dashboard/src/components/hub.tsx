// The Hub inside the dashboard: /hub.js is loaded once, on first use, and <linkhub-hub> is mounted for
// a connect-session token (in a modal dialog); its success and close events come back as callbacks.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Dialog, useCloseDialog } from './dialog.js';

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
