// Modal dialogs on the native <dialog> (focus trap, Esc, focus back to what opened it), and the
// "Are you sure?" confirmation built on it.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';

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
  // moved focus itself (the Hub's own dialogs) can leave it on <body>: then put it back here. When the
  // action removed the opener (a deleted row, a revoked key's button), focus goes to the page heading
  // rather than to the top of the document. Checked after the page re-rendered (a task later).
  const onClose = () => {
    const el = opener.current;
    p.onClose();
    setTimeout(() => {
      const lost = !document.activeElement || document.activeElement === document.body;
      if (!lost) return;
      if (el?.isConnected) el.focus();
      else document.querySelector<HTMLElement>('main h1')?.focus();
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
export function ConfirmDialog(p: { title: string; confirmLabel: string; children: ComponentChildren; onConfirm(): Promise<void>; onClose(): void }) {
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
