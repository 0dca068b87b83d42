// What the error catalogue's recipes (recipes-*.ts) run against: the file's Linkhub and Stripe
// stand-in (useLinkhub), linked accounts of each kind, and helpers for raw requests (exact bytes,
// exact sockets), the Hub, the proxy, actions and MCP tool calls. Recipes that need another
// configuration (a tight throttle, a short timeout, a closed client) start their own Linkhub with
// extra(), closed with the world.
import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorName } from '../../src/errors/catalogue.js';
import type { Fixture } from '../helpers/fixture.js';
import { answer, basic, connectSession, type Linkhub, linkAccount, startLinkhub } from '../helpers/linkhub.js';
import { MAIN_ACCOUNT_ID, type StripeStandin } from '../stripe-standin/index.js';

/** An error as a recipe saw it: the HTTP status and the parsed body (a tool result's `error` for MCP). */
export interface Answer {
  status: number;
  body: any;
  headers?: Headers;
  /** An MCP tool result (no HTTP error, so no timestamp). */
  tool?: boolean;
  /** Answered on the provider's own API paths (/v1/…), in its error shape. */
  native?: boolean;
}

/**
 * How to make Linkhub answer one catalogue entry. For an entry passing the provider's answer on,
 * `provider` is the status and code the stand-in answers with (and the answer must carry).
 */
export type Recipe = ((w: World) => Promise<Answer>) | { run: (w: World) => Promise<Answer>; provider: { status?: number; code: string } };
export type Recipes = Partial<Record<ErrorName, Recipe>>;

export interface World {
  stripe: StripeStandin;
  lh: Linkhub;
  /** Accounts of the main Linkhub: a secret key, and a restricted key that reads everything but writes nothing. */
  accounts: { secret: string; restricted: string };
  /** A request with exact body bytes and headers (API key auth unless `auth: false` or another value). */
  raw(method: string, path: string, o?: { body?: string; headers?: Record<string, string>; auth?: string | false; lh?: Linkhub }): Promise<Answer>;
  /** Bytes written to a fresh socket, and the answer read back. */
  socket(text: string): Promise<Answer>;
  /** A connect session's token (test-mode unless `type` says otherwise). */
  hubToken(body?: Record<string, unknown>, lh?: Linkhub): Promise<string>;
  /** Links a key through the Hub and returns the account id. */
  link(key: string, lh?: Linkhub): Promise<string>;
  /** A new key of the main account, linked. */
  freshAccount(lh?: Linkhub): Promise<{ key: string; account: string }>;
  proxy(account: string, body: Record<string, unknown>, lh?: Linkhub): Promise<Answer>;
  rpc(account: string, body: Record<string, unknown>, lh?: Linkhub): Promise<Answer>;
  /** tools/call on /mcp; a failing tool's `structuredContent.error` as the answer. */
  tool(account: string, name: string, args: Record<string, unknown>, query?: Record<string, string>): Promise<Answer>;
  /** Another Linkhub on the same stand-in (or `stripeApiBase`), with extra environment; closed by close(). */
  extra(env: Record<string, string>, stripeApiBase?: string): Promise<Linkhub>;
  /** A stand-in of a provider whose answers Linkhub cannot read: JSON for the live test, text otherwise. */
  unreadableProvider(): Promise<string>;
  /** Closes what the recipes started (the fixture closes the file's Linkhub and stand-in). */
  close(): Promise<void>;
}

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
};

function rawSocket(port: number, text: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (out += d));
    s.on('error', reject);
    s.on('close', () => {
      const [head, ...rest] = out.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body: parse(rest.join('\r\n\r\n')) });
    });
  });
}

export async function worldOf({ lh, stripe }: Fixture): Promise<World> {
  const started: Linkhub[] = [];
  const servers: Server[] = [];

  async function raw(
    method: string,
    path: string,
    o: { body?: string; headers?: Record<string, string>; auth?: string | false; lh?: Linkhub } = {},
  ): Promise<Answer> {
    const target = o.lh ?? lh;
    const headers = { ...(o.auth === false ? {} : { authorization: o.auth ?? basic(target.apiKey) }), ...o.headers };
    return answer(await fetch(target.url + path, { method, headers, body: o.body }));
  }
  const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}, target = lh) =>
    raw(method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, lh: target });

  const hubToken = async (body: Record<string, unknown> = {}, target = lh) =>
    (await connectSession(target, { origin_owner_id: `errors-${Math.random()}`, origin_owner_name: 'Errors Inc', multiple: true, type: 'test', ...body }))
      .token;

  const link = async (key: string, target = lh): Promise<string> => (await linkAccount(target, key)).id;

  const restrictedKey = stripe.world.addKey({ kind: 'rk', mode: 'test', account: MAIN_ACCOUNT_ID, permissions: { customer: 'read', charge: 'read' } });
  const accounts = { secret: await link(stripe.keys.secretTest), restricted: await link(restrictedKey) };

  return {
    stripe,
    lh,
    accounts,
    raw,
    socket: (text) => rawSocket(Number(new URL(lh.url).port), text),
    hubToken,
    link,
    async freshAccount(target = lh) {
      const key = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
      return { key, account: await link(key, target) };
    },
    proxy: (account, body, target = lh) => json('POST', '/unified/proxy', body, { 'x-account-id': account }, target),
    rpc: (account, body, target = lh) => json('POST', '/actions/rpc', body, { 'x-account-id': account }, target),
    async tool(account, name, args, query = {}) {
      const q = new URLSearchParams(query).toString();
      const res = await json(
        'POST',
        `/mcp${q ? '?' + q : ''}`,
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
        { 'x-account-id': account, accept: 'application/json' },
      );
      const error = res.body?.result?.isError ? res.body.result.structuredContent?.error : undefined;
      if (!error) throw new Error(`the tool did not fail: ${JSON.stringify(res.body)}`);
      return { status: error.statusCode, body: error, tool: true };
    },
    async extra(env, stripeApiBase = stripe.url) {
      const other = await startLinkhub({ stripeApiBase, env });
      started.push(other);
      return other;
    },
    async unreadableProvider() {
      const server = createServer((req, res) => {
        const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.url === '/v1/customers?limit=1') return json({ object: 'list', data: [], has_more: false, url: '/v1/customers' });
        if (req.url === '/v1/account') return json({ id: 'acct_1Unreadable000', object: 'account' });
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      for (const other of started) await other.close().catch(() => {});
      for (const s of servers) s.close();
    },
  };
}
