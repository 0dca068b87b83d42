// OAuth clients named by the URL of their metadata document (docs/agents.md#oauth; the client ID
// metadata document the MCP authorization specification prefers to registration): the MCP SDK's own
// client, given a metadata URL, goes through discovery, the authorization page and the token request
// without registering, then lists tools with the agent token it got. A document Linkhub cannot use is
// refused on the page with its reason, and by default no document is fetched from an address that is
// not public (server-side request forgery), nor at all when the operator switches them off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { loadConfig } from '../src/config.js';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { ADMIN_PASSWORD, approveInBrowser, discover, form } from './helpers/oauth-client.js';
import { type ChildStore, childStore, killAllLinkhubProcesses, type LinkhubProcess, linkAccount, startLinkhubProcess } from './helpers/process.js';
import type { StripeStandin } from './stripe-standin/index.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const API_KEY = 'lh_client_documents_test_key_0123456789';

let lh: Linkhub;
let stripe: StripeStandin;
useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, (f) => {
  ({ lh, stripe } = f);
});

/** The authorization page's answer to a request from `clientId` (no sign-in needed to be refused). */
async function authorizationPage(base: string, clientId: string, cookie?: string): Promise<{ status: number; html: string }> {
  const u = new URL('/dashboard/oauth/authorize', base);
  const q = { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256', state: 's' };
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  const res = await fetch(u, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

describe('by default, a document is fetched only from a public address', () => {
  let listener: ReturnType<typeof createTcpServer>;
  let port = 0;
  let connections = 0;
  before(async () => {
    listener = createTcpServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    port = (listener.address() as AddressInfo).port;
  });
  after(() => listener.close());

  test('the server says it takes client documents', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    assert.equal(server.client_id_metadata_document_supported, true);
  });

  test('an address written in the URL, or a name that resolves to loopback, is refused before any connection', async () => {
    for (const [id, address] of [
      [`https://127.0.0.1:${port}/client.json`, '127.0.0.1'],
      [`https://localhost:${port}/client.json`, ''],
      [`https://[::ffff:7f00:1]:${port}/client.json`, ''],
      [`https://[::7f00:1]:${port}/client.json`, ''], // IPv4-compatible, "unicast" to ipaddr.js
    ]) {
      const page = await authorizationPage(lh.url, id);
      assert.equal(page.status, 400, page.html);
      assert.match(page.html, /(is at|resolves to) an address that is not public/, id);
      if (address) assert.ok(page.html.includes(address), id);
    }
    assert.equal(connections, 0, 'nothing connected to the listener');
  });

  test('a client_id URL without a path, with a fragment, dot segments or a user is refused as such', async () => {
    for (const [id, why] of [
      ['https://client.example/', /must have a path/],
      ['https://client.example/a#b', /must not have a fragment/],
      // written otherwise than the URL fetched: dot segments (also escaped, or with backslashes), the default port, capitals
      ['https://client.example/a/../b', /must be written as the URL it is \(https:\/\/client\.example\/b\)/],
      ['https://client.example/zz\\..\\claim/b', /must be written as the URL it is \(https:\/\/client\.example\/claim\/b\)/],
      ['https://client.example/zz/.%2e/claim', /must be written as the URL it is/],
      ['https://client.example:443/c.json', /must be written as the URL it is/],
      ['https://Client.example/c.json', /must be written as the URL it is/],
      ['https://u:p@client.example/a', /must not hold a user/],
    ] as const) {
      const page = await authorizationPage(lh.url, id);
      assert.equal(page.status, 400, id);
      assert.match(page.html, why, id);
    }
  });

  test('the token endpoint refuses such a client_id as invalid_client', async () => {
    const res = await fetch(
      `${lh.url}/oauth/token`,
      form({ grant_type: 'authorization_code', code: 'x', code_verifier: 'v'.repeat(43), client_id: `https://127.0.0.1:${port}/c` }),
    );
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_client');
  });

  test('LINKHUB_OAUTH_CLIENT_DOCUMENTS=off: not offered, and a URL client_id is an unknown client', async () => {
    const off = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_OAUTH_CLIENT_DOCUMENTS: 'off' } });
    try {
      const { server } = await discover(`${off.url}/mcp`);
      assert.equal(server.client_id_metadata_document_supported, false);
      const page = await authorizationPage(off.url, 'https://client.example/client.json');
      assert.equal(page.status, 400);
      assert.match(page.html, /not registered with Linkhub/);
    } finally {
      await off.close();
    }
  });
});

