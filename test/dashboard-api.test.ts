// The dashboard's HTTP API: admin sign-in (wrong/right password, rate limit, cookie flags,
// sign-out), the cookie requirement and CSRF guard on every route, the account list (filters,
// search, keyset paging), test connection, re-link, delete, API keys, webhooks, and the request log
// and audit trail (filters, paging, detail, bad input, no key in any answer).
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { adminCredentials, adminSessions } from '../src/store/schema.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, connectSession, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { MAIN_ACCOUNT_ID, type StripeStandin } from './stripe-standin/index.js';

const PASSWORD = 'dashboard-test-password-1';

let stripe: StripeStandin;
let lh: Linkhub;
let cookie: string;

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

async function dash(
  method: string,
  path: string,
  body?: unknown,
  o: { cookie?: string | null; csrf?: boolean; headers?: Record<string, string>; base?: Linkhub } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...o.headers };
  const c = o.cookie === undefined ? cookie : o.cookie;
  if (c) headers.cookie = `linkhub_dashboard=${c}`;
  if (o.csrf !== false) headers['x-linkhub-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch((o.base ?? lh).url + '/dashboard/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

function assertErrorShape(res: Res, status: number) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.statusCode, status);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
  assert.ok(!Number.isNaN(Date.parse(res.body.timestamp)), 'timestamp is a date');
}

async function signIn(password = PASSWORD, base = lh): Promise<{ res: Res; cookie: string | null }> {
  const res = await dash('POST', '/session', { password }, { cookie: null, base });
  const set = res.headers.get('set-cookie');
  const m = set ? /linkhub_dashboard=([^;]*)/.exec(set) : null;
  return { res, cookie: m ? m[1] : null };
}

/** Links an account through the Hub API, as an end user would. */
async function link(owner: { id: string; name: string; username?: string }, key: string, integration = 'stripe-test'): Promise<any> {
  const { token } = await connectSession(lh, {
    origin_owner_id: owner.id,
    origin_owner_name: owner.name,
    ...(owner.username ? { origin_username: owner.username } : {}),
  });
  const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: integration, credentials: { api_key: key } });
  assert.ok(res.status === 200 || res.status === 201, `link failed: ${res.status} ${res.text}`);
  return res.body;
}

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: PASSWORD } }, (f) => {
  ({ lh, stripe } = f);
});

