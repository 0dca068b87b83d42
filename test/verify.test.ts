// Scheduled re-verification (LINKHUB_VERIFY_INTERVAL): a key revoked at the provider, or stripped of
// the permission the test needs, turns the account `error` with its reason without any call, with an account.updated webhook and a
// `key.test` audit record by the `system` actor; a new key and the next verification keep it
// active; transient failures change nothing until several in a row; two nodes on one PostgreSQL test
// each due account once per interval; `off` tests nothing. Short intervals (1 s, polled every 100 ms);
// every wait is a generous bound on the mechanism.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { startCluster } from './helpers/cluster.js';
import { type Linkhub, linkAccount, startLinkhub } from './helpers/linkhub.js';
import { callApi, childStore, killAllLinkhubProcesses, linkAccount as linkThrough, startLinkhubProcess, waitFor } from './helpers/process.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

after(killAllLinkhubProcesses);

const INTERVAL_MS = 1000;
/** Far above what a few verifications at INTERVAL_MS need. */
const WITHIN_MS = 30_000;
const LIVE_TEST_PATH = '/v1/customers';

let stripe: StripeStandin;
let receiver: WebhookReceiver;
const running: Linkhub[] = [];

before(async () => {
  stripe = await startStripeStandin();
  receiver = await startWebhookReceiver();
});

after(async () => {
  await Promise.all(running.map((lh) => lh.close()));
  await stripe?.close();
  receiver?.server.close();
});

/** A Linkhub verifying every `interval`; closed when the test ends (the stand-in's faults are for the next test's). */
async function start(t: TestContext, interval: string | number = INTERVAL_MS): Promise<Linkhub> {
  const lh = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_VERIFY_INTERVAL: String(interval), LINKHUB_METRICS_TOKEN: METRICS_TOKEN } });
  running.push(lh);
  t.after(() => {
    running.splice(running.indexOf(lh), 1);
    return lh.close();
  });
  assert.equal((await lh.api('POST', '/webhooks', { url: receiver.url })).status, 201);
  return lh;
}

/** A fresh secret key of the stand-in's main account (its own last four, to count its live tests). */
const freshKey = () => stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
const liveTests = (key: string) => stripe.log.filter((e) => e.path === LIVE_TEST_PATH && e.keyLast4 === key.slice(-4));

async function audit(lh: Linkhub, id: string): Promise<any[]> {
  const res = await lh.api('GET', `/audit?account_id=${id}&limit=200`);
  assert.equal(res.status, 200);
  return (res.body.data as any[]).filter((e) => e.action === 'key.test').reverse(); // oldest first
}

