// How the logs name what the server records: a call, its HTTP status as a badge kind, who acted
// (actor types) and what (audit actions), and an audit outcome's badge kind.
import type { RequestLog } from '../../api.js';
import type { StatusKind } from '../../components/display.js';

export const httpKind = (status: number | null): StatusKind => (status === null ? 'warn' : status < 300 ? 'ok' : 'err');
export const callLabel = (r: RequestLog) => r.action ?? `${r.http_method} ${r.path}`;
export const ACTORS: Record<string, string> = { api_key: 'API key', hub_session: 'Hub session', dashboard: 'Dashboard', system: 'Linkhub' };

const ACTIONS: Record<string, string> = {
  'link.create': 'Account linked',
  'link.relink': 'Account re-linked',
  'key.rotate': 'Key replaced',
  'key.test': 'Key tested',
  'account.delete': 'Account deleted',
  'call.proxy': 'Proxy call',
};
export const actionLabel = (a: string) => ACTIONS[a] ?? a.replace(/^call\.(rpc|mcp):(.*)$/, (_, s: string, name: string) => `${s.toUpperCase()} ${name}`);
export const outcomeKind = (o: string | null): StatusKind => (o === null ? 'neutral' : o === 'ok' || /^2\d\d$/.test(o) ? 'ok' : 'err');
