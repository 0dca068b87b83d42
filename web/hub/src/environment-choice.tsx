// Production or Test Mode: a radio group of cards (the label covers the card), with the connector's
// top notices and each environment's description read with its radio.
import type { ConnectorConfig, Integration, Notice } from './api.js';
import { envLabel } from './labels.js';

export function EnvironmentChoice(p: {
  rows: Integration[];
  configs: Record<string, ConnectorConfig>;
  selected: string | null;
  notices: Notice[];
  busy: boolean;
  onSelect(integrationId: string): void;
}) {
  return (
    <fieldset class="envs" aria-describedby={p.notices.length ? 'env-notes' : undefined}>
      <legend>Environment</legend>
      {p.notices.length > 0 && (
        <div id="env-notes" class="hint">
          {p.notices.map((n) => (
            <p key={n.key}>{n.description}</p>
          ))}
        </div>
      )}
      <div class="env-list">
        {p.rows.map((r) => {
          const id = `env-${r.integration_id}`;
          const c = p.configs[r.integration_id];
          const desc = r.description ?? c?.environment?.description;
          return (
            <div class={`env${p.selected === r.integration_id ? ' env-on' : ''}`} key={r.integration_id}>
              <input
                type="radio"
                id={id}
                name="environment"
                value={r.integration_id}
                checked={p.selected === r.integration_id}
                disabled={p.busy}
                aria-describedby={desc ? id + '-desc' : undefined}
                onChange={() => p.onSelect(r.integration_id)}
              />
              <div>
                <label for={id}>{envLabel(r, c)}</label>
                {desc && (
                  <p class="env-desc" id={id + '-desc'}>
                    {desc}
                  </p>
                )}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
