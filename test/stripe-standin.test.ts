// Tests of the local Stripe stand-in (test/stripe-standin/), driven with the real `stripe` SDK
// configured as in docs/stripe.md#the-stripe-npm-sdk and with plain fetch. No network beyond
// 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import {
  generateKey,
  maskKey,
  startStripeStandin,
  DEFAULT_API_VERSION,
  MAIN_ACCOUNT_ID,
  type RequestLogEntry,
  type StripeStandin,
} from './stripe-standin/index.js';

let S: StripeStandin;

before(async () => {
  S = await startStripeStandin();
});
after(async () => {
  await S.close();
});

/** The real SDK pointed at the stand-in (host, port, http, no telemetry): docs/stripe.md#the-stripe-npm-sdk. */
function sdk(key: string, maxNetworkRetries = 0): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: S.port, protocol: 'http', telemetry: false, maxNetworkRetries });
}

interface Res {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(
  method: string,
  path: string,
  opts: { key?: string | null; basic?: boolean; body?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? S.keys.secretTest : opts.key;
  if (key !== null) headers.Authorization = opts.basic ? `Basic ${Buffer.from(key + ':').toString('base64')}` : `Bearer ${key}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const r = await fetch(S.url + path, { method, headers, body: opts.body });
  return { status: r.status, headers: r.headers, json: await r.json() };
}

/** Log entries written since `mark` (a previous `S.log.length`). */
const since = (mark: number): RequestLogEntry[] => S.log.slice(mark);

async function sdkError(p: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Stripe.errors.StripeError, `expected a StripeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the request to fail');
}

const NO_KEY_TEXT =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

describe('keys', () => {
  it('are realistic, distinct 107-character keys of the right kind and mode', () => {
    const all = Object.entries(S.keys);
    assert.equal(new Set(all.map(([, k]) => k)).size, all.length);
    for (const [name, k] of all) {
      assert.equal(k.length, 107, name);
      assert.match(k, /^(sk|rk|pk|sk_org)_(test|live)_51[A-Za-z0-9]+$/, name);
    }
    assert.match(S.keys.restrictedTest, /^rk_test_/);
    assert.match(S.keys.publishableLive, /^pk_live_/);
    assert.match(S.keys.otherAccountSecretTest, /^sk_test_/);
  });

  it('masks as long as the key, showing the prefix and the last 4 or 6', () => {
    const k = S.keys.secretTest;
    assert.equal(maskKey(k, 4), 'sk_test_' + '*'.repeat(95) + k.slice(-4));
    assert.equal(maskKey(k, 6), 'sk_test_' + '*'.repeat(93) + k.slice(-6));
    assert.equal(maskKey('sk_test_your_stripe_secret_key_here', 4), 'sk_test_***********************here');
  });
});

describe('authentication (docs/stripe.md#error-texts, #stand-in-authentication)', () => {
  it('lists customers with every secret and restricted key kind', async () => {
    const cases: [string, boolean][] = [
      [S.keys.secretTest, false],
      [S.keys.secretLive, true],
      [S.keys.restrictedTest, false],
      [S.keys.restrictedLive, true],
      [S.keys.restrictedTestCustomerWrite, false],
      [S.keys.otherAccountSecretTest, false],
    ];
    const firstIds = new Set<string>();
    for (const [key, live] of cases) {
      const list = await sdk(key).customers.list();
      assert.equal(list.object, 'list');
      assert.equal(list.url, '/v1/customers');
      assert.equal(list.has_more, true);
      assert.equal(list.data.length, 10);
      for (const c of list.data) assert.equal(c.livemode, live);
      firstIds.add(list.data[0].id);
    }
    // Main test (3 keys) share one store; main live (2 keys) another; other account a third.
    assert.equal(firstIds.size, 3);
  });

  it('accepts Basic auth with the key as user name and logs the scheme', async () => {
    const mark = S.log.length;
    const r = await call('GET', '/v1/customers?limit=1', { basic: true });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['object', 'data', 'has_more', 'url']);
    assert.equal(since(mark)[0].authScheme, 'basic');
    assert.equal(since(mark)[0].keyLast4, S.keys.secretTest.slice(-4));
  });

  it('no key → 401 with the exact text', async () => {
    const r = await call('GET', '/v1/customers', { key: null });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { error: { type: 'invalid_request_error', message: NO_KEY_TEXT } });
  });

  it('"null" key → 401 naming the header value', async () => {
    const r = await call('GET', '/v1/customers', { key: 'null' });
    assert.equal(r.status, 401);
    assert.equal(
      r.json.error.message,
      `You did not provide an API key, though you did set your Authorization header to "null". Using Bearer auth, your Authorization header should look something like 'Authorization: Bearer YOUR_SECRET_KEY'. See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.`,
    );
  });

  it('unknown key → 401 with the mask ending in the last 4 (SDK: 1 attempt)', async () => {
    const bogus = generateKey('sk', 'test');
    const r = await call('GET', '/v1/customers', { key: bogus });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, {
      error: { type: 'invalid_request_error', message: `Invalid API Key provided: sk_test_${'*'.repeat(95)}${bogus.slice(-4)}` },
    });
    const mark = S.log.length;
    const err = await sdkError(sdk(bogus, 2).customers.list());
    assert.equal(err.type, 'StripeAuthenticationError');
    assert.equal(err.statusCode, 401);
    assert.equal(since(mark).length, 1);
  });

