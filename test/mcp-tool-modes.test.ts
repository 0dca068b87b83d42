// What an MCP client sees first: the default tools/list is small (tool-mode=search_execute, measured
// in tokens through the official SDK client against a running Linkhub), the whole catalogue comes
// with tool-mode=all (alias individual), and every tool carries annotations derived from what its
// action does.
//
// Tokens: no tokenizer library is installed, so a count is ceil(UTF-8 bytes / 3) of the tools as
// JSON. Common tokenizers take 3.5–4 bytes per token of such JSON, so this over-counts: a list
// under the budget by this count is under it by theirs.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { stripeActions } from '../src/connectors/stripe/actions.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';

/** The budget the default tools/list must fit in an agent's context (Linkhub issue 13). */
const DEFAULT_LIST_TOKEN_BUDGET = 8000;

let lh: Linkhub;
let accountId: string;
const open: Client[] = [];

useLinkhub({}, async (f) => {
  lh = f.lh;
  accountId = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});
after(async () => {
  for (const c of open) await c.close().catch(() => {});
});

/** tools/list through the MCP SDK client, with `query` on /mcp. */
async function listTools(query = ''): Promise<Tool[]> {
  const transport = new StreamableHTTPClientTransport(new URL(`/mcp${query}`, lh.url), {
    requestInit: { headers: { authorization: basic(lh.apiKey), 'x-account-id': accountId } },
  });
  const client = new Client({ name: 'tool-modes-test', version: '1.0.0' });
  await client.connect(transport);
  open.push(client);
  const { tools, nextCursor } = await client.listTools();
  assert.equal(nextCursor, undefined, 'one page');
  return tools;
}

const tokens = (tools: Tool[]) => Math.ceil(Buffer.byteLength(JSON.stringify(tools)) / 3);

describe('tool modes', () => {
  test(`the default tools/list is search and execute, within ${DEFAULT_LIST_TOKEN_BUDGET} tokens`, async (t) => {
    const tools = await listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['stripe_search_actions', 'stripe_execute_action'],
    );
    const used = tokens(tools);
    assert.ok(used <= DEFAULT_LIST_TOKEN_BUDGET, `default tools/list: ${used} tokens`);
    // the same count puts the whole catalogue far beyond the budget: the measure is not vacuous
    const all = await listTools('?tool-mode=all');
    assert.ok(tokens(all) > DEFAULT_LIST_TOKEN_BUDGET * 10, `tool-mode=all: ${tokens(all)} tokens`);
    t.diagnostic(`tools/list: default ${used} tokens, tool-mode=all ${tokens(all)} (UTF-8 bytes / 3)`);
  });

  test('tool-mode=all lists one tool per action; individual is the same list', async () => {
    const all = await listTools('?tool-mode=all');
    assert.deepEqual(new Set(all.map((t) => t.name)), new Set(stripeActions().map((a) => a.name)));
    assert.deepEqual(await listTools('?tool-mode=individual'), all);
    assert.deepEqual(await listTools('?tool_mode=search_execute'), await listTools());
  });

  test('an unknown tool-mode is a 400 naming the three', async () => {
    const res = await lh.api('POST', '/mcp?tool-mode=some', { jsonrpc: '2.0', id: 1, method: 'ping' }, { headers: { 'x-account-id': accountId } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.message, /search_execute, all, individual/);
  });
});

describe('annotations', () => {
  test('every tool has a title and the four hints', async () => {
    for (const tool of [...(await listTools()), ...(await listTools('?tool-mode=all'))]) {
      const a = tool.annotations;
      assert.ok(a?.title && a.title === tool.title, tool.name);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        assert.equal(typeof a?.[hint], 'boolean', `${tool.name} ${hint}`);
      }
      if (a?.readOnlyHint) assert.equal(a.destructiveHint, false, `${tool.name}: a read destroys nothing`);
    }
  });

  test('search reads; execute may do anything', async () => {
    const [search, execute] = await listTools();
    assert.deepEqual(search.annotations, { title: search.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    assert.equal(execute.annotations?.readOnlyHint, false);
    assert.equal(execute.annotations?.destructiveHint, true);
    assert.equal(execute.annotations?.idempotentHint, false);
  });

  test("each action's hints follow its method and verb", async () => {
    const byName = new Map((await listTools('?tool-mode=all')).map((t) => [t.name, t.annotations]));
    const hints = (name: string) => {
      const a = byName.get(name);
      assert.ok(a, name);
      return [a.readOnlyHint, a.destructiveHint, a.idempotentHint];
    };
    // [readOnly, destructive, idempotent]
    assert.deepEqual(hints('stripe_list_customers'), [true, false, true], 'a list reads');
    assert.deepEqual(hints('stripe_get_customer'), [true, false, true], 'a get reads');
    assert.deepEqual(hints('stripe_search_customers'), [true, false, true], 'a search reads');
    assert.deepEqual(hints('stripe_delete_customer'), [false, true, true], 'DELETE removes; again, nothing more');
    assert.deepEqual(hints('stripe_cancel_payment_intent'), [false, true, true], 'a POST cancel ends it');
    assert.deepEqual(hints('stripe_void_invoice'), [false, true, true], 'a POST void ends it');
    assert.deepEqual(hints('stripe_create_customer'), [false, false, false], 'a create adds, and twice adds twice');
    assert.deepEqual(hints('stripe_create_refund'), [false, false, false], 'a refund adds, and twice refunds twice');
    assert.deepEqual(hints('stripe_update_customer'), [false, false, true], 'an update sets values');
    for (const a of stripeActions()) {
      const [readOnly, destructive] = hints(a.name);
      assert.equal(readOnly, a.access === 'read', a.name);
      if (a.method === 'DELETE') assert.equal(destructive, true, a.name);
    }
  });
});
