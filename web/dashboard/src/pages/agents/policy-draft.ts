// An agent policy as the Dashboard's form holds it (text fields) and back. Money is typed in major
// units (dollars) and sent in the smallest unit (cents) as the API wants; how many decimals a
// currency has comes from the browser's Intl data (ISO 4217), not from a table of our own.
import type { AgentPolicy } from '../../api.js';

export interface MoneyRow {
  currency: string;
  per_call: string;
  per_day: string;
  approval_above: string;
}

export interface PolicyDraft {
  read_only: boolean;
  allow: string;
  deny: string;
  money: MoneyRow[];
}

export const MONEY_FIELDS = [
  { key: 'per_call', label: 'Per call' },
  { key: 'per_day', label: 'Per day' },
  { key: 'approval_above', label: 'Approval above' },
] as const;

export const emptyMoneyRow = (): MoneyRow => ({ currency: 'usd', per_call: '', per_day: '', approval_above: '' });
export const emptyDraft = (): PolicyDraft => ({ read_only: false, allow: '', deny: '', money: [] });

/** Decimal places of a currency's minor unit (usd 2, jpy 0); 2 when the browser does not know it. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A minor-unit amount as the major-unit text the form shows (1250 usd → "12.50"). */
export const toMajor = (minor: number, currency: string) => {
  const d = minorDigits(currency);
  return (minor / 10 ** d).toFixed(d);
};

/** An amount with its currency for reading (1250 usd → "$12.50"). */
export function formatMoney(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
  } catch {
    return `${minor} ${currency} (smallest unit)`;
  }
}

/** Major-unit text to minor units, exactly (no floating point): "12.5" usd → 1250. */
function toMinor(text: string, currency: string): number | string {
  const d = minorDigits(currency);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] ?? '').length > d) return d === 0 ? 'a whole number' : `a number with at most ${d} decimals`;
  return Number(m[1]) * 10 ** d + Number((m[2] ?? '').padEnd(d, '0') || 0);
}

const globs = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function draftOf(p: AgentPolicy | null): PolicyDraft {
  if (!p) return emptyDraft();
  return {
    read_only: p.read_only ?? false,
    allow: (p.allow ?? []).join('\n'),
    deny: (p.deny ?? []).join('\n'),
    money: Object.entries(p.money ?? {}).map(([currency, caps]) => ({
      currency,
      per_call: caps.per_call === undefined ? '' : toMajor(caps.per_call, currency),
      per_day: caps.per_day === undefined ? '' : toMajor(caps.per_day, currency),
      approval_above: caps.approval_above === undefined ? '' : toMajor(caps.approval_above, currency),
    })),
  };
}

/** The policy to send, or the first problem in words. */
export function policyOf(d: PolicyDraft): { policy: AgentPolicy } | { error: string } {
  const policy: AgentPolicy = {};
  if (d.read_only) policy.read_only = true;
  for (const key of ['allow', 'deny'] as const) {
    const list = globs(d[key]);
    const bad = list.find((g) => !/^[A-Za-z0-9_*]+$/.test(g));
    if (bad) return { error: `"${bad}" is no action name: use letters, digits, _ and * only.` };
    if (list.length) policy[key] = list;
  }
  for (const row of d.money) {
    const currency = row.currency.trim().toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) return { error: `"${row.currency}" is no currency code: use three letters, e.g. usd.` };
    if (policy.money?.[currency]) return { error: `${currency.toUpperCase()} is listed twice.` };
    const caps: Record<string, number> = {};
    for (const f of MONEY_FIELDS) {
      if (!row[f.key].trim()) continue;
      const v = toMinor(row[f.key], currency);
      if (typeof v === 'string') return { error: `${f.label} (${currency.toUpperCase()}) must be ${v}.` };
      caps[f.key] = v;
    }
    policy.money = { ...policy.money, [currency]: caps };
  }
  return { policy };
}

/** One line saying what a policy allows, for the token list. */
export function policySummary(p: AgentPolicy | null): string {
  if (!p) return "Account's policy";
  const parts: string[] = [];
  if (p.read_only) parts.push('Read-only');
  if (p.allow?.length) parts.push(`Allow ${p.allow.join(', ')}`);
  if (p.deny?.length) parts.push(`Deny ${p.deny.join(', ')}`);
  for (const [c, caps] of Object.entries(p.money ?? {})) {
    const bits = MONEY_FIELDS.filter((f) => caps[f.key] !== undefined).map((f) => `${f.label.toLowerCase()} ${formatMoney(caps[f.key] as number, c)}`);
    parts.push(`${c.toUpperCase()}: ${bits.join(', ') || 'allowed, no caps'}`);
  }
  return parts.join(' · ') || 'No limits';
}
