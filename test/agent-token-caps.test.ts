// What a runaway integration or an anonymous flood can make Linkhub keep, bounded (docs/agents.md):
// live agent tokens per account (409 agent_token_limit from the API, the Dashboard and, as OAuth's
// invalid_grant, the token endpoint; a refresh replaces its token and is not refused), counted so
// that concurrent creates cannot pass the cap; a policy's size; the list of an account's tokens
// (every live one, and only the most recent ended ones); and OAuth clients registered but never used,
// capped for the cluster (429 oauth_clients_full in RFC 7591's shape) and forgotten after a day.
// The caps are lowered on the running services so that a few requests reach them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Dash, dashboardClient } from './helpers/dashboard-client.js';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount } from './helpers/linkhub.js';
import { ADMIN_PASSWORD, approveInBrowser, discover, form, pkce } from './helpers/oauth-client.js';
import type { StripeStandin } from './stripe-standin/index.js';

let lh: Linkhub;
let stripe: StripeStandin;
let dash: Dash;
const REDIRECT = 'http://127.0.0.1:9/callback';

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, async (f) => {
  ({ lh, stripe } = f);
  dash = await dashboardClient(lh, ADMIN_PASSWORD);
});

const newAccount = async (): Promise<string> => (await linkAccount(lh, stripe.keys.secretTest)).id;
const create = (acc: string, body: Record<string, unknown> = {}) => lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'bot', ...body });
const rowsOf = (r: unknown): any[] => (r as { rows?: any[] }).rows ?? (r as any[]);
const query = async (text: string) => rowsOf(await lh.services.store.db.execute(text));

/** Runs `body` with the agent token caps changed, then puts them back. */
async function withTokenLimits(limits: Partial<typeof lh.services.agentTokens.limits>, body: () => Promise<void>): Promise<void> {
  const current = lh.services.agentTokens.limits;
  const before = { ...current };
  Object.assign(current, limits);
  try {
    await body();
  } finally {
    Object.assign(current, before);
  }
}

function assertLimit(res: { status: number; body: any; text: string }, acc: string, limit: number) {
  assert.equal(res.status, 409, res.text.slice(0, 300));
  assert.equal(res.body.statusCode, 409);
  assert.equal(res.body.code, 'agent_token_limit');
  assert.equal(res.body.limit, limit);
  assert.match(res.body.message, new RegExp(`^Account ${acc} has ${limit} live agent tokens`));
  assert.ok(res.body.timestamp);
}

