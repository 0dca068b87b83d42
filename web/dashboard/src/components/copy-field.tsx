// A read-only field with a Copy button (Auth Links, new keys and secrets), a Copy button for an id
// shown as text (account ids), a block of code with a Copy button (snippets), and the card that
// shows a new secret once.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

/** Copies `value`; `copied` says so for 2.5 s. Without the clipboard API (not a secure context, no
 * permission) `select` selects the text on the page and the legacy command copies it. */
function useCopy(value: string, select: () => void) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2500);
    return () => clearTimeout(t);
  }, [copied]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      select();
      document.execCommand?.('copy');
    }
    setCopied(true);
  }
  return { copied, copy };
}

const CopiedStatus = (p: { copied: boolean }) => (
  <span class="sr-only" role="status">
    {p.copied ? 'Copied to the clipboard' : ''}
  </span>
);

/** An id in monospace with a small Copy button (`label` names what it copies, for screen readers). */
export function CopyId(p: { value: string; label: string }) {
  const text = useRef<HTMLSpanElement>(null);
  const { copied, copy } = useCopy(p.value, () => text.current && getSelection()?.selectAllChildren(text.current));
  return (
    <div class="sub copy-id">
      <span ref={text} class="mono">
        {p.value}
      </span>
      <button type="button" class="btn" aria-label={`${p.label} ${p.value}`} onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <CopiedStatus copied={copied} />
    </div>
  );
}

/** A titled block of code (a config file, a snippet) with a Copy button; long lines scroll inside it. */
export function CopyBlock(p: { title: string; value: string; hint?: ComponentChildren }) {
  const id = useId();
  const pre = useRef<HTMLPreElement>(null);
  const { copied, copy } = useCopy(p.value, () => pre.current && getSelection()?.selectAllChildren(pre.current));
  return (
    <section class="card copy-block" aria-labelledby={id}>
      <div class="copy-block-head">
        <h3 id={id}>{p.title}</h3>
        <button type="button" class="btn btn-sm" aria-label={`Copy ${p.title}`} onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {p.hint && <p class="hint">{p.hint}</p>}
      <pre ref={pre} class="mono" tabIndex={0}>
        <code>{p.value}</code>
      </pre>
      <CopiedStatus copied={copied} />
    </section>
  );
}

export function CopyField(p: { label: string; value: string; hint?: ComponentChildren; autoFocus?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { copied, copy } = useCopy(p.value, () => input.current?.select());
  // `autofocus` only works at page load or when a dialog opens; this field usually appears later.
  useEffect(() => {
    if (p.autoFocus) input.current?.focus();
  }, []);
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
      <CopiedStatus copied={copied} />
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
