// Why the server refused the key: a focused alert (so it is read at once) with Stripe's own answer
// folded away, the reassurance that the current key stays (edit mode) and Retry when retrying helps.
import { useEffect, useRef } from 'preact/hooks';
import type { HubError } from './api.js';
import { errorTitle } from './labels.js';

export function LinkError(p: { error: HubError; name: string; currentKey: string | null; onRetry(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [p.error]);
  const providerResponse = typeof p.error.body.provider_response === 'string' ? p.error.body.provider_response : null;
  return (
    <div class="alert" role="alert" tabIndex={-1} ref={ref}>
      <p class="alert-title">{errorTitle(p.error, p.name)}</p>
      <p>{p.error.message}</p>
      {providerResponse && (
        <details>
          <summary>What {p.name} answered</summary>
          <span class="mono">{providerResponse}</span>
        </details>
      )}
      {p.currentKey && <p>Your current key {p.currentKey} is still in use.</p>}
      {p.error.retryable && (
        <button type="button" class="secondary" onClick={p.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
