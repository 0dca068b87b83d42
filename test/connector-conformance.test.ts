// One conformance suite, run against every registered connector (Stripe, and Fakepay, a provider
// that exists only in the tests: test/fake-connector/). Both are served by one Linkhub at once and
// driven only over HTTP: listing, key rules before any network call, the live test's outcomes,
// linking, the proxy locked to the provider, list and write actions (paging, idempotent retry),
// MCP in both tool modes, search in the connector's own words, and the call log without keys.
// A connector passes by its folder alone: the code paths are the same for every provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectors, registerConnector } from '../src/connectors/registry.js';
import type { ConnectorDefinition } from '../src/connectors/types.js';
import { type ConnectorHarness, harnesses, type RunningProvider } from './conformance/harnesses.js';
import { fakepayConnector } from './fake-connector/connector.js';
import { basic, connectSession, type Linkhub, startLinkhub } from './helpers/linkhub.js';

registerConnector(fakepayConnector);

let lh: Linkhub;
const providers = new Map<string, RunningProvider>();
const clients: Client[] = [];

before(async () => {
  for (const c of connectors()) {
    const h = harnesses[c.key];
    assert.ok(h, `connector ${c.key} has no conformance harness in test/conformance/harnesses.ts`);
    providers.set(c.key, await h.start());
  }
  const env = Object.assign({}, ...[...providers.values()].map((p) => p.env)) as Record<string, string>;
  lh = await startLinkhub({ stripeApiBase: env.LINKHUB_STRIPE_API_BASE, env });
});
after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await lh?.close();
  for (const p of providers.values()) await p.close();
});

test('every registered connector runs the suite (two at least: the built-in one and the fake)', () => {
  assert.deepEqual(
    connectors()
      .map((c) => c.key)
      .sort(),
    Object.keys(harnesses).sort(),
  );
});

for (const c of connectors()) describe(`connector ${c.key}`, () => conformance(c, harnesses[c.key]));

