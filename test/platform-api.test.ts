// The StackOne platform API as docs/stackone-compat.md describes it (from #general-rules to
// #connectors-meta): connect sessions, accounts
// (list, get, patch, delete, meta), connectors meta, plus Linkhub's POST /accounts/{id}/test and
// /openapi.json. Everything goes over HTTP against a real Linkhub and the Stripe stand-in.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { connectSessions, projects } from '../src/store/schema.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, connectSession, linkAccount, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const PUBLIC_URL = 'https://linkhub.example.test';
const REDACTED = '__secretvalue:**redacted**';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let stripe: StripeStandin;
let lh: Linkhub;

useLinkhub({ env: { LINKHUB_PUBLIC_URL: PUBLIC_URL } }, (f) => {
  ({ lh, stripe } = f);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh key of the main stand-in account (tests that change a key's status use their own). */
function newKey(kind: 'sk' | 'rk', mode: 'test' | 'live' = 'test'): string {
  return stripe.world.addKey({
    kind,
    mode,
    account: stripe.accounts.main.id,
    ...(kind === 'rk' ? { permissions: { customer: 'read', charge: 'read' } } : {}),
  });
}

/** Links an account through the Hub API and returns its id. */
async function link(owner: { id: string; name?: string }, key = stripe.keys.secretTest, session: Record<string, unknown> = {}): Promise<string> {
  return (await linkAccount(lh, key, { session: { origin_owner_id: owner.id, origin_owner_name: owner.name ?? `${owner.id} Inc`, ...session } })).id;
}

function assertErrorBody(res: { status: number; body: any; text: string }, status: number) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.statusCode, status);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
  assert.match(res.body.timestamp, ISO);
}

function assertLinkedAccount(a: any) {
  for (const f of ['id', 'provider', 'status', 'origin_owner_id', 'origin_owner_name'] as const) assert.equal(typeof a[f], 'string', f);
  assert.match(a.created_at, ISO);
  assert.match(a.updated_at, ISO);
  assert.ok(['production', 'test'].includes(a.type));
  assert.ok(Array.isArray(a.status_reasons));
  for (const r of a.status_reasons) assert.match(r.timestamp, ISO);
  assert.deepEqual(Object.keys(a.credentials), ['api_key']);
  assert.ok(a.credentials.api_key.startsWith(REDACTED));
  assert.deepEqual(a.setup_information, {});
}

describe('POST /connect_sessions', () => {
  test('201 with a number id, string organization_id, token, auth_link_url and the request echoed', async () => {
    const t0 = Date.now();
    const res = await lh.api('POST', '/connect_sessions', {
      origin_owner_id: 'cs-owner',
      origin_owner_name: 'CS Owner Ltd',
      origin_username: 'jane@cs.example',
      provider: 'stripe',
      categories: ['stackone'],
      label: 'Main Stripe',
      metadata: { plan: 'pro', seats: 3 },
      multiple: true,
      type: 'test',
    });
    assert.equal(res.status, 201, res.text);
    const s = res.body;
    assert.ok(Number.isInteger(s.id), 'id is a number');
    assert.equal(s.organization_id, '1', 'organization_id is a string by default');
    assert.equal(s.project_id, 'default');
    assert.equal(s.origin_owner_id, 'cs-owner');
    assert.equal(s.origin_owner_name, 'CS Owner Ltd');
    assert.equal(s.origin_username, 'jane@cs.example');
    assert.equal(s.provider, 'stripe');
    assert.deepEqual(s.categories, ['stackone']);
    assert.equal(s.label, 'Main Stripe');
    assert.deepEqual(s.metadata, { plan: 'pro', seats: 3 });
    assert.equal(s.type, 'test');
    assert.equal(s.account_id, null);
    assert.match(s.created_at, ISO);
    assert.ok(Math.abs(Date.parse(s.created_at) - t0) < 60_000);
    assert.equal(typeof s.token, 'string');
    assert.ok(s.token.length >= 32, 'token is long and random');
    assert.equal(s.auth_link_url, `${PUBLIC_URL}/link?token=${encodeURIComponent(s.token)}`);
    // expires_in defaults to 1800 s
    const expiresIn = (Date.parse(s.expires_at) - t0) / 1000;
    assert.ok(expiresIn > 1790 && expiresIn < 1810, `expires_at is now+1800 s (got ${expiresIn})`);
  });

  test('defaults: type production, multiple false; minimal body; tokens differ per session', async () => {
    const a = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'min', origin_owner_name: 'Min' });
    const b = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'min', origin_owner_name: 'Min' });
    assert.equal(a.status, 201);
    assert.equal(a.body.type, 'production');
    assert.equal(a.body.provider, null);
    assert.equal(a.body.origin_username, null);
    assert.notEqual(a.body.token, b.body.token);
    assert.notEqual(a.body.id, b.body.id);
  });

  test('expires_in is honoured', async () => {
    const t0 = Date.now();
    const res = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'exp', origin_owner_name: 'Exp', expires_in: 600 });
    assert.equal(res.status, 201);
    const expiresIn = (Date.parse(res.body.expires_at) - t0) / 1000;
    assert.ok(expiresIn > 590 && expiresIn < 610, String(expiresIn));
  });

  test('the exact body the 4.28 SDK sends (nulls, defaults always present)', async () => {
    const res = await lh.api('POST', '/connect_sessions', {
      expires_in: 1800,
      multiple: false,
      origin_owner_id: 'sdk-owner',
      origin_owner_name: 'SDK Owner',
      type: 'production',
      metadata: {},
      account_id: null,
      categories: null,
      label: null,
      origin_username: null,
      provider: null,
      provider_version: null,
    });
    assert.equal(res.status, 201, res.text);
  });

  test('newest-docs fields are accepted and ignored', async () => {
    const res = await lh.api('POST', '/connect_sessions', {
      origin_owner_id: 'new',
      origin_owner_name: 'New',
      connector_profile_id: 'cp_1',
      shared: false,
      relink: true,
      scopes: ['a'],
      integration_id: 'stripe-test',
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.integration_id, 'stripe-test');
  });

  test('account_id opens edit mode for that account; an unknown account_id is 404', async () => {
    const id = await link({ id: 'edit-owner' });
    const res = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'edit-owner', origin_owner_name: 'x', account_id: id });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.account_id, id);
    const settings = await lh.hub(res.body.token, 'GET', '/hub/settings');
    assert.equal(settings.body.existing_account_id, id);

    const missing = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'edit-owner', origin_owner_name: 'x', account_id: 'acc_doesnotexist' });
    assertErrorBody(missing, 404);
  });

  test('multiple: false (default) edits the owner’s existing account; true always creates a new one', async () => {
    const owner = { origin_owner_id: 'multi-owner', origin_owner_name: 'Multi Owner' };
    const linkWith = async (extra: Record<string, unknown>) => {
      const { token } = await connectSession(lh, { ...owner, ...extra });
      const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
      assert.ok(res.status === 200 || res.status === 201, res.text);
      return res.body.id as string;
    };
    const first = await linkWith({});
    assert.equal(await linkWith({ multiple: false }), first, 'same owner + provider: edited');
    const second = await linkWith({ multiple: true });
    assert.notEqual(second, first);
    const all = await lh.api('GET', '/accounts?origin_owner_id=multi-owner');
    assert.deepEqual(all.body.map((a: any) => a.id).sort(), [first, second].sort());
  });

  test('unknown provider is 400', async () => {
    const res = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'o', origin_owner_name: 'O', provider: 'hubspot' });
    assertErrorBody(res, 400);
    assert.match(res.body.message, /provider/);
  });

  test('organization_id is a number with LINKHUB_ORGANIZATION_ID_TYPE=number', async () => {
    const lh2 = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ORGANIZATION_ID_TYPE: 'number' } });
    try {
      const res = await lh2.api('POST', '/connect_sessions', { origin_owner_id: 'n', origin_owner_name: 'N' });
      assert.equal(res.status, 201);
      assert.equal(res.body.organization_id, 1);
      assert.ok(Number.isInteger(res.body.id));
      const auth = await lh2.api('POST', '/connect_sessions/authenticate', { token: res.body.token });
      assert.equal(auth.status, 201);
      assert.equal(auth.body.organization_id, 1);
    } finally {
      await lh2.close();
    }
  });
});

