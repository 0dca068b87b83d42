// Linking a Stripe account through the Hub API: key rules before any network call, the live test's
// outcomes, what is recorded, and edit mode (key rotation in place).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, type Linkhub, linkAccount } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;

useLinkhub({}, (f) => {
  ({ lh, stripe } = f);
});

async function accountCount(): Promise<number> {
  const res = await lh.api('GET', '/accounts?page_size=1000');
  return res.body.length;
}

describe('hub discovery', () => {
  test('settings, connectors (two environment rows) and connector config with guidance', async () => {
    const { token } = await connectSession(lh, { provider: 'stripe' });
    const settings = await lh.hub(token, 'GET', '/hub/settings');
    assert.equal(settings.status, 200);
    assert.deepEqual(settings.body.enabled_features, []);
    assert.equal(settings.body.existing_account_id, undefined);

    const list = await lh.hub(token, 'GET', '/hub/connectors');
    assert.equal(list.status, 200);
    const rows = list.body.integrations;
    assert.deepEqual(
      rows.map((r: any) => [r.integration_id, r.provider, r.name, r.environment, r.active, r.authentication_config_key]),
      [
        ['stripe-production', 'stripe', 'Stripe', 'production', true, 'api_key'],
        ['stripe-test', 'stripe', 'Stripe (Test Mode)', 'test', true, 'api_key'],
      ],
    );

    const cfg = await lh.hub(token, 'GET', '/hub/connectors/stripe-test');
    assert.equal(cfg.status, 200);
    const field = cfg.body.config.configFields[0];
    assert.equal(field.key, 'api_key');
    assert.equal(field.label, 'API Key');
    assert.equal(field.type, 'password');
    assert.equal(field.secret, true);
    assert.equal(field.required, true);
    assert.match(field.guide.description, /Developers > API keys/);
    assert.match(field.guide.description, /sk_test_ or rk_test_/);
    assert.match(field.guide.description, /Customers: Read/);
    const re = new RegExp(field.validation.pattern);
    assert.ok(re.test('sk_test_' + 'a'.repeat(24)));
    assert.ok(!re.test('sk_live_' + 'a'.repeat(24)));
    assert.ok(re.test('__secretvalue:**redacted**4242'), 'the redacted placeholder passes the field pattern');
    assert.ok(cfg.body.config.configNotices.length >= 1);
    assert.deepEqual(cfg.body.hub_settings, { configured_webhook_events: {}, project_settings: {} });
  });

  test('GET /hub/settings says once an account was linked through the session (its Auth Link then says "already used")', async () => {
    const { token } = await connectSession(lh, { origin_owner_id: 'own-used' });
    assert.equal((await lh.hub(token, 'GET', '/hub/settings')).body.linkhub_used_at, undefined);
    const refused = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: 'sk_live_x' } });
    assert.equal(refused.status, 400);
    assert.equal((await lh.hub(token, 'GET', '/hub/settings')).body.linkhub_used_at, undefined, 'a refused key does not use the session');
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(res.status, 201, res.text);
    const settings = await lh.hub(token, 'GET', '/hub/settings');
    assert.equal(settings.status, 200);
    assert.ok(!Number.isNaN(Date.parse(settings.body.linkhub_used_at)), settings.text);
    // used, it writes no more: a forwarded link cannot swap in another Stripe account's key until it expires
    const again = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.otherAccountSecretTest } });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.code, 'connect_session_used');
    assert.equal((await lh.api('GET', `/accounts/${res.body.id}`)).body.key_hint, res.body.key_hint, 'the key linked first is kept');
  });

  test('a re-link session replaces the key once; a session with `multiple` links several accounts', async () => {
    const first = await linkAccount(lh, stripe.keys.secretTest, { session: { origin_owner_id: 'own-relink' } });
    const relink = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'own-relink', origin_owner_name: 'Relink', account_id: first.id });
    assert.equal(relink.status, 201, relink.text);
    const { token } = relink.body;
    const replaced = await lh.hub(token, 'PATCH', `/hub/accounts/${first.id}`, {
      integration_id: 'stripe-test',
      credentials: { api_key: stripe.keys.secretTest },
    });
    assert.equal(replaced.status, 200, replaced.text);
    // a redacted key changes nothing, and is still answered
    const redacted = await lh.hub(token, 'PATCH', `/hub/accounts/${first.id}`, {
      integration_id: 'stripe-test',
      credentials: { api_key: '__secretvalue:**redacted**4242' },
    });
    assert.equal(redacted.status, 200, redacted.text);
    for (const [method, path] of [
      ['PATCH', `/hub/accounts/${first.id}`],
      ['POST', '/hub/accounts'],
    ] as const) {
      const again = await lh.hub(token, method, path, { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.otherAccountSecretTest } });
      assert.equal(again.status, 409, `${method} ${again.text}`);
      assert.equal(again.body.code, 'connect_session_used');
    }
    // links racing on one fresh session (a forwarded link and its user): one goes on, the others 409
    const race = await lh.api('POST', '/connect_sessions', { origin_owner_id: 'own-relink', origin_owner_name: 'Relink', account_id: first.id });
    stripe.inject({ kind: 'delay', delayMs: 400, count: 4, pathPrefix: '/v1/customers' }); // the live tests overlap
    const raced = await Promise.all(
      [stripe.keys.secretTest, stripe.keys.otherAccountSecretTest, stripe.keys.secretTest, stripe.keys.otherAccountSecretTest].map((key) =>
        lh.hub(race.body.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: key } }),
      ),
    );
    stripe.clearFaults();
    assert.deepEqual(raced.map((r) => r.status).sort(), [200, 409, 409, 409], raced.map((r) => r.text).join('\n'));
    const many = await connectSession(lh, { origin_owner_id: 'own-many', multiple: true });
    for (const key of [stripe.keys.secretTest, stripe.keys.otherAccountSecretTest]) {
      const linked = await lh.hub(many.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: key } });
      assert.equal(linked.status, 201, linked.text);
    }
  });

  test('a type:"test" session offers only the Test Mode row', async () => {
    const { token } = await connectSession(lh, { type: 'test' });
    const list = await lh.hub(token, 'GET', '/hub/connectors');
    assert.deepEqual(
      list.body.integrations.map((r: any) => r.integration_id),
      ['stripe-test'],
    );
    const prod = await lh.hub(token, 'GET', '/hub/connectors/stripe-production');
    assert.equal(prod.status, 404);
  });
});