describe('sign-in', () => {
  test('a wrong password is refused with 401 in the error shape and sets no cookie', async () => {
    const { res, cookie: c } = await signIn('not-the-password');
    assertErrorShape(res, 401);
    assert.equal(c, null);
    assert.equal(res.headers.get('set-cookie'), null);
  });

  test('the right password sets an HttpOnly, SameSite=Strict session cookie scoped to /dashboard', async () => {
    const { res, cookie: c } = await signIn();
    assert.equal(res.status, 200);
    assert.equal(res.body.signed_in, true);
    assert.ok(Date.parse(res.body.expires_at) > Date.now());
    assert.ok(c && c.length >= 40, 'a random session value');
    const set = res.headers.get('set-cookie')!;
    assert.match(set, /;\s*HttpOnly/i);
    assert.match(set, /;\s*SameSite=Strict/i);
    assert.match(set, /;\s*Path=\/dashboard/i);
    assert.match(set, /;\s*Max-Age=\d+/i);
    assert.doesNotMatch(set, /;\s*Secure/i, 'plain http: no Secure flag');
    cookie = c!;
    const me = await dash('GET', '/session');
    assert.equal(me.status, 200);
    assert.equal(me.body.project.id, 'default');
    assert.deepEqual(me.body.webhook_events, ['account.created', 'account.updated', 'account.deleted', 'approval.requested', 'approval.resolved']);
  });

  test('over https (public URL) the cookie is Secure too', async () => {
    const was = lh.services.config.publicUrl;
    lh.services.config.publicUrl = 'https://linkhub.example.com';
    try {
      const { res, cookie: c } = await signIn();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('set-cookie')!, /;\s*Secure/i);
      await dash('DELETE', '/session', undefined, { cookie: c });
    } finally {
      lh.services.config.publicUrl = was;
    }
  });

  test('a public URL written with capitals and its default port is taken as browsers spell it: the cookie is still Secure', async () => {
    const config = loadConfig({ LINKHUB_PUBLIC_URL: 'HTTPS://Linkhub.Example.COM:443', LINKHUB_DATA_DIR: '/tmp/unused' });
    assert.equal(config.publicUrl, 'https://linkhub.example.com');
    const was = lh.services.config.publicUrl;
    lh.services.config.publicUrl = config.publicUrl;
    try {
      const { res, cookie: c } = await signIn();
      assert.match(res.headers.get('set-cookie')!, /;\s*Secure/i);
      await dash('DELETE', '/session', undefined, { cookie: c });
      const meta = await lh.api('GET', '/.well-known/oauth-authorization-server', undefined, { auth: false });
      assert.equal(meta.body.issuer, 'https://linkhub.example.com');
    } finally {
      lh.services.config.publicUrl = was;
    }
  });

  test('only a hash of the password and of the session value is stored', async () => {
    const rows = await lh.services.store.db.select().from(adminCredentials);
    assert.equal(rows.length, 1);
    assert.match(rows[0].passwordHash, /^scrypt\$\d+\$\d+\$\d+\$/);
    assert.ok(!rows[0].passwordHash.includes(PASSWORD));
    const sessions = await lh.services.store.db.select().from(adminSessions);
    assert.ok(sessions.length >= 1);
    assert.ok(sessions.every((r) => r.idHash !== cookie && /^[0-9a-f]{64}$/.test(r.idHash)));
  });

  test('sign-out ends the session: the old cookie then gets 401', async () => {
    const { cookie: c } = await signIn();
    assert.equal((await dash('GET', '/session', undefined, { cookie: c })).status, 200);
    const out = await dash('DELETE', '/session', undefined, { cookie: c });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie')!, /linkhub_dashboard=;.*Max-Age=0/i);
    assertErrorShape(await dash('GET', '/session', undefined, { cookie: c }), 401);
    assertErrorShape(await dash('GET', '/accounts', undefined, { cookie: c }), 401);
  });

  test('five wrong passwords from one address: 429 (with Retry-After), even for the right password', async () => {
    // Its own Linkhub: the limit is per client address, and every test here comes from 127.0.0.1.
    const other = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ADMIN_PASSWORD: PASSWORD } });
    try {
      for (let i = 0; i < 5; i++) assertErrorShape((await signIn('wrong-' + i, other)).res, 401);
      const limited = await signIn('wrong-again', other);
      assertErrorShape(limited.res, 429);
      assert.match(limited.res.body.message, /Too many failed sign-ins/);
      const retryAfter = Number(limited.res.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 300, `retry-after ${retryAfter}`);
      const right = await signIn(PASSWORD, other);
      assertErrorShape(right.res, 429);
      assert.equal(right.cookie, null);
    } finally {
      await other.close();
    }
  });

  test('behind a proxy named by LINKHUB_TRUST_PROXY the limit counts the address it forwards (an IPv6 one by its /64); from anyone else X-Forwarded-For is ignored', async () => {
    const xff = (ip: string) => ({ 'x-forwarded-for': ip });
    const wrongFrom = (base: Linkhub, ip: string) => dash('POST', '/session', { password: 'wrong' }, { cookie: null, base, headers: xff(ip) });
    // the tests' requests come from 127.0.0.1: here that is the trusted proxy in front of Linkhub
    const behind = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ADMIN_PASSWORD: PASSWORD, LINKHUB_TRUST_PROXY: 'loopback' } });
    try {
      for (let i = 0; i < 5; i++) assertErrorShape(await wrongFrom(behind, '203.0.113.7'), 401);
      assertErrorShape(await wrongFrom(behind, '203.0.113.7'), 429);
      assertErrorShape(await wrongFrom(behind, '198.51.100.9'), 401); // another client: not locked out by the first
      const other = await dash('POST', '/session', { password: PASSWORD }, { cookie: null, base: behind, headers: xff('198.51.100.10') });
      assert.equal(other.status, 200, 'the right password from a third client signs in');
      // an IPv6 client may use any address of its /64: the /64 is counted as one client
      for (let i = 1; i <= 5; i++) assertErrorShape(await wrongFrom(behind, `2001:db8:1:2::${i}`), 401);
      assertErrorShape(await wrongFrom(behind, '2001:db8:1:2:ffff:ffff:ffff:99'), 429);
      assertErrorShape(await wrongFrom(behind, '2001:db8:1:3::1'), 401); // the next /64 is another client
    } finally {
      await behind.close();
    }
    // by default the connection's address counts: a client naming other addresses is still one client
    const direct = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ADMIN_PASSWORD: PASSWORD } });
    try {
      for (let i = 0; i < 5; i++) assertErrorShape(await wrongFrom(direct, `203.0.113.${i}`), 401);
      assertErrorShape(await wrongFrom(direct, '198.51.100.9'), 429);
    } finally {
      await direct.close();
    }
    const config = (v: string) => loadConfig({ LINKHUB_DATA_DIR: '/tmp/unused', LINKHUB_TRUST_PROXY: v }).trustProxy;
    assert.deepEqual(config('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,Loopback'), ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    assert.equal(config(''), false);
    for (const bad of ['true', '1', '10.0.0.0/33', 'lb.internal', '10.0.0.1/8/2', '0.0.0.0/0', '::/0'])
      assert.throws(() => config(bad), /LINKHUB_TRUST_PROXY must be/, bad);
  });

  test('without LINKHUB_ADMIN_PASSWORD a password is generated once; a configured one replaces it', async () => {
    const gen = await startLinkhub({ stripeApiBase: stripe.url });
    try {
      const pw = gen.services.createdAdminPassword;
      assert.ok(pw && pw.length >= 20, 'generated and handed to main() to print once');
      assert.equal(await gen.services.adminAuth.ensurePassword(null), null, 'not generated again');
      assert.equal((await signIn(pw!, gen)).res.status, 200);
      await gen.services.adminAuth.ensurePassword('a-new-configured-password');
      assertErrorShape((await signIn(pw!, gen)).res, 401);
      assert.equal((await signIn('a-new-configured-password', gen)).res.status, 200);
    } finally {
      await gen.close();
    }
  });
});

