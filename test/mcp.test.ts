// The MCP server at /mcp (docs/stackone-compat.md#mcp) through the official MCP SDK client over
// Streamable HTTP, plus raw JSON-RPC POSTs the way StackOne's SDK sends them (Accept:
// application/json only). A real Linkhub against the Stripe stand-in; accounts are linked through
// the Hub API.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StackOne } from '@stackone/stackone-client-ts';
import * as errors from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { stripeActions } from '../src/connectors/stripe/actions.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let stripe: StripeStandin;
let lh: Linkhub;
let secretAccount: string;
let restrictedAccount: string;
let restrictedKey: string;
const open: Client[] = [];

const link = async (key: string): Promise<string> => (await linkAccount(lh, key)).id;

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  secretAccount = await link(stripe.keys.secretTest);
  restrictedKey = stripe.world.addKey({ kind: 'rk', mode: 'test', account: stripe.accounts.main.id, permissions: { customer: 'read', charge: 'read' } });
  restrictedAccount = await link(restrictedKey);
});
after(async () => {
  for (const c of open) await c.close().catch(() => {});
});

interface ConnectOptions {
  account?: string | null;
  query?: Record<string, string>;
  auth?: string | null;
}

/** /mcp with the query; these tests work on every tool, so tool-mode=all unless a test names a mode (the default is search_execute: mcp-tool-modes.test.ts). */
function mcpUrl(query: Record<string, string> = {}): URL {
  const u = new URL('/mcp', lh.url);
  for (const [k, v] of Object.entries({ 'tool-mode': 'all', ...query })) u.searchParams.set(k, v);
  return u;
}

/** An SDK client connected (initialize done) to /mcp. */
async function connect(o: ConnectOptions = {}): Promise<Client> {
  const headers: Record<string, string> = {};
  const auth = o.auth === undefined ? basic(lh.apiKey) : o.auth;
  if (auth !== null) headers.authorization = auth;
  const account = o.account === undefined ? secretAccount : o.account;
  if (account !== null) headers['x-account-id'] = account;
  const transport = new StreamableHTTPClientTransport(mcpUrl(o.query), { requestInit: { headers } });
  const client = new Client({ name: 'linkhub-test', version: '1.0.0' });
  await client.connect(transport);
  open.push(client);
  return client;
}

