// The Accounts filters (owner, environment, status, search, page size): read from the URL, written
// back to it (so a filtered list can be bookmarked and shared), and turned into the API's query.

export interface Filters {
  owner: string;
  environment: '' | 'production' | 'test';
  status: '' | 'active' | 'error';
  search: string;
  limit: number;
}

export function readFilters(): Filters {
  const q = new URLSearchParams(location.search);
  const env = q.get('environment');
  const status = q.get('status');
  const limit = Number(q.get('limit'));
  return {
    owner: q.get('owner') ?? '',
    environment: env === 'production' || env === 'test' ? env : '',
    status: status === 'active' || status === 'error' ? status : '',
    search: q.get('search') ?? '',
    limit: [25, 50, 100].includes(limit) ? limit : 25,
  };
}

export function toQuery(f: Filters, cursor: string | null, limit = f.limit): string {
  const q = new URLSearchParams();
  if (f.owner.trim()) q.set('owner', f.owner.trim());
  if (f.environment) q.set('environment', f.environment);
  if (f.status) q.set('status', f.status);
  if (f.search.trim()) q.set('search', f.search.trim());
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return q.toString();
}

export function urlQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.owner.trim()) q.set('owner', f.owner.trim());
  if (f.environment) q.set('environment', f.environment);
  if (f.status) q.set('status', f.status);
  if (f.search.trim()) q.set('search', f.search.trim());
  if (f.limit !== 25) q.set('limit', String(f.limit));
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Any filter that narrows the list (the page size does not). */
export const anyFilter = (f: Filters) => !!(f.owner || f.environment || f.status || f.search);