describe('key rules run before any network call', () => {
  const cases: [string, () => string, string, RegExp][] = [
    ['empty key', () => '   ', 'key_missing', /Paste your Stripe API key/],
    ['whitespace inside', () => stripe.keys.secretTest.slice(0, 20) + ' ' + stripe.keys.secretTest.slice(20), 'key_whitespace', /spaces or line breaks/],
    ['publishable key', () => stripe.keys.publishableTest, 'key_publishable', /publishable key/],
    ['unknown prefix', () => 'xk_test_' + 'a'.repeat(30), 'key_prefix', /sk_live_, sk_test_, rk_live_, rk_test_, sk_org_live_ or sk_org_test_/],
    ['unknown mode word', () => 'rk_foo_' + 'a'.repeat(30), 'key_prefix', /must start with/],
    ['live key in Test Mode', () => stripe.keys.secretLive, 'key_mode_mismatch', /live key .* you chose Test Mode.*choose Production/],
    ['malformed tail', () => 'sk_test_abc$%^&*()defghijk', 'key_malformed', /cut short or has characters/],
  ];
  for (const [name, key, code, message] of cases) {
    test(name, async () => {
      const { token } = await connectSession(lh);
      const before = await accountCount();
      const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: key() } });
      assert.equal(res.status, 400);
      assert.equal(res.body.statusCode, 400);
      assert.equal(res.body.code, code);
      assert.match(res.body.message, message);
      assert.ok(res.body.timestamp);
      assert.equal(stripe.log.length, 0, 'Stripe was not called');
      assert.equal(await accountCount(), before);
    });
  }

  test('test key in Production names both', async () => {
    const { token } = await connectSession(lh);
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-production', credentials: { api_key: stripe.keys.restrictedTest } });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'key_mode_mismatch');
    assert.match(res.body.message, /test key \(rk_test_…\) but you chose Production/);
    assert.match(res.body.message, /choose Test Mode/);
    assert.equal(stripe.log.length, 0);
  });

  test('a live key in a Test-Mode-only session suggests only a test key, not Production', async () => {
    const { token } = await connectSession(lh, { type: 'test' });
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretLive } });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'key_mode_mismatch');
    assert.match(res.body.message, /live key \(sk_live_…\) but only Test Mode is offered here\. Use a test key/);
    assert.doesNotMatch(res.body.message, /Production/);
    assert.equal(stripe.log.length, 0);
  });
});

