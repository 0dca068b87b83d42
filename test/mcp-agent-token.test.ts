// Agent tokens on /mcp (docs/agents.md#mcp): `Authorization: Bearer lhat_…` selects the token's
// account and policy without x-account-id, through the official MCP SDK client; a token with several
// accounts takes an `account` argument on its tools; no credential is a 401 that points OAuth
// clients at the protected-resource metadata.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
let other: string;
const open: Client[] = [];

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
  other = (await linkAccount(lh, stripe.keys.otherAccountSecretTest)).id;
});
after(async () => {
  for (const c of open) await c.close().catch(() => {});
});

async function token(body: Record<string, unknown> = {}): Promise<string> {
  const res = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'mcp agent', ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.token;
}

async function connect(authorization: string, query: Record<string, string> = { 'tool-mode': 'all' }): Promise<Client> {
  const url = new URL('/mcp', lh.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const client = new Client({ name: 'agent-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization } } }));
  open.push(client);
  return client;
}

const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: args })) as CallToolResult;
const errorOf = (r: CallToolResult) => (r.structuredContent as { error?: { code?: string } } | undefined)?.error;

describe('an agent token on /mcp', () => {
  test('Bearer selects its account and policy: tools listed, a read runs, a write is refused as a tool error', async () => {
    const t = await token({ policy: { read_only: true } });
    const c = await connect(`Bearer ${t}`);
    const { tools } = await c.listTools();
    const list = tools.find((x) => x.name === 'stripe_list_customers');
    assert.ok(list, 'the account’s tools');
    assert.equal((list.inputSchema.properties as Record<string, unknown>).account, undefined, 'one account: no account argument');
    const read = await call(c, 'stripe_list_customers', { query: { limit: 1 } });
    assert.notEqual(read.isError, true, JSON.stringify(read));
    assert.equal(stripe.log.at(-1)?.keyLast4, stripe.keys.secretTest.slice(-4));
    stripe.clearLog();
    const write = await call(c, 'stripe_create_customer', { body: { email: 'agent@example.com' } });
    assert.equal(write.isError, true);
    assert.equal(errorOf(write)?.code, 'policy_denied');
    assert.equal(stripe.log.length, 0, 'nothing sent');
  });

  test('the call log and audit name the token', async () => {
    const t = await token();
    const c = await connect(`Bearer ${t}`, {});
    const r = await call(c, 'stripe_execute_action', { action: 'stripe_list_customers', query: { limit: 1 } });
    assert.notEqual(r.isError, true, JSON.stringify(r));
    await lh.services.requestLog.flush();
    const id = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((x: any) => t.endsWith(x.hint)).id;
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=50`);
    assert.ok(
      audit.body.data.some((e: any) => e.actor_type === 'agent_token' && e.actor_id === id),
      JSON.stringify(audit.body.data.map((e: any) => [e.actor_type, e.action])),
    );
  });

  test('several accounts: tools take `account`; without it agent_account_required; one it lacks is refused', async () => {
    const t = await token({ also_accounts: [other] });
    const c = await connect(`Bearer ${t}`);
    const { tools } = await c.listTools();
    const list = tools.find((x) => x.name === 'stripe_list_customers')!;
    assert.deepEqual((list.inputSchema.properties as any).account.enum, [acc, other]);
    const none = await call(c, 'stripe_list_customers', {});
    assert.equal(errorOf(none)?.code, 'agent_account_required');
    const picked = await call(c, 'stripe_list_customers', { account: other, query: { limit: 1 } });
    assert.notEqual(picked.isError, true, JSON.stringify(picked));
    assert.equal(stripe.log.at(-1)?.keyLast4, stripe.keys.otherAccountSecretTest.slice(-4));
    const meta = await connect(`Bearer ${t}`, {});
    const search = (await meta.listTools()).tools.find((x) => x.name === 'stripe_search_actions')!;
    assert.equal((search.inputSchema.properties as any).account, undefined, 'searching calls no account');
    const viaExecute = await call(meta, 'stripe_execute_action', { action: 'stripe_list_customers', account: acc, query: { limit: 1 } });
    assert.notEqual(viaExecute.isError, true, JSON.stringify(viaExecute));
    assert.equal(stripe.log.at(-1)?.keyLast4, stripe.keys.secretTest.slice(-4));
    const single = await token();
    const refused = await lh.api(
      'POST',
      '/mcp',
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { auth: `Bearer ${single}`, headers: { 'x-account-id': other } },
    );
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.code, 'agent_account_refused');
  });

  test('no credential: 401 pointing at the protected-resource metadata; a bad token says invalid_token; the API key still works', async () => {
    const rpc = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const none = await lh.api('POST', '/mcp', rpc, { auth: false });
    assert.equal(none.status, 401, none.text);
    assert.equal(none.headers.get('www-authenticate'), `Bearer resource_metadata="${lh.url}/.well-known/oauth-protected-resource/mcp"`);
    const bad = await lh.api('POST', '/mcp', rpc, { auth: 'Bearer lhat_nottoken' });
    assert.equal(bad.status, 401, bad.text);
    assert.equal(bad.body.code, 'agent_token_invalid');
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const key = await lh.api('POST', '/mcp', rpc, { auth: basic(lh.apiKey), headers: { 'x-account-id': acc } });
    assert.equal(key.status, 200, key.text);
    assert.ok(key.body.result.tools.length > 0);
  });
});
