// A read-only field with a Copy button (Auth Links, new keys and secrets), and the card that shows a
// new secret once.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

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