  it('expired key → 401 api_key_expired with the mask ending in the last 6', async () => {
    const k = S.keys.expiredTest;
    const r = await call('GET', '/v1/customers', { key: k });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, {
      error: {
        type: 'invalid_request_error',
        code: 'api_key_expired',
        doc_url: 'https://stripe.com/docs/error-codes/api-key-expired',
        message: `Expired API Key provided: rk_test_${'*'.repeat(93)}${k.slice(-6)}`,
      },
    });
  });

  it('deleted key → 401 with the invalid-key text', async () => {
    const k = S.keys.deletedTest;
    const r = await call('GET', '/v1/customers', { key: k });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.message, `Invalid API Key provided: sk_test_${'*'.repeat(95)}${k.slice(-4)}`);
  });

  it('key status can be changed at run time', async () => {
    const k = S.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
    assert.equal((await call('GET', '/v1/customers?limit=1', { key: k })).status, 200);
    S.world.setKeyStatus(k, 'expired');
    const r = await call('GET', '/v1/customers?limit=1', { key: k });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'api_key_expired');
  });

  it('publishable key → 401 secret_key_required', async () => {
    for (const k of [S.keys.publishableTest, S.keys.publishableLive]) {
      const r = await call('GET', '/v1/customers', { key: k });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, {
        error: {
          type: 'invalid_request_error',
          code: 'secret_key_required',
          doc_url: 'https://stripe.com/docs/error-codes/secret-key-required',
          message:
            'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
        },
      });
    }
  });

  it('key with a space → 401 with the space text', async () => {
    const k = S.keys.secretTest.slice(0, 50) + ' ' + S.keys.secretTest.slice(50);
    const r = await call('GET', '/v1/customers', { key: k });
    assert.equal(r.status, 401);
    assert.equal(
      r.json.error.message,
      `Invalid API Key provided: ${maskKey(k, 4)}. This key contains at least one space. Please delete the spaces and try again.`,
    );
  });
});

describe('restricted keys (docs/stripe.md#restricted-key-permissions, #stand-in-permissions)', () => {
  const forbidden = (key: string, perm: string): string =>
    `The provided key '${maskKey(key, 6)}' does not have the required permissions for this endpoint on account '${MAIN_ACCOUNT_ID}'. Having the 'rak_${perm}' permission would allow this request to continue.`;

  it('lacking customer_read → 403 naming rak_customer_read and the account (SDK: 1 attempt)', async () => {
    const k = S.keys.restrictedTestNoCustomers;
    const r = await call('GET', '/v1/customers?limit=1', { key: k });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json, { error: { type: 'invalid_request_error', message: forbidden(k, 'customer_read') } });
    assert.equal(maskKey(k, 6).length, k.length);
    const mark = S.log.length;
    const err = await sdkError(sdk(k, 2).customers.list({ limit: 1 }));
    assert.equal(err.type, 'StripePermissionError');
    assert.equal(err.statusCode, 403);
    assert.equal(since(mark).length, 1);
    // The same key can read charges and refunds (refunds need charge_read).
    assert.equal((await call('GET', '/v1/charges', { key: k })).status, 200);
    assert.equal((await call('GET', '/v1/refunds', { key: k })).status, 200);
    assert.equal((await call('GET', '/v1/prices', { key: k })).json.error.message, forbidden(k, 'plan_read'));
    // Expanding a type the key cannot read is refused too.
    const ex = await call('GET', '/v1/charges?limit=1&expand[]=data.customer', { key: k });
    assert.equal(ex.status, 403);
    assert.equal(ex.json.error.message, forbidden(k, 'customer_read'));
  });

  it('writes need <x>_write; write implies read', async () => {
    const ro = await call('POST', '/v1/customers', { key: S.keys.restrictedTest, body: 'name=X' });
    assert.equal(ro.status, 403);
    assert.equal(ro.json.error.message, forbidden(S.keys.restrictedTest, 'customer_write'));
    const rw = S.keys.restrictedTestCustomerWrite;
    assert.equal((await call('POST', '/v1/customers', { key: rw, body: 'name=Writer' })).status, 200);
    assert.equal((await call('GET', '/v1/customers?limit=1', { key: rw })).status, 200);
    assert.equal((await call('GET', '/v1/charges', { key: rw })).json.error.message, forbidden(rw, 'charge_read'));
  });

  it('GET /v1/account: sk → the account; rk → "not available for use by restricted keys"', async () => {
    const acct = await sdk(S.keys.secretTest).accounts.retrieve(null);
    assert.equal(acct.id, MAIN_ACCOUNT_ID);
    assert.equal(acct.object, 'account');
    assert.equal(acct.business_profile?.name, S.accounts.main.name);
    assert.equal(acct.settings?.dashboard.display_name, S.accounts.main.name);
    assert.equal(acct.email, 'billing@linkhub-demo.example.com');
    assert.equal(acct.country, 'US');
    assert.equal(acct.default_currency, 'usd');
    assert.equal('livemode' in acct, false);
    const other = await sdk(S.keys.otherAccountSecretTest).accounts.retrieveCurrent();
    assert.equal(other.id, S.accounts.other.id);
    assert.equal(other.default_currency, 'gbp');

    for (const k of [S.keys.restrictedTest, S.keys.restrictedLive]) {
      const r = await call('GET', '/v1/account', { key: k });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json, {
        error: {
          type: 'invalid_request_error',
          message: `The provided key '${maskKey(k, 6)}' does not have the required permissions for this endpoint on account '${MAIN_ACCOUNT_ID}'. This is a restricted API key, but the required permissions are not available for use by restricted keys.`,
        },
      });
    }
  });

  it('Stripe-Account: echoed; connected accounts work with the platform sk; rk without Connect is refused', async () => {
    const connected = S.world.addAccount({ name: 'Connected Shop', platform: MAIN_ACCOUNT_ID });
    const r = await call('GET', '/v1/customers?limit=1', { headers: { 'Stripe-Account': connected.id } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('stripe-account'), connected.id);
    const own = await call('GET', '/v1/customers?limit=1');
    assert.notEqual(r.json.data[0].id, own.json.data[0].id);
    const bad = await call('GET', '/v1/customers', { key: S.keys.otherAccountSecretTest, headers: { 'Stripe-Account': connected.id } });
    assert.equal(bad.status, 403);
    assert.equal(bad.json.error.code, 'account_invalid');
    const rk = await call('GET', '/v1/customers', { key: S.keys.restrictedTest, headers: { 'Stripe-Account': connected.id } });
    assert.equal(
      rk.json.error.message,
      'You passed a restricted API key with the Stripe-Account header, but the restricted API key does not have any Connect permissions.',
    );
  });
});

