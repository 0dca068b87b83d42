// CORS on /mcp for MCP clients in a browser page: the preflight (OPTIONS /mcp) and the answers name
// exactly the origins the DNS-rebinding guard allows (mcp-origin.test.ts); any other origin keeps
// the guard's 403 and gets no Access-Control-Allow-Origin. Real HTTP requests; in Chromium:
// test/browser/mcp-cors.test.ts.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';

const AGENT = 'https://agent.example';
let lh: Linkhub;
let accountId: string;

useLinkhub({ env: { LINKHUB_ALLOWED_HOSTS: 'linkhub.internal', LINKHUB_MCP_ALLOWED_ORIGINS: AGENT } }, async (f) => {
  lh = f.lh;
  accountId = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One request with any Host (fetch may not set it), read whole. */
function send(method: string, headers: Record<string, string>, body?: string, path = '/mcp'): Promise<Answer> {
  const { port } = new URL(lh.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a browser sends before POST /mcp with an MCP client's headers. */
const preflight = (origin: string, extra: Record<string, string> = {}) =>
  send('OPTIONS', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type,mcp-protocol-version,x-account-id',
    ...extra,
  });

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'browser-agent', version: '1' } },
});

const post = (origin: string | null, auth = true, host?: string) =>
  send(
    'POST',
    {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'x-account-id': accountId,
      ...(origin ? { origin } : {}),
      ...(auth ? { authorization: basic(lh.apiKey) } : {}),
      ...(host ? { host } : {}),
    },
    initialize,
  );

const list = (v: string | string[] | undefined) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase());

describe('preflight', () => {
  test('an allowed origin: 204 naming it, the MCP methods and headers, and a max age', async () => {
    for (const origin of [AGENT, lh.url, 'http://linkhub.internal']) {
      const res = await preflight(origin, origin === 'http://linkhub.internal' ? { host: 'linkhub.internal' } : {});
      assert.equal(res.status, 204, `${origin}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body, null);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.ok(list(res.headers.vary).includes('origin'));
      assert.deepEqual(list(res.headers['access-control-allow-methods']).sort(), ['delete', 'get', 'options', 'post']);
      const allowed = list(res.headers['access-control-allow-headers']);
      for (const h of ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'x-account-id']) {
        assert.ok(allowed.includes(h), `${h} in ${allowed}`);
      }
      assert.ok(Number(res.headers['access-control-max-age']) > 0);
      assert.equal(res.headers['access-control-allow-credentials'], undefined, 'no cookies on /mcp');
    }
  });

  test("another origin keeps the guard's 403 and gets no CORS header", async () => {
    for (const origin of ['https://evil.example', 'https://agent.example.evil.example', 'null']) {
      const res = await preflight(origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.body.code, 'mcp_origin_refused');
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(res.headers['access-control-allow-methods'], undefined, origin);
    }
  });

  test('a rebound Host is refused as before, even from an allowed origin', async () => {
    const res = await preflight(AGENT, { host: 'evil.example' });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'mcp_host_refused');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('other paths are untouched: no preflight answer there', async () => {
    const res = await send('OPTIONS', { origin: AGENT, 'access-control-request-method': 'GET' }, undefined, '/accounts');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.notEqual(res.status, 204);
  });
});

describe('answers', () => {
  test('an allowed origin reads the answer, its errors too (401 with no key)', async () => {
    const ok = await post(AGENT);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.result.serverInfo.name, 'linkhub');
    assert.equal(ok.headers['access-control-allow-origin'], AGENT);
    const exposed = list(ok.headers['access-control-expose-headers']);
    assert.ok(exposed.includes('mcp-session-id') && exposed.includes('www-authenticate'), String(exposed));

    const noKey = await post(AGENT, false);
    assert.equal(noKey.status, 401);
    assert.equal(noKey.headers['access-control-allow-origin'], AGENT, 'the page can read why');
  });

  test('a disallowed origin: 403, no CORS header; no Origin (outside a browser): served, no CORS header', async () => {
    const evil = await post('https://evil.example');
    assert.equal(evil.status, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    const server = await post(null);
    assert.equal(server.status, 200);
    assert.equal(server.headers['access-control-allow-origin'], undefined);
  });
});
