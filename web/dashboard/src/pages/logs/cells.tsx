// Cells both tabs and the call dialog show: the account (owner name over its id) and who acted.
import { ACTORS } from './labels.js';

export function AccountCell(p: { id: string; owner: string | null }) {
  return p.owner ? (
    <>
      <div class="strong">{p.owner}</div>
      <div class="sub mono">{p.id}</div>
    </>
  ) : (
    <span class="mono">{p.id}</span>
  );
}

export function Who(p: { type: string; id: string; name: string | null }) {
  return (
    <>
      <div>
        {ACTORS[p.type] ?? p.type}
        {p.name && <span class="muted"> · {p.name}</span>}
      </div>
      <div class="sub mono">{p.id}</div>
    </>
  );
}