describe('live test outcomes', () => {
  test('secret test key links; account id and name recorded; key type and environment recorded', async () => {
    const { token } = await connectSession(lh, { origin_owner_id: 'own-sk', origin_owner_name: 'SK Co', label: 'main' });
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.provider, 'stripe');
    assert.equal(res.body.key_hint, stripe.keys.secretTest.slice(-4));
    assert.equal(res.body.account_id, stripe.accounts.main.id);
    assert.equal(res.body.account_name, stripe.accounts.main.name);
    const calls = stripe.log.map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(calls, ['GET /v1/customers', 'GET /v1/account']);
    assert.equal(stripe.log[0].query.limit, '1');
    assert.equal(stripe.log[0].authScheme, 'bearer');

    const account = (await lh.api('GET', `/accounts/${res.body.id}`)).body;
    assert.equal(account.status, 'active');
    assert.equal(account.environment, 'test');
    assert.equal(account.type, 'test');
    assert.equal(account.key_type, 'secret');
    assert.equal(account.stripe_account_id, stripe.accounts.main.id);
    assert.equal(account.stripe_account_name, stripe.accounts.main.name);
    assert.equal(account.label, 'main');
    assert.equal(account.credentials.api_key, '__secretvalue:**redacted**' + stripe.keys.secretTest.slice(-4));
    assert.ok(Date.parse(account.last_verified_at) > Date.now() - 60_000);
  });

  test('restricted live key with Customers read links in Production; account id from the 403 of /v1/account', async () => {
    const { token } = await connectSession(lh, { origin_owner_id: 'own-rk', origin_owner_name: 'RK Co' });
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-production', credentials: { api_key: stripe.keys.restrictedLive } });
    assert.equal(res.status, 201, res.text);
    const account = (await lh.api('GET', `/accounts/${res.body.id}`)).body;
    assert.equal(account.key_type, 'restricted');
    assert.equal(account.environment, 'production');
    assert.equal(account.stripe_account_id, stripe.accounts.main.id);
  });

  test('401 invalid key: clear message, no account', async () => {
    const { token } = await connectSession(lh);
    const before = await accountCount();
    const bogus = 'sk_test_' + 'Z'.repeat(40);
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: bogus } });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'invalid_key');
    assert.match(res.body.message, /rejected this key as invalid/);
    assert.match(res.body.provider_response, /^Invalid API Key provided: sk_test_\*+ZZZZ$/);
    assert.equal(await accountCount(), before);
  });

  test('401 expired key', async () => {
    const { token } = await connectSession(lh);
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.expiredTest } });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'expired_key');
    assert.match(res.body.message, /expired or was rolled/);
  });

  test('403 missing permission names the rak_ permission and where to grant it; no account', async () => {
    const { token } = await connectSession(lh);
    const before = await accountCount();
    const res = await lh.hub(token, 'POST', '/hub/accounts', {
      integration_id: 'stripe-test',
      credentials: { api_key: stripe.keys.restrictedTestNoCustomers },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'missing_permission');
    assert.equal(res.body.permission, 'rak_customer_read');
    assert.match(res.body.message, /'rak_customer_read' permission \(Customers: Read\)/);
    assert.match(res.body.message, /Developers > API keys/);
    assert.equal(await accountCount(), before);
  });

  for (const [kind, label] of [
    ['503', 'HTTP 503'],
    ['500', 'HTTP 500'],
    ['lock_timeout', 'rate-limiting'],
    ['reset', 'could not be reached'],
  ] as const) {
    test(`Stripe ${kind}: "try again", retryable, no account`, async () => {
      const { token } = await connectSession(lh);
      const before = await accountCount();
      stripe.inject({ kind, count: 5 });
      const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
      assert.equal(res.status, 502, res.text);
      assert.equal(res.body.code, 'provider_unreachable');
      assert.equal(res.body.retryable, true);
      assert.ok(res.body.message.includes(label), res.body.message);
      assert.match(res.body.message, /try again/);
      assert.equal(await accountCount(), before);
    });
  }

  test('one dropped connection (a stale keep-alive socket) is retried once and the link succeeds', async () => {
    const { token } = await connectSession(lh);
    const seen = stripe.log.length;
    stripe.inject({ kind: 'reset', count: 1 });
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(res.status, 201, res.text);
    const tests = stripe.log.slice(seen).filter((e) => e.path.startsWith('/v1/customers'));
    assert.ok(tests.length >= 1, 'the key test reached Stripe after the reset');
  });

  test('timeout: Stripe slower than the configured timeout', async () => {
    const { token } = await connectSession(lh);
    stripe.inject({ kind: 'delay', delayMs: 3000, count: 1 });
    const t0 = Date.now();
    const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(res.status, 502);
    assert.equal(res.body.code, 'provider_unreachable');
    assert.ok(Date.now() - t0 < 2900, 'gave up at the 2 s timeout');
  });

  test('Stripe rate limit (429 rate_limit) is "try again"', async () => {
    stripe.setRateLimits({ test: 1 });
    try {
      const { token } = await connectSession(lh, { multiple: true });
      const first = await lh.hub(token, 'POST', '/hub/accounts', {
        integration_id: 'stripe-test',
        credentials: { api_key: stripe.keys.otherAccountSecretTest },
      });
      const second = await lh.hub(token, 'POST', '/hub/accounts', {
        integration_id: 'stripe-test',
        credentials: { api_key: stripe.keys.otherAccountSecretTest },
      });
      const statuses = [first.status, second.status];
      assert.ok(statuses.includes(502), `one was rate-limited: ${statuses}`);
      const limited = first.status === 502 ? first : second;
      assert.match(limited.body.message, /rate-limiting/);
    } finally {
      stripe.setRateLimits(false);
    }
  });
});

