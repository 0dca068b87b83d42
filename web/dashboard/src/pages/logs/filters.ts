// The Request logs filters (account, status, source, outcome, time range) and the open tab: read from
// the URL, written back to it, and turned into the API's query.

/** Rows a page asks for. */
export const PAGE = 50;
export const FILTERS = ['account_id', 'status', 'source', 'success', 'from', 'to'] as const;
export type Filters = Record<(typeof FILTERS)[number], string>;
export type Tab = 'calls' | 'audit';
export const TABS: [Tab, string][] = [
  ['calls', 'Calls'],
  ['audit', 'Audit'],
];

export function readUrl(): { tab: Tab; filters: Filters } {
  const q = new URLSearchParams(location.search);
  return { tab: q.get('tab') === 'audit' ? 'audit' : 'calls', filters: Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ''])) as Filters };
}

/** The API query of the filters a tab uses; times go from the local date-time inputs to ISO. */
export function apiQuery(f: Filters, keys: readonly (keyof Filters)[]): string {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of keys) {
    const v = f[k].trim();
    const d = k === 'from' || k === 'to' ? new Date(v) : null;
    if (v) q.set(k, d && !Number.isNaN(d.getTime()) ? d.toISOString() : v);
  }
  return q.toString();
}