describe('guards', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/session'],
    ['DELETE', '/session'],
    ['GET', '/accounts'],
    ['GET', '/accounts/acc_x'],
    ['POST', '/accounts/acc_x/test'],
    ['DELETE', '/accounts/acc_x'],
    ['POST', '/accounts/acc_x/relink', {}],
    ['POST', '/connect_sessions', { origin_owner_id: 'o', origin_owner_name: 'O' }],
    ['GET', '/api_keys'],
    ['POST', '/api_keys', { name: 'x' }],
    ['DELETE', '/api_keys/key_x'],
    ['GET', '/webhooks'],
    ['POST', '/webhooks', { url: 'https://example.com/hook' }],
    ['DELETE', '/webhooks/whe_x'],
    ['GET', '/webhooks/deliveries'],
    ['POST', '/webhooks/deliveries/1/retry'],
    ['GET', '/logs'],
    ['GET', '/logs/1'],
    ['GET', '/audit'],
    ['GET', '/no-such-route'],
  ];

  test('every dashboard API route refuses without the session cookie (401, error shape)', async () => {
    for (const [method, path, body] of routes) {
      assertErrorShape(await dash(method, path, body, { cookie: null }), 401);
      assertErrorShape(await dash(method, path, body, { cookie: 'forged-value' }), 401);
      // An API key is not a dashboard session.
      assertErrorShape(await dash(method, path, body, { cookie: null, headers: { authorization: basic(lh.apiKey) } }), 401);
      // A malformed body does not get past the cookie check either.
      if (method !== 'GET') assertErrorShape(await dash(method, path, { nonsense: true }, { cookie: null }), 401);
    }
  });

  test('state-changing calls need the x-linkhub-csrf header and a same-origin Origin', async () => {
    assertErrorShape(await dash('POST', '/api_keys', { name: 'csrf' }, { csrf: false }), 403);
    assertErrorShape(await dash('POST', '/session', { password: PASSWORD }, { cookie: null, csrf: false }), 403);
    assertErrorShape(await dash('POST', '/api_keys', { name: 'csrf' }, { headers: { origin: 'https://evil.example' } }), 403);
    assertErrorShape(await dash('POST', '/api_keys', { name: 'csrf' }, { headers: { origin: 'null' } }), 403);
    assertErrorShape(await dash('POST', '/api_keys', { name: 'csrf' }, { headers: { 'sec-fetch-site': 'cross-site' } }), 403);
    const sameOrigin = await dash('POST', '/api_keys', { name: 'csrf ok' }, { headers: { origin: lh.url, 'sec-fetch-site': 'same-origin' } });
    assert.equal(sameOrigin.status, 201);
    await dash('DELETE', `/api_keys/${sameOrigin.body.id}`);
    // Reads need no header.
    assert.equal((await dash('GET', '/accounts', undefined, { csrf: false })).status, 200);
  });

  test('unknown API paths are a JSON 404; validation errors are 400 in the error shape', async () => {
    assertErrorShape(await dash('GET', '/nope'), 404);
    const bad = await dash('GET', '/accounts?limit=0');
    assertErrorShape(bad, 400);
    assertErrorShape(await dash('GET', '/accounts?cursor=not-a-cursor'), 400);
    assertErrorShape(await dash('POST', '/connect_sessions', { origin_owner_name: 'No id' }), 400);
  });

  test('the page is served at /dashboard (and client routes) with a strict CSP; only the JSON API is in the OpenAPI document', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/keys']) {
      const res = await fetch(lh.url + path);
      assert.ok(res.status === 200 || res.status === 503, `${path}: ${res.status}`);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
      assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
      await res.text();
    }
    // The JSON API is documented (tag Dashboard, cookie auth); the pages and assets are not.
    const doc = (await lh.api('GET', '/openapi.json')).body;
    const dashboardPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/dashboard'));
    assert.ok(dashboardPaths.length > 0);
    for (const p of dashboardPaths) {
      assert.ok(p.startsWith('/dashboard/api/') && !p.includes('*'), p);
      for (const op of Object.values<any>(doc.paths[p])) {
        assert.deepEqual(op.tags, ['Dashboard'], p);
        assert.ok(op.security.length === 0 || op.security[0].dashboardSession, `${p}: cookie auth (or none, to sign in)`);
      }
    }
  });
});

