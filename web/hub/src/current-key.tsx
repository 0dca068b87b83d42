// Edit mode: the key being replaced (redacted), its environment (fixed) and the account it belongs to.
import { KEY_TYPE } from './labels.js';

export function CurrentKey(p: { redacted: string | null; keyType?: string; env: string; accountName?: string | null }) {
  return (
    <div class="current">
      <dl class="summary">
        <div>
          <dt>Current key</dt>
          <dd>
            <span class="mono">{p.redacted ?? 'unknown'}</span>
            {p.keyType && <span class="muted"> · {KEY_TYPE[p.keyType] ?? p.keyType}</span>}
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>{p.env}</dd>
        </div>
        {p.accountName && (
          <div>
            <dt>Account</dt>
            <dd>{p.accountName}</dd>
          </div>
        )}
      </dl>
      <p class="hint">The environment stays the same: to use another one, link a new account.</p>
    </div>
  );
}