describe('POST /connect_sessions/authenticate and token lifetime', () => {
  test('201 with the session, without token and auth_link_url', async () => {
    const { token, session } = await connectSession(lh, { origin_owner_id: 'auth-o', origin_owner_name: 'Auth O', label: 'L', provider: 'stripe' });
    const res = await lh.api('POST', '/connect_sessions/authenticate', { token });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.token, undefined);
    assert.equal(res.body.auth_link_url, undefined);
    const { token: _t, auth_link_url: _u, ...rest } = session;
    assert.deepEqual(res.body, rest);
  });

  test('unknown or malformed token is 401', async () => {
    assertErrorBody(await lh.api('POST', '/connect_sessions/authenticate', { token: 'nope' }), 401);
    assertErrorBody(await lh.api('POST', '/connect_sessions/authenticate', { token: 'x'.repeat(150) }), 401);
  });

  test('a token works only until it expires', async () => {
    const { token, session } = await connectSession(lh, { origin_owner_id: 'expiring', origin_owner_name: 'Expiring' });
    assert.equal((await lh.hub(token, 'GET', '/hub/settings')).status, 200);
    assert.equal((await lh.hub(token, 'GET', '/hub/connectors')).status, 200);

    await lh.services.store.db
      .update(connectSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(connectSessions.id, session.id));

    assertErrorBody(await lh.hub(token, 'GET', '/hub/settings'), 401);
    assertErrorBody(await lh.hub(token, 'GET', '/hub/connectors'), 401);
    assertErrorBody(await lh.hub(token, 'GET', '/hub/connectors/stripe-test'), 401);
    const before = (await lh.api('GET', '/accounts?origin_owner_id=expiring')).body.length;
    assertErrorBody(await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } }), 401);
    assert.equal(stripe.log.length, 0, 'an expired token never reaches Stripe');
    assert.equal((await lh.api('GET', '/accounts?origin_owner_id=expiring')).body.length, before);
    assertErrorBody(await lh.api('POST', '/connect_sessions/authenticate', { token }), 401);
  });

  describe('a second project', () => {
    let key2: string;
    let p1Account: string;
    before(async () => {
      await lh.services.store.db.insert(projects).values({ id: 'proj_two', name: 'Second project', organizationId: 2 });
      key2 = (await lh.services.apiKeys.create('proj_two', 'second')).key;
      p1Account = await link({ id: 'p1-owner' });
    });
    const as2 = (method: string, path: string, body?: unknown) => lh.api(method, path, body, { auth: basic(key2) });

    test('its session token does not authenticate with the first project’s key, and vice versa', async () => {
      const res = await as2('POST', '/connect_sessions', { origin_owner_id: 'p2-owner', origin_owner_name: 'P2' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.project_id, 'proj_two');
      assert.equal(res.body.organization_id, '2');
      assertErrorBody(await lh.api('POST', '/connect_sessions/authenticate', { token: res.body.token }), 401);
      const own = await as2('POST', '/connect_sessions/authenticate', { token: res.body.token });
      assert.equal(own.status, 201);
      assert.equal(own.body.project_id, 'proj_two');

      const { token: t1 } = await connectSession(lh);
      assertErrorBody(await as2('POST', '/connect_sessions/authenticate', { token: t1 }), 401);
    });

    test('accounts of one project are invisible to the other', async () => {
      assertErrorBody(await as2('GET', `/accounts/${p1Account}`), 404);
      assertErrorBody(await as2('GET', `/accounts/${p1Account}/meta`), 404);
      assertErrorBody(await as2('PATCH', `/accounts/${p1Account}`, { label: 'stolen' }), 404);
      assertErrorBody(await as2('POST', `/accounts/${p1Account}/test`), 404);
      assertErrorBody(await as2('DELETE', `/accounts/${p1Account}`), 404);
      assertErrorBody(await as2('POST', '/connect_sessions', { origin_owner_id: 'x', origin_owner_name: 'x', account_id: p1Account }), 404);
      const list = await as2('GET', '/accounts?page_size=1000');
      assert.equal(list.status, 200);
      assert.ok(!list.body.some((a: any) => a.id === p1Account));
      assert.equal((await lh.api('GET', `/accounts/${p1Account}`)).status, 200, 'still there for its own project');

      // a project-two hub token links into project two only
      const s2 = await as2('POST', '/connect_sessions', { origin_owner_id: 'p2-owner', origin_owner_name: 'P2' });
      const linked = await lh.hub(s2.body.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
      assert.equal(linked.status, 201, linked.text);
      assert.equal((await as2('GET', `/accounts/${linked.body.id}`)).status, 200);
      assertErrorBody(await lh.api('GET', `/accounts/${linked.body.id}`), 404);
    });
  });
});

