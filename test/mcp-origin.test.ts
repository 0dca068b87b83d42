// /mcp against DNS rebinding (the MCP specification's Streamable HTTP security warning): a browser
// Origin that is not allowed, or a Host that is not this Linkhub's, is refused with 403 in the error
// shape before authentication; clients outside a browser send no Origin and keep working (the MCP
// SDK client here, StackOne's SDK in stackone-client.test.ts), and so do allowed origins and hosts.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';

let lh: Linkhub;
let accountId: string;

useLinkhub({ env: { LINKHUB_ALLOWED_HOSTS: 'linkhub.internal,mcp.example:8443', LINKHUB_MCP_ALLOWED_ORIGINS: 'https://agent.example' } }, async (f) => {
  lh = f.lh;
  accountId = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});

const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

/** POST /mcp with any Host and Origin (fetch may not set Host), read whole. */
function post(headers: Record<string, string>, auth = true): Promise<{ status: number; body: any }> {
  const { port } = new URL(lh.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/mcp?x-account-id=${accountId}`,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(auth ? { authorization: basic(lh.apiKey) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(PING);
  });
}

function refused(res: { status: number; body: any }, code: string) {
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.statusCode, 403);
  assert.equal(res.body.code, code);
  assert.match(res.body.timestamp, /^\d{4}-/);
  assert.equal(res.body.jsonrpc, '2.0', 'MCP clients read a JSON-RPC error too');
}

describe('Origin', () => {
  test('no Origin (a client outside a browser) is served', async () => {
    assert.equal((await post({})).status, 200);
  });

  test("this Linkhub's own origin and a configured one are served", async () => {
    assert.equal((await post({ origin: lh.url })).status, 200);
    assert.equal((await post({ origin: 'https://agent.example' })).status, 200);
  });

  test('another site, a look-alike, a null origin and garbage are refused, before authentication', async () => {
    for (const origin of ['https://evil.example', 'https://agent.example.evil.example', 'http://agent.example', 'null', 'not a url']) {
      refused(await post({ origin }), 'mcp_origin_refused');
    }
    refused(await post({ origin: 'https://evil.example' }, false), 'mcp_origin_refused');
  });
});

describe('Host', () => {
  test('a rebound name is refused, with or without credentials', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${new URL(lh.url).port}`,
      'linkhub.internal.evil.example',
      'mcp.example:9999',
      '127.0.0.1@evil.example',
    ]) {
      refused(await post({ host }), 'mcp_host_refused');
    }
    refused(await post({ host: 'evil.example' }, false), 'mcp_host_refused');
  });

  test('the public URL host, localhost names (listening on loopback) and configured hosts are served', async () => {
    for (const host of [new URL(lh.url).host, 'localhost:1234', '127.0.0.1', '[::1]:80', 'linkhub.internal', 'LINKHUB.internal:3000', 'mcp.example:8443']) {
      assert.equal((await post({ host })).status, 200, host);
    }
  });

  test('a rebound page on an allowed host still needs an allowed Origin', async () => {
    refused(await post({ host: 'linkhub.internal', origin: 'https://evil.example' }), 'mcp_origin_refused');
    assert.equal((await post({ host: 'linkhub.internal', origin: 'http://linkhub.internal' })).status, 200, 'a page this Linkhub serves');
  });
});

test("the MCP SDK's own client (no Origin) lists and calls tools as before", async () => {
  const client = new Client({ name: 'origin-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${lh.url}/mcp?x-account-id=${accountId}`), {
    requestInit: { headers: { authorization: basic(lh.apiKey) } },
  });
  await client.connect(transport);
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'stripe_execute_action'));
  await client.close();
});
