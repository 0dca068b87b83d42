// The connector's context field (e.g. the account a Stripe organization key acts on): not a secret,
// shown under the key only when the pasted key needs it, with the rule it breaks and its guide.
import type { ConfigField } from './api.js';

export interface ContextFieldProps {
  field: ConfigField;
  value: string;
  busy: boolean;
  /** The context rule broken, once the user typed; null: none to show. */
  problem: string | null;
  onInput(value: string): void;
}

export function ContextField(p: ContextFieldProps) {
  const guide = p.field.guide?.description ?? p.field.description;
  return (
    <div class="field">
      <label for="context">{p.field.label}</label>
      <input
        id="context"
        name={p.field.key}
        type="text"
        value={p.value}
        placeholder={p.field.placeholder}
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        readOnly={p.busy}
        aria-required="true"
        aria-invalid={p.problem !== null ? 'true' : 'false'}
        aria-describedby={guide ? 'context-check context-guide' : 'context-check'}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <p id="context-check" class="field-error" aria-live="polite">
        {p.problem ?? ''}
      </p>
      {guide && (
        <p id="context-guide" class="guide">
          {guide}
        </p>
      )}
    </div>
  );
}