describe('GET /accounts', () => {
  const owner = 'list-owner';
  const ids: string[] = []; // creation order
  let errorId: string;
  before(async () => {
    for (let i = 0; i < 5; i++) {
      ids.push(await link({ id: i < 3 ? owner : `${owner}-${i}` }, stripe.keys.secretTest, { label: `acct ${i}` }));
      await sleep(3);
    }
    // one account in status error
    const k = newKey('sk');
    errorId = await link({ id: `${owner}-err` }, k);
    stripe.world.setKeyStatus(k, 'deleted');
    assert.equal((await lh.api('POST', `/accounts/${errorId}/test`)).body.outcome, 'invalid_key');
  });

  test('a bare array of LinkedAccount, newest first', async () => {
    const res = await lh.api('GET', '/accounts?page_size=1000');
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body), 'bare array, no {data: …} wrapper');
    res.body.forEach(assertLinkedAccount);
    const created = res.body.map((a: any) => Date.parse(a.created_at));
    assert.deepEqual(
      created,
      [...created].sort((x, y) => y - x),
      'ordered newest first',
    );
    const mine = res.body.map((a: any) => a.id).filter((id: string) => ids.includes(id));
    assert.deepEqual(mine, [...ids].reverse());
  });

  test('account_ids as repeated keys and as a single value', async () => {
    const two = await lh.api('GET', `/accounts?account_ids=${ids[0]}&account_ids=${ids[3]}`);
    assert.equal(two.status, 200);
    assert.deepEqual(
      two.body.map((a: any) => a.id),
      [ids[3], ids[0]],
    );
    const one = await lh.api('GET', `/accounts?account_ids=${ids[1]}`);
    assert.deepEqual(
      one.body.map((a: any) => a.id),
      [ids[1]],
    );
    const none = await lh.api('GET', '/accounts?account_ids=acc_nope');
    assert.deepEqual(none.body, []);
  });

  test('origin_owner_id and origin_owner_ids (repeated and single)', async () => {
    const single = await lh.api('GET', `/accounts?origin_owner_id=${owner}`);
    assert.deepEqual(
      single.body.map((a: any) => a.id),
      [ids[2], ids[1], ids[0]],
    );
    const many = await lh.api('GET', `/accounts?origin_owner_ids=${owner}-3&origin_owner_ids=${owner}-4`);
    assert.deepEqual(
      many.body.map((a: any) => a.id),
      [ids[4], ids[3]],
    );
    const one = await lh.api('GET', `/accounts?origin_owner_ids=${owner}-3`);
    assert.deepEqual(
      one.body.map((a: any) => a.id),
      [ids[3]],
    );
  });

  test('providers (repeated and single), provider (deprecated)', async () => {
    const q = `origin_owner_id=${owner}`;
    assert.equal((await lh.api('GET', `/accounts?${q}&providers=stripe`)).body.length, 3);
    assert.equal((await lh.api('GET', `/accounts?${q}&providers=stripe&providers=hubspot`)).body.length, 3);
    assert.equal((await lh.api('GET', `/accounts?${q}&providers=hubspot`)).body.length, 0);
    assert.equal((await lh.api('GET', `/accounts?${q}&provider=stripe`)).body.length, 3);
  });

  test('status (repeated and single)', async () => {
    const errs = await lh.api('GET', '/accounts?status=error&page_size=1000');
    assert.ok(errs.body.length >= 1);
    assert.ok(errs.body.every((a: any) => a.status === 'error'));
    assert.ok(errs.body.some((a: any) => a.id === errorId));
    const act = await lh.api('GET', `/accounts?status=active&origin_owner_id=${owner}`);
    assert.equal(act.body.length, 3);
    const both = await lh.api('GET', `/accounts?status=active&status=error&account_ids=${errorId}&account_ids=${ids[0]}`);
    assert.deepEqual(
      both.body.map((a: any) => a.id),
      [errorId, ids[0]],
    );
  });

  test('the query the SDK sends (all filters, repeated keys, page and page_size)', async () => {
    const qs = `account_ids=${ids[0]}&account_ids=${ids[1]}&providers=stripe&status=active&origin_owner_id=${owner}&page=1&page_size=25`;
    const res = await lh.api('GET', `/accounts?${qs}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.map((a: any) => a.id),
      [ids[1], ids[0]],
    );
  });

  test('paging: page is 1-based, page_size bounds the page, newest first across pages', async () => {
    const q = `origin_owner_ids=${owner}&origin_owner_ids=${owner}-3&origin_owner_ids=${owner}-4`;
    const p1 = await lh.api('GET', `/accounts?${q}&page_size=2`);
    const p2 = await lh.api('GET', `/accounts?${q}&page_size=2&page=2`);
    const p3 = await lh.api('GET', `/accounts?${q}&page_size=2&page=3`);
    const p4 = await lh.api('GET', `/accounts?${q}&page_size=2&page=4`);
    assert.deepEqual(
      p1.body.map((a: any) => a.id),
      [ids[4], ids[3]],
    );
    assert.deepEqual(
      p2.body.map((a: any) => a.id),
      [ids[2], ids[1]],
    );
    assert.deepEqual(
      p3.body.map((a: any) => a.id),
      [ids[0]],
    );
    assert.deepEqual(p4.body, []);
    const first = await lh.api('GET', `/accounts?${q}&page=1`);
    assert.equal(first.body.length, 5, 'default page size (25) holds all five');
  });
});

describe('GET /accounts/{id} and /meta', () => {
  test('one LinkedAccount; the key never appears, only its redacted form', async () => {
    const id = await link({ id: 'get-owner', name: 'Get Owner' }, stripe.keys.secretTest, {
      label: 'Getter',
      origin_username: 'g@x.example',
      metadata: { a: 1 },
    });
    const res = await lh.api('GET', `/accounts/${id}`);
    assert.equal(res.status, 200);
    const a = res.body;
    assertLinkedAccount(a);
    assert.equal(a.id, id);
    assert.equal(a.provider, 'stripe');
    assert.equal(a.provider_name, 'Stripe');
    assert.equal(a.status, 'active');
    assert.deepEqual(a.status_reasons, []);
    assert.equal(a.origin_owner_id, 'get-owner');
    assert.equal(a.origin_owner_name, 'Get Owner');
    assert.equal(a.origin_username, 'g@x.example');
    assert.equal(a.label, 'Getter');
    assert.equal(a.type, 'test');
    assert.deepEqual(a.metadata, { a: 1 });
    assert.equal(a.credentials.api_key, REDACTED + stripe.keys.secretTest.slice(-4));
    assert.ok(!res.text.includes(stripe.keys.secretTest));
  });

  test('unknown id is 404 in the error shape', async () => {
    const res = await lh.api('GET', '/accounts/acc_doesnotexist');
    assertErrorBody(res, 404);
    assert.match(res.body.message, /Account not found/);
    assertErrorBody(await lh.api('GET', '/accounts/acc_doesnotexist/meta'), 404);
  });

  test('meta is {provider, category, models: {}}', async () => {
    const id = await link({ id: 'meta-owner' });
    const res = await lh.api('GET', `/accounts/${id}/meta`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { provider: 'stripe', category: 'stackone', models: {} });
  });
});

describe('PATCH /accounts/{id}', () => {
  test('{} and the exact 4.28 body change nothing and call nobody', async () => {
    const id = await link({ id: 'patch-noop' }, stripe.keys.secretTest, { label: 'Keep', metadata: { keep: true } });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    await sleep(5);
    stripe.clearLog();
    for (const body of [
      {},
      { credentials: {}, label: {}, metadata: {}, secrets: {}, type: 'production' },
      { credentials: null, label: null, metadata: null, secrets: null, setup_information: null, origin_owner_id: null, type: null },
      { type: 'production', environment: 'production', authentication_config_key: 'api_key', provider: 'stripe' },
      { credentials: { api_key: '' }, secrets: { api_key: REDACTED + 'abcd' } },
    ]) {
      const res = await lh.api('PATCH', `/accounts/${id}`, body);
      assert.equal(res.status, 200, `${JSON.stringify(body)}: ${res.text}`);
      assert.deepEqual(res.body, before, JSON.stringify(body));
    }
    assert.equal(stripe.log.length, 0, 'no Stripe call');
    assert.deepEqual((await lh.api('GET', `/accounts/${id}`)).body, before);
  });

  test('label string; metadata merges; owner fields change; updated_at moves', async () => {
    const id = await link({ id: 'patch-details' }, stripe.keys.secretTest, { label: 'Old', metadata: { a: 1, b: 'x' } });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    await sleep(5);
    stripe.clearLog();
    const res = await lh.api('PATCH', `/accounts/${id}`, { label: 'New label', metadata: { b: 'y', c: [1, 2] } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.label, 'New label');
    assert.deepEqual(res.body.metadata, { a: 1, b: 'y', c: [1, 2] });
    assert.ok(Date.parse(res.body.updated_at) > Date.parse(before.updated_at));
    assert.equal(res.body.created_at, before.created_at);
    assert.equal(res.body.key_hint, before.key_hint);
    assert.equal(stripe.log.length, 0);

    const owner = await lh.api('PATCH', `/accounts/${id}`, { origin_owner_name: 'Renamed Inc', origin_username: 'new@x.example' });
    assert.equal(owner.body.origin_owner_name, 'Renamed Inc');
    assert.equal(owner.body.origin_username, 'new@x.example');
    assert.deepEqual((await lh.api('GET', `/accounts/${id}`)).body, owner.body);
  });

  test('a new key in credentials.api_key is tested live and swapped in', async () => {
    const id = await link({ id: 'patch-key' });
    stripe.clearLog();
    const res = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: stripe.keys.restrictedTest } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.key_hint, stripe.keys.restrictedTest.slice(-4));
    assert.equal(res.body.key_type, 'restricted');
    assert.equal(res.body.credentials.api_key, REDACTED + stripe.keys.restrictedTest.slice(-4));
    assert.ok(
      stripe.log.some((e) => e.path === '/v1/customers' && e.keyLast4 === stripe.keys.restrictedTest.slice(-4)),
      'tested live',
    );
    stripe.clearLog();
    const tested = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(tested.body.outcome, 'ok');
    assert.equal(stripe.log[0].keyLast4, stripe.keys.restrictedTest.slice(-4), 'the new key is used from now on');
  });

  test('a new key in secrets.api_key is tested live and swapped in, with other fields', async () => {
    const id = await link({ id: 'patch-secret' });
    const res = await lh.api('PATCH', `/accounts/${id}`, { secrets: { api_key: stripe.keys.restrictedTest }, credentials: {}, label: 'Rotated' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.key_hint, stripe.keys.restrictedTest.slice(-4));
    assert.equal(res.body.label, 'Rotated');
  });

  test('a failing key is 422 and the old key stays', async () => {
    const id = await link({ id: 'patch-bad' }, stripe.keys.secretTest, { label: 'Orig' });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    for (const [key, code] of [
      [stripe.keys.restrictedTestNoCustomers, 'missing_permission'],
      ['sk_test_' + 'Q'.repeat(40), 'invalid_key'],
      [stripe.keys.expiredTest, 'expired_key'],
    ] as const) {
      const res = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: key }, label: 'Should not apply' });
      assertErrorBody(res, 422);
      assert.equal(res.body.code, code);
    }
    // wrong mode for the account's environment: refused before any call
    stripe.clearLog();
    const live = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: stripe.keys.secretLive } });
    assertErrorBody(live, 400);
    assert.equal(live.body.code, 'key_mode_mismatch');
    assert.equal(stripe.log.length, 0);
    assert.deepEqual((await lh.api('GET', `/accounts/${id}`)).body, before);
    stripe.clearLog();
    await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(stripe.log[0].keyLast4, stripe.keys.secretTest.slice(-4), 'the old key is still the one used');
  });

  test('unknown account is 404; provider cannot change', async () => {
    assertErrorBody(await lh.api('PATCH', '/accounts/acc_nope', { label: 'x' }), 404);
    const id = await link({ id: 'patch-prov' });
    assertErrorBody(await lh.api('PATCH', `/accounts/${id}`, { provider: 'hubspot' }), 400);
  });
});

describe('DELETE /accounts/{id}', () => {
  test('200 with the deleted LinkedAccount, then 404 everywhere', async () => {
    const id = await link({ id: 'del-owner' });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    const res = await lh.api('DELETE', `/accounts/${id}`);
    assert.equal(res.status, 200, res.text);
    assertLinkedAccount(res.body);
    assert.deepEqual(res.body, before);
    assertErrorBody(await lh.api('GET', `/accounts/${id}`), 404);
    assertErrorBody(await lh.api('DELETE', `/accounts/${id}`), 404);
    assertErrorBody(await lh.api('POST', `/accounts/${id}/test`), 404);
    assert.deepEqual((await lh.api('GET', `/accounts?account_ids=${id}`)).body, []);
  });
});

describe('POST /accounts/{id}/test', () => {
  test('ok: last_verified_at moves forward, status stays active', async () => {
    const id = await link({ id: 'test-ok' });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    await sleep(5);
    const res = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'ok');
    assert.equal(res.body.account.status, 'active');
    assert.ok(Date.parse(res.body.account.last_verified_at) > Date.parse(before.last_verified_at));
    assert.equal(res.body.account.updated_at, before.updated_at, 'nothing the customer sees changed');
  });

  for (const [status, outcome] of [
    ['deleted', 'invalid_key'],
    ['expired', 'expired_key'],
  ] as const) {
    test(`${status} key: outcome ${outcome}, status error with a reason; a working key again clears it`, async () => {
      const key = newKey('sk');
      const id = await link({ id: `test-${status}` }, key);
      const before = (await lh.api('GET', `/accounts/${id}`)).body;
      stripe.world.setKeyStatus(key, status);
      const res = await lh.api('POST', `/accounts/${id}/test`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.outcome, outcome);
      assert.equal(typeof res.body.message, 'string');
      const a = (await lh.api('GET', `/accounts/${id}`)).body;
      assert.equal(a.status, 'error');
      assert.equal(a.status_reasons.length, 1);
      assert.equal(a.status_reasons[0].code, outcome);
      assert.equal(typeof a.status_reasons[0].description, 'string');
      assert.match(a.status_reasons[0].timestamp, ISO);
      assert.equal(a.last_verified_at, before.last_verified_at, 'not verified');
      assert.deepEqual(res.body.account, a);

      stripe.world.setKeyStatus(key, 'active');
      const again = await lh.api('POST', `/accounts/${id}/test`);
      assert.equal(again.body.outcome, 'ok');
      assert.equal(again.body.account.status, 'active');
      assert.deepEqual(again.body.account.status_reasons, []);
    });
  }

  test('missing permission: outcome missing_permission naming the permission, status error', async () => {
    const key = newKey('rk');
    const id = await link({ id: 'test-perm' }, key);
    stripe.world.setKeyPermissions(key, { charge: 'read' });
    const res = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'missing_permission');
    assert.equal(res.body.permission, 'rak_customer_read');
    assert.equal(res.body.account.status, 'error');
    assert.equal(res.body.account.status_reasons[0].code, 'missing_permission');
    assert.match(res.body.account.status_reasons[0].description, /rak_customer_read/);
  });

  test('unreachable (Stripe 503): outcome unreachable, status unchanged', async () => {
    const id = await link({ id: 'test-503' });
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    stripe.inject({ kind: '503', count: 1 });
    const res = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.outcome, 'unreachable');
    assert.deepEqual(res.body.account, before);
    assert.deepEqual((await lh.api('GET', `/accounts/${id}`)).body, before);

    // an account already in error stays in error when Stripe cannot be reached
    const key = newKey('sk');
    const errId = await link({ id: 'test-503-err' }, key);
    stripe.world.setKeyStatus(key, 'deleted');
    await lh.api('POST', `/accounts/${errId}/test`);
    stripe.world.setKeyStatus(key, 'active');
    stripe.inject({ kind: '503', count: 1 });
    const still = await lh.api('POST', `/accounts/${errId}/test`);
    assert.equal(still.body.outcome, 'unreachable');
    assert.equal(still.body.account.status, 'error');
  });
});

describe('GET /connectors/meta', () => {
  test('a bare array with stripe; one connector by key; unknown is 404', async () => {
    const list = await lh.api('GET', '/connectors/meta');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    const stripeMeta = list.body.find((c: any) => c.provider === 'stripe');
    assert.ok(stripeMeta);
    assert.equal(stripeMeta.provider_name, 'Stripe');
    assert.equal(stripeMeta.category, 'stackone');
    assert.deepEqual(stripeMeta.models, {});
    assert.equal(stripeMeta.active, true);
    assert.ok(stripeMeta.resources.images.logo_url.startsWith(PUBLIC_URL));

    const withInclude = await lh.api('GET', '/connectors/meta?include=field_path,unmapped_fields,resources,inactive,webhooks,static_fields');
    assert.equal(withInclude.status, 200);
    assert.deepEqual(withInclude.body, list.body);

    const one = await lh.api('GET', '/connectors/meta/stripe?include=resources');
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, stripeMeta);
    assertErrorBody(await lh.api('GET', '/connectors/meta/hubspot'), 404);
  });
});

describe('transport details', () => {
  test('an empty cookie: header (as the SDK sends) is tolerated', async () => {
    const url = new URL(lh.url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/accounts?page_size=1',
          method: 'GET',
          headers: {
            authorization: basic(lh.apiKey),
            accept: 'application/json',
            'accept-language': '*',
            cookie: '',
            'user-agent': 'speakeasy-sdk/typescript 4.28.0 2.0 1.0.0 @stackone/stackone-client-ts',
          },
        },
        (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 200, res.body);
    assert.ok(Array.isArray(JSON.parse(res.body)));
  });

  test('Basic auth as the SDK encodes it (key + ":") and with no colon', async () => {
    assert.equal((await lh.api('GET', '/accounts?page_size=1', undefined, { auth: 'Basic ' + Buffer.from(lh.apiKey + ':').toString('base64') })).status, 200);
    assert.equal((await lh.api('GET', '/accounts?page_size=1', undefined, { auth: 'Basic ' + Buffer.from(lh.apiKey).toString('base64') })).status, 200);
  });
});

describe('/openapi.json', () => {
  test('a valid OpenAPI 3.1 document listing every platform path', async () => {
    const res = await lh.api('GET', '/openapi.json', undefined, { auth: false });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.equal(typeof doc.paths, 'object');
    const expected: Record<string, string[]> = {
      '/connect_sessions': ['post'],
      '/connect_sessions/authenticate': ['post'],
      '/accounts': ['get'],
      '/accounts/{id}': ['get', 'patch', 'delete'],
      '/accounts/{id}/meta': ['get'],
      '/accounts/{id}/test': ['post'],
      '/connectors/meta': ['get'],
      '/connectors/meta/{provider}': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `${path} is documented`);
      for (const m of methods) assert.ok(doc.paths[path][m], `${m.toUpperCase()} ${path} is documented`);
    }
    assert.equal(doc.components.securitySchemes.basic.scheme, 'basic');

    // Structure: every operation has responses; path parameters are declared; every $ref resolves.
    const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      assert.ok(path.startsWith('/'), path);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries<any>(item)) {
        if (!METHODS.includes(method)) continue;
        assert.equal(typeof op.responses, 'object', `${method} ${path} has responses`);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has responses`);
        for (const code of Object.keys(op.responses)) assert.match(code, /^([1-5]\d\d|[1-5]XX|default)$/, `${method} ${path} response ${code}`);
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
        for (const name of templated) assert.ok(declared.includes(name), `${method} ${path} declares path parameter ${name}`);
        for (const p of op.parameters ?? []) assert.ok(['query', 'header', 'path', 'cookie'].includes(p.in), `${method} ${path} parameter ${p.name}`);
      }
    }
    const refs: string[] = [];
    (function walk(v: unknown) {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
      }
    })(doc);
    for (const ref of refs) {
      assert.match(ref, /^#\//, `local $ref ${ref}`);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<any>((o, seg) => o?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      assert.ok(target !== undefined, `$ref ${ref} resolves`);
    }
    // The document is OpenAPI 3.1 (JSON Schema 2020-12: `type: "null"` is valid). Full validation
    // (swagger-parser, redocly, a generated client) is in openapi.test.ts; here only what would break
    // $ref resolution: a schema $id inside the document changes the base URI of the refs below it.
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const where: string[] = [];
    const opIds = new Set<string>();
    (function walk(v: unknown, path: string) {
      if (Array.isArray(v)) {
        for (const [i, x] of v.entries()) walk(x, `${path}/${i}`);
        return;
      }
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === '$id') where.push(`${path}/${k}`);
        if (k === 'operationId' && typeof x === 'string') {
          assert.ok(!opIds.has(x), `operationId ${x} is unique`);
          opIds.add(x);
        }
        walk(x, `${path}/${k}`);
      }
    })(doc, '#');
    assert.deepEqual(where, [], 'no $id inside the document');

    // Success statuses as the SDK matches them
    assert.ok(doc.paths['/connect_sessions'].post.responses['201']);
    assert.ok(doc.paths['/connect_sessions/authenticate'].post.responses['201']);
  });
});
