// The Fakepay stand-in: a loopback HTTP server answering as the fake provider of connector.ts does
// (x-api-key keys with scopes, JSON bodies, cursor lists, idempotent writes, request ids, injected
// failures). Node built-ins only; every key is random and known only to this process.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakepayKeys {
  /** full keys (every scope) */
  fullTest: string;
  fullLive: string;
  /** widgets:read and merchant:read, no widgets:write */
  scopedTest: string;
  /** no merchant:read: the live test fails */
  scopedNoMerchant: string;
  revokedTest: string;
  expiredTest: string;
}

export interface FakepayCall {
  method: string;
  path: string;
  /** The x-api-key header as received (null when absent). */
  apiKey: string | null;
  authorization: string | null;
  idempotencyKey: string | null;
  contentType: string | null;
  body: string;
  status: number;
}

export interface FakepayStandin {
  url: string;
  keys: FakepayKeys;
  log: FakepayCall[];
  /** The next `times` calls answer `status` (a transient failure for retries). */
  failNext(status: number, times: number): void;
  close(): Promise<void>;
}

const ALL = ['merchant:read', 'widgets:read', 'widgets:write'];
const key = (mode: 'live' | 'test', kind: 'full' | 'scoped') => `fk_${mode}_${kind}_${randomBytes(18).toString('hex')}`;

export async function startFakepayStandin(): Promise<FakepayStandin> {
  const keys: FakepayKeys = {
    fullTest: key('test', 'full'),
    fullLive: key('live', 'full'),
    scopedTest: key('test', 'scoped'),
    scopedNoMerchant: key('test', 'scoped'),
    revokedTest: key('test', 'full'),
    expiredTest: key('test', 'full'),
  };
  const scopes = new Map<string, string[]>([
    [keys.fullTest, ALL],
    [keys.fullLive, ALL],
    [keys.scopedTest, ['merchant:read', 'widgets:read']],
    [keys.scopedNoMerchant, ['widgets:read']],
  ]);
  const widgets: { id: string; name: string; colour: string | null }[] = [];
  for (let i = 1; i <= 5; i++) widgets.unshift({ id: `wid_${i}`, name: `Widget ${i}`, colour: null });
  const replays = new Map<string, { status: number; body: unknown }>();
  const log: FakepayCall[] = [];
  let failures: { status: number; times: number } | null = null;
  let requests = 0;

  function answer(req: IncomingMessage, body: string): { status: number; body: unknown } {
    if (failures && failures.times > 0) {
      failures.times--;
      return { status: failures.status, body: { error: { code: 'unavailable', message: 'Try again' } } };
    }
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey !== 'string') return { status: 401, body: { error: { code: 'no_key', message: 'Send your key in x-api-key' } } };
    if (apiKey === keys.expiredTest) return { status: 401, body: { error: { code: 'key_expired', message: 'This key has expired' } } };
    const granted = scopes.get(apiKey);
    if (!granted) return { status: 401, body: { error: { code: 'invalid_key', message: 'Unknown key' } } };
    const url = new URL(req.url ?? '/', 'http://fakepay.local');
    const need = (scope: string) =>
      granted.includes(scope) ? null : { status: 403, body: { error: { code: 'missing_scope', message: `This key lacks ${scope}`, permission: scope } } };
    if (req.method === 'GET' && url.pathname === '/api/me')
      return need('merchant:read') ?? { status: 200, body: { merchant_id: 'm_widgetworks', merchant_name: 'Widget Works' } };
    if (req.method === 'GET' && url.pathname === '/api/widgets') {
      const refused = need('widgets:read');
      if (refused) return refused;
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const after = url.searchParams.get('cursor');
      const start = after ? widgets.findIndex((w) => w.id === after) + 1 : 0;
      const items = widgets.slice(start, start + limit);
      const more = start + limit < widgets.length;
      return { status: 200, body: { items, next_cursor: more ? items[items.length - 1].id : null } };
    }
    const one = /^\/api\/widgets\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const w = widgets.find((x) => x.id === decodeURIComponent(one[1]));
      return need('widgets:read') ?? (w ? { status: 200, body: w } : { status: 404, body: { error: { code: 'not_found', message: 'No such widget' } } });
    }
    if (req.method === 'POST' && url.pathname === '/api/widgets') {
      const refused = need('widgets:write');
      if (refused) return refused;
      const idem = req.headers['x-idempotency-key'];
      const replay = typeof idem === 'string' ? replays.get(idem) : undefined;
      if (replay) return replay;
      let input: { name?: unknown; colour?: unknown };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        return { status: 400, body: { error: { code: 'bad_json', message: 'The body must be JSON' } } };
      }
      if (typeof input.name !== 'string') return { status: 400, body: { error: { code: 'missing_name', message: 'name is required' } } };
      const w = { id: `wid_${widgets.length + 1}`, name: input.name, colour: typeof input.colour === 'string' ? input.colour : null };
      widgets.unshift(w);
      const result = { status: 201, body: w };
      if (typeof idem === 'string') replays.set(idem, result);
      return result;
    }
    return { status: 404, body: { error: { code: 'no_route', message: `No route ${req.method} ${url.pathname}` } } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const a = answer(req, body);
      const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
      log.push({
        method: req.method ?? '',
        path: req.url ?? '',
        apiKey: h('x-api-key'),
        authorization: h('authorization'),
        idempotencyKey: h('x-idempotency-key'),
        contentType: h('content-type'),
        body,
        status: a.status,
      });
      res.writeHead(a.status, { 'content-type': 'application/json', 'x-request-id': `fpr_${++requests}` });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    log,
    failNext(status, times) {
      failures = { status, times };
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
