// The fields of an agent policy (read-only, allowed and denied actions, money caps per currency),
// used by the new-token form and the account's policy form. Amounts are typed in major units.
import { emptyMoneyRow, MONEY_FIELDS, type MoneyRow, type PolicyDraft } from './policy-draft.js';

export function PolicyFields(p: { idPrefix: string; draft: PolicyDraft; onChange(d: PolicyDraft): void }) {
  const { draft, idPrefix: id } = p;
  const set = (patch: Partial<PolicyDraft>) => p.onChange({ ...draft, ...patch });
  const setRow = (i: number, patch: Partial<MoneyRow>) => set({ money: draft.money.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <div class="policy-fields">
      <label class="check">
        <input type="checkbox" checked={draft.read_only} onChange={(e) => set({ read_only: e.currentTarget.checked })} />
        Read-only (only actions that read pass)
      </label>
      <div class="grid-2">
        {(['allow', 'deny'] as const).map((k) => (
          <div class="field" key={k}>
            <label for={`${id}-${k}`}>{k === 'allow' ? 'Allowed actions' : 'Denied actions'}</label>
            <textarea
              id={`${id}-${k}`}
              rows={3}
              spellcheck={false}
              class="mono"
              placeholder={k === 'allow' ? 'stripe_*_customer*\nstripe_create_refund' : 'stripe_delete_*'}
              value={draft[k]}
              aria-describedby={`${id}-${k}-hint`}
              onInput={(e) => set({ [k]: e.currentTarget.value })}
            />
            <p class="hint" id={`${id}-${k}-hint`}>
              {k === 'allow' ? 'Action names, one a line or comma separated; * matches anything. Empty: every action.' : 'Denied wins over allowed.'}
            </p>
          </div>
        ))}
      </div>
      <fieldset class="choice money-caps">
        <legend>Money caps</legend>
        <p class="hint">
          For refunds, payouts, transfers, charges and other money-moving actions. Amounts in the currency's major unit (dollars, not cents); a currency not
          listed is refused once one is. Empty: no cap.
        </p>
        {draft.money.map((row, i) => (
          <div class="money-row" key={i}>
            <div class="field">
              <label for={`${id}-cur-${i}`}>Currency</label>
              <input
                id={`${id}-cur-${i}`}
                class="mono currency-input"
                maxLength={3}
                value={row.currency}
                onInput={(e) => setRow(i, { currency: e.currentTarget.value })}
              />
            </div>
            {MONEY_FIELDS.map((f) => (
              <div class="field" key={f.key}>
                <label for={`${id}-${f.key}-${i}`}>
                  {f.label} ({row.currency.toUpperCase() || '?'})
                </label>
                <input
                  id={`${id}-${f.key}-${i}`}
                  inputMode="decimal"
                  placeholder="No cap"
                  value={row[f.key]}
                  onInput={(e) => setRow(i, { [f.key]: e.currentTarget.value })}
                />
              </div>
            ))}
            <button
              type="button"
              class="btn btn-sm btn-danger-quiet"
              aria-label={`Remove the ${row.currency.toUpperCase()} caps`}
              onClick={() => set({ money: draft.money.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" class="btn btn-sm" onClick={() => set({ money: [...draft.money, emptyMoneyRow()] })}>
          Add a currency
        </button>
      </fieldset>
    </div>
  );
}