function conformance(c: ConnectorDefinition, h: ConnectorHarness): void {
  const p = () => providers.get(c.key)!;
  const owner = `conformance-${c.key}`;
  let accountId = '';

  async function link(key: string, environment = 'test') {
    const { token } = await connectSession(lh, { provider: c.key, origin_owner_id: owner, origin_owner_name: 'Conformance Co', multiple: true });
    return lh.hub(token, 'POST', '/hub/accounts', { integration_id: `${c.key}-${environment}`, credentials: { [c.field.key]: key } });
  }
  const rpc = (action: string, input: Record<string, unknown>) =>
    lh.api('POST', '/actions/rpc', { action, ...input }, { headers: { 'x-account-id': accountId } });
  const accountCount = async () => (await lh.api('GET', `/accounts?providers=${c.key}&origin_owner_id=${owner}`)).body.length as number;

  test('is listed: connectors meta, its two Hub rows, its logo, its action catalogue', async () => {
    const meta = await lh.api('GET', '/connectors/meta');
    assert.ok(meta.body.some((m: any) => m.provider === c.key && m.provider_name === c.name));
    const { token } = await connectSession(lh, { provider: c.key });
    const rows = (await lh.hub(token, 'GET', '/hub/connectors')).body.integrations.map((r: any) => r.integration_id);
    assert.deepEqual(rows, [`${c.key}-production`, `${c.key}-test`]);
    const logo = await fetch(`${lh.url}/assets/${c.key}.svg`);
    assert.equal(logo.status, 200);
    assert.match(logo.headers.get('content-type') ?? '', /image\/svg\+xml/);
    const actions = await lh.api('GET', `/actions?filter[connectors]=${c.key}&page_size=1000`);
    assert.equal(actions.status, 200);
    assert.equal(actions.body.data.length, 1);
    assert.equal(actions.body.data[0].key, c.key);
    const ids = actions.body.data[0].actions.map((a: any) => a.id);
    assert.equal(ids.length, c.actions.catalogue().actions.length);
    assert.ok(ids.every((id: string) => id.startsWith(c.actions.prefix)));
  });

  test('refuses a key of the wrong mode before any network call', async () => {
    p().clearCalls();
    const res = await link(p().keys.wrongMode);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'key_mode_mismatch');
    assert.deepEqual(p().calls(), []);
  });

  test('a revoked key: 422 invalid_key, nothing stored', async () => {
    const before = await accountCount();
    const res = await link(p().keys.revoked);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'invalid_key');
    assert.equal(await accountCount(), before);
  });

  test('a key lacking the permission the live test needs: 422 naming it', async () => {
    const res = await link(p().keys.lacking.key);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'missing_permission');
    assert.equal(res.body.permission, p().keys.lacking.permission);
  });

  test('links a valid key: 201, active, the provider account fields, the key never shown again', async () => {
    const key = p().keys.valid;
    const res = await link(key);
    assert.equal(res.status, 201, res.text);
    accountId = res.body.id;
    const account = await lh.api('GET', `/accounts/${accountId}`);
    assert.equal(account.body.status, 'active');
    assert.equal(account.body.provider, c.key);
    assert.equal(account.body.credentials[c.field.key], `__secretvalue:**redacted**${key.slice(-4)}`);
    assert.ok(account.body[c.accountFields.id], `${c.accountFields.id} is filled from the live test`);
    assert.ok(!res.text.includes(key) && !account.text.includes(key));
  });

  test("proxies a read with the key in the connector's credential header; another origin is refused and never sent", async () => {
    p().clearCalls();
    const res = await lh.api('POST', '/unified/proxy', { method: 'get', path: h.proxyRead.path }, { headers: { 'x-account-id': accountId } });
    assert.equal(res.status, 200, res.text);
    assert.ok(h.proxyRead.check(res.body.data), res.text);
    assert.deepEqual(
      p()
        .calls()
        .map((x) => x.keyLast4),
      [p().keys.valid.slice(-4)],
    );
    const refused = await lh.api('POST', '/unified/proxy', { url: 'https://evil.example', path: h.proxyRead.path }, { headers: { 'x-account-id': accountId } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'url_refused');
    assert.equal(p().calls().length, 1);
  });

  test('runs a list action page by page, and refuses bad input before sending', async () => {
    const first = await rpc(h.list.action, { query: h.list.query });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.data.length, 2);
    assert.equal(typeof first.body.next, 'string');
    const second = await rpc(h.list.action, { query: h.list.query, next: first.body.next });
    assert.equal(second.status, 200, second.text);
    assert.notDeepEqual(second.body.data[0], first.body.data[0]);
    p().clearCalls();
    const bad = await rpc(h.list.action, { query: { limit: 'lots' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'invalid_input');
    assert.deepEqual(p().calls(), []);
  });

  test('runs a write once: a transient failure is retried with the same idempotency key', async () => {
    p().clearCalls();
    p().failNext(1);
    const res = await rpc(h.write.action, { body: h.write.body });
    assert.equal(res.status, 200, res.text);
    const attempts = p().calls();
    assert.equal(attempts.length, 2);
    assert.ok(attempts[0].idempotencyKey, 'the write carries an idempotency key');
    assert.equal(attempts[1].idempotencyKey, attempts[0].idempotencyKey);
  });

  test("refuses another connector's action for this account", async () => {
    const other = connectors().find((x) => x !== c)!;
    const res = await rpc(other.actions.catalogue().actions[0].name, {});
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'action_not_for_account');
  });

  test("finds actions in the connector's own words", async () => {
    const res = await lh.api('POST', '/actions/search', { query: h.search.query, connector: c.key, top_k: 5 });
    assert.equal(res.status, 200);
    assert.ok(
      res.body.results.some((r: any) => r.action_name === h.search.expect && r.connector_key === c.key),
      res.text,
    );
  });

  test('serves MCP: the two meta tools by default (search_execute), and one tool per action with tool-mode=all', async () => {
    const mcp = async (query = '') => {
      const transport = new StreamableHTTPClientTransport(new URL(`/mcp${query}`, lh.url), {
        requestInit: { headers: { authorization: basic(lh.apiKey), 'x-account-id': accountId } },
      });
      const client = new Client({ name: 'conformance', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return client;
    };
    const individual = await mcp('?tool-mode=all');
    const listedTools = (await individual.listTools()).tools;
    const tools = listedTools.map((t) => t.name);
    assert.equal(tools.length, c.actions.catalogue().actions.length);
    assert.ok(tools.includes(h.list.action));
    // annotations from the catalogue, whatever the provider: reads are read-only, writes are not
    for (const a of c.actions.catalogue().actions) {
      const hints = listedTools.find((t) => t.name === a.name)?.annotations;
      assert.equal(hints?.readOnlyHint, a.access === 'read', a.name);
      assert.equal(hints?.title, a.label, a.name);
    }
    const listed = (await individual.callTool({ name: h.list.action, arguments: { query: h.list.query } })) as CallToolResult;
    assert.ok(!listed.isError, JSON.stringify(listed));
    assert.equal((listed.structuredContent as any).data.length, 2);

    const meta = await mcp();
    assert.deepEqual(
      (await meta.listTools()).tools.map((t) => t.name),
      [`${c.actions.prefix}search_actions`, `${c.actions.prefix}execute_action`],
    );
    const found = (await meta.callTool({ name: `${c.actions.prefix}search_actions`, arguments: { query: h.search.query } })) as CallToolResult;
    assert.ok(
      (found.structuredContent as any).results.some((r: any) => r.name === h.search.expect),
      JSON.stringify(found),
    );
    const run = (await meta.callTool({
      name: `${c.actions.prefix}execute_action`,
      arguments: { action: h.list.action, query: h.list.query },
    })) as CallToolResult;
    assert.ok(!run.isError, JSON.stringify(run));
  });

  test('logs every call under its provider, and never the key', async () => {
    const logs = await lh.api('GET', `/requests/logs?account_ids=${accountId}&page_size=200`);
    assert.equal(logs.status, 200);
    assert.ok(logs.body.data.length >= 6, `${logs.body.data.length} calls logged`);
    // the URL actually called: the configured API base (the stand-in), not the provider's public one
    assert.ok(logs.body.data.every((e: any) => e.provider === c.key && e.url.startsWith(p().env[`LINKHUB_${c.key.toUpperCase()}_API_BASE`])));
    const audit = await lh.api('GET', `/audit?account_id=${accountId}`);
    const key = p().keys.valid;
    for (const text of [logs.text, audit.text, lh.logs.join('\n')]) assert.ok(!text.includes(key) && !text.includes(key.slice(8)), 'no key in logs or answers');
  });
}
