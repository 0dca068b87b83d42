// The key input with its Show/Hide toggle, the rule it breaks (as the user types), the connector's
// guide, bottom notices and help link, all read with the input (aria-describedby).
import type { Ref } from 'preact';
import type { Notice } from './api.js';

export interface KeyFieldProps {
  label: string;
  /** What Show/Hide names: "Show API Key". */
  toggleName: string;
  name: string;
  value: string;
  placeholder?: string;
  show: boolean;
  busy: boolean;
  /** The rule the key breaks, once the user typed; null: none to show (the live region stays, empty). */
  problem: string | null;
  guide?: string;
  notices: Notice[];
  support: { link: string; name: string } | null;
  inputRef: Ref<HTMLInputElement>;
  onInput(value: string): void;
  onToggle(): void;
}

export function KeyField(p: KeyFieldProps) {
  const describedBy = ['key-check', p.guide ? 'key-guide' : '', p.notices.length ? 'key-notes' : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for="key">{p.label}</label>
      <div class="key-row">
        <input
          ref={p.inputRef}
          id="key"
          name={p.name}
          type={p.show ? 'text' : 'password'}
          value={p.value}
          placeholder={p.placeholder}
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          readOnly={p.busy}
          aria-required="true"
          aria-invalid={p.problem !== null ? 'true' : 'false'}
          aria-describedby={describedBy}
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="button" class="secondary toggle" aria-controls="key" aria-label={`${p.show ? 'Hide' : 'Show'} ${p.toggleName}`} onClick={p.onToggle}>
          {p.show ? 'Hide' : 'Show'}
        </button>
      </div>
      <p id="key-check" class="field-error" aria-live="polite">
        {p.problem ?? ''}
      </p>
      {p.guide && (
        <p id="key-guide" class="guide">
          {p.guide}
        </p>
      )}
      {p.notices.length > 0 && (
        <div id="key-notes">
          {p.notices.map((n) => (
            <p key={n.key} class={`notice notice-${n.type}`}>
              {n.description}
            </p>
          ))}
        </div>
      )}
      {p.support && (
        <p class="support">
          <a href={p.support.link} target="_blank" rel="noopener noreferrer">
            {p.support.name} help: where to find your API keys
            <span class="sr-only"> (opens in a new tab)</span>
          </a>
        </p>
      )}
    </div>
  );
}