describe('organization keys (docs/stripe-org-keys.md)', () => {
  const MISSING = 'Please include the Stripe-Context header with your target account when using an Organization API key.';

  it('sk_org_test_/sk_org_live_ keys; without Stripe-Context → 400 invalid_request_error with Stripe text (SDK: StripeInvalidRequestError)', async () => {
    assert.match(S.keys.orgTest, /^sk_org_test_[A-Za-z0-9]+$/);
    assert.match(S.keys.orgLive, /^sk_org_live_[A-Za-z0-9]+$/);
    const live = await call('GET', '/v1/customers?limit=1', { key: S.keys.orgLive, headers: { 'Stripe-Context': MAIN_ACCOUNT_ID } });
    assert.equal(live.status, 200);
    const r = await call('GET', '/v1/customers?limit=1', { key: S.keys.orgTest });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { error: { message: MISSING, type: 'invalid_request_error' } });
    assert.equal((await call('GET', '/v1/customers?limit=1', { key: S.keys.orgTest, headers: { 'Stripe-Context': '' } })).status, 400);
    const err = await sdkError(sdk(S.keys.orgTest).customers.list({ limit: 1 }));
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.message, MISSING);
  });

  it('acts on the account Stripe-Context names (the SDK sends it), and only on accounts of the organization', async () => {
    const org = S.keys.orgTest;
    const main = await sdk(org).customers.list({ limit: 3 }, { stripeContext: MAIN_ACCOUNT_ID });
    const other = await sdk(org).customers.list({ limit: 3 }, { stripeContext: S.accounts.other.id });
    assert.deepEqual(
      main.data.map((c) => c.id),
      (await sdk(S.keys.secretTest).customers.list({ limit: 3 })).data.map((c) => c.id),
    );
    assert.deepEqual(
      other.data.map((c) => c.id),
      (await sdk(S.keys.otherAccountSecretTest).customers.list({ limit: 3 })).data.map((c) => c.id),
    );
    assert.equal(S.log.at(-3)!.stripeContext, S.accounts.other.id);
    const account = await sdk(org).accounts.retrieveCurrent({}, { stripeContext: S.accounts.other.id });
    assert.equal(account.id, S.accounts.other.id);
    const outside = await call('GET', '/v1/customers', { key: org, headers: { 'Stripe-Context': 'acct_1NotInTheOrg0' } });
    assert.equal(outside.status, 403);
    assert.equal(outside.json.error.code, 'account_invalid');
  });
});