describe('create or edit, and edit mode', () => {
  test('same owner + provider + environment relinks the existing account; multiple:true makes a new one', async () => {
    const owner = { origin_owner_id: 'own-re', origin_owner_name: 'Re Co' };
    const a = await connectSession(lh, owner);
    const first = await lh.hub(a.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(first.status, 201);
    const b = await connectSession(lh, owner);
    const again = await lh.hub(b.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.restrictedTest } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.key_hint, stripe.keys.restrictedTest.slice(-4));
    const c = await connectSession(lh, { ...owner, multiple: true });
    const third = await lh.hub(c.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    assert.equal(third.status, 201);
    assert.notEqual(third.body.id, first.body.id);
  });

  test('edit session: GET shows the redacted secret; PATCH with a new key rotates in place; a failing key keeps the old one', async () => {
    const { token: t1 } = await connectSession(lh, { origin_owner_id: 'own-edit', origin_owner_name: 'Edit Co', multiple: true });
    const linked = await lh.hub(t1, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    const id = linked.body.id;

    const { token } = await connectSession(lh, { origin_owner_id: 'own-edit', origin_owner_name: 'Edit Co', account_id: id });
    const settings = await lh.hub(token, 'GET', '/hub/settings');
    assert.equal(settings.body.existing_account_id, id);
    const rows = await lh.hub(token, 'GET', '/hub/connectors?provider=stripe');
    assert.deepEqual(
      rows.body.integrations.map((r: any) => r.integration_id),
      ['stripe-test'],
      'only the account’s own row',
    );

    const data = await lh.hub(token, 'GET', `/hub/accounts/${id}`);
    assert.equal(data.status, 200);
    assert.equal(data.body.secureId, id);
    assert.equal(data.body.integrationId, 'stripe-test');
    assert.equal(data.body.environment, 'test');
    assert.deepEqual(data.body.secrets, { api_key: '__secretvalue:**redacted**' + stripe.keys.secretTest.slice(-4) });

    // the official Hub may send the other environment's integration_id: ignored
    const bad = await lh.hub(token, 'PATCH', `/hub/accounts/${id}`, {
      integration_id: 'stripe-production',
      credentials: { api_key: stripe.keys.restrictedTestNoCustomers },
    });
    assert.equal(bad.status, 422);
    let account = (await lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.key_hint, stripe.keys.secretTest.slice(-4), 'old key kept after a failed test');

    const ok = await lh.hub(token, 'PATCH', `/hub/accounts/${id}`, {
      integration_id: 'stripe-production',
      credentials: { api_key: stripe.keys.restrictedTest },
    });
    assert.equal(ok.status, 200, ok.text);
    account = (await lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.id, id);
    assert.equal(account.key_hint, stripe.keys.restrictedTest.slice(-4));
    assert.equal(account.key_type, 'restricted');

    // the redacted placeholder (secret not edited) changes nothing and calls nobody
    stripe.clearLog();
    const same = await lh.hub(token, 'PATCH', `/hub/accounts/${id}`, { integration_id: 'stripe-test', credentials: { api_key: data.body.secrets.api_key } });
    assert.equal(same.status, 200);
    assert.equal(stripe.log.length, 0);

    // the rotated key is the one used from now on
    stripe.clearLog();
    const tested = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(tested.body.outcome, 'ok');
    assert.equal(stripe.log[0].keyLast4, stripe.keys.restrictedTest.slice(-4));
  });

  test('an edit session cannot read or change another account', async () => {
    const { token: t1 } = await connectSession(lh, { multiple: true });
    const other = await lh.hub(t1, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    const { token: t2 } = await connectSession(lh, { multiple: true });
    const mine = await lh.hub(t2, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    const { token } = await connectSession(lh, { account_id: mine.body.id });
    assert.equal((await lh.hub(token, 'GET', `/hub/accounts/${other.body.id}`)).status, 404);
    assert.equal((await lh.hub(token, 'PATCH', `/hub/accounts/${other.body.id}`, { credentials: { api_key: stripe.keys.restrictedTest } })).status, 404);
    // a non-edit session cannot read accounts at all
    assert.equal((await lh.hub(t1, 'GET', `/hub/accounts/${other.body.id}`)).status, 404);
  });
});