describe('live agent tokens per account', () => {
  test('the N+1th live token is refused (API and Dashboard); a revoked or expired one frees a place; other accounts are not affected', async () => {
    const acc = await newAccount();
    const other = await newAccount();
    await withTokenLimits({ liveTokensPerAccount: 3 }, async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await create(acc, { name: `bot ${i}`, ...(i === 0 ? { expires_in: 3600 } : {}) });
        assert.equal(res.status, 201, res.text);
        ids.push(res.body.id);
      }
      assertLimit(await create(acc), acc, 3);
      const viaDashboard = await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'from the dashboard' });
      assertLimit(viaDashboard, acc, 3);
      assert.equal((await create(other)).status, 201, 'the cap is per account');

      // revoked: a place is free, for one
      assert.equal((await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${ids[1]}`)).status, 200);
      const again = await dash('POST', `/accounts/${acc}/agent_tokens`, { name: 'from the dashboard' });
      assert.equal(again.status, 201, again.text);
      assertLimit(await create(acc), acc, 3);

      // expired: no longer live
      await query(`update agent_tokens set expires_at = now() - interval '1 second' where id = '${ids[0]}'`);
      assert.equal((await create(acc)).status, 201);
      assertLimit(await create(acc), acc, 3);
      const live = await query(
        `select count(*)::int as n from agent_tokens where account_id = '${acc}' and revoked_at is null and (expires_at is null or expires_at > now())`,
      );
      assert.equal(Number(live[0].n), 3);
    });
  });

  test('concurrent creates on one account stop exactly at the cap', async () => {
    const acc = await newAccount();
    await withTokenLimits({ liveTokensPerAccount: 5 }, async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(acc, { name: `racer ${i}` })));
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 201).length, 5, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 409).length, 15, statuses.join(','));
      const rows = await query(`select count(*)::int as n from agent_tokens where account_id = '${acc}'`);
      assert.equal(Number(rows[0].n), 5, 'only the tokens let through were stored');
    });
  });

  test('a policy is at most 32 KiB as JSON, for a token and for the account', async () => {
    const acc = await newAccount();
    const globs = (n: number, len: number) => Array.from({ length: n }, (_, i) => `stripe_${String(i).padStart(len - 7, 'x')}`);
    const big = { allow: globs(500, 200), deny: globs(500, 200) }; // ~200 KB: the schema alone takes it
    for (const res of [await create(acc, { policy: big }), await lh.api('PUT', `/accounts/${acc}/agent_policy`, { policy: big })]) {
      assert.equal(res.status, 400, res.text.slice(0, 300));
      assert.equal(res.body.code, 'invalid_input');
      assert.equal(res.body.field, 'policy');
      assert.match(res.body.message, /at most 32768/);
    }
    const fits = { allow: globs(150, 200) }; // ~30 KB
    assert.ok(JSON.stringify(fits).length < 32 * 1024);
    assert.equal((await create(acc, { policy: fits })).status, 201);
    assert.equal((await lh.api('PUT', `/accounts/${acc}/agent_policy`, { policy: fits })).status, 200);
  });

  test('the list is bounded: every live token, and only the most recent ended ones (revoked or expired) of the last 30 days', async () => {
    const acc = await newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create(acc, { name: `t${i}` })).body.id);
    for (const id of ids.slice(0, 4)) assert.equal((await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${id}`)).status, 200);
    for (const i of [1, 2, 3]) await query(`update agent_tokens set revoked_at = now() - interval '${4 - i} hours' where id = '${ids[i]}'`);
    await query(`update agent_tokens set expires_at = now() - interval '1 minute' where id = '${ids[4]}'`);
    // ended 31 days ago: never listed
    await query(`update agent_tokens set revoked_at = now() - interval '31 days' where id = '${ids[0]}'`);
    await withTokenLimits({ listEnded: 2 }, async () => {
      const list = await lh.api('GET', `/accounts/${acc}/agent_tokens`);
      assert.equal(list.status, 200, list.text);
      assert.ok(Array.isArray(list.body), 'still a JSON array');
      const listed = list.body.map((t: any) => t.id);
      // live: ids[5], ids[6]; ended, most recent first: ids[4] (expired a minute ago), ids[3] (revoked an hour ago)
      assert.deepEqual(new Set(listed), new Set([ids[6], ids[5], ids[4], ids[3]]));
      const created = list.body.map((t: any) => Date.parse(t.created_at));
      assert.deepEqual(
        created,
        [...created].sort((a, b) => b - a),
        'newest first',
      );
      const viaDashboard = await dash('GET', `/accounts/${acc}/agent_tokens`);
      assert.deepEqual(new Set(viaDashboard.body.map((t: any) => t.id)), new Set(listed));
    });
    const all = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.map((t: any) => t.id);
    assert.equal(all.length, 6, 'by default the 50 most recent ended ones; the one ended 31 days ago is not listed');
    assert.ok(!all.includes(ids[0]));
  });
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function authorizationUrl(server: any, clientId: string, challenge: string): string {
  const u = new URL(server.authorization_endpoint);
  const params = { response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's' };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

async function register(server: any): Promise<Response> {
  return post(server.registration_endpoint, { client_name: 'Cap test client', redirect_uris: [REDIRECT] });
}

async function registered(server: any): Promise<string> {
  const res = await register(server);
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.client_id;
}

/** Approves `clientId` on `acc` and redeems the code: the token endpoint's answer. */
async function authorize(server: any, clientId: string, acc: string): Promise<{ status: number; body: any }> {
  const { verifier, challenge } = pkce();
  const { location } = await approveInBrowser(authorizationUrl(server, clientId, challenge), { account: acc });
  const code = new URL(location).searchParams.get('code')!;
  const res = await fetch(
    server.token_endpoint,
    form({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: REDIRECT }),
  );
  return { status: res.status, body: await res.json() };
}

describe('OAuth and the caps', () => {
  test('a token endpoint at the cap answers invalid_grant; a refresh replaces its token and is not refused', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const acc = await newAccount();
    await withTokenLimits({ liveTokensPerAccount: 1 }, async () => {
      const byApi = await create(acc);
      assert.equal(byApi.status, 201);
      const clientId = await registered(server);
      const refused = await authorize(server, clientId, acc);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'invalid_grant');
      assert.match(refused.body.error_description, /live agent tokens.*authorize this client again/);

      assert.equal((await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${byApi.body.id}`)).status, 200);
      const issued = await authorize(server, clientId, acc);
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      assertLimit(await create(acc), acc, 1);
      // the access token is the account's one live token: its refresh replaces it
      const res = await fetch(server.token_endpoint, form({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, client_id: clientId }));
      const next = await res.json();
      assert.equal(res.status, 200, JSON.stringify(next));
      const live = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.filter((t: any) => !t.revoked_at);
      assert.equal(live.length, 1);
      assert.ok(next.access_token.endsWith(live[0].hint));
    });
  });

  test('registered clients never used are capped for the cluster (429 in RFC 7591’s shape), freed when one is used or expires after 24 h', async () => {
    const { server } = await discover(`${lh.url}/mcp`);
    const cap = lh.services.oauth.clientCap;
    const before = cap.limits.unusedClients;
    const unusedNow = async () =>
      Number(
        (
          await query(`select count(*)::int as n from oauth_clients c where not exists (select 1 from oauth_codes k where k.client_id = c.id)
            and not exists (select 1 from oauth_refresh_tokens r where r.client_id = c.id)`)
        )[0].n,
      );
    cap.limits.unusedClients = (await unusedNow()) + 3;
    try {
      const ids = [await registered(server), await registered(server), await registered(server)];
      const full = await register(server);
      const body = await full.json();
      assert.equal(full.status, 429, JSON.stringify(body));
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description, /registered OAuth clients not used yet/);
      assert.equal(body.code, 'oauth_clients_full', 'with Linkhub’s own fields');
      const retry = Number(full.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 600, `Retry-After ${retry}`);
      assert.equal(body.retry_after_ms > 0, true);
      assert.equal((await register(server)).status, 429, 'still full');

      // one obtains a code: it no longer counts
      const { challenge } = pkce();
      await approveInBrowser(authorizationUrl(server, ids[0], challenge), { account: await newAccount() });
      await registered(server);
      assert.equal((await register(server)).status, 429);

      // one registered 23 hours ago is kept; one registered 25 hours ago is forgotten, and its place freed
      await query(`update oauth_clients set created_at = now() - interval '23 hours' where id = '${ids[1]}'`);
      assert.equal((await register(server)).status, 429);
      await query(`update oauth_clients set created_at = now() - interval '25 hours' where id = '${ids[2]}'`);
      await registered(server);
      const left = new Set((await query('select id from oauth_clients')).map((r) => r.id));
      assert.ok(left.has(ids[0]) && left.has(ids[1]) && !left.has(ids[2]), [...left].join(','));
      assert.equal(await unusedNow(), cap.limits.unusedClients);
      assert.equal((await register(server)).status, 429);
    } finally {
      cap.limits.unusedClients = before;
      cap.used();
    }
  });
});
