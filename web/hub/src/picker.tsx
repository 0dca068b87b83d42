// The first screen when a link offers more than one service: choose which one to connect.
import type { ComponentChildren } from 'preact';
import type { Integration } from './api.js';
import { providerName } from './labels.js';
import type { HTag } from './types.js';

export function Picker(p: { rows: Integration[]; H: HTag; close: ComponentChildren; onPick(provider: string): void }) {
  const providers = [...new Set(p.rows.map((r) => r.provider))];
  const H = p.H;
  return (
    <div>
      <header class="head">
        <div>
          <H class="title">Connect an account</H>
          <p class="muted">Choose the service to connect.</p>
        </div>
        {p.close}
      </header>
      <ul class="picker">
        {providers.map((prov) => {
          const row = p.rows.find((r) => r.provider === prov)!;
          return (
            <li key={prov}>
              <button type="button" class="pick" onClick={() => p.onPick(prov)}>
                {row.logo_url && <img src={row.logo_url} alt="" width="28" height="28" />}
                <span>{providerName(p.rows, prov)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