/** A raw JSON-RPC POST as StackOne's SDK sends it: Accept: application/json only, an empty cookie header. */
async function rawPost(
  message: unknown,
  o: { account?: string | null; query?: Record<string, string>; auth?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', cookie: '', ...o.headers };
  const auth = o.auth === undefined ? basic(lh.apiKey) : o.auth;
  if (auth !== null) headers.authorization = auth;
  const account = o.account === undefined ? secretAccount : o.account;
  if (account !== null) headers['x-account-id'] = account;
  const res = await fetch(mcpUrl(o.query), { method: 'POST', headers, body: JSON.stringify(message) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

const initialize = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stackone-sdk', version: '4.28.0' } },
});

function assertErrorShape(res: { status: number; body: any; text: string }, status: number, message?: RegExp) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.statusCode, status);
  assert.equal(typeof res.body.message, 'string');
  assert.match(res.body.timestamp, ISO);
  if (message) assert.match(res.body.message, message);
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
/** The list of objects in an executor answer: `data` is the Stripe list's data array (or the list object). */
const listOf = (r: CallToolResult): any[] => {
  const d = (r.structuredContent as any)?.data;
  return Array.isArray(d) ? d : d?.data;
};

async function stripeCustomerIds(limit: number): Promise<string[]> {
  const res = await fetch(`${stripe.url}/v1/customers?limit=${limit}`, { headers: { authorization: `Bearer ${stripe.keys.secretTest}` } });
  return ((await res.json()) as { data: { id: string }[] }).data.map((c) => c.id);
}

describe('initialize', () => {
  test('the SDK client initialises: server info, tools capability, protocol version', async () => {
    const client = await connect();
    assert.deepEqual(client.getServerVersion(), { name: 'linkhub', version: '0.1.0' });
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
    assert.match(client.getInstructions() ?? '', new RegExp(secretAccount));
  });

  test('StackOne-style raw POST with only Accept: application/json gets plain JSON', async () => {
    const res = await rawPost(initialize(7));
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.body.jsonrpc, '2.0');
    assert.equal(res.body.id, 7);
    assert.equal(res.body.result.protocolVersion, '2025-06-18');
    assert.deepEqual(res.body.result.serverInfo, { name: 'linkhub', version: '0.1.0' });
    assert.ok(res.body.result.capabilities.tools);
    assert.equal(res.headers.get('mcp-session-id'), null, 'stateless: no session id');

    // no initialize needed before tools/list (stateless), JSON again
    const list = await rawPost({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { headers: { 'mcp-protocol-version': '2025-06-18' } });
    assert.equal(list.status, 200, list.text);
    assert.match(list.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(list.body.result.tools.length, stripeActions().length);

    // a notification is accepted with no body: 202 (MCP), or 200 for a JSON-only client (StackOne's SDK takes only 200)
    const note = await rawPost({ jsonrpc: '2.0', method: 'notifications/initialized' }, { headers: { accept: 'application/json, text/event-stream' } });
    assert.equal(note.status, 202);
    assert.equal(note.text, '');
    const jsonOnly = await rawPost({ jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.equal(jsonOnly.status, 200);
    assert.equal(jsonOnly.text, '');
  });

  test('no Accept header at all is served too; an unknown JSON-RPC method is a JSON-RPC error', async () => {
    const res = await rawPost(initialize(), { headers: { accept: '' } });
    assert.equal(res.status, 200, res.text);
    const bad = await rawPost({ jsonrpc: '2.0', id: 3, method: 'resources/list' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.error.code, -32601);
  });

  test('a body that is not JSON-RPC: 400 in the error shape, with a JSON-RPC error', async () => {
    const res = await rawPost({ hello: 'world' });
    assertErrorShape(res, 400);
    assert.equal(res.body.jsonrpc, '2.0');
    assert.equal(typeof res.body.error.code, 'number');
  });
});

describe('StackOne SDK mcpPost (4.28)', () => {
  // The 4.28 SDK strips free-form objects: `id` and `params` arrive as {}
  // (docs/stackone-compat.md#free-form-objects-arrive-empty); it needs HTTP 200.
  const sdk = () => new StackOne({ serverURL: lh.url, security: { username: lh.apiKey, password: '' } });
  const message = (method: string) => ({ jsonRpcMessageDto: { jsonrpc: '2.0', id: {}, method, params: {} }, xAccountId: secretAccount });

  test('initialize, tools/list and a notification answer 200 (Basic, or the key in apiKey security)', async () => {
    for (const security of [{ basic: { username: lh.apiKey, password: '' } }, { apiKey: basic(lh.apiKey) }, { apiKey: lh.apiKey }]) {
      for (const method of ['initialize', 'tools/list', 'notifications/initialized']) {
        const res = await sdk().mcp.mcpPost(security, message(method));
        assert.equal(res.statusCode, 200, `${method} with ${Object.keys(security)[0]}`);
      }
    }
    // what it receives (and ignores): the answer with its id echoed as {}
    const { body } = await rawPost({ id: {}, jsonrpc: '2.0', method: 'initialize', params: {} });
    assert.deepEqual(body.id, {});
    assert.equal(body.result.protocolVersion, '2025-06-18');
    assert.deepEqual(body.result.serverInfo, { name: 'linkhub', version: '0.1.0' });
  });

  test("errors are the SDK's typed errors (the error shape validates)", async () => {
    await assert.rejects(sdk().mcp.mcpPost({ basic: { username: 'lh_wrong', password: '' } }, message('initialize')), errors.UnauthorizedResponse);
    await assert.rejects(
      sdk().mcp.mcpPost({ basic: { username: lh.apiKey, password: '' } }, { ...message('initialize'), xAccountId: 'acc_nope' }),
      errors.NotFoundResponse,
    );
  });
});

describe('auth, account and methods', () => {
  test('no key and a wrong key: 401 in the error shape (raw and through the SDK client)', async () => {
    const none = await rawPost(initialize(), { auth: null });
    assertErrorShape(none, 401, /Missing API key/);
    assert.equal(none.body.error.code, -32000);
    const wrong = await rawPost(initialize(), { auth: basic('lh_wrong_key_000000000000') });
    assertErrorShape(wrong, 401, /Invalid API key/);
    await assert.rejects(connect({ auth: null }), (e: unknown) => e instanceof StreamableHTTPError && e.code === 401);
    await assert.rejects(connect({ auth: basic('nope') }), (e: unknown) => e instanceof StreamableHTTPError && e.code === 401);
  });

  test('the key as Bearer, or copied verbatim into Authorization, is accepted', async () => {
    assert.equal((await rawPost(initialize(), { auth: `Bearer ${lh.apiKey}` })).status, 200);
    assert.equal((await rawPost(initialize(), { auth: lh.apiKey })).status, 200);
  });

  test('missing account: 400 naming x-account-id; unknown account: 404 Account not found', async () => {
    const missing = await rawPost(initialize(), { account: null });
    assertErrorShape(missing, 400, /x-account-id/);
    const unknown = await rawPost(initialize(), { account: 'acc_doesnotexist' });
    assertErrorShape(unknown, 404, /Account not found/);
    await assert.rejects(connect({ account: 'acc_doesnotexist' }), (e: unknown) => e instanceof StreamableHTTPError && e.code === 404);
  });

  test('account from ?x-account-id= or ?account_id=; the header wins over the query', async () => {
    const viaX = await rawPost(initialize(), { account: null, query: { 'x-account-id': secretAccount } });
    assert.equal(viaX.status, 200, viaX.text);
    const viaDocs = await rawPost(initialize(), { account: null, query: { account_id: secretAccount } });
    assert.equal(viaDocs.status, 200, viaDocs.text);
    const headerWins = await rawPost(initialize(), { account: secretAccount, query: { account_id: 'acc_doesnotexist' } });
    assert.equal(headerWins.status, 200, headerWins.text);
    const client = await connect({ account: null, query: { 'x-account-id': restrictedAccount } });
    assert.match(client.getInstructions() ?? '', new RegExp(restrictedAccount));
  });

  test('GET and DELETE /mcp: 405 in the error shape, Allow: POST; without a credential, 401 and the challenge first', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await lh.api(method, '/mcp', undefined, { headers: { accept: 'text/event-stream', 'mcp-session-id': 'x' } });
      assertErrorShape(res, 405, /Method not allowed/);
      assert.equal(res.headers.get('allow'), 'POST');
      // a client probing the endpoint for its authorization (mcp-remote) gets the challenge
      const probe = await lh.api(method, '/mcp', undefined, { auth: false, headers: { accept: 'application/json, text/event-stream' } });
      assert.equal(probe.status, 401, probe.text);
      assert.equal(probe.headers.get('www-authenticate'), `Bearer resource_metadata="${lh.url}/.well-known/oauth-protected-resource/mcp"`);
    }
  });

  test('unsupported tool-mode or param-style: 400 naming the supported values', async () => {
    assertErrorShape(await rawPost(initialize(), { query: { 'tool-mode': 'everything' } }), 400, /tool-mode "everything".*search_execute, all, individual/);
    assertErrorShape(await rawPost(initialize(), { query: { 'param-style': 'camel' } }), 400, /param-style "camel".*nested, flat_prefixed, flat_smart/);
  });
});

describe('tools/list', () => {
  test('tool-mode=all: one tool per action (452), names, annotations', async () => {
    const client = await connect();
    const { tools, nextCursor } = await client.listTools();
    assert.equal(nextCursor, undefined);
    assert.equal(tools.length, 452);
    assert.equal(tools.length, stripeActions().length);
    assert.deepEqual(new Set(tools.map((t) => t.name)), new Set(stripeActions().map((a) => a.name)));
    const byName = new Map(tools.map((t) => [t.name, t]));
    const list = byName.get('stripe_list_customers')!;
    assert.match(list.description ?? '', /list of your customers/);
    assert.equal(list.annotations?.readOnlyHint, true);
    assert.equal(list.annotations?.destructiveHint, false);
    assert.equal(list.annotations?.title, 'List customers');
    const del = byName.get('stripe_delete_customer')!;
    assert.equal(del.annotations?.readOnlyHint, false);
    assert.equal(del.annotations?.destructiveHint, true);
    assert.equal(byName.get('stripe_create_refund')!.annotations?.destructiveHint, false);
    assert.match(byName.get('stripe_refund_charge')!.description ?? '', /Deprecated: .*stripe_create_refund/);
  });

  test("the cached tools/list answer equals the SDK server's (batch requests go through the SDK)", async () => {
    const queries: Record<string, string>[] = [{}, { 'tool-mode': 'individual', 'param-style': 'flat_smart' }, { 'tool-mode': 'search_execute' }];
    for (const query of queries) {
      const single = await rawPost({ jsonrpc: '2.0', id: 'a', method: 'tools/list' }, { query });
      const batch = await rawPost([{ jsonrpc: '2.0', id: 'a', method: 'tools/list' }], { query });
      assert.equal(single.status, 200, single.text);
      assert.equal(batch.status, 200, batch.text);
      // the SDK answers a one-message batch with a single message
      assert.deepEqual(single.body, Array.isArray(batch.body) ? batch.body[0] : batch.body);
    }
  });

  test('a batch carries tools/list once: more is refused (each was built whole, 100 in a batch answered 141 MB and eight batches ran the node out of memory)', async () => {
    const lists = Array.from({ length: 100 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/list' }));
    const refused = await rawPost(lists, { query: { 'tool-mode': 'all' } });
    assert.equal(refused.status, 400, refused.text.slice(0, 200));
    assert.ok(refused.text.length < 2_000, 'refused before any list is built');
    assert.match(refused.text, /tools\/list once/);
    assert.equal(refused.body.error.code, -32600);
    const mixed = await rawPost(
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
      ],
      { query: { 'tool-mode': 'all' } },
    );
    assert.equal(mixed.status, 200, mixed.text.slice(0, 200));
    assert.equal(mixed.body.length, 2);
  });

  test('search_execute mode: exactly stripe_search_actions and stripe_execute_action', async () => {
    const client = await connect({ query: { 'tool-mode': 'search_execute' } });
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['stripe_search_actions', 'stripe_execute_action'],
    );
    assert.deepEqual(tools[0].inputSchema.required, ['query']);
    assert.deepEqual(tools[1].inputSchema.required, ['action']);
  });

  test('param-style nested (default), flat_prefixed and flat_smart schemas', async () => {
    const get = async (style?: string) => {
      const client = await connect(style ? { query: { 'param-style': style } } : {});
      const { tools } = await client.listTools();
      return new Map(tools.map((t) => [t.name, t.inputSchema as any]));
    };
    const nested = await get();
    const n = nested.get('stripe_update_customer');
    assert.deepEqual(Object.keys(n.properties).sort(), ['body', 'headers', 'path']);
    assert.deepEqual(n.required, ['path']);
    assert.deepEqual(n.properties.path.required, ['customer']);
    assert.ok(n.properties.body.properties.email);

    const prefixed = await get('flat_prefixed');
    const p = prefixed.get('stripe_update_customer');
    assert.ok(p.properties.path_customer);
    assert.ok(p.properties.body_email);
    assert.ok(p.properties['headers_Stripe-Account']);
    assert.equal(p.properties.path, undefined);
    assert.deepEqual(p.required, ['path_customer']);
    assert.equal(p.additionalProperties, false);
    assert.ok(prefixed.get('stripe_list_customers').properties.query_limit);

    const smart = await get('flat_smart');
    const s = smart.get('stripe_update_customer');
    assert.ok(s.properties.customer);
    assert.ok(s.properties.email);
    assert.deepEqual(s.required, ['customer']);
    assert.ok(smart.get('stripe_list_customers').properties.limit);
    assert.equal(smart.size, 452);
  });
});

describe('tools/call through the action executor', () => {
  test("stripe_list_customers returns the stand-in's customers", async () => {
    const client = await connect();
    const r = await call(client, 'stripe_list_customers', { query: { limit: 3 } });
    assert.equal(r.isError, undefined, textOf(r));
    const customers = listOf(r);
    assert.deepEqual(
      customers.map((c) => c.id),
      await stripeCustomerIds(3),
    );
    assert.ok(customers.every((c) => c.object === 'customer'));
    assert.deepEqual(JSON.parse(textOf(r)), r.structuredContent, 'text content is the same JSON');
  });

  test('same answers as POST /actions/rpc (one executor): data, next and error messages', async () => {
    const client = await connect();
    const mcp = await call(client, 'stripe_list_customers', { query: { limit: 2 } });
    const rpc = await lh.api('POST', '/actions/rpc', { action: 'stripe_list_customers', query: { limit: 2 } }, { headers: { 'x-account-id': secretAccount } });
    assert.equal(rpc.status, 200, rpc.text);
    assert.deepEqual(mcp.structuredContent, rpc.body);
    assert.equal(typeof rpc.body.next, 'string', 'a list with more pages has a next cursor');

    const bad = { action: 'stripe_get_customer', path: { customer: 'cus_doesnotexist' } };
    const mcpBad = await call(client, bad.action, { path: bad.path });
    const rpcBad = await lh.api('POST', '/actions/rpc', bad, { headers: { 'x-account-id': secretAccount } });
    assert.equal(rpcBad.status, 404, rpcBad.text);
    assert.equal(mcpBad.isError, true);
    assert.equal(textOf(mcpBad), rpcBad.body.message);
    assert.equal((mcpBad.structuredContent as any).error.statusCode, 404);
  });

  test('flat_prefixed and flat_smart arguments reach the executor as query parameters', async () => {
    const want = await stripeCustomerIds(2);
    const prefixed = await connect({ query: { 'param-style': 'flat_prefixed' } });
    const a = await call(prefixed, 'stripe_list_customers', { query_limit: 2 });
    assert.equal(a.isError, undefined, textOf(a));
    assert.deepEqual(
      listOf(a).map((c) => c.id),
      want,
    );
    const smart = await connect({ query: { 'param-style': 'flat_smart' } });
    const b = await call(smart, 'stripe_list_customers', { limit: 2 });
    assert.equal(b.isError, undefined, textOf(b));
    assert.deepEqual(
      listOf(b).map((c) => c.id),
      want,
    );
    const unknown = await call(prefixed, 'stripe_list_customers', { limit: 2 });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /limit is not a known argument of stripe_list_customers/);
  });

  test('invalid input is a tool error naming the field, not a transport failure', async () => {
    const client = await connect();
    const r = await call(client, 'stripe_list_customers', { query: { limit: 'lots' } });
    assert.equal(r.isError, true);
    assert.match(textOf(r), /query\.limit/);
    const missing = await call(client, 'stripe_get_customer', {});
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /path/);
    const flat = await connect({ query: { 'param-style': 'flat_prefixed' } });
    const f = await call(flat, 'stripe_list_customers', { query_limit: 'lots' });
    assert.equal(f.isError, true);
    assert.match(textOf(f), /query_limit/, 'the field is named as the flat argument');
    const unknownTool = await call(client, 'stripe_do_everything', {});
    assert.equal(unknownTool.isError, true);
    assert.match(textOf(unknownTool), /Unknown tool stripe_do_everything/);
  });

  test('restricted key without customer_read: tool error naming rak_customer_read; then marked, or hidden', async () => {
    const client = await connect({ account: restrictedAccount });
    const before = await client.listTools();
    assert.equal(before.tools.length, 452);
    const current = before.tools.find((t) => t.name === 'stripe_get_current_account')!;
    assert.match(current.description ?? '', /^\[Unavailable/, 'closed to restricted keys');
    assert.equal(before.tools.find((t) => t.name === 'stripe_list_customers')!._meta?.['linkhub/permission'], 'rak_customer_read');

    const ok = await call(client, 'stripe_list_customers', { query: { limit: 1 } });
    assert.equal(ok.isError, undefined, textOf(ok));

    stripe.world.setKeyPermissions(restrictedKey, { charge: 'read' }); // customer read revoked in the Dashboard
    try {
      const r = await call(client, 'stripe_list_customers', { query: { limit: 1 } });
      assert.equal(r.isError, true);
      assert.match(textOf(r), /rak_customer_read/);

      const marked = await client.listTools();
      const list = marked.tools.find((t) => t.name === 'stripe_list_customers')!;
      assert.match(list.description ?? '', /^\[Unavailable with this account's key: needs rak_customer_read\]/);
      assert.equal(list._meta?.['linkhub/available'], false);
      assert.equal(list._meta?.['linkhub/missing_permission'], 'rak_customer_read');
      // the write needs the read below it
      assert.equal(marked.tools.find((t) => t.name === 'stripe_create_customer')!._meta?.['linkhub/available'], false);
      assert.equal(marked.tools.find((t) => t.name === 'stripe_list_charges')!._meta?.['linkhub/available'], undefined);

      const hidden = await connect({ account: restrictedAccount, query: { hide_unavailable: 'true' } });
      const names = new Set((await hidden.listTools()).tools.map((t) => t.name));
      assert.ok(!names.has('stripe_list_customers'));
      assert.ok(!names.has('stripe_get_current_account'));
      assert.ok(names.has('stripe_list_charges'));
      assert.ok(names.size < 452);

      // search_execute says the same in its matches, or leaves them out
      const meta = await connect({ account: restrictedAccount, query: { 'tool-mode': 'search_execute' } });
      const found = (await call(meta, 'stripe_search_actions', { query: 'list customers', top_k: 3 })).structuredContent as any;
      assert.equal(found.results[0].name, 'stripe_list_customers');
      assert.equal(found.results[0].available, false);
      assert.equal(found.results[0].missing_permission, 'rak_customer_read');
      const metaHidden = await connect({ account: restrictedAccount, query: { 'tool-mode': 'search_execute', hide_unavailable: 'true' } });
      const left = (await call(metaHidden, 'stripe_search_actions', { query: 'list customers', top_k: 3 })).structuredContent as any;
      assert.equal(left.results.length, 3);
      assert.ok(left.results.every((m: any) => m.name !== 'stripe_list_customers' && m.available === undefined));

      // a secret-key account is never affected
      const secret = await connect();
      assert.equal((await secret.listTools()).tools.find((t) => t.name === 'stripe_list_customers')!._meta, undefined);
    } finally {
      stripe.world.setKeyPermissions(restrictedKey, { customer: 'read', charge: 'read' });
    }
  });
});

describe('search_execute', () => {
  test('stripe_search_actions finds stripe_create_refund for "refund a charge"', async () => {
    const client = await connect({ query: { 'tool-mode': 'search_execute' } });
    const r = await call(client, 'stripe_search_actions', { query: 'refund a charge' });
    assert.equal(r.isError, undefined, textOf(r));
    const results = (r.structuredContent as any).results;
    assert.ok(results.length >= 1 && results.length <= 5);
    assert.equal(results[0].name, 'stripe_create_refund');
    assert.equal(results[0].score, 1);
    assert.match(results[0].description, /refund/i);
    assert.ok(Array.isArray(results[0].required));
    assert.ok(results[0].optional.includes('body.charge'));

    const cust = await call(client, 'stripe_search_actions', { query: 'list customers', top_k: 3 });
    const names = (cust.structuredContent as any).results.map((m: any) => m.name);
    assert.equal(names.length, 3);
    assert.equal(names[0], 'stripe_list_customers');
    const getCustomer = await call(client, 'stripe_search_actions', { query: 'retrieve a customer', top_k: 1, include_schema: true });
    const m = (getCustomer.structuredContent as any).results[0];
    assert.equal(m.name, 'stripe_get_customer');
    assert.deepEqual(m.required, ['path.customer']);
    assert.equal(m.input_schema.properties.path.required[0], 'customer');

    const bad = await call(client, 'stripe_search_actions', { query: 'x', top_k: 0 });
    assert.equal(bad.isError, true);
    assert.match(textOf(bad), /top_k/);
  });

  test('stripe_execute_action runs an action through the executor', async () => {
    const client = await connect({ query: { 'tool-mode': 'search_execute' } });
    const r = await call(client, 'stripe_execute_action', { action: 'stripe_list_customers', query: { limit: 2 } });
    assert.equal(r.isError, undefined, textOf(r));
    assert.deepEqual(
      listOf(r).map((c) => c.id),
      await stripeCustomerIds(2),
    );
    const next = (r.structuredContent as any).next;
    assert.equal(typeof next, 'string');
    const page2 = await call(client, 'stripe_execute_action', { action: 'stripe_list_customers', query: { limit: 2 }, next });
    assert.equal(page2.isError, undefined, textOf(page2));
    assert.deepEqual(
      listOf(page2).map((c) => c.id),
      (await stripeCustomerIds(4)).slice(2),
    );
    const unknown = await call(client, 'stripe_execute_action', { action: 'stripe_teleport' });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /Unknown action stripe_teleport/);
    const invalid = await call(client, 'stripe_execute_action', { action: 'stripe_list_customers', query: { limit: 'lots' } });
    assert.equal(invalid.isError, true);
    assert.match(textOf(invalid), /query\.limit/);
    const direct = await call(client, 'stripe_list_customers', {});
    assert.equal(direct.isError, true, 'per-action tools are not callable in search_execute mode');
  });
});

describe('concurrency', () => {
  test('parallel calls from two accounts do not cross', async () => {
    const a = await connect();
    const b = await connect({ account: restrictedAccount, query: { 'tool-mode': 'search_execute' } });
    const results = await Promise.all([a.listTools(), b.listTools(), a.listTools(), b.listTools()]);
    assert.deepEqual(
      results.map((r) => r.tools.length),
      [452, 2, 452, 2],
    );
  });
});

describe('tools/call with arguments that are not an object', () => {
  test('a string, an array, a number or null: JSON-RPC invalid params (-32602) naming arguments, nothing run', async () => {
    const before = stripe.log.length;
    for (const args of ['x', [1], 5, null, true]) {
      const res = await rawPost({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'stripe_list_customers', arguments: args } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.error?.code, -32602, `${JSON.stringify(args)}: ${res.text}`);
      assert.match(res.body.error.message, /arguments/);
    }
    assert.equal(stripe.log.length, before, 'no call reached Stripe');
    const fine = await rawPost({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'stripe_list_customers', arguments: {} } });
    assert.equal(fine.body.result?.isError, undefined, fine.text);
    assert.equal(stripe.log.length, before + 1, 'an object still runs the tool');
  });
});

describe('refused before anything runs', () => {
  test('no credential or a wrong one, with or without x-account-id, on POST, GET and DELETE: the 401 is the whole answer, nothing logged as an error', async () => {
    const before = lh.logs.length;
    for (const auth of [null, basic('lh_wrong_key_0123456789')]) {
      for (const account of [secretAccount, null]) {
        const res = await rawPost({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { auth, account });
        assert.equal(res.status, 401, res.text);
        for (const method of ['GET', 'DELETE']) {
          const headers: Record<string, string> = account ? { 'x-account-id': account } : {};
          if (auth) headers.authorization = auth;
          assert.equal((await fetch(mcpUrl(), { method, headers })).status, 401);
        }
      }
    }
    const after = lh.logs.slice(before).filter((l) => /"level":(50|40)|already sent|TypeError/.test(l));
    assert.deepEqual(after, [], 'no error or warning: the handler stopped at the 401');
  });
});