test('LINKHUB_OAUTH_CLIENT_DOCUMENTS takes public, off or host names, and refuses anything else naming itself', () => {
  const config = (v: string) => loadConfig({ LINKHUB_DATA_DIR: '/tmp/unused', LINKHUB_OAUTH_CLIENT_DOCUMENTS: v }).clientDocuments;
  assert.equal(config(''), 'public');
  assert.equal(config('Public'), 'public');
  assert.equal(config('off'), 'off');
  assert.deepEqual(config('claude.ai, VSCode.dev'), ['claude.ai', 'vscode.dev']);
  for (const bad of ['https://claude.ai', 'claude.ai/x', '*.example.com', 'a..b', 'claude.ai,off']) {
    assert.throws(() => config(bad), /LINKHUB_OAUTH_CLIENT_DOCUMENTS must be/, bad);
  }
});

/** An MCP client of the SDK that names itself by its metadata document; the test is the person at the browser. */
class DocumentClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';
  constructor(readonly clientMetadataUrl: string) {}
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'Doc client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe("a client named by its document's URL, with the MCP SDK's client", () => {
  let docs: HttpsServer;
  let docBase = '';
  let store: ChildStore;
  let proc: LinkhubProcess;
  let account = '';
  const fetched: string[] = [];
  /** The documents served, by path. */
  const served: Record<string, (base: string) => { status: number; body: unknown; headers?: Record<string, string> }> = {
    '/good.json': (b) => ({
      status: 200,
      body: { client_id: `${b}/good.json`, client_name: 'Doc client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' },
    }),
    '/other-id.json': (b) => ({ status: 200, body: { client_id: `${b}/good.json`, client_name: 'Doc client', redirect_uris: [REDIRECT] } }),
    '/moved.json': (b) => ({ status: 302, body: '', headers: { location: `${b}/good.json` } }),
    '/secret.json': (b) => ({
      status: 200,
      body: { client_id: `${b}/secret.json`, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' },
    }),
    '/big.json': (b) => ({ status: 200, body: { client_id: `${b}/big.json`, redirect_uris: [REDIRECT], padding: 'x'.repeat(20_000) } }),
    '/invisible.json': (b) => ({ status: 200, body: { client_id: `${b}/invisible.json`, client_name: 'Cl\u200baude', redirect_uris: [REDIRECT] } }),
  };

  before(async () => {
    // a certificate for 127.0.0.1 that the Linkhub process trusts (NODE_EXTRA_CA_CERTS), as it would a public CA's
    const dir = mkdtempSync(join(tmpdir(), 'linkhub-cimd-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    docs = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      fetched.push(req.url ?? '');
      const doc = served[req.url ?? '']?.(docBase);
      if (req.url === '/slow.json') {
        // the document one byte a second: each byte comes before any per-byte timeout, the whole far after 5 s
        const text = JSON.stringify({ client_id: `${docBase}/slow.json`, redirect_uris: [REDIRECT] });
        res.writeHead(200, { 'content-type': 'application/json' });
        let i = 0;
        const drip = setInterval(() => {
          if (i < text.length && !res.destroyed) return void res.write(text[i++]);
          clearInterval(drip);
          res.end();
        }, 1000);
        res.on('close', () => clearInterval(drip));
        return;
      }
      if (!doc) return res.writeHead(404).end();
      res.writeHead(doc.status, { 'content-type': 'application/json', ...doc.headers }).end(typeof doc.body === 'string' ? doc.body : JSON.stringify(doc.body));
    });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    docBase = `https://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    store = await childStore();
    proc = await startLinkhubProcess({
      ...store.env,
      LINKHUB_STRIPE_API_BASE: stripe.url,
      LINKHUB_API_KEY: API_KEY,
      LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // the operator names the host documents come from: here a loopback one, which `public` would refuse
      LINKHUB_OAUTH_CLIENT_DOCUMENTS: '127.0.0.1',
      NODE_EXTRA_CA_CERTS: cert,
    });
    account = (await linkAccount(proc.url, API_KEY, stripe.keys.secretTest)).id;
  });
  after(async () => {
    await killAllLinkhubProcesses();
    await store?.drop().catch(() => {});
    docs?.close();
  });

  test('discovery, the authorization page, the token, then tools/list: no registration', async () => {
    const provider = new DocumentClient(`${docBase}/good.json`);
    const first = new Client({ name: 'doc-client', version: '1' });
    await assert.rejects(first.connect(new StreamableHTTPClientTransport(new URL(`${proc.url}/mcp`), { authProvider: provider })), /Unauthorized/);
    const authUrl = provider.authorizationUrl;
    assert.ok(authUrl, 'the client was sent to the authorization page');
    assert.equal(authUrl.searchParams.get('client_id'), `${docBase}/good.json`, 'the client named itself by its document');
    const { location, cookie } = await approveInBrowser(authUrl.toString(), { account, policy: 'read_only' });
    // the page named the client by its own word and by the host its document came from
    const page = await authorizationPage(proc.url, `${docBase}/good.json`, cookie);
    const where = new URL(docBase).host;
    assert.ok(page.html.includes(`Doc client (${where})`), page.html);
    assert.ok(page.html.includes(`describes itself in the document at <code>${docBase}/good.json</code>`), page.html);
    const code = new URL(location).searchParams.get('code');
    assert.ok(code, location);
    const transport = new StreamableHTTPClientTransport(new URL(`${proc.url}/mcp`), { authProvider: provider });
    await transport.finishAuth(code);
    assert.match(provider.tokens()?.access_token ?? '', /^lhat_/);
    const client = new Client({ name: 'doc-client', version: '1' });
    await client.connect(transport);
    const tools = await client.listTools();
    assert.ok(tools.tools.length > 0);
    await client.close();
    assert.ok(fetched.includes('/good.json'), 'Linkhub read the document');
    assert.doesNotMatch(proc.stdout() + proc.stderr(), /oauth\/register/);
  });

  test('a document Linkhub cannot use is refused on the page, saying why, and Linkhub serves on', async () => {
    const before = fetched.length;
    for (const [path, why] of [
      ['/other-id.json', /whose client_id is not this URL/],
      ['/moved.json', /answered 302 instead of its metadata document/],
      ['/secret.json', /public clients \(none\) only/],
      ['/big.json', /larger than 16384 bytes/],
      ['/missing.json', /answered 404/],
      ['/invisible.json', /no control, invisible or direction-override characters/],
    ] as const) {
      const page = await authorizationPage(proc.url, `${docBase}${path}`).catch((e) =>
        assert.fail(`${path}: ${e}\n${proc.stderr()}\n${proc.stdout().slice(-3000)}`),
      );
      assert.equal(page.status, 400, path);
      assert.match(page.html, why, path);
    }
    assert.ok(fetched.slice(before).includes('/moved.json'));
    // one deadline for the whole document, not one per byte
    const started = Date.now();
    const slow = await authorizationPage(proc.url, `${docBase}/slow.json`);
    assert.equal(slow.status, 400);
    assert.match(slow.html, /no whole answer within 5 s/);
    assert.ok(Date.now() - started < 30_000, 'refused long before the document could end');
    assert.ok(!fetched.slice(before).includes('/good.json'), 'the redirect was not followed');
    assert.equal((await fetch(`${proc.url}/healthz`)).status, 200, proc.stderr());
    const other = await authorizationPage(proc.url, 'https://client.example/client.json');
    assert.match(other.html, /is on client\.example, not one of the hosts client documents are taken from/);
  });
});