describe('accounts', () => {
  const linked: Record<string, any> = {};
  let badKey: string;

  before(async () => {
    badKey = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
    linked.a = await link({ id: 'org-alpha', name: 'Alpha GmbH', username: 'ada@alpha.example' }, stripe.keys.secretTest);
    linked.b = await link({ id: 'org-beta', name: 'Beta Ltd' }, stripe.keys.restrictedTest);
    linked.c = await link({ id: 'org-gamma', name: 'Gamma Inc' }, stripe.keys.secretLive, 'stripe-production');
    linked.d = await link({ id: 'org-delta', name: 'Delta SA' }, badKey);
    linked.e = await link({ id: 'org-alpha', name: 'Alpha GmbH (EU)' }, stripe.keys.otherAccountSecretTest);
    // Delta's key stops working at Stripe; a test marks the account as error.
    stripe.world.setKeyStatus(badKey, 'expired');
    const t = await dash('POST', `/accounts/${linked.d.id}/test`);
    assert.equal(t.status, 200);
  });

  test('list: newest first, with owner, provider, environment, key type and hint, status, Stripe account, times', async () => {
    const res = await dash('GET', '/accounts');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.data.map((a: any) => a.id),
      [linked.e.id, linked.d.id, linked.c.id, linked.b.id, linked.a.id],
    );
    assert.equal(res.body.next_cursor, null);
    const a = res.body.data.find((x: any) => x.id === linked.a.id);
    assert.equal(a.origin_owner_id, 'org-alpha');
    assert.equal(a.origin_owner_name, 'Alpha GmbH');
    assert.equal(a.origin_username, 'ada@alpha.example');
    assert.equal(a.provider, 'stripe');
    assert.equal(a.provider_name, 'Stripe');
    assert.equal(a.environment, 'test');
    assert.equal(a.key_type, 'secret');
    assert.equal(a.key_hint, stripe.keys.secretTest.slice(-4));
    assert.equal(a.status, 'active');
    assert.equal(a.external_account_id, MAIN_ACCOUNT_ID);
    assert.equal(a.external_account_name, stripe.accounts.main.name);
    assert.ok(a.last_verified_at && a.created_at);
    assert.ok(!JSON.stringify(res.body).includes(stripe.keys.secretTest), 'no key in the list');
    const b = res.body.data.find((x: any) => x.id === linked.b.id);
    assert.equal(b.key_type, 'restricted');
    const c = res.body.data.find((x: any) => x.id === linked.c.id);
    assert.equal(c.environment, 'production');
    const d = res.body.data.find((x: any) => x.id === linked.d.id);
    assert.equal(d.status, 'error');
    assert.equal(d.status_reasons[0].code, 'expired_key');
  });

  test('filters: owner, environment, status; search over owner, username and Stripe account', async () => {
    const ids = async (q: string) => (await dash('GET', '/accounts?' + q)).body.data.map((a: any) => a.id);
    assert.deepEqual(await ids('owner=org-alpha'), [linked.e.id, linked.a.id]);
    assert.deepEqual(await ids('environment=production'), [linked.c.id]);
    assert.deepEqual(await ids('status=error'), [linked.d.id]);
    assert.deepEqual(await ids('environment=test&status=active'), [linked.e.id, linked.b.id, linked.a.id]);
    assert.deepEqual(await ids('search=beta'), [linked.b.id]);
    assert.deepEqual(await ids('search=ada%40alpha'), [linked.a.id]);
    assert.deepEqual(await ids('search=' + encodeURIComponent(stripe.accounts.other.name)), [linked.e.id]);
    assert.deepEqual(await ids('search=' + linked.c.id), [linked.c.id]);
    assert.deepEqual(await ids('search=%25'), [], 'LIKE wildcards are literal');
    assertErrorShape(await dash('GET', '/accounts?environment=staging'), 400);
  });

  test('keyset paging: pages follow the cursor without gaps or repeats, also under a filter and when rows are added', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Res = await dash('GET', `/accounts?limit=2${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((a: any) => a.id));
      cursor = res.body.next_cursor;
      pages++;
      if (pages === 1) {
        // A new account linked while paging does not shift the later pages.
        linked.f = await link({ id: 'org-epsilon', name: 'Epsilon BV' }, stripe.keys.secretTest);
      }
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [linked.e.id, linked.d.id, linked.c.id, linked.b.id, linked.a.id]);

    const first = await dash('GET', '/accounts?limit=1&environment=test&status=active');
    assert.equal(first.body.data[0].id, linked.f.id);
    const second = await dash('GET', `/accounts?limit=1&environment=test&status=active&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    assert.equal(second.body.data[0].id, linked.e.id);
  });

  test('test connection: the outcome message, and last verified moves forward', async () => {
    const before = (await dash('GET', `/accounts/${linked.a.id}`)).body.last_verified_at;
    await new Promise((r) => setTimeout(r, 20));
    const res = await dash('POST', `/accounts/${linked.a.id}/test`);
    assert.equal(res.status, 200);
    assert.equal(res.body.outcome, 'ok');
    assert.equal(res.body.ok, true);
    assert.equal(res.body.message, 'The key works.');
    assert.ok(Date.parse(res.body.account.last_verified_at) > Date.parse(before));

    const bad = await dash('POST', `/accounts/${linked.d.id}/test`);
    assert.equal(bad.body.outcome, 'expired_key');
    assert.equal(bad.body.ok, false);
    assert.match(bad.body.message, /expired/i);
    assertErrorShape(await dash('POST', '/accounts/acc_missing/test'), 404);

    // The test is audited as the dashboard.
    const audit = await lh.services.audit.list('default', { accountId: linked.a.id });
    assert.ok(audit.some((e) => e.actorType === 'dashboard' && e.action === 'key.test'));
  });

  test('re-link: a connect session for the account (Hub edit mode), default expiry 7 days', async () => {
    const res = await dash('POST', `/accounts/${linked.b.id}/relink`);
    assert.equal(res.status, 201);
    assert.equal(res.body.account_id, linked.b.id);
    assert.equal(res.body.origin_owner_id, 'org-beta');
    assert.ok(res.body.auth_link_url.startsWith(lh.services.config.publicUrl + '/link?token='));
    const days = (Date.parse(res.body.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
    const settings = await lh.hub(res.body.token, 'GET', '/hub/settings');
    assert.equal(settings.status, 200);
    assert.equal(settings.body.existing_account_id, linked.b.id);
    // The owner pastes a new key: same account id.
    const swap = await lh.hub(res.body.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(swap.status, 200);
    assert.equal(swap.body.id, linked.b.id);
    assert.equal((await dash('GET', `/accounts/${linked.b.id}`)).body.key_type, 'secret');
  });

  test('link account: an Auth Link for a new owner, environment and expiry as chosen', async () => {
    const res = await dash('POST', '/connect_sessions', {
      origin_owner_id: 'org-zeta',
      origin_owner_name: 'Zeta AG',
      origin_username: 'zed@zeta.example',
      type: 'test',
      expires_in: 3600,
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.type, 'test');
    assert.ok(Math.abs(Date.parse(res.body.expires_at) - Date.now() - 3600_000) < 60_000);
    const connectors = await lh.hub(res.body.token, 'GET', '/hub/connectors');
    assert.deepEqual(
      connectors.body.integrations.map((r: any) => r.integration_id),
      ['stripe-test'],
    );
    const week = await dash('POST', '/connect_sessions', { origin_owner_id: 'org-zeta', origin_owner_name: 'Zeta AG' });
    assert.ok((Date.parse(week.body.expires_at) - Date.now()) / 86_400_000 > 6.9);
    const made = await lh.hub(week.body.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(made.status, 201);
    assert.equal((await dash('GET', '/accounts?owner=org-zeta')).body.data.length, 1);
  });

  test('delete: gone from the dashboard and from the platform API', async () => {
    const res = await dash('DELETE', `/accounts/${linked.c.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, linked.c.id);
    assertErrorShape(await dash('GET', `/accounts/${linked.c.id}`), 404);
    assert.equal((await lh.api('GET', `/accounts/${linked.c.id}`)).status, 404);
    assert.ok(!(await dash('GET', '/accounts?limit=200')).body.data.some((a: any) => a.id === linked.c.id));
    assertErrorShape(await dash('DELETE', `/accounts/${linked.c.id}`), 404);
  });
});

describe('API keys', () => {
  test('create (shown once), list with hint and last used, revoke: the key then gets 401 on the platform API', async () => {
    const created = await dash('POST', '/api_keys', { name: 'Backend' });
    assert.equal(created.status, 201);
    const key: string = created.body.key;
    assert.match(key, /^lh_/);
    assert.equal(created.body.hint, key.slice(-4));

    const ok = await lh.api('GET', '/accounts', undefined, { auth: basic(key) });
    assert.equal(ok.status, 200);
    await new Promise((r) => setTimeout(r, 100)); // last_used_at is written off the request path

    const list = await dash('GET', '/api_keys');
    assert.equal(list.status, 200);
    const row = list.body.find((k: any) => k.id === created.body.id);
    assert.equal(row.name, 'Backend');
    assert.equal(row.hint, key.slice(-4));
    assert.equal(row.revoked_at, null);
    assert.ok(row.last_used_at, 'last used is shown');
    assert.ok(!JSON.stringify(list.body).includes(key), 'the key is never listed');

    const revoked = await dash('DELETE', `/api_keys/${created.body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok((await dash('GET', '/api_keys')).body.find((k: any) => k.id === created.body.id).revoked_at);
    const refused = await lh.api('GET', '/accounts', undefined, { auth: basic(key) });
    assert.equal(refused.status, 401);
    assertErrorShape(await dash('DELETE', `/api_keys/${created.body.id}`), 404);
    assertErrorShape(await dash('POST', '/api_keys', { name: '   ' }), 400);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let receiverUrl: string;
  let fail = true;
  const received: string[] = [];

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.statusCode = fail ? 500 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise<void>((r) => receiver.close(() => r())));

  test('add (secret shown once), list, deliveries with status and attempts, retry', async () => {
    const added = await dash('POST', '/webhooks', { url: receiverUrl, events: ['account.created', 'account.deleted'] });
    assert.equal(added.status, 201);
    assert.match(added.body.secret, /^whsec_/);
    const list = await dash('GET', '/webhooks');
    const ep = list.body.find((e: any) => e.id === added.body.id);
    assert.equal(ep.url, receiverUrl);
    assert.deepEqual(ep.events, ['account.created', 'account.deleted']);
    assert.equal(ep.secret_hint, added.body.secret.slice(-4));
    assert.ok(!JSON.stringify(list.body).includes(added.body.secret));
    assertErrorShape(await dash('POST', '/webhooks', { url: 'ftp://example.com' }), 400);
    assertErrorShape(await dash('POST', '/webhooks', { url: receiverUrl, events: ['account.exploded'] }), 400);

    // A new account: one delivery, refused by the receiver (500), so it fails and is retried.
    const acc = await link({ id: 'org-hook', name: 'Hook Co' }, stripe.keys.secretTest);
    const mine = async () => (await dash('GET', `/webhooks/deliveries?endpoint_id=${added.body.id}`)).body as any[];
    let rows: any[] = [];
    for (let i = 0; i < 100 && !(rows[0]?.attempts >= 1); i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await mine();
    }
    assert.equal(rows.length, 1);
    assert.equal(rows[0].event, 'account.created');
    assert.ok(rows[0].attempts >= 1);
    assert.equal(rows[0].last_status_code, 500);
    assert.ok(['pending', 'failed'].includes(rows[0].status));
    assert.ok(received.some((b) => b.includes(acc.id)));

    // The receiver recovers; Retry delivers it now.
    fail = false;
    const retry = await dash('POST', `/webhooks/deliveries/${rows[0].id}/retry`);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.status, 'pending');
    for (let i = 0; i < 100 && rows[0].status !== 'delivered'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await mine();
    }
    assert.equal(rows[0].status, 'delivered');
    assert.equal(rows[0].last_status_code, 200);
    assertErrorShape(await dash('POST', '/webhooks/deliveries/999999/retry'), 404);

    const removed = await dash('DELETE', `/webhooks/${added.body.id}`);
    assert.equal(removed.status, 200);
    assert.ok(!(await dash('GET', '/webhooks')).body.some((e: any) => e.id === added.body.id));
  });
});

describe('request logs and audit', () => {
  let acc: any;
  let rk: any;
  let keyId: string;
  const started = new Date();
  const call = (path: string, accountId: string, body: Record<string, unknown>) => lh.api('POST', path, body, { headers: { 'x-account-id': accountId } });
  /** The ids of every page of a list, following `next`. */
  async function idsOfAllPages(path: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: Res = await dash('GET', path + (next ? '&next=' + encodeURIComponent(next) : ''));
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.data.length <= limit);
      seen.push(...page.body.data.map((r: any) => r.id));
      next = page.body.next;
    } while (next);
    return seen;
  }

  before(async () => {
    acc = await link({ id: 'org-logs', name: 'Logs Ltd' }, stripe.keys.secretTest);
    rk = await link({ id: 'org-logs-rk', name: 'Restricted Co' }, stripe.keys.restrictedTest);
    keyId = (await dash('GET', '/api_keys')).body.find((k: any) => k.name === 'Default key').id;
    assert.equal((await call('/unified/proxy', acc.id, { method: 'get', path: '/v1/customers?limit=1' })).body.status, 200);
    assert.equal((await call('/actions/rpc', acc.id, { action: 'stripe_list_customers', query: { limit: 1 } })).status, 200);
    assert.equal((await call('/unified/proxy', acc.id, { method: 'get', path: '/v1/customers/cus_missing' })).body.status, 404);
    stripe.inject({ kind: '503', count: 1 });
    assert.equal((await call('/actions/rpc', acc.id, { action: 'stripe_create_customer', body: { email: 'logs@example.com' } })).status, 200);
    assert.equal((await call('/actions/rpc', rk.id, { action: 'stripe_create_customer', body: { email: 'denied@example.com' } })).status, 403);
    // Call audits are written in batches, after a test's own audit row would be: flush first, for a fixed order.
    await lh.services.requestLog.flush();
    assert.equal((await dash('POST', `/accounts/${acc.id}/test`)).status, 200);
  });

  test('list: newest first, the account owner and API key named, status, retries and Stripe Request-Id', async () => {
    const res = await dash('GET', `/logs?account_id=${acc.id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.next, null);
    const rows = res.body.data;
    assert.deepEqual(
      rows.map((r: any) => [r.service, r.action ?? r.path, r.status]),
      [
        ['rpc', 'stripe_create_customer', 200],
        ['proxy', '/v1/customers/cus_missing', 404],
        ['rpc', 'stripe_list_customers', 200],
        ['proxy', '/v1/customers', 200],
      ],
    );
    for (const r of rows) {
      assert.equal(r.account_id, acc.id);
      assert.equal(r.account_owner_name, 'Logs Ltd');
      assert.equal(r.source_type, 'api_key');
      assert.equal(r.source_id, keyId);
      assert.equal(r.actor_name, 'Default key');
      assert.match(r.provider_request_id, /^req_/);
      assert.ok(r.duration >= 0 && Date.parse(r.event_datetime) >= started.getTime() - 1000);
    }
    assert.equal(rows[0].retries, 1, 'the 503 was retried');
    assert.equal(rows[1].success, false);
  });

  test('filters: status code and class, source, action, success, time; paging with next', async () => {
    const ids = async (q: string) => {
      const res = await dash('GET', '/logs?' + q);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data.map((r: any) => [r.account_id === acc.id ? 'acc' : r.account_id === rk.id ? 'rk' : r.account_id, r.status]);
    };
    assert.deepEqual(await ids('status=4xx'), [
      ['rk', 403],
      ['acc', 404],
    ]);
    assert.deepEqual(await ids('status=404'), [['acc', 404]]);
    assert.deepEqual(await ids('status=403,404&account_id=' + rk.id), [['rk', 403]]);
    assert.deepEqual(await ids(`source=proxy&account_id=${acc.id}`), [
      ['acc', 404],
      ['acc', 200],
    ]);
    assert.deepEqual(await ids('action=stripe_create_customer'), [
      ['rk', 403],
      ['acc', 200],
    ]);
    assert.deepEqual(await ids('success=false'), [
      ['rk', 403],
      ['acc', 404],
    ]);
    assert.equal((await ids(`success=true&account_id=${acc.id}`)).length, 3);
    assert.deepEqual(await ids(`from=${new Date(Date.now() + 60_000).toISOString()}`), []);
    assert.deepEqual(await ids(`to=${encodeURIComponent(new Date(started.getTime() - 60_000).toISOString())}`), []);
    assert.equal((await ids(`from=${encodeURIComponent(started.toISOString())}&to=${Math.floor(Date.now() / 1000) + 60}`)).length, 5);

    const all = (await dash('GET', '/logs?limit=200')).body.data.map((r: any) => r.id);
    assert.deepEqual(await idsOfAllPages('/logs?limit=2', 2), all);
  });

  test('detail: the redacted request and response bodies of one call', async () => {
    const [created, missing] = (await dash('GET', `/logs?account_id=${acc.id}`)).body.data;
    const c = await dash('GET', `/logs/${created.id}`);
    assert.equal(c.status, 200);
    assert.equal(c.body.id, created.id);
    assert.equal(c.body.account_owner_name, 'Logs Ltd');
    assert.equal(c.body.request.method, 'POST');
    assert.deepEqual(c.body.request.body, { email: 'logs@example.com' });
    assert.match(c.body.idempotency_key, /^linkhub-/);
    const m = await dash('GET', `/logs/${missing.id}`);
    assert.equal(m.body.response.status_code, 404);
    assert.equal(m.body.response.body.error.code, 'resource_missing', 'failed calls keep their response body');
    assertErrorShape(await dash('GET', '/logs/999999999'), 404);
    assertErrorShape(await dash('GET', '/logs/abc'), 404);
  });

  test('audit: who (API key, Hub session, dashboard), what, when, outcome; by account; paged', async () => {
    const res = await dash('GET', `/audit?account_id=${acc.id}`);
    assert.equal(res.status, 200);
    const rows = res.body.data.map((e: any) => [e.actor_type, e.action, e.outcome]);
    assert.deepEqual(rows, [
      ['dashboard', 'key.test', 'ok'],
      ['api_key', 'call.rpc:stripe_create_customer', '200'],
      ['api_key', 'call.proxy', '404'],
      ['api_key', 'call.rpc:stripe_list_customers', '200'],
      ['api_key', 'call.proxy', '200'],
      ['hub_session', 'link.create', 'ok'],
    ]);
    assert.ok(res.body.data.every((e: any) => e.account_id === acc.id && e.account_owner_name === 'Logs Ltd' && Date.parse(e.at) > 0));
    assert.equal(res.body.data[1].actor_name, 'Default key');
    assert.equal(res.body.data[0].actor_name, null);

    assert.deepEqual(
      await idsOfAllPages(`/audit?account_id=${acc.id}&limit=4`, 4),
      res.body.data.map((e: any) => e.id),
    );
    assert.deepEqual((await dash('GET', `/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)).body.data, []);
  });

  test('bad input is a 400 in the error shape, naming the field', async () => {
    const logCursor = (await dash('GET', '/logs?limit=1')).body.next;
    for (const [path, field] of [
      ['/logs?status=abc', 'status'],
      ['/logs?status=999', 'status'],
      ['/logs?source=ftp', 'source'],
      ['/logs?success=maybe', 'success'],
      ['/logs?from=notadate', 'from'],
      ['/logs?to=-271821-04-20', 'to'],
      ['/logs?next=xyz', 'next'],
      ['/logs?limit=0', 'limit'],
      ['/logs?limit=201', 'limit'],
      ['/logs?page=2', 'page'],
      ['/logs?account_id=acc%00x', 'account_id'],
      ['/logs?account_id=a&account_id=b', 'account_id'],
      ['/audit?next=' + logCursor, 'next'],
      ['/audit?from=yesterday', 'from'],
      ['/audit?account_id=' + 'x'.repeat(101), 'account_id'],
    ]) {
      const res = await dash('GET', path);
      assertErrorShape(res, 400);
      assert.equal(res.body.field, field, `${path}: ${res.body.message}`);
    }
  });

  test('no Stripe key in any answer: lists, details and audit', async () => {
    const texts: string[] = [];
    const logs = await dash('GET', '/logs?limit=200');
    texts.push(JSON.stringify(logs.body));
    for (const r of logs.body.data) texts.push(JSON.stringify((await dash('GET', `/logs/${r.id}`)).body));
    texts.push(JSON.stringify((await dash('GET', '/audit?limit=200')).body));
    const blob = texts.join('\n');
    for (const k of [stripe.keys.secretTest, stripe.keys.restrictedTest]) {
      assert.ok(!blob.includes(k), 'full key found');
      assert.ok(!blob.includes(k.slice(-24)), 'end of the key found');
    }
    assert.ok(!blob.includes(lh.apiKey), 'no API key either');
  });
});