describe('Stripe-Version and response headers (docs/stripe.md#api-versions, #response-headers)', () => {
  it('echoes a valid version, applies the account default without one, rejects a bad one', async () => {
    const a = await call('GET', '/v1/customers?limit=1', { headers: { 'Stripe-Version': '2025-09-30.clover' } });
    assert.equal(a.headers.get('stripe-version'), '2025-09-30.clover');
    const b = await call('GET', '/v1/customers?limit=1');
    assert.equal(b.headers.get('stripe-version'), DEFAULT_API_VERSION);
    const c = await call('GET', '/v1/customers?limit=1', { headers: { 'Stripe-Version': '2025-13' } });
    assert.equal(c.status, 400);
    assert.deepEqual(c.json, { error: { type: 'invalid_request_error', message: 'Invalid Stripe API version: 2025-13' } });
    const list = await sdk(S.keys.secretTest).customers.list({ limit: 1 });
    assert.equal(list.lastResponse.apiVersion, Stripe.API_VERSION);
  });

  it('sends Request-Id, Stripe-Version, JSON content type and length on every response; POST extras', async () => {
    for (const r of [await call('GET', '/v1/customers?limit=2'), await call('GET', '/v1/customers', { key: null })]) {
      assert.match(r.headers.get('request-id') ?? '', /^req_[A-Za-z0-9]{14}$/);
      assert.ok(r.headers.get('stripe-version'));
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.ok(Number(r.headers.get('content-length')) > 0);
    }
    const p = await call('POST', '/v1/customers', { body: 'name=Headers', headers: { 'Idempotency-Key': 'hdr-1' } });
    assert.equal(p.status, 200);
    assert.equal(p.headers.get('idempotency-key'), 'hdr-1');
    assert.equal(p.headers.get('stripe-should-retry'), 'false');
    const g = await call('GET', '/v1/customers?limit=1', { headers: { 'Idempotency-Key': 'ignored-on-get' } });
    assert.equal(g.headers.get('idempotency-key'), null);
  });

  it('unknown route → 404 with Stripe text', async () => {
    const r = await call('GET', '/v1/xyz');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      error: {
        type: 'invalid_request_error',
        message: 'Unrecognized request URL (GET: /v1/xyz). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.',
      },
    });
    const d = await call('DELETE', '/v1/charges/ch_123');
    assert.equal(d.json.error.message.startsWith('Unrecognized request URL (DELETE: /v1/charges/ch_123).'), true);
  });
});

