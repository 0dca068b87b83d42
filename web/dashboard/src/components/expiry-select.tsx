// How long an Auth Link stays valid, on Link account and in Re-link (7 days unless chosen otherwise).
export const EXPIRIES = [
  { seconds: 60 * 60, label: '1 hour' },
  { seconds: 24 * 60 * 60, label: '1 day' },
  { seconds: 7 * 24 * 60 * 60, label: '7 days' },
  { seconds: 30 * 24 * 60 * 60, label: '30 days' },
];

export function ExpirySelect(p: { id: string; value: number; onChange(v: number): void }) {
  return (
    <div class="field">
      <label for={p.id}>Link expires after</label>
      <select id={p.id} value={String(p.value)} onChange={(e) => p.onChange(Number(e.currentTarget.value))}>
        {EXPIRIES.map((x) => (
          <option key={x.seconds} value={String(x.seconds)}>
            {x.label}
          </option>
        ))}
      </select>
    </div>
  );
}
