// What was linked (account, environment, key type and hint), on the confirmation and the done screen.
import type { Linked } from './api.js';
import { KEY_TYPE } from './labels.js';

export function Summary({ linked, env }: { linked: Linked; env: string }) {
  return (
    <dl class="summary">
      {(linked.account_name || linked.account_id) && (
        <div>
          <dt>Account</dt>
          <dd>
            {linked.account_name ? (
              <>
                {linked.account_name}
                {linked.account_id && <span class="muted mono"> {linked.account_id}</span>}
              </>
            ) : (
              <span class="mono">{linked.account_id}</span>
            )}
          </dd>
        </div>
      )}
      <div>
        <dt>Environment</dt>
        <dd>{env}</dd>
      </div>
      {linked.key_hint && (
        <div>
          <dt>Key</dt>
          <dd>
            {KEY_TYPE[linked.key_type ?? ''] ?? 'Key'} <span class="mono">…{linked.key_hint}</span>
          </dd>
        </div>
      )}
    </dl>
  );
}
