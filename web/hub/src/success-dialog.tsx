// The confirmation after a key passed the live test: a modal dialog, focus on Done; Done and Esc
// both close the Hub (the `close` event).
import { useEffect, useRef } from 'preact/hooks';
import type { Linked } from './api.js';
import { Icon } from './message.js';
import { Summary } from './summary.js';

export function SuccessDialog(p: { linked: Linked; name: string; edit: boolean; env: string; onDone(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    done.current?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="ok-title"
      aria-describedby="ok-desc"
      onCancel={(e) => {
        e.preventDefault();
        p.onDone();
      }}
    >
      <Icon name="check" />
      <h2 id="ok-title" class="title">
        {p.edit ? `${p.name} key updated` : `${p.name} account connected`}
      </h2>
      <p id="ok-desc" class="muted">
        {p.edit ? `The new key works and replaces the old one, which is no longer stored.` : `The key works. It is stored encrypted and is never shown again.`}
      </p>
      <Summary linked={p.linked} env={p.env} />
      <button ref={done} type="button" class="primary" onClick={p.onDone}>
        Done
      </button>
    </dialog>
  );
}
