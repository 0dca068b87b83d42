// Actions: GET /actions (ActionsMeta catalogue, filters, paging, per-account availability),
// POST /actions/rpc (validation before sending, list pagination via `next`, Stripe errors,
// restricted-key 403s) and POST /actions/search.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stripeActions } from '../src/connectors/stripe/actions.js';
import { STRIPE_API_VERSION } from '../src/connectors/stripe/version.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { MAIN_ACCOUNT_ID, OTHER_ACCOUNT_ID, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let secretAcc: string;
let otherAcc: string;
let restrictedAcc: string;

const link = async (key: string): Promise<string> => (await linkAccount(lh, key)).id;

const rpc = (body: Record<string, unknown>, accountId?: string, path = '/actions/rpc') =>
  lh.api('POST', path, body, accountId ? { headers: { 'x-account-id': accountId } } : {});

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  secretAcc = await link(stripe.keys.secretTest);
  otherAcc = await link(stripe.keys.otherAccountSecretTest);
  restrictedAcc = await link(stripe.keys.restrictedTest);
});

describe('GET /actions', () => {
  test('ActionsMeta for Stripe, 25 actions a page by default, every action reachable by following next', async () => {
    const first = await lh.api('GET', '/actions?group_by=connector');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.data.length, 1);
    const meta = first.body.data[0];
    assert.equal(meta.key, 'stripe');
    assert.equal(meta.name, 'Stripe');
    assert.match(meta.icon, /^http/);
    assert.equal(meta.account_id, null);
    assert.equal(meta.actions.length, 25);
    const a = meta.actions.find((x: any) => x.id === 'stripe_list_customers') ?? null;
    void a;
    for (const act of meta.actions) {
      assert.match(act.id, /^stripe_[a-z0-9_]+$/);
      assert.equal(typeof act.label, 'string');
      assert.equal(act.schema_type, 'native');
      assert.ok(Array.isArray(act.tags));
      assert.ok(Array.isArray(act.required_scopes));
      assert.equal(act.operation_details, undefined);
    }
    assert.equal(typeof first.body.next, 'string');

    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await lh.api(
        'GET',
        `/actions?page_size=100&group_by=${encodeURIComponent('["connector"]')}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
      );
      assert.equal(res.status, 200, res.text);
      for (const m of res.body.data) seen.push(...m.actions.map((x: any) => x.id));
      next = res.body.next;
      pages++;
    } while (next && pages < 20);
    assert.equal(pages, Math.ceil(stripeActions().length / 100));
    assert.equal(seen.length, stripeActions().length);
    assert.equal(new Set(seen).size, stripeActions().length);
  });

  test('filters: connectors, action_key, search; include details; exclude actions; bad cursor and group_by', async () => {
    const none = await lh.api('GET', '/actions?filter[connectors]=hubspot');
    assert.deepEqual(none.body, { data: [], next: null });
    const one = await lh.api(
      'GET',
      '/actions?filter[connectors]=stripe,hubspot&filter[action_key]=stripe_list_customers&include=operation_details&include=action_details',
    );
    assert.equal(one.status, 200);
    const [act] = one.body.data[0].actions;
    assert.equal(one.body.data[0].actions.length, 1);
    assert.equal(act.id, 'stripe_list_customers');
    assert.deepEqual(act.required_scopes, ['rak_customer_read']);
    assert.equal(act.operation_details.method, 'GET');
    assert.equal(act.operation_details.path, '/v1/customers');
    assert.equal(act.operation_details.input_schema.type, 'object');
    assert.deepEqual(act.action_details, act.operation_details);
    assert.equal(one.body.next, null);

    const two = await lh.api('GET', '/actions?filter[action_key]=list_customers,stripe_create_customer');
    assert.deepEqual(two.body.data[0].actions.map((x: any) => x.id).sort(), ['stripe_create_customer', 'stripe_list_customers']);

    const search = await lh.api('GET', '/actions?search=refund%20a%20charge&page_size=5');
    const ids = search.body.data[0].actions.map((x: any) => x.id);
    assert.ok(
      ids.some((id: string) => /refund/.test(id)),
      ids.join(','),
    );

    const bare = await lh.api('GET', '/actions?exclude=actions');
    assert.equal(bare.body.data[0].actions, undefined);
    assert.equal(bare.body.data[0].key, 'stripe');

    const guides = await lh.api('GET', '/actions?include=authentication_guides&page_size=1');
    assert.match(guides.body.data[0].authentication[0].support.description, /Developers > API keys/);

    assert.equal((await lh.api('GET', '/actions?next=garbage!')).status, 400);
    assert.equal((await lh.api('GET', '/actions?group_by=category')).status, 400);
    assert.equal((await lh.api('GET', '/actions?page_size=0')).status, 400);
    assert.equal((await lh.api('GET', '/actions', undefined, { auth: false })).status, 401);
  });

  test('filter[account_ids]: one meta per account; a restricted key marks what it is known to lack or have', async () => {
    const res = await lh.api('GET', `/actions?filter[account_ids]=${secretAcc},${restrictedAcc}&page_size=1000`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.map((m: any) => m.account_id),
      [secretAcc, restrictedAcc],
    );
    const [sec, rk] = res.body.data;
    assert.equal(sec.integration_id, 'stripe-test');
    assert.ok(sec.actions.every((a: any) => a.available === true));
    assert.equal(rk.key_type, 'restricted');
    const byId = (m: any, id: string) => m.actions.find((a: any) => a.id === id);
    assert.equal(byId(rk, 'stripe_get_current_account').available, false);
    assert.equal(byId(rk, 'stripe_get_current_account').availability_reason, 'not_available_to_restricted_keys');
    assert.equal(byId(rk, 'stripe_list_customers').available, true, 'the link-time test read customers');
    assert.equal(byId(rk, 'stripe_create_customer').available, null, 'unknown until tried');
    assert.equal(byId(rk, 'stripe_list_charges').available, null);

    // A 403 teaches rak_customer_write is missing; a success teaches charge_read is there.
    const denied = await rpc({ action: 'stripe_create_customer', body: { email: 'x@example.com' } }, restrictedAcc);
    assert.equal(denied.status, 403);
    const ok = await rpc({ action: 'stripe_list_charges', query: { limit: 1 } }, restrictedAcc);
    assert.equal(ok.status, 200, ok.text);
    await new Promise((r) => setTimeout(r, 100));
    const after = await lh.api('GET', `/actions?filter[account_ids]=${restrictedAcc}&page_size=1000`);
    const m = after.body.data[0];
    assert.equal(byId(m, 'stripe_create_customer').available, false);
    assert.equal(byId(m, 'stripe_create_customer').availability_reason, 'missing_permission');
    assert.equal(byId(m, 'stripe_update_customer').available, false, 'same permission');
    assert.equal(byId(m, 'stripe_list_charges').available, true);
    assert.ok(m.missing_permissions.includes('rak_customer_write'));
    assert.ok(m.granted_permissions.includes('rak_charge_read'));

    const unknown = await lh.api('GET', '/actions?filter[account_ids]=acc_nope');
    assert.equal(unknown.status, 404);
  });
});

describe('POST /actions/rpc', () => {
  test('list customers, paging with next until the end: every customer once', async () => {
    const total = stripe.world.store(OTHER_ACCOUNT_ID, 'test', 'customers').items.length;
    const seen: string[] = [];
    let next: string | null = null;
    let calls = 0;
    do {
      const res = await rpc({ action: 'stripe_list_customers', query: { limit: 10 }, next, headers: { 'x-account-id': otherAcc } });
      assert.equal(res.status, 200, res.text);
      assert.ok(Array.isArray(res.body.data));
      assert.ok(res.body.data.length <= 10);
      seen.push(...res.body.data.map((c: any) => c.id));
      next = res.body.next;
      if (next) assert.equal(next, res.body.data[res.body.data.length - 1].id);
      calls++;
    } while (next && calls < 20);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.deepEqual(
      stripe.log.slice(1).map((e) => typeof e.query.starting_after),
      stripe.log.slice(1).map(() => 'string'),
    );

    // query.starting_after works as well as next
    const page2 = await rpc({ action: 'stripe_list_customers', query: { limit: 5, starting_after: seen[4] } }, otherAcc);
    assert.deepEqual(
      page2.body.data.map((c: any) => c.id),
      seen.slice(5, 10),
    );
  });

  test('search action: next is Stripe next_page, passed back as page', async () => {
    const first = await rpc({ action: 'stripe_search_customers', query: { query: 'created>0', limit: 10 } }, otherAcc);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.data.length, 10);
    assert.equal(typeof first.body.next, 'string');
    const second = await rpc({ action: 'stripe_search_customers', query: { query: 'created>0', limit: 10 }, next: first.body.next }, otherAcc);
    assert.equal(second.status, 200);
    const ids = new Set([...first.body.data, ...second.body.data].map((c: any) => c.id));
    assert.equal(ids.size, 20);
    assert.equal(stripe.log[1].query.page, first.body.next);
  });

  test('get and create: path parameters, form body, pinned Stripe-Version, caller Idempotency-Key; account from body.headers', async () => {
    const created = await rpc(
      {
        action: 'stripe_create_customer',
        body: { email: 'rpc@example.com', metadata: { source: 'rpc' }, preferred_locales: ['fr'] },
        headers: { 'x-account-id': secretAcc, 'Idempotency-Key': 'rpc-idem-1' },
        defender_config: { enabled: true },
      },
      undefined,
      '/actions/rpc?sync=true&debug=false',
    );
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.data.email, 'rpc@example.com');
    assert.equal(created.body.next, null);
    const e = stripe.log[0];
    assert.equal(e.method, 'POST');
    assert.deepEqual(e.body, { email: 'rpc@example.com', metadata: { source: 'rpc' }, preferred_locales: ['fr'] });
    assert.equal(e.idempotencyKey, 'rpc-idem-1');
    assert.equal(e.stripeVersion, STRIPE_API_VERSION);
    assert.equal(e.keyLast4, stripe.keys.secretTest.slice(-4));

    const got = await rpc({ action: 'stripe_get_customer', path: { customer: created.body.data.id }, query: { expand: ['default_source'] } }, secretAcc);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.data.id, created.body.data.id);
    assert.equal(stripe.log[1].path, `/v1/customers/${created.body.data.id}`);

    const del = await rpc({ action: 'stripe_delete_customer', path: { customer: created.body.data.id } }, secretAcc);
    assert.equal(del.status, 200);
    assert.equal(del.body.data.deleted, true);
    void MAIN_ACCOUNT_ID;
  });

  test('invalid input is refused with 400 naming the field, before anything is sent', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ action: 'stripe_create_customer', body: { email: 123 } }, 'body.email', /^body\.email must be string/],
      [{ action: 'stripe_create_customer', body: { no_such_param: 1 } }, 'body.no_such_param', /body\.no_such_param is not a known field/],
      [{ action: 'stripe_create_customer', body: { address: 'Paris' } }, 'body.address', /body\.address/],
      [{ action: 'stripe_get_customer' }, 'path', /^path is required/],
      [{ action: 'stripe_get_customer', path: {} }, 'path.customer', /^path\.customer is required/],
      [{ action: 'stripe_get_customer', path: { customer: '..' } }, 'path.customer', /path\.customer/],
      [{ action: 'stripe_list_customers', query: { limit: 'ten' } }, 'query.limit', /^query\.limit must be integer/],
      [{ action: 'stripe_list_customers', query: { created: 'yesterday' } }, 'query.created', /^query\.created must be object or integer/],
      [{ action: 'stripe_list_customers', body: { email: 'a@b.c' } }, 'body', /body is not a known field/],
      [{ action: 'stripe_create_customer', headers: { 'Stripe-Account': 'cus_123' } }, 'headers.Stripe-Account', /headers\.Stripe-Account must match pattern/],
      [{ action: 'stripe_search_customers', query: {} }, 'query.query', /query\.query is required/],
      [{ action: 'stripe_create_customer', body: 'email=x' }, 'body', /must be object/],
    ];
    for (const [body, field, message] of cases) {
      const res = await rpc(body, secretAcc);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.statusCode, 400);
      assert.match(res.body.message, message, JSON.stringify(body));
      assert.equal(res.body.field, field, JSON.stringify(body));
    }
    assert.equal(stripe.log.length, 0, 'nothing was sent');
  });

  test('unknown action 404, unknown account 404, missing account 400', async () => {
    const unknown = await rpc({ action: 'stripe_launch_rocket' }, secretAcc);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'unknown_action');
    const acc = await rpc({ action: 'stripe_list_customers' }, 'acc_doesnotexist');
    assert.equal(acc.status, 404);
    assert.equal(acc.body.message, 'Account not found');
    const missing = await rpc({ action: 'stripe_list_customers' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /x-account-id/);
    const header = await rpc({ action: 'stripe_list_customers', headers: { 'x-account-id': 'acc_doesnotexist' } }, secretAcc);
    assert.equal(header.status, 200, 'the x-account-id header wins over body.headers');
    assert.equal(stripe.log.length, 1);
  });

  test('restricted key without the permission: 403 naming the action, the rak_ permission and where to grant it', async () => {
    const res = await rpc({ action: 'stripe_create_customer', body: { email: 'rk@example.com' } }, restrictedAcc);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.statusCode, 403);
    assert.equal(res.body.code, 'missing_permission');
    assert.equal(res.body.action, 'stripe_create_customer');
    assert.equal(res.body.permission, 'rak_customer_write');
    assert.match(res.body.message, /stripe_create_customer/);
    assert.match(res.body.message, /'rak_customer_write'/);
    assert.match(res.body.message, /Customers: Write/);
    assert.match(res.body.message, /Stripe Dashboard open Developers > API keys, edit the restricted key/);
    assert.match(res.body.provider_response, /does not have the required permissions/);

    const closed = await rpc({ action: 'stripe_get_current_account' }, restrictedAcc);
    assert.equal(closed.status, 403);
    assert.equal(closed.body.code, 'not_available_to_restricted_keys');
  });

  test("Stripe's own errors keep their status with provider_errors; a rejected key answers 412 and marks the account", async () => {
    const missing = await rpc({ action: 'stripe_get_customer', path: { customer: 'cus_missing' } }, secretAcc);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, "No such customer: 'cus_missing'");
    assert.equal(missing.body.code, 'resource_missing');
    assert.equal(missing.body.provider_errors[0].status, 404);
    assert.equal(missing.body.provider_errors[0].url, 'https://api.stripe.com/v1/customers/cus_missing');

    stripe.inject({ kind: '500', count: 1 });
    const failed = await rpc({ action: 'stripe_list_customers' }, secretAcc);
    assert.equal(failed.status, 502);
    assert.equal(failed.body.provider_errors[0].status, 500);

    const key = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
    const acc = await link(key);
    stripe.world.setKeyStatus(key, 'expired');
    const rejected = await rpc({ action: 'stripe_list_customers' }, acc);
    assert.equal(rejected.status, 412, rejected.text);
    assert.equal(rejected.body.code, 'expired_key');
    assert.equal(rejected.body.account_status, 'error');
    assert.equal((await lh.api('GET', `/accounts/${acc}`)).body.status, 'error');
  });
});

describe('POST /actions/search', () => {
  test('ranks actions for a plain-language query', async () => {
    const res = await lh.api('POST', '/actions/search', { query: 'list customers', top_k: 3 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.query, 'list customers');
    assert.equal(res.body.results.length, 3);
    assert.equal(res.body.results[0].action_name, 'stripe_list_customers');
    assert.equal(res.body.results[0].connector_key, 'stripe');
    assert.equal(typeof res.body.results[0].similarity_score, 'number');
    const other = await lh.api('POST', '/actions/search', { query: 'list customers', connector: 'hubspot' });
    assert.deepEqual(other.body.results, []);
  });
});
