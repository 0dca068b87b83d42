// OAuth for MCP clients (docs/agents.md#oauth), driven as a client and a person at the browser
// would: discovery from the 401 on /mcp, dynamic registration, the authorization page (sign in with
// the Dashboard password, pick the account and policy, approve), the token request with PKCE, then
// /mcp with the agent token received. Plus what must be refused on the way.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { ADMIN_PASSWORD, approveInBrowser, discover, form, hiddenFields, pkce } from './helpers/oauth-client.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
const open: Client[] = [];
const REDIRECT = 'http://127.0.0.1:9/callback';

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});
after(async () => {
  for (const c of open) await c.close().catch(() => {});
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function register(server: any, redirectUris = [REDIRECT]): Promise<string> {
  const res = await post(server.registration_endpoint, { client_name: 'Test MCP client', redirect_uris: redirectUris, token_endpoint_auth_method: 'none' });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.client_id;
}

function authorizationUrl(server: any, clientId: string, challenge: string, extra: Record<string, string> = {}): string {
  const u = new URL(server.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st-1',
    resource: `${lh.url}/mcp`,
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

const exchange = (server: any, fields: Record<string, string>) =>
  fetch(server.token_endpoint, { ...form({ grant_type: 'authorization_code', redirect_uri: REDIRECT, resource: `${lh.url}/mcp`, ...fields }) });

describe('OAuth for MCP clients', () => {
  test('discovery, registration, sign-in and approval, PKCE token, then /mcp with the agent token', async () => {
    const { resource, server } = await discover(`${lh.url}/mcp`);
    assert.equal(resource.resource, `${lh.url}/mcp`);
    const root = await (await fetch(`${lh.url}/.well-known/oauth-protected-resource`)).json();
    assert.equal(root.resource, lh.url, 'the root form names the URL it was fetched for (RFC 9728, 3.3)');
    assert.deepEqual(server.code_challenge_methods_supported, ['S256']);
    assert.equal(server.authorization_response_iss_parameter_supported, true, 'the answer carries iss (RFC 9207)');
    assert.equal(server.issuer, lh.url);
    const clientId = await register(server);
    const { verifier, challenge } = pkce();

    const { location, cookie } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, policy: 'read_only' });
    const back = new URL(location);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('state'), 'st-1');
    assert.equal(back.searchParams.get('iss'), lh.url);
    const code = back.searchParams.get('code')!;

    const res = await exchange(server, { code, code_verifier: verifier, client_id: clientId });
    const issued = await res.json();
    assert.equal(res.status, 200, JSON.stringify(issued));
    assert.equal(issued.token_type, 'Bearer');
    assert.match(issued.access_token, /^lhat_/);
    assert.ok(issued.expires_in > 0);
    assert.equal(res.headers.get('cache-control'), 'no-store');

    // a code is used once: a second redemption ends its grant (the next test)

    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`/mcp?tool-mode=all`, lh.url), {
        requestInit: { headers: { authorization: `Bearer ${issued.access_token}` } },
      }),
    );
    open.push(client);
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'stripe_list_customers'));
    const write = (await client.callTool({ name: 'stripe_create_customer', arguments: { body: { email: 'x@example.com' } } })) as CallToolResult;
    assert.equal(write.isError, true, 'the read-only preset');
    assert.equal((write.structuredContent as any).error.code, 'policy_denied');

    const listed = await lh.api('GET', `/accounts/${acc}/agent_tokens`);
    const mine = listed.body.find((t: any) => issued.access_token.endsWith(t.hint));
    assert.equal(mine.name, 'OAuth: Test MCP client');
    assert.deepEqual(mine.policy, { read_only: true });
    // issuing it is audited under the Dashboard user who approved it, with the token's id (never the token)
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=50`);
    const made = audit.body.data.filter((e: any) => e.action === 'agent_token.created' && e.outcome === mine.id);
    assert.equal(made.length, 1, audit.text);
    assert.equal(made[0].actor_type, 'dashboard');
    assert.ok(!audit.text.includes(issued.access_token));

    // the session cookie is kept: the next approval needs no sign-in; "the account's policy" gives the token none of its own
    const second = pkce();
    const next = await approveInBrowser(authorizationUrl(server, clientId, second.challenge), { account: acc, policy: 'account', cookie });
    const token2 = await (
      await exchange(server, { code: new URL(next.location).searchParams.get('code')!, code_verifier: second.verifier, client_id: clientId })
    ).json();
    const row = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((t: any) => token2.access_token.endsWith(t.hint));
    assert.equal(row.policy, null);
  });

  test('refresh tokens: rotated on use, the old pair dead; a copied one ends the grant; revoking the access token ends it too', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    assert.deepEqual(server.grant_types_supported, ['authorization_code', 'refresh_token']);
    const clientId = await register(server);
    const otherClient = await register(server);
    const grant = async () => {
      const { verifier, challenge } = pkce();
      const { location } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, policy: 'read_only' });
      return (await exchange(server, { code: new URL(location).searchParams.get('code')!, code_verifier: verifier, client_id: clientId })).json();
    };
    const refresh = (refresh_token: string, client_id = clientId) =>
      fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token, client_id }));
    const mcpStatus = async (token: string) =>
      (
        await fetch(`${lh.url}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
          }),
        })
      ).status;

    const first = await grant();
    assert.match(first.refresh_token, /^lhrt_/);
    assert.equal((await refresh(first.refresh_token, otherClient)).status, 400, 'another client cannot use it');
    const res = await refresh(first.refresh_token);
    const second = await res.json();
    assert.equal(res.status, 200, JSON.stringify(second));
    assert.match(second.access_token, /^lhat_/);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(await mcpStatus(second.access_token), 200);
    assert.equal(await mcpStatus(first.access_token), 401, 'the previous access token is revoked');
    const firstId = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((t: any) => first.access_token.endsWith(t.hint)).id;
    const audit = (await lh.api('GET', `/audit?account_id=${acc}&limit=200`)).body.data;
    const revoked = audit.filter((e: any) => e.outcome === firstId && e.action === 'agent_token.revoked');
    assert.deepEqual(
      revoked.map((e: any) => `${e.actor_type}:${e.actor_id}`),
      ['system:oauth'],
      'the rotation is audited as Linkhub’s',
    );
    const tokens = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body;
    assert.deepEqual(tokens.find((t: any) => second.access_token.endsWith(t.hint)).policy, { read_only: true }, 'the approved preset carries over');

    // the first refresh token again: it was copied, so the whole grant ends (the live access token too)
    const replay = await refresh(first.refresh_token);
    assert.deepEqual([replay.status, (await replay.json()).error], [400, 'invalid_grant']);
    assert.equal(await mcpStatus(second.access_token), 401);
    assert.equal((await refresh(second.refresh_token)).status, 400, 'the family is over');

    // revoked by a person: the client cannot refresh its way back
    const third = await grant();
    const id = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((t: any) => third.access_token.endsWith(t.hint)).id;
    assert.equal((await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${id}`)).status, 200);
    const after = await refresh(third.refresh_token);
    assert.deepEqual([after.status, (await after.json()).error], [400, 'invalid_grant']);
  });

  test('a loopback redirect URI may come back on another port (RFC 8252, 7.3); nothing else about it may change', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server, ['http://127.0.0.1:33418/oauth/callback', 'http://localhost:33419/cb']);
    const { verifier, challenge } = pkce();
    const moved = 'http://127.0.0.1:51234/oauth/callback';
    const { location } = await approveInBrowser(authorizationUrl(server, clientId, challenge, { redirect_uri: moved }), { account: acc });
    assert.equal(location.split('?')[0], moved, 'sent back to the port it asked from');
    const code = new URL(location).searchParams.get('code')!;
    const tokens = await exchange(server, { code, code_verifier: verifier, client_id: clientId, redirect_uri: moved });
    assert.equal(tokens.status, 200, await tokens.clone().text());
    for (const other of [
      'http://127.0.0.1:51234/other',
      'http://127.0.0.1:51234/oauth/callback?x=1',
      'http://localhost:51234/oauth/callback',
      'https://127.0.0.1:33418/oauth/callback',
      'http://localhost.evil.example:33419/cb',
    ]) {
      const res = await fetch(authorizationUrl(server, clientId, challenge, { redirect_uri: other }), { redirect: 'manual' });
      assert.equal(res.status, 400, other);
      assert.match(await res.text(), /not one this application registered/, other);
    }
    const local = await fetch(authorizationUrl(server, clientId, challenge, { redirect_uri: 'http://localhost:40000/cb' }), { redirect: 'manual' });
    assert.equal(local.status, 200, 'localhost on another port too');
  });

  test('a code redeemed twice ends the grant it gave; another server’s resource is refused before the code is spent', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server);
    const mcpStatus = async (token: string) =>
      (
        await fetch(`${lh.url}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        })
      ).status;
    const first = pkce();
    const { location } = await approveInBrowser(authorizationUrl(server, clientId, first.challenge, { resource: `${lh.url}/mcp/` }), { account: acc });
    const code = new URL(location).searchParams.get('code')!;
    const evil = await exchange(server, { code, code_verifier: first.verifier, client_id: clientId, resource: 'https://evil.example/api' });
    assert.deepEqual([evil.status, (await evil.json()).error], [400, 'invalid_target']);
    // the code is still good, and the resource may be named as the bare public URL
    const issued = await exchange(server, { code, code_verifier: first.verifier, client_id: clientId, resource: lh.url });
    const tokens = await issued.json();
    assert.equal(issued.status, 200, JSON.stringify(tokens));
    assert.equal(await mcpStatus(tokens.access_token), 200);
    const replay = await exchange(server, { code, code_verifier: first.verifier, client_id: clientId });
    assert.deepEqual([replay.status, (await replay.json()).error], [400, 'invalid_grant']);
    assert.equal(await mcpStatus(tokens.access_token), 401, 'the grant of a replayed code ends');
    const refreshed = await fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId }));
    assert.equal(refreshed.status, 400);
  });

  test('the consent page names the redirect host as the browser will go to it (punycode, not a look-alike)', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const lookalike = 'https://claude.\u0430\u0456/api/mcp/auth_callback';
    const clientId = await register(server, [lookalike]);
    const { challenge } = pkce();
    const url = authorizationUrl(server, clientId, challenge, { redirect_uri: lookalike });
    const { cookie } = await approveInBrowser(url, { account: acc, decision: 'deny' });
    const html = await (await fetch(url, { headers: { cookie } })).text();
    const shown = /sent back to <code>([^<]*)<\/code>/.exec(html)?.[1] ?? '';
    assert.match(shown, /^https:\/\/claude\.xn--/, shown);
    assert.ok(!shown.includes('\u0430'), 'the look-alike host is not shown as such');
  });

  test('whatever refuses a request on /oauth/*, the answer has OAuth’s error and error_description', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const big = await fetch(server.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'x'.repeat(2 * 1024 * 1024)}`,
    });
    const wrongType = await fetch(server.registration_endpoint, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const missing = await fetch(`${lh.url}/oauth/nothing-here`, { method: 'POST' });
    for (const [res, status] of [
      [big, 413],
      [wrongType, 415],
      [missing, 404],
    ] as const) {
      const body = await res.json();
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(body.error, 'invalid_request', JSON.stringify(body));
      assert.equal(typeof body.error_description, 'string');
    }
  });

  test('a refresh racing a revocation or a copy of its token: whatever the order, an ended grant leaves no live token', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server);
    const grant = async () => {
      const { verifier, challenge } = pkce();
      const { location } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, policy: 'read_only' });
      return (await exchange(server, { code: new URL(location).searchParams.get('code')!, code_verifier: verifier, client_id: clientId })).json();
    };
    const refresh = async (refresh_token: string) => {
      const res = await fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token, client_id: clientId }));
      return { status: res.status, body: await res.json() };
    };
    const live = async (access: string) =>
      (
        await fetch(`${lh.url}/mcp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        })
      ).status === 200;
    const idOf = async (access: string) => (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((t: any) => access.endsWith(t.hint)).id;
    for (let i = 0; i < 6; i++) {
      // a person revokes the access token while the client refreshes
      const g = await grant();
      const id = await idOf(g.access_token);
      const [r, del] = await Promise.all([refresh(g.refresh_token), lh.api('DELETE', `/accounts/${acc}/agent_tokens/${id}`)]);
      if (del.status === 200 && r.status === 200) {
        assert.equal(await live(r.body.access_token), false, `round ${i}: revoked, yet the refreshed access token works`);
        assert.equal((await refresh(r.body.refresh_token)).status, 400, `round ${i}: revoked, yet the grant refreshes`);
      }
      // the refresh token used several times at once (a copy): the whole family ends, the winner's pair too
      const h = await grant();
      const uses = await Promise.all(Array.from({ length: 5 }, () => refresh(h.refresh_token)));
      for (const u of uses.filter((x) => x.status === 200)) {
        assert.equal(await live(u.body.access_token), false, `round ${i}: a copied refresh token left a live access token`);
        assert.equal((await refresh(u.body.refresh_token)).status, 400);
      }
    }
  });

  test('refused: a wrong verifier, another client, deny, a bad redirect URI, no PKCE, a forged approval', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server);
    const otherClient = await register(server);
    const { verifier, challenge } = pkce();
    const { location, cookie } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc });
    const code = new URL(location).searchParams.get('code')!;
    const wrong = await exchange(server, { code, code_verifier: pkce().verifier, client_id: clientId });
    assert.deepEqual([wrong.status, (await wrong.json()).error], [400, 'invalid_grant']);
    const spent = await exchange(server, { code, code_verifier: verifier, client_id: clientId });
    assert.equal(spent.status, 400, 'a failed redemption spends the code');

    const c3 = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, cookie });
    const short = await exchange(server, { code: new URL(c3.location).searchParams.get('code')!, code_verifier: 'short', client_id: clientId });
    const shortBody = await short.json();
    assert.deepEqual([short.status, shortBody.error], [400, 'invalid_grant']);
    assert.match(shortBody.error_description, /43 to 128/, 'a verifier RFC 7636 does not allow is named as such');

    const c2 = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, cookie });
    const stolen = await exchange(server, { code: new URL(c2.location).searchParams.get('code')!, code_verifier: verifier, client_id: otherClient });
    assert.deepEqual([stolen.status, (await stolen.json()).error], [400, 'invalid_grant']);
    const unknown = await exchange(server, { code: 'x', code_verifier: verifier, client_id: 'oc_nope' });
    assert.deepEqual([unknown.status, (await unknown.json()).error], [401, 'invalid_client']);
    const implicit = await fetch(server.token_endpoint, form({ grant_type: 'password', username: 'x', password: 'y' }));
    assert.deepEqual([implicit.status, (await implicit.json()).error], [400, 'unsupported_grant_type']);
    const noClient = await fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token: 'x' }));
    assert.deepEqual([noClient.status, (await noClient.json()).error], [400, 'invalid_request']);
    // a parameter given twice (RFC 6749, section 3.1) is refused, not read as its first or last value
    const twice = await fetch(server.token_endpoint, {
      ...form({}),
      body: `grant_type=authorization_code&code=x&code=y&code_verifier=${verifier}&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    });
    const twiceBody = await twice.json();
    assert.deepEqual([twice.status, twiceBody.error], [400, 'invalid_request'], JSON.stringify(twiceBody));
    assert.match(twiceBody.error_description, /"code" is given more than once/);

    const denied = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc, cookie, decision: 'deny' });
    assert.equal(new URL(denied.location).searchParams.get('error'), 'access_denied');
    assert.equal(new URL(denied.location).searchParams.get('state'), 'st-1');

    const badRedirect = await fetch(authorizationUrl(server, clientId, challenge, { redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    assert.equal(badRedirect.status, 400, 'shown, never redirected to');
    // a malformed request is shown, not sent back: anyone may register a client, so an automatic
    // redirect to its URI would make Linkhub an open redirector
    const noPkce = await fetch(authorizationUrl(server, clientId, challenge, { code_challenge_method: 'plain' }), { redirect: 'manual' });
    assert.equal(noPkce.status, 400);
    assert.match(await noPkce.text(), /invalid_request/);
    // a parameter given twice, or a state too long to be kept: shown, never answered with one of the values or without the state
    const twiceQuery = new URL(authorizationUrl(server, clientId, challenge));
    twiceQuery.searchParams.append('client_id', clientId);
    const longState = authorizationUrl(server, clientId, challenge, { state: 's'.repeat(2001) });
    for (const u of [twiceQuery.toString(), longState]) {
      const res = await fetch(u, { headers: { cookie }, redirect: 'manual' });
      assert.equal(res.status, 400, u.slice(0, 120));
      assert.match(await res.text(), /more than once|longer than 2000/);
    }
    const evil = await register(server, ['https://evil.example/phish']);
    const bounced = await fetch(`${server.authorization_endpoint}?client_id=${evil}&response_type=x`, { redirect: 'manual' });
    assert.equal(bounced.status, 400, 'no redirect without a person on a page first');
    assert.equal(bounced.headers.get('location'), null);

    const page = await (await fetch(authorizationUrl(server, clientId, challenge), { headers: { cookie } })).text();
    const fields = { ...hiddenFields(page), account: acc, policy: 'read_only', decision: 'approve' };
    const forgedCsrf = await fetch(server.authorization_endpoint, {
      ...form({ ...fields, csrf: '0'.repeat(64) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    assert.equal(forgedCsrf.status, 403);
    const crossSite = await fetch(server.authorization_endpoint, {
      ...form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: 'https://evil.example' },
    });
    assert.equal(crossSite.status, 403);
    const twiceDecided = await fetch(server.authorization_endpoint, {
      ...form({}),
      body: `${new URLSearchParams(fields)}&decision=deny`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: new URL(lh.url).origin },
    });
    assert.equal(twiceDecided.status, 400, 'a field given twice is refused, never redirected with a code');
    const wrongPassword = await fetch(new URL('/dashboard/oauth/sign_in', lh.url), form({ ...hiddenFields(page), password: 'not the password' }));
    assert.equal(wrongPassword.status, 401);
    assert.equal(wrongPassword.headers.get('set-cookie'), null);

    for (const uris of [
      ['http://example.com/cb'],
      ['javascript:alert(1)'],
      [],
      ['https://x.example/cb#frag'],
      ['https://x.example/cb#'],
      ['https://x.example/c\r\nb'],
      ['https://x.example/c b'],
      ['https://claude.ai:443@evil.example/cb'], // goes to evil.example
      ['http://claude.ai@127.0.0.1:1/cb'],
      ['ftp://evil.example/cb'],
      ['wss://evil.example/cb'],
      ['view-source:https://evil.example/cb'],
      ['smb://evil.example/share'],
      ['microsoft-edge:https://evil.example/cb'],
      ['SSH://evil.example/cb'],
    ]) {
      const res = await post(server.registration_endpoint, { redirect_uris: uris });
      assert.deepEqual([res.status, (await res.json()).error], [400, 'invalid_redirect_uri'], JSON.stringify(uris));
    }
    for (const name of ['Claude\r\n (verified by Linkhub)', 'Safe\u202Eevil', 'a\u2028b']) {
      const res = await post(server.registration_endpoint, { client_name: name, redirect_uris: [REDIRECT] });
      assert.deepEqual([res.status, (await res.json()).error], [400, 'invalid_client_metadata'], JSON.stringify(name));
    }
  });

  test('more accounts than the page lists: it says so, and its search finds the one wanted (approved from there)', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server);
    const { challenge } = pkce();
    const url = new URL(authorizationUrl(server, clientId, challenge));
    const { cookie } = await approveInBrowser(url.toString(), { account: acc, decision: 'deny' });
    const page = async (search?: string) => {
      const u = new URL(url);
      if (search !== undefined) u.searchParams.set('account_search', search);
      const res = await fetch(u, { headers: { cookie } });
      const html = await res.text();
      assert.equal(res.status, 200, html);
      return { html, listed: [...html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]) };
    };
    // a few accounts: all listed, no search offered
    assert.doesNotMatch((await page()).html, /account_search/);
    // 200 more: the page lists 200 (newest first) and offers the search
    const made: string[] = [];
    for (let i = 0; i < 200; i += 20)
      made.push(
        ...(
          await Promise.all(
            Array.from({ length: 20 }, (_, j) => linkAccount(lh, stripe.keys.secretTest, { session: { origin_owner_name: `Tenant ${i + j}` } })),
          )
        ).map((a) => a.id),
      );
    const full = await page();
    assert.equal(full.listed.length, 200);
    assert.ok(!full.listed.includes(acc), 'the oldest account is past the first 200');
    assert.match(full.html, /Only the first 200 accounts are listed/);
    assert.match(full.html, /<form method="get" action="\/dashboard\/oauth\/authorize">/);
    // by id, the one not listed is found and approved from the page the search gave
    const found = await page(acc);
    assert.deepEqual(found.listed, [acc]);
    assert.doesNotMatch(found.html, /Only the first/);
    // by name; a search matching nothing says so (not "no linked account yet")
    const tenant = await page('Tenant 117');
    assert.deepEqual(tenant.listed, [made[117]]);
    // an account without an agent policy says that "the account's agent policy" sets no limits there
    assert.match(tenant.html, /\(no agent policy: no limits\)/);
    assert.match(tenant.html, /An account without one sets no limits/);
    // a name with a direction override or an invisible character is shown without them
    const mirrored = await linkAccount(lh, stripe.keys.restrictedTest, { session: { origin_owner_name: 'Mirror\u202Edlihc\u200B Co' } });
    const shown = await page(mirrored.id);
    assert.match(shown.html, /Mirrordlihc Co \(stripe, test\)/);
    assert.doesNotMatch(shown.html, /[\u202E\u200B]/);
    const none = await page('<nobody>');
    assert.deepEqual(none.listed, []);
    assert.match(none.html, /No account matches &#34;&#60;nobody&#62;&#34;/);
    const approved = await fetch(url, {
      ...form({ ...hiddenFields(found.html), account: acc, policy: 'read_only', decision: 'approve' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: url.origin },
    });
    assert.equal(approved.status, 303);
    assert.ok(new URL(approved.headers.get('location')!).searchParams.get('code'));
  });

  test('the secrets stay out of the logs', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const clientId = await register(server);
    const { verifier, challenge } = pkce();
    const { location } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc });
    const code = new URL(location).searchParams.get('code')!;
    const issued = await (await exchange(server, { code, code_verifier: verifier, client_id: clientId })).json();
    const next = await (
      await fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: clientId }))
    ).json();
    const logs = lh.logs.join('\n');
    for (const secret of [ADMIN_PASSWORD, code, verifier, issued.access_token, issued.refresh_token, next.access_token, next.refresh_token]) {
      assert.ok(secret && !logs.includes(secret), 'a secret in the logs');
    }
  });

  // last: it uses up this address's registrations
  test('open registration cannot fill the store: clients never used are forgotten after a week, and one address may register 100 per 10 minutes', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const stale = await register(server);
    const used = await register(server);
    const { challenge } = pkce();
    await approveInBrowser(authorizationUrl(server, used, challenge), { account: acc }); // a code was issued to it
    await lh.services.store.db.execute(`update oauth_clients set created_at = now() - interval '8 days' where id in ('${stale}', '${used}')`);
    await register(server);
    const ids = (await lh.services.store.db.execute('select id from oauth_clients')) as unknown as { rows?: { id: string }[] } & { id: string }[];
    const left = new Set((ids.rows ?? ids).map((r) => r.id));
    assert.equal(left.has(stale), false, 'never used: forgotten');
    assert.equal(left.has(used), true, 'with a code: kept');

    let refused: Response | null = null;
    for (let i = 0; i < 101 && !refused; i++) {
      const res = await post(server.registration_endpoint, { client_name: 'flood', redirect_uris: [REDIRECT] });
      if (res.status !== 201) refused = res;
    }
    assert.ok(refused, 'a limit was reached');
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    const refusedBody = await refused.json();
    assert.equal(refusedBody.error, 'invalid_request');
    assert.equal(refusedBody.code, 'too_many_registrations', 'with Linkhub’s own fields');
  });
});