const METRICS_TOKEN = 'verify-test-metrics-token';
/** linkhub_verifications_total{result} as GET /metrics shows it (0 when not yet counted). */
async function verifications(lh: Linkhub, result: string): Promise<number> {
  const res = await lh.api('GET', '/metrics', undefined, { auth: `Bearer ${METRICS_TOKEN}` });
  assert.equal(res.status, 200, res.text);
  const m = new RegExp(`^linkhub_verifications_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(res.text);
  return m ? Number(m[1]) : 0;
}

const scheduled = async (lh: Linkhub, id: string) => (await audit(lh, id)).filter((e) => e.actor_type === 'system');
const account = async (lh: Linkhub, id: string) => (await lh.api('GET', `/accounts/${id}`)).body;
const updates = (id: string) => receiver.events.filter((e) => e.event === 'account.updated' && e.account_id === id);

test('LINKHUB_VERIFY_INTERVAL: milliseconds or a duration, daily by default, 0 or off to switch it off', () => {
  const interval = (v?: string) => loadConfig(v === undefined ? {} : { LINKHUB_VERIFY_INTERVAL: v }).verifyIntervalMs;
  assert.equal(interval(), 86_400_000);
  assert.equal(interval('24h'), 86_400_000);
  assert.equal(interval('30m'), 1_800_000);
  assert.equal(interval('90s'), 90_000);
  assert.equal(interval('7d'), 7 * 86_400_000);
  assert.equal(interval('1500'), 1500);
  assert.equal(interval('off'), 0);
  assert.equal(interval('OFF'), 0);
  assert.equal(interval('0'), 0);
  for (const bad of ['10', '999ms', 'daily', '1.5h', '-1h', '400d', '1w']) {
    assert.throws(
      () => interval(bad),
      (e: unknown) => e instanceof ConfigError && e.message.includes('LINKHUB_VERIFY_INTERVAL'),
      bad,
    );
  }
});

describe('one Linkhub', () => {
  test('a key revoked at Stripe turns the account error without any call; a new key stays active', async (t) => {
    const lh = await start(t);
    const key = freshKey();
    const { id } = await linkAccount(lh, key);
    await waitFor('a first scheduled verification', async () => (await scheduled(lh, id)).length >= 1, WITHIN_MS);
    assert.equal((await account(lh, id)).status, 'active');
    assert.equal(updates(id).length, 0, 'a verification that changes nothing sends no event');

    stripe.world.setKeyStatus(key, 'deleted');
    const revoked = await waitFor('the account in error', async () => ((await account(lh, id)).status === 'error' ? account(lh, id) : null), WITHIN_MS);
    assert.equal(revoked.status_reasons.length, 1);
    assert.match(revoked.status_reasons[0].code, /key/);
    assert.ok(revoked.status_reasons[0].description.length > 0);
    const tests = await scheduled(lh, id);
    assert.equal(tests.at(-1).outcome, 'invalid_key');
    assert.equal(tests.at(-1).actor_id, 'verifier');
    assert.ok((await verifications(lh, 'invalid_key')) >= 1, 'the refused verification is counted');
    assert.ok((await verifications(lh, 'ok')) >= 1, 'the first verification is counted');
    const event = await waitFor('account.updated delivered', () => updates(id).find((e) => e.data.status === 'error'), WITHIN_MS);
    assert.equal(event.data.status_reasons[0].code, revoked.status_reasons[0].code);
    // nothing but live tests reached Stripe with this key
    assert.deepEqual([...new Set(stripe.log.filter((e) => e.keyLast4 === key.slice(-4)).map((e) => e.path))].sort(), ['/v1/account', LIVE_TEST_PATH]);

    const next = freshKey();
    const patched = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: next } });
    assert.equal(patched.status, 200, patched.text);
    const before = (await scheduled(lh, id)).length;
    await waitFor('a verification of the new key', async () => (await scheduled(lh, id)).length >= before + 2, WITHIN_MS);
    const after = await account(lh, id);
    assert.equal(after.status, 'active');
    assert.deepEqual(after.status_reasons, []);
    assert.ok(Date.parse(after.last_verified_at) > Date.parse(revoked.last_verified_at));
    assert.ok(liveTests(next).length >= 3, 'the link test and two verifications');
  });

  test('a permission removed from a restricted key: error naming the permission the test needs', async (t) => {
    const lh = await start(t);
    const key = stripe.world.addKey({ kind: 'rk', mode: 'test', account: stripe.accounts.main.id, permissions: { customer: 'read', charge: 'read' } });
    const { id } = await linkAccount(lh, key);
    await waitFor('a first scheduled verification', async () => (await scheduled(lh, id)).length >= 1, WITHIN_MS);
    stripe.world.setKeyPermissions(key, { customer: undefined, charge: 'read' });
    const cut = await waitFor('the account in error', async () => ((await account(lh, id)).status === 'error' ? account(lh, id) : null), WITHIN_MS);
    assert.equal(cut.status_reasons[0].code, 'missing_permission');
    assert.match(cut.status_reasons[0].description, /rak_customer_read/);
    assert.equal((await scheduled(lh, id)).at(-1).outcome, 'missing_permission');
    await waitFor('account.updated delivered', () => updates(id).find((e) => e.data.status === 'error'), WITHIN_MS);
  });

  test('503s: nothing changes until three in a row; then error with a reason; a success restores active', async (t) => {
    const lh = await start(t);
    const key = freshKey();
    const { id } = await linkAccount(lh, key);
    await waitFor('a first scheduled verification', async () => (await scheduled(lh, id)).length >= 1, WITHIN_MS);

    stripe.inject({ kind: '503', count: 2, pathPrefix: LIVE_TEST_PATH });
    await waitFor(
      'two unverified results, then a verified one',
      async () => {
        const outcomes = (await scheduled(lh, id)).map((e) => e.outcome);
        return outcomes.filter((o) => o === 'unreachable').length === 2 && outcomes.at(-1) === 'ok';
      },
      WITHIN_MS,
    );
    assert.equal((await account(lh, id)).status, 'active');
    assert.equal(updates(id).length, 0, 'two transient failures sent no event');

    stripe.inject({ kind: '503', count: 3, pathPrefix: LIVE_TEST_PATH });
    const failed = await waitFor('the account in error', async () => ((await account(lh, id)).status === 'error' ? account(lh, id) : null), WITHIN_MS);
    assert.equal(failed.status_reasons[0].code, 'provider_unreachable');
    assert.match(failed.status_reasons[0].description, /3 times in a row \(last: HTTP 503\)/);
    await waitFor('active again', async () => (await account(lh, id)).status === 'active', WITHIN_MS);
    await waitFor('two account.updated events (error, then active)', () => updates(id).length >= 2, WITHIN_MS);
  });

  test('off: no verification happens, while a Linkhub with an interval verifies', async (t) => {
    const [off, on] = await Promise.all([start(t, 'off'), start(t)]);
    const [offKey, onKey] = [freshKey(), freshKey()];
    const [offAccount, onAccount] = await Promise.all([linkAccount(off, offKey), linkAccount(on, onKey)]);
    await waitFor('two scheduled verifications where it is on', async () => (await scheduled(on, onAccount.id)).length >= 2, WITHIN_MS);
    assert.deepEqual(await scheduled(off, offAccount.id), []);
    assert.equal(liveTests(offKey).length, 1, 'the link test only');
  });
});

test('SIGTERM while a verification is in flight: it finishes and is recorded, then the process exits 0', async () => {
  const store = await childStore();
  const apiKey = `lh_${randomBytes(24).toString('hex')}`;
  const env = { ...store.env, LINKHUB_API_KEY: apiKey, LINKHUB_STRIPE_API_BASE: stripe.url, LINKHUB_VERIFY_INTERVAL: String(INTERVAL_MS) };
  try {
    let node = await startLinkhubProcess(env);
    const key = freshKey();
    const { id } = await linkThrough(node.url, apiKey, key);
    stripe.inject({ kind: 'delay', delayMs: 2000, pathPrefix: LIVE_TEST_PATH });
    await waitFor('a scheduled test held by the stand-in', () => liveTests(key).some((e) => e.fault === 'delay' && e.status === 0), WITHIN_MS);
    const exit = await node.stop();
    assert.equal(exit.code, 0, node.stderr());
    assert.equal(liveTests(key).find((e) => e.fault === 'delay')!.status, 200, 'the test in flight was answered');
    node = await startLinkhubProcess({ ...env, LINKHUB_VERIFY_INTERVAL: 'off' });
    const audited = await callApi(node.url, 'GET', `/audit?account_id=${id}&limit=200`, { key: apiKey });
    const system = (audited.body.data as any[]).filter((e) => e.action === 'key.test' && e.actor_type === 'system');
    assert.deepEqual(
      system.map((e) => e.outcome),
      ['ok'],
      'the verification in flight was recorded',
    );
    await node.stop();
  } finally {
    await killAllLinkhubProcesses();
    await store.drop();
  }
});

test('two nodes on one PostgreSQL: each due account is verified once per interval, not once per node', async () => {
  const interval = 2000;
  const c = await startCluster({ nodes: 2, env: { LINKHUB_VERIFY_INTERVAL: String(interval) } });
  try {
    const keys = Array.from({ length: 6 }, () => c.stripe.world.addKey({ kind: 'sk', mode: 'test', account: c.stripe.accounts.main.id }));
    const ids: string[] = [];
    for (const [i, key] of keys.entries()) ids.push((await linkThrough(c.nodes[i % 2].url, c.apiKey, key)).id);
    const tests = (key: string) => c.stripe.log.filter((e) => e.path === LIVE_TEST_PATH && e.keyLast4 === key.slice(-4)).map((e) => e.at);
    // the link test and three verifications of every account
    await waitFor('three verifications of each account', () => keys.every((k) => tests(k).length >= 4), 60_000, 100);
    for (const [i, key] of keys.entries()) {
      const audited = await callApi(c.nodes[i % 2].url, 'GET', `/audit?account_id=${ids[i]}&limit=200`, { key: c.apiKey });
      const at = tests(key); // after the audit: every audited test is in it
      // each verification is claimed 0.9 to 1.1 intervals after the previous one; twice the nodes would be ~0 apart
      for (let j = 1; j < at.length; j++)
        assert.ok(at[j] - at[j - 1] >= interval / 2, `account ${i}: tests ${j - 1} and ${j} only ${at[j] - at[j - 1]} ms apart`);
      const system = (audited.body.data as any[]).filter((e) => e.action === 'key.test' && e.actor_type === 'system');
      assert.ok(system.length >= 3 && system.length <= at.length - 1, `account ${i}: ${system.length} scheduled tests for ${at.length - 1} requests`);
    }
  } finally {
    await c.close();
  }
});