describe('lists, retrieve, search (docs/stripe.md#lists-search-and-expand)', () => {
  it('pages through all customers with exclusive cursors in created-desc order', async () => {
    const seen: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    let after: string | undefined;
    for (;;) {
      const r = await call('GET', `/v1/customers?limit=7${after ? `&starting_after=${after}` : ''}`, { key: S.keys.secretLive });
      assert.equal(r.status, 200);
      seen.push(...r.json.data);
      if (!r.json.has_more) break;
      after = r.json.data.at(-1).id;
    }
    assert.equal(seen.length, 42);
    assert.equal(new Set(seen.map((c) => c.id)).size, 42);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].created > seen[i].created);
    // ending_before walks back towards newer objects.
    const back = await call('GET', `/v1/customers?limit=3&ending_before=${seen[10].id}`, { key: S.keys.secretLive });
    assert.deepEqual(
      back.json.data.map((c: { id: string }) => c.id),
      seen.slice(7, 10).map((c) => c.id),
    );
    assert.equal(back.json.has_more, true);
    const front = await call('GET', `/v1/customers?limit=5&ending_before=${seen[2].id}`, { key: S.keys.secretLive });
    assert.equal(front.json.data.length, 2);
    assert.equal(front.json.has_more, false);
  });

  it('the SDK auto-pagination sees every customer once', async () => {
    const mark = S.log.length;
    const all = await sdk(S.keys.otherAccountSecretLive).customers.list({ limit: 20 }).autoPagingToArray({ limit: 1000 });
    assert.equal(all.length, 42);
    const reqs = since(mark);
    assert.equal(reqs.length, 3);
    assert.equal(reqs[1].query.starting_after, all[19].id);
  });

  it('validates limit, cursors and parameters', async () => {
    const one = await call('GET', '/v1/customers?starting_after=cus_a&ending_before=cus_b');
    assert.equal(one.status, 400);
    assert.equal(one.json.error.message, 'You may only specify one of these parameters: ending_before, starting_after.');
    for (const l of ['0', '101', 'abc']) {
      const r = await call('GET', `/v1/customers?limit=${l}`);
      assert.equal(r.status, 400, l);
      assert.equal(r.json.error.param, 'limit');
    }
    assert.equal((await call('GET', '/v1/customers?limit=100')).json.data.length, S.world.store(MAIN_ACCOUNT_ID, 'test', 'customers').size);
    const unknown = await call('GET', '/v1/customers?colour=blue');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json.error, {
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param: 'colour',
      doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
      message: 'Received unknown parameter: colour',
    });
    const byEmail = await call('GET', '/v1/customers?email=customer5%40example.com');
    assert.equal(byEmail.json.data.length, 1);
    assert.equal(byEmail.json.data[0].metadata.index, '5');
    const first = (await call('GET', '/v1/customers?limit=3')).json.data;
    const created = await call('GET', `/v1/customers?limit=100&created[gte]=${first[2].created}&created[lte]=${first[1].created}`);
    assert.deepEqual(created.json.data.map((c: { id: string }) => c.id).slice(-2), [first[1].id, first[2].id]);
  });

  it('lists every seeded collection with ids unique per store', async () => {
    for (const name of [
      'charges',
      'payment_intents',
      'invoices',
      'subscriptions',
      'products',
      'prices',
      'refunds',
      'balance_transactions',
      'payouts',
      'events',
    ]) {
      const r = await call('GET', `/v1/${name}?limit=100`);
      assert.equal(r.status, 200, name);
      assert.equal(r.json.url, `/v1/${name}`);
      assert.ok(r.json.data.length > 0, name);
      assert.equal(new Set(r.json.data.map((o: { id: string }) => o.id)).size, r.json.data.length);
      for (const o of r.json.data) assert.equal(o.livemode, false);
    }
    const bal = await call('GET', '/v1/balance');
    assert.equal(bal.json.object, 'balance');
    assert.equal(bal.json.available[0].currency, 'usd');
  });

  it('retrieve: 404 resource_missing, and the cross-mode texts', async () => {
    const r = await call('GET', '/v1/customers/cus_nope');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json.error, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
      param: 'id',
      message: "No such customer: 'cus_nope'",
    });
    const testId = (await call('GET', '/v1/customers?limit=1')).json.data[0].id;
    const liveId = (await call('GET', '/v1/customers?limit=1', { key: S.keys.secretLive })).json.data[0].id;
    const a = await call('GET', `/v1/customers/${testId}`, { key: S.keys.secretLive });
    assert.equal(a.status, 404);
    assert.equal(
      a.json.error.message,
      `No such customer: '${testId}'; a similar object exists in test mode, but a live mode key was used to make this request.`,
    );
    const b = await call('GET', `/v1/customers/${liveId}`);
    assert.equal(
      b.json.error.message,
      `No such customer: '${liveId}'; a similar object exists in live mode, but a test mode key was used to make this request.`,
    );
    const c = await sdk(S.keys.secretTest).customers.retrieve(testId);
    assert.equal(c.id, testId);
  });

  it('expand: data.-prefixed on lists, plain on retrieve, 400 otherwise', async () => {
    const r = await call('GET', '/v1/charges?limit=2&expand[]=data.customer&expand[]=data.payment_intent');
    assert.equal(r.status, 200);
    assert.equal(r.json.data[0].customer.object, 'customer');
    assert.equal(r.json.data[0].payment_intent.object, 'payment_intent');
    const bad = await call('GET', '/v1/charges?expand[]=customer');
    assert.equal(bad.status, 400);
    const notExpandable = await call('GET', `/v1/charges/${r.json.data[0].id}?expand[]=amount`);
    assert.equal(notExpandable.status, 400);
    const sdkCharge = await sdk(S.keys.secretTest).charges.retrieve(r.json.data[0].id, { expand: ['customer'] });
    assert.equal((sdkCharge.customer as Stripe.Customer).id, r.json.data[0].customer.id);
    // a write with a field that cannot be expanded is refused before it acts, as Stripe refuses a bad parameter
    const before = (await call('GET', '/v1/payouts?limit=100')).json.data.length;
    const write = await call('POST', '/v1/payouts?expand[]=nope', { body: 'amount=100&currency=usd' });
    assert.equal(write.status, 400);
    assert.equal((await call('GET', '/v1/payouts?limit=100')).json.data.length, before, 'no payout made');
  });

  it('search: field, email, metadata, AND, opaque next_page, total_count', async () => {
    const stripe = sdk(S.keys.restrictedTest);
    const one = await stripe.customers.search({ query: "email:'customer7@example.com'" });
    assert.equal(one.object, 'search_result');
    assert.equal(one.url, '/v1/customers/search');
    assert.equal(one.data.length, 1);
    assert.equal(one.next_page, null);
    assert.equal('total_count' in one, false);
    const gold = await stripe.customers.search({ query: "metadata['tier']:'gold'", limit: 5, expand: ['total_count'] });
    assert.equal(gold.total_count, 14);
    assert.equal(gold.has_more, true);
    assert.equal(typeof gold.next_page, 'string');
    const both = await stripe.customers.search({ query: "metadata['tier']:'gold' AND name:'Test Customer 9'" });
    assert.deepEqual(
      both.data.map((c) => c.metadata.index),
      ['9'],
    );
    const all = await stripe.customers.search({ query: "metadata['tier']:'gold'", limit: 4 }).autoPagingToArray({ limit: 100 });
    assert.equal(all.length, 14);
    assert.equal(new Set(all.map((c) => c.id)).size, 14);
    const bad = await call('GET', `/v1/customers/search?query=${encodeURIComponent('email:unquoted')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, 'query');
    const badPage = await call('GET', `/v1/customers/search?query=${encodeURIComponent("name:'x'")}&page=${gold.next_page}`);
    assert.equal(badPage.status, 400);
  });
});

describe('create, update, delete customers', () => {
  it('round-trips bracket-encoded bodies through the SDK', async () => {
    const stripe = sdk(S.keys.otherAccountSecretTest);
    const mark = S.log.length;
    const c = await stripe.customers.create({
      name: 'Ada',
      email: 'ada@example.com',
      metadata: { plan: 'pro', team: 'core' },
      preferred_locales: ['en', 'fr'],
      address: { city: 'London', country: 'GB' },
    });
    assert.match(c.id, /^cus_[A-Za-z0-9]{14}$/);
    assert.equal(c.livemode, false);
    assert.deepEqual(c.metadata, { plan: 'pro', team: 'core' });
    assert.deepEqual(c.preferred_locales, ['en', 'fr']);
    assert.equal(c.address?.city, 'London');
    const entry = since(mark)[0];
    assert.deepEqual(entry.body.metadata, { plan: 'pro', team: 'core' });
    assert.match(entry.idempotencyKey ?? '', /^stripe-node-retry-/);
    assert.equal((await stripe.customers.list({ limit: 1 })).data[0].id, c.id);

    const u = await stripe.customers.update(c.id, { metadata: { plan: '', extra: 'x' }, description: 'VIP' });
    assert.deepEqual(u.metadata, { team: 'core', extra: 'x' });
    assert.equal(u.description, 'VIP');
    assert.equal(((await stripe.customers.retrieve(c.id)) as Stripe.Customer).description, 'VIP');

    const d = await stripe.customers.del(c.id);
    assert.deepEqual({ ...d, lastResponse: undefined }, { id: c.id, object: 'customer', deleted: true, lastResponse: undefined });
    const gone = await stripe.customers.retrieve(c.id);
    assert.equal(gone.deleted, true);
    const err = await sdkError(stripe.customers.del(c.id));
    assert.equal(err.statusCode, 404);
  });

  it('unknown parameter on create → 400 parameter_unknown (StripeInvalidRequestError)', async () => {
    const err = await sdkError(sdk(S.keys.secretTest).customers.create({ name: 'x', favourite_colour: 'blue' } as Stripe.CustomerCreateParams));
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.code, 'parameter_unknown');
    assert.equal(err.param, 'favourite_colour');
  });

  it('generic create for other collections checks references', async () => {
    const stripe = sdk(S.keys.secretTest);
    const product = await stripe.products.create({ name: 'Widget' });
    assert.equal(product.name, 'Widget');
    const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1234, product: product.id });
    assert.equal(price.product, product.id);
    assert.equal(price.unit_amount, 1234);
    const err = await sdkError(stripe.prices.create({ currency: 'usd', unit_amount: 1, product: 'prod_missing' }));
    assert.equal(err.statusCode, 404);
    assert.equal(err.message, "No such product: 'prod_missing'");
    assert.equal(err.param, 'product');
  });
});

describe('idempotency (docs/stripe.md#idempotency, #stand-in-idempotency)', () => {
  const post = (body: string, key: string, path = '/v1/customers', apiKey = S.keys.secretTest): Promise<Res> =>
    call('POST', path, { key: apiKey, body, headers: { 'Idempotency-Key': key } });

  it('replays the stored response with Idempotent-Replayed and Original-Request', async () => {
    const before = (await call('GET', '/v1/customers?limit=100')).json.data.length;
    const a = await post('name=Once&metadata[k]=v', 'idem-replay');
    const b = await post('metadata[k]=v&name=Once', 'idem-replay');
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.deepEqual(b.json, a.json);
    assert.equal(a.headers.get('idempotent-replayed'), null);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(b.headers.get('original-request'), a.headers.get('request-id'));
    assert.notEqual(b.headers.get('request-id'), a.headers.get('request-id'));
    assert.equal((await call('GET', '/v1/customers?limit=100')).json.data.length, before + 1);
    // Scoped per (account, mode): the same key in live mode is a new request.
    const live = await post('name=Once', 'idem-replay', '/v1/customers', S.keys.secretLive);
    assert.equal(live.headers.get('idempotent-replayed'), null);
    assert.equal(live.json.livemode, true);
  });

  it('mismatched parameters or endpoint → 400 idempotency_error', async () => {
    await post('name=First', 'idem-mismatch');
    const p = await post('name=Second', 'idem-mismatch');
    assert.equal(p.status, 400);
    assert.deepEqual(p.json, {
      error: {
        type: 'idempotency_error',
        message:
          "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'idem-mismatch' if you meant to execute a different request.",
      },
    });
    const e = await post('name=First', 'idem-mismatch', '/v1/products');
    assert.equal(e.status, 400);
    assert.equal(
      e.json.error.message,
      "Keys for idempotent requests can only be used for the same endpoint they were first used for ('/v1/products' vs '/v1/customers'). Try using a key other than 'idem-mismatch' if you meant to execute a different request.",
    );
  });

  it('a duplicate in flight → 409 idempotency_key_in_use', async () => {
    S.inject({ kind: 'delay', delayMs: 300, pathPrefix: '/v1/customers' });
    const first = post('name=Slow', 'idem-inflight');
    await new Promise((r) => setTimeout(r, 50));
    const second = await post('name=Slow', 'idem-inflight');
    assert.equal(second.status, 409);
    assert.equal(second.json.error.code, 'idempotency_key_in_use');
    assert.equal((await first).status, 200);
    const third = await post('name=Slow', 'idem-inflight');
    assert.equal(third.headers.get('idempotent-replayed'), 'true');
  });

  it('never stores 401, validation failures or 429; stores 404s', async () => {
    const bad = await post('name=A', 'idem-401', '/v1/customers', generateKey('sk', 'test'));
    assert.equal(bad.status, 401);
    const ok401 = await post('name=A', 'idem-401');
    assert.equal(ok401.status, 200);
    assert.equal(ok401.headers.get('idempotent-replayed'), null);

    const invalid = await post('name=A&bogus=1', 'idem-400');
    assert.equal(invalid.status, 400);
    const ok400 = await post('name=A&bogus=1', 'idem-400');
    assert.equal(ok400.headers.get('idempotent-replayed'), null);

    S.setRateLimits({ test: 1 });
    try {
      await call('GET', '/v1/customers?limit=1');
      const limited = await post('name=A', 'idem-429');
      assert.equal(limited.status, 429);
    } finally {
      S.setRateLimits(false);
    }
    assert.equal((await post('name=A', 'idem-429')).headers.get('idempotent-replayed'), null);

    const m1 = await post('name=A', 'idem-404', '/v1/customers/cus_missing');
    const m2 = await post('name=A', 'idem-404', '/v1/customers/cus_missing');
    assert.equal(m1.status, 404);
    assert.equal(m2.status, 404);
    assert.equal(m2.headers.get('idempotent-replayed'), 'true');
  });

  it('a key longer than 255 characters → 400', async () => {
    assert.equal((await post('name=A', 'k'.repeat(256))).status, 400);
    assert.equal((await post('name=A', 'k'.repeat(255))).status, 200);
  });
});

describe('rate limits (docs/stripe.md#rate-limits, #stand-in-rate-limits-and-faults)', () => {
  it('is off by default, and when on answers 429 rate_limit without Stripe-Should-Retry (SDK: 1 attempt)', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, () => call('GET', '/v1/customers?limit=1')));
    assert.ok(burst.every((r) => r.status === 200));

    S.setRateLimits({ test: 3 });
    try {
      // A bucket holds one second's worth (3 tokens) and refills at 3/s: 12 requests at once overflow it.
      const rs = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/v1/customers?limit=1')));
      const limited = rs.filter((r) => r.status === 429);
      assert.ok(limited.length >= 1, `expected 429s, got ${limited.length}`);
      assert.ok(rs.filter((r) => r.status === 200).length >= 3);
      assert.deepEqual(limited[0].json, {
        error: {
          type: 'invalid_request_error',
          code: 'rate_limit',
          doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
          message: 'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
        },
      });
      assert.equal(limited[0].headers.get('stripe-should-retry'), null);
      // Live mode and other accounts have their own buckets.
      assert.equal((await call('GET', '/v1/customers?limit=1', { key: S.keys.secretLive })).status, 200);
      assert.equal((await call('GET', '/v1/customers?limit=1', { key: S.keys.otherAccountSecretTest })).status, 200);

      const mark = S.log.length;
      const err = await sdkError(sdk(S.keys.secretTest, 2).customers.list());
      assert.equal(err.type, 'StripeRateLimitError');
      assert.equal(err.code, 'rate_limit');
      assert.equal(since(mark).length, 1);
    } finally {
      S.setRateLimits(false);
    }
  });

  it('limits search separately (20/s by default)', async () => {
    S.setRateLimits({});
    try {
      const q = `/v1/customers/search?query=${encodeURIComponent("name:'x'")}`;
      const rs = await Promise.all(Array.from({ length: 40 }, () => call('GET', q, { key: S.keys.secretLive })));
      assert.ok(rs.some((r) => r.status === 429));
      assert.ok(rs.filter((r) => r.status === 200).length >= 20);
    } finally {
      S.setRateLimits(false);
    }
  });
});

describe('fault injection and SDK retries (docs/stripe.md#retries)', () => {
  async function attempts(
    fault: Parameters<StripeStandin['inject']>[0],
    run: (s: Stripe) => Promise<unknown>,
    retries = 2,
  ): Promise<{ entries: RequestLogEntry[]; error?: InstanceType<typeof Stripe.errors.StripeError>; result?: unknown }> {
    S.clearFaults();
    S.inject(fault);
    const mark = S.log.length;
    try {
      const result = await run(sdk(S.keys.secretTest, retries));
      return { entries: since(mark), result };
    } catch (e) {
      assert.ok(e instanceof Stripe.errors.StripeError, String(e));
      return { entries: since(mark), error: e };
    } finally {
      S.clearFaults();
    }
  }
  const list = (s: Stripe): Promise<unknown> => s.customers.list({ limit: 1 });

  it('429 lock_timeout + Stripe-Should-Retry: true → 3 attempts', async () => {
    const r = await attempts({ kind: 'lock_timeout', count: 5 }, list);
    assert.equal(r.entries.length, 3);
    assert.ok(r.entries.every((e) => e.status === 429 && e.fault === 'lock_timeout'));
    assert.equal(r.error?.code, 'lock_timeout');
    assert.equal(r.error?.headers?.['stripe-should-retry'], 'true');
  });

  it('409 → 3 attempts; 503 → 3 attempts', async () => {
    const a = await attempts({ kind: '409', count: 5 }, list);
    assert.equal(a.entries.length, 3);
    assert.equal(a.error?.statusCode, 409);
    const b = await attempts({ kind: '503', count: 5 }, list);
    assert.equal(b.entries.length, 3);
    assert.equal(b.error?.statusCode, 503);
  });

  it('500 api_error + Stripe-Should-Retry: false → 1 attempt', async () => {
    const r = await attempts({ kind: '500', count: 5 }, list);
    assert.equal(r.entries.length, 1);
    assert.equal(r.error?.type, 'StripeAPIError');
    assert.equal(r.error?.statusCode, 500);
    assert.equal(r.error?.headers?.['stripe-should-retry'], 'false');
  });

  it('a transient 503 on a POST is retried with the same idempotency key and creates one object', async () => {
    const r = await attempts({ kind: '503', count: 1, pathPrefix: '/v1/customers' }, (s) => s.customers.create({ name: 'Retried' }));
    assert.equal(r.entries.length, 2);
    assert.deepEqual(
      r.entries.map((e) => e.status),
      [503, 200],
    );
    assert.equal(r.entries[0].idempotencyKey, r.entries[1].idempotencyKey);
    assert.equal((r.result as Stripe.Customer).name, 'Retried');
  });

  it('socket reset: retried once even with 0 retries; exhausts 2 retries', async () => {
    const once = await attempts({ kind: 'reset', count: 1 }, list, 0);
    assert.equal(once.entries.length, 2);
    assert.deepEqual(
      once.entries.map((e) => e.status),
      [0, 200],
    );
    const many = await attempts({ kind: 'reset', count: 5 }, list, 2);
    assert.equal(many.entries.length, 3);
    assert.equal(many.error?.type, 'StripeConnectionError');
  });

  it('delay adds latency; pathPrefix limits which requests are hit', async () => {
    S.inject({ kind: 'delay', delayMs: 120, pathPrefix: '/v1/customers' });
    S.inject({ kind: '500', pathPrefix: '/v1/charges' });
    const t0 = performance.now();
    assert.equal((await call('GET', '/v1/products?limit=1')).status, 200);
    assert.equal((await call('GET', '/v1/customers?limit=1')).status, 200);
    assert.ok(performance.now() - t0 >= 110);
    assert.equal(S.pendingFaults(), 1);
    assert.equal((await call('GET', '/v1/charges?limit=1')).status, 500);
    assert.equal(S.pendingFaults(), 0);
  });
});

describe('request log (docs/stripe.md#stand-in-request-log)', () => {
  it('records the request details', async () => {
    const mark = S.log.length;
    await call('POST', '/v1/customers?expand[]=tax', {
      key: S.keys.restrictedTestCustomerWrite,
      body: 'name=Logged&items[0][price]=p&metadata[a]=b',
      headers: { 'Idempotency-Key': 'log-1', 'Stripe-Version': '2025-03-31.basil' },
    });
    const e = since(mark)[0];
    assert.equal(e.method, 'POST');
    assert.equal(e.path, '/v1/customers');
    assert.deepEqual(e.query, { expand: ['tax'] });
    assert.deepEqual(e.body, { name: 'Logged', items: [{ price: 'p' }], metadata: { a: 'b' } });
    assert.equal(e.authScheme, 'bearer');
    assert.equal(e.maskedKey, maskKey(S.keys.restrictedTestCustomerWrite, 4));
    assert.equal(e.keyLast4, S.keys.restrictedTestCustomerWrite.slice(-4));
    assert.equal(e.idempotencyKey, 'log-1');
    assert.equal(e.stripeVersion, '2025-03-31.basil');
    assert.equal(e.stripeAccount, null);
    assert.equal(e.status, 400); // items is not a customer parameter
    assert.match(e.requestId ?? '', /^req_/);
    assert.equal(typeof e.at, 'number');
  });

  it('never contains a full key, nor the middle of one', async () => {
    const text = JSON.stringify(S.log);
    assert.ok(S.log.length > 100);
    const used = new Set(S.log.map((e) => e.keyLast4));
    for (const [name, key] of Object.entries(S.keys)) {
      assert.ok(used.has(key.slice(-4)), `${name} was exercised`);
      assert.equal(text.includes(key), false, name);
      assert.equal(text.includes(key.slice(10, -6)), false, `${name} (middle)`);
      assert.equal(text.includes(key.slice(20, 40)), false, `${name} (middle 20)`);
    }
  });

  it('can be cleared in place, and switched off for benchmarks', async () => {
    const quiet = await startStripeStandin({ log: false });
    const loud = await startStripeStandin();
    try {
      for (const s of [quiet, loud]) {
        const r = await fetch(`${s.url}/v1/customers`, { headers: { Authorization: `Bearer ${s.keys.secretTest}` } });
        assert.equal(r.status, 200);
      }
      assert.equal(quiet.log.length, 0);
      const live = loud.log;
      assert.equal(live.length, 1);
      loud.clearLog();
      assert.equal(live.length, 0);
      assert.equal(loud.log, live);
    } finally {
      await quiet.close();
      await loud.close();
    }
  });
});
