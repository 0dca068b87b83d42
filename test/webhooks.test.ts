// Webhooks to the customer (docs/stackone-compat.md#webhooks): endpoints by API and by env,
// account.created / updated / deleted, x-stackone-signature over the raw body, the payload, retries
// with backoff and the attempt log, manual re-delivery, and durability of the outbox across kill -9
// of the real entry point.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connectSession, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { callApi, childStore, freePort, killAllLinkhubProcesses, linkAccount, startLinkhubProcess, waitFor } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

// ---------------------------------------------------------------------------------------------
// A local receiver: records raw bodies and headers; answers as `respond` says.

interface Delivery {
  raw: string;
  headers: IncomingHttpHeaders;
  json: any;
  at: number;
  /** Status sent back, 'aborted' if the connection closed first, null while held. */
  answered: number | 'aborted' | null;
}

interface Receiver {
  url: string;
  port: number;
  deliveries: Delivery[];
  /** Status to answer; `nth` counts earlier deliveries of the same event id. 'hold' never answers. */
  respond: (d: Delivery, nth: number) => number | 'hold';
  forEvent(type: string, accountId: string): Delivery[];
  close(): Promise<void>;
}

async function startReceiver(port = 0): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const receiver: Receiver = {
    url: '',
    port: 0,
    deliveries,
    respond: () => 200,
    forEvent: (type, accountId) => deliveries.filter((d) => d.json?.event === type && d.json?.account_id === accountId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: any = null;
      try {
        json = JSON.parse(raw);
      } catch {
        /* recorded as raw */
      }
      const d: Delivery = { raw, headers: req.headers, json, at: Date.now(), answered: null };
      const nth = deliveries.filter((x) => x.json?.id !== undefined && x.json?.id === json?.id).length;
      deliveries.push(d);
      res.on('close', () => {
        if (d.answered === null) d.answered = 'aborted';
      });
      const status = receiver.respond(d, nth);
      if (status === 'hold') return;
      d.answered = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  return receiver;
}

const sign = (secret: string, raw: string) => createHmac('sha256', secret).update(raw).digest('base64url');

function assertSigned(d: Delivery, secret: string): void {
  const sig = d.headers['x-stackone-signature'];
  assert.equal(typeof sig, 'string', 'x-stackone-signature is present');
  assert.match(sig as string, /^[A-Za-z0-9_-]{43}$/, 'unpadded base64url of 32 bytes');
  assert.equal(sig, sign(secret, d.raw), 'HMAC-SHA256 of the raw body with the signing secret');
  assert.match(String(d.headers['content-type']), /^application\/json/);
}

// ---------------------------------------------------------------------------------------------

let stripe: StripeStandin;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const c of closers.reverse()) await c().catch(() => {});
  await stripe?.close();
});

/** Every Stripe key the stand-in knows, and the middle of each (what must never leave the vault). */
function secretsOf(extra: string[] = []): string[] {
  const keys = [...Object.values(stripe.keys), ...extra].filter((k) => !k.startsWith('pk_'));
  return keys.flatMap((k) => [k, k.slice(8, -4)]);
}

function assertNoKeys(d: Delivery, extra: string[] = []): void {
  const everything = d.raw + JSON.stringify(d.headers);
  for (const s of secretsOf(extra)) assert.ok(!everything.includes(s), `a Stripe key (…${s.slice(-4)}) is in a webhook`);
}

/** The payload fields of docs/stackone-compat.md#webhooks, with data = the LinkedAccount. */
function assertPayload(
  d: Delivery,
  event: string,
  projectId: string,
  account: { id: string; origin_owner_id: string; origin_owner_name: string; origin_username: string | null },
): void {
  const p = d.json;
  assert.ok(p, 'the body is JSON');
  assert.equal(p.event, event);
  assert.equal(p.record_type, 'account');
  assert.equal(p.record_id, account.id);
  assert.equal(p.account_id, account.id);
  assert.equal(p.project_id, projectId);
  assert.equal(p.provider, 'stripe');
  assert.equal(p.origin_owner_id, account.origin_owner_id);
  assert.equal(p.origin_owner_name, account.origin_owner_name);
  assert.equal(p.origin_username, account.origin_username);
  assert.equal(typeof p.setup_information, 'object');
  assert.equal(p.setup_information.user_id, account.origin_owner_id, 'receivers fall back to setup_information.user_id');
  for (const f of ['event_date', 'sent_at']) assert.match(p[f], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, f);
  assert.equal(typeof p.data, 'object');
  assert.equal(p.data.id, account.id);
  for (const f of ['provider', 'status', 'origin_owner_id', 'origin_owner_name', 'created_at', 'updated_at']) assert.ok(p.data[f] !== undefined, `data.${f}`);
  assert.match(p.data.credentials.api_key, /^__secretvalue:\*\*redacted\*\*.{4}$/);
  assert.equal(d.headers['x-linkhub-event'], event);
  assert.equal(d.headers['x-linkhub-event-id'], p.id);
}

async function linkIn(lh: Linkhub, apiKey: string, session: Record<string, unknown> = {}): Promise<any> {
  const { token } = await connectSession(lh, { multiple: true, ...session });
  const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: apiKey } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function deliveriesOf(lh: Linkhub, endpointId: string): Promise<any[]> {
  const res = await lh.api('GET', `/webhooks/deliveries?endpoint_id=${endpointId}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

describe('configuration and the account lifecycle', () => {
  let lh: Linkhub;
  let receiver: Receiver;
  /** The signing secret of `receiver`'s endpoint, set by the first test. */
  let secret = '';
  before(async () => {
    lh = await startLinkhub({ stripeApiBase: stripe.url });
    closers.push(() => lh.close());
    receiver = await startReceiver();
    closers.push(() => receiver.close());
  });

  test('POST /webhooks shows the secret once; GET /webhooks only its hint; bad input is a 400 in the error shape', async () => {
    const bad = await lh.api('POST', '/webhooks', { url: 'ftp://example.com/hook' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.statusCode, 400);
    assert.ok(bad.body.message && bad.body.timestamp);
    assert.equal((await lh.api('POST', '/webhooks', { url: receiver.url }, { auth: false })).status, 401);
    // a user or password would be stored and listed in clear (deliveries are signed instead); a fragment is never sent
    for (const url of ['https://hooks:s3cr3t-pw@example.com/hook', 'https://user@example.com/hook', 'https://example.com/hook#part']) {
      const refused = await lh.api('POST', '/webhooks', { url });
      assert.equal(refused.status, 400, `${url}: ${refused.text}`);
      assert.match(refused.body.message, /url/, refused.text);
      assert.ok(!refused.text.includes('s3cr3t-pw'), 'the refusal does not repeat the password');
    }

    const created = await lh.api('POST', '/webhooks', { url: receiver.url });
    assert.equal(created.status, 201, created.text);
    secret = created.body.secret;
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{32}$/);
    assert.equal(created.body.url, receiver.url);
    assert.deepEqual(created.body.events, ['account.created', 'account.updated', 'account.deleted', 'approval.requested', 'approval.resolved']);
    assert.equal(created.body.secret_hint, secret.slice(-4));

    const list = await lh.api('GET', '/webhooks');
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].id, created.body.id);
    assert.equal(list.body[0].secret_hint, secret.slice(-4));
    assert.ok(!('secret' in list.body[0]), 'no secret field');
    assert.ok(!list.text.includes(secret), 'the secret is not in the listing');
  });

  test('link → account.created, PATCH label → updated, key rotation → updated, failing test → updated, DELETE → deleted; all signed, never holding the key', async () => {
    assert.ok(secret, 'needs the endpoint of the previous test');
    const projectId = lh.services.defaultProject.id;
    const firstKey = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
    const secondKey = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
    const keys = [firstKey, secondKey];

    const linked = await linkIn(lh, firstKey, { origin_owner_id: 'wh-owner', origin_owner_name: 'WH Co', origin_username: 'ann@example.com', label: 'first' });
    const id = linked.id;
    const view = (await lh.api('GET', `/accounts/${id}`)).body;
    const owner = { id, origin_owner_id: 'wh-owner', origin_owner_name: 'WH Co', origin_username: 'ann@example.com' };

    const created = await waitFor('account.created', () => receiver.forEvent('account.created', id)[0]);
    assertSigned(created, secret);
    assertPayload(created, 'account.created', projectId, owner);
    assert.deepEqual(created.json.data, view, 'data is the LinkedAccount as GET /accounts/{id} shows it');
    assertNoKeys(created, keys);

    const updates = () => receiver.forEvent('account.updated', id);
    const patched = await lh.api('PATCH', `/accounts/${id}`, { label: 'renamed' });
    assert.equal(patched.status, 200, patched.text);
    const u1 = await waitFor('account.updated (label)', () => updates()[0]);
    assert.equal(u1.json.data.label, 'renamed');

    const rotated = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: secondKey } });
    assert.equal(rotated.status, 200, rotated.text);
    const u2 = await waitFor('account.updated (rotation)', () => updates()[1]);
    assert.equal(u2.json.data.key_hint, secondKey.slice(-4));
    assert.equal(u2.json.data.credentials.api_key, '__secretvalue:**redacted**' + secondKey.slice(-4));

    stripe.world.setKeyStatus(secondKey, 'expired');
    const tested = await lh.api('POST', `/accounts/${id}/test`);
    assert.equal(tested.status, 200, tested.text);
    assert.equal(tested.body.outcome, 'expired_key');
    const u3 = await waitFor('account.updated (failing test)', () => updates()[2]);
    assert.equal(u3.json.data.status, 'error');
    assert.equal(u3.json.data.status_reasons[0].code, 'expired_key');

    const deleted = await lh.api('DELETE', `/accounts/${id}`);
    assert.equal(deleted.status, 200);
    const del = await waitFor('account.deleted', () => receiver.forEvent('account.deleted', id)[0]);
    assert.equal(del.json.data.id, id);

    const mine = receiver.deliveries.filter((d) => d.json?.account_id === id);
    assert.deepEqual(
      mine.map((d) => d.json.event),
      ['account.created', 'account.updated', 'account.updated', 'account.updated', 'account.deleted'],
    );
    assert.equal(new Set(mine.map((d) => d.json.id)).size, 5, 'five distinct events, each delivered once');
    for (const d of mine) {
      assertSigned(d, secret);
      assertPayload(d, d.json.event, projectId, { ...owner });
      assertNoKeys(d, keys);
      assert.ok(!d.raw.includes(secret), 'the signing secret is not in the body');
      assert.notEqual(d.headers['x-stackone-signature'], sign(secret + 'x', d.raw));
    }
    // the receiver can trust each signature only for its own bytes
    assert.notEqual(sign(secret, mine[0].raw + ' '), mine[0].headers['x-stackone-signature']);
  });

  test('an endpoint subscribed to some events only gets those; a removed endpoint gets nothing more', async () => {
    const only = await startReceiver();
    closers.push(() => only.close());
    const created = await lh.api('POST', '/webhooks', { url: only.url, events: ['account.deleted'] });
    assert.equal(created.status, 201);
    const account = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'wh-sub', origin_owner_name: 'Sub' });
    assert.equal((await lh.api('DELETE', `/accounts/${account.id}`)).status, 200);
    const del = await waitFor('account.deleted at the filtered endpoint', () => only.forEvent('account.deleted', account.id)[0]);
    assertSigned(del, created.body.secret);
    // the unfiltered endpoint got both events, so the filtered one had its chance at account.created
    await waitFor('both events at the main endpoint', () => receiver.forEvent('account.deleted', account.id)[0]);
    assert.equal(only.forEvent('account.created', account.id).length, 0);

    assert.equal((await lh.api('DELETE', `/webhooks/${created.body.id}`)).status, 200);
    assert.equal((await lh.api('DELETE', `/webhooks/${created.body.id}`)).status, 404);
    const later = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'wh-sub2', origin_owner_name: 'Sub 2' });
    await lh.api('DELETE', `/accounts/${later.id}`);
    await waitFor('the main endpoint got the later deletion', () => receiver.forEvent('account.deleted', later.id)[0]);
    assert.equal(only.deliveries.length, 1, 'the removed endpoint received nothing more');
  });
});

describe('endpoint from LINKHUB_WEBHOOK_URL / LINKHUB_WEBHOOK_SECRET', () => {
  test('listed with the hint of the env secret; deliveries are signed with it', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    const secret = `env-secret-${randomBytes(12).toString('hex')}`;
    const lh = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_WEBHOOK_URL: receiver.url, LINKHUB_WEBHOOK_SECRET: secret } });
    closers.push(() => lh.close());
    const list = await lh.api('GET', '/webhooks');
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].url, receiver.url);
    assert.equal(list.body[0].secret_hint, secret.slice(-4));
    assert.deepEqual(list.body[0].events, ['account.created', 'account.updated', 'account.deleted', 'approval.requested', 'approval.resolved']);
    assert.ok(!list.text.includes(secret));

    const account = await linkIn(lh, stripe.keys.restrictedTest, { origin_owner_id: 'env-owner', origin_owner_name: 'Env Co' });
    const d = await waitFor('account.created', () => receiver.forEvent('account.created', account.id)[0]);
    assertSigned(d, secret);
    assertPayload(d, 'account.created', lh.services.defaultProject.id, {
      id: account.id,
      origin_owner_id: 'env-owner',
      origin_owner_name: 'Env Co',
      origin_username: null,
    });
    assertNoKeys(d);
  });
});

describe('retries, backoff, the attempt log and re-delivery', () => {
  const BASE = 300;
  let lh: Linkhub;
  before(async () => {
    lh = await startLinkhub({ stripeApiBase: stripe.url, webhookPollMs: 20, webhookRetryBaseMs: BASE });
    closers.push(() => lh.close());
  });

  test('500, 500, then 200: delivered on attempt 3, with the attempt log', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    receiver.respond = (_d, nth) => (nth < 2 ? 500 : 200);
    const ep = await lh.api('POST', '/webhooks', { url: receiver.url });
    const account = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'retry-1', origin_owner_name: 'Retry' });

    const row = await waitFor('delivered', async () => (await deliveriesOf(lh, ep.body.id)).find((r) => r.status === 'delivered'), 20_000);
    assert.equal(row.event, 'account.created');
    assert.equal(row.attempts, 3);
    assert.equal(row.last_status_code, 200);
    assert.equal(row.last_error, null);
    assert.equal(row.next_attempt_at, null);
    assert.ok(Date.parse(row.delivered_at));
    assert.deepEqual(
      row.attempt_log.map((a: any) => [a.attempt, a.status_code, a.error]),
      [
        [1, 500, 'HTTP 500'],
        [2, 500, 'HTTP 500'],
        [3, 200, null],
      ],
    );
    for (const a of row.attempt_log) assert.ok(Number.isInteger(a.duration_ms) && a.duration_ms >= 0 && Date.parse(a.at));
    const gap = Date.parse(row.attempt_log[1].at) - Date.parse(row.attempt_log[0].at);
    assert.ok(gap >= 0.8 * BASE - 20, `the first retry waited for the backoff (${gap} ms)`);

    const got = receiver.forEvent('account.created', account.id);
    assert.equal(got.length, 3);
    assert.deepEqual(
      got.map((d) => d.answered),
      [500, 500, 200],
    );
    assert.deepEqual(
      got.map((d) => d.headers['x-linkhub-delivery-attempt']),
      ['1', '2', '3'],
    );
    assert.ok(
      got.every((d) => d.raw === got[0].raw),
      'every attempt carries the same raw body',
    );
    for (const d of got) assertSigned(d, ep.body.secret);
    assert.equal((await lh.api('DELETE', `/webhooks/${ep.body.id}`)).status, 200);
  });

  test('an unreachable URL keeps retrying with growing backoff; POST /webhooks/deliveries/{id}/retry delivers now, and again', async () => {
    const port = await freePort();
    const ep = await lh.api('POST', '/webhooks', { url: `http://127.0.0.1:${port}/hooks` });
    assert.equal(ep.status, 201);
    const account = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'retry-2', origin_owner_name: 'Unreachable' });

    const row = await waitFor('five failed attempts', async () => (await deliveriesOf(lh, ep.body.id)).find((r) => r.attempts >= 5), 30_000);
    const scheduled = Date.parse(row.next_attempt_at);
    assert.equal(row.status, 'pending', 'still retrying');
    assert.equal(row.last_status_code, null);
    for (const a of row.attempt_log) {
      assert.equal(a.status_code, null);
      assert.match(a.error, /ECONNREFUSED/);
    }
    const at = row.attempt_log.map((a: any) => Date.parse(a.at));
    const gaps = at.slice(1).map((t: number, i: number) => t - at[i]);
    for (const [i, g] of gaps.entries()) assert.ok(g >= 0.8 * BASE * 2 ** i - 20, `gap ${i + 1} = ${g} ms ≥ backoff ${BASE * 2 ** i} × 0.8 (gaps ${gaps})`);
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] > gaps[i - 1], `gaps grow: ${gaps}`);
    const wait = scheduled - at[at.length - 1];
    const n = row.attempts;
    assert.ok(wait >= 0.8 * BASE * 2 ** (n - 1) - 50 && wait <= 1.2 * BASE * 2 ** (n - 1) + 50, `next wait ${wait} ms ≈ ${BASE} × 2^${n - 1}`);

    // the receiver comes up; a manual retry does not wait for the scheduled attempt
    const receiver = await startReceiver(port);
    closers.push(() => receiver.close());
    const retried = await lh.api('POST', `/webhooks/deliveries/${row.id}/retry`);
    assert.equal(retried.status, 200, retried.text);
    assert.deepEqual(retried.body, { id: row.id, status: 'pending' });
    const d = await waitFor('re-delivered', () => receiver.forEvent('account.created', account.id)[0], 10_000);
    assert.ok(d.at < scheduled, 'delivered before the scheduled retry');
    assertSigned(d, ep.body.secret);
    const done = await waitFor('marked delivered', async () => (await deliveriesOf(lh, ep.body.id)).find((r) => r.id === row.id && r.status === 'delivered'));
    assert.equal(done.attempts, n + 1);
    assert.equal(done.attempt_log.at(-1).status_code, 200);

    // a delivered event can be sent again: same event, same bytes, next attempt number
    assert.equal((await lh.api('POST', `/webhooks/deliveries/${row.id}/retry`)).status, 200);
    const again = await waitFor('delivered again', () => receiver.forEvent('account.created', account.id)[1], 10_000);
    assert.equal(again.raw, d.raw);
    assert.equal(again.headers['x-linkhub-delivery-attempt'], String(n + 2));
    assertSigned(again, ep.body.secret);

    const missing = await lh.api('POST', '/webhooks/deliveries/999999999/retry');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.statusCode, 404);
    assert.equal((await lh.api('POST', '/webhooks/deliveries/abc/retry')).status, 400);
    assert.equal((await lh.api('DELETE', `/webhooks/${ep.body.id}`)).status, 200);
  });
});

describe('a slow receiver holds one delivery, never the others', () => {
  const DEADLINE_MS = 8_000; // margin for a link on a busy machine; the trickle would never end
  let lh: Linkhub;
  before(async () => {
    lh = await startLinkhub({ stripeApiBase: stripe.url, webhookPollMs: 20, env: { LINKHUB_WEBHOOK_TIMEOUT_MS: String(DEADLINE_MS) } });
    closers.push(() => lh.close());
  });

  test('an answer trickled a byte at a time: other endpoints get later events meanwhile; the attempt ends at the deadline and is retried', async () => {
    // answers 200 at once, then one byte every 300 ms (each gap under any per-chunk timeout), forever
    const open = new Set<number>();
    let requests = 0;
    const slow = createServer((req, res) => {
      const n = requests++;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      open.add(n);
      const drip = setInterval(() => res.write('.'), 300);
      res.on('close', () => {
        clearInterval(drip);
        open.delete(n);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => slow.close(resolve)).then(() => slow.closeAllConnections()));
    const fast = await startReceiver();
    closers.push(() => fast.close());
    const slowEp = await lh.api('POST', '/webhooks', { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks` });
    assert.equal(slowEp.status, 201, slowEp.text);
    assert.equal((await lh.api('POST', '/webhooks', { url: fast.url })).status, 201);

    const first = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'slow-1', origin_owner_name: 'Slow' });
    await waitFor('the slow receiver trickling the first event', () => open.has(0));
    const second = await linkIn(lh, stripe.keys.secretTest, { origin_owner_id: 'slow-2', origin_owner_name: 'Slow' });
    await waitFor('the second event at the other endpoint', () => fast.forEvent('account.created', second.id).length === 1);
    assert.equal(fast.forEvent('account.created', first.id).length, 1);
    assert.ok(open.has(0), 'the slow delivery of the first event is still under way');

    // the deadline covers the whole answer: the attempt is cut, logged and tried again
    const row = await waitFor('the slow attempt recorded', async () => (await deliveriesOf(lh, slowEp.body.id)).find((r) => r.attempts >= 1), DEADLINE_MS * 4);
    assert.equal(row.attempt_log[0].error, `no whole answer within ${DEADLINE_MS} ms`);
    assert.equal(row.attempt_log[0].status_code, 200);
    assert.ok(row.attempt_log[0].duration_ms >= DEADLINE_MS - 50 && row.attempt_log[0].duration_ms < DEADLINE_MS * 3, String(row.attempt_log[0].duration_ms));
    await waitFor('the cut connection closed', () => !open.has(0));
    await waitFor('an event sent again', () => requests >= 3); // both events at once, then one again
    assert.equal((await lh.api('DELETE', `/webhooks/${slowEp.body.id}`)).status, 200);
  });
});

describe('durability: the outbox survives kill -9 of the real process', { concurrency: true }, () => {
  const secret = `durable-secret-${randomBytes(8).toString('hex')}`;
  const processEnv = async (hookUrl: string) => {
    const store = await childStore();
    closers.push(() => store.drop());
    return {
      ...store.env,
      LINKHUB_API_KEY: `lh_test_${randomBytes(24).toString('base64url')}`,
      LINKHUB_STRIPE_API_BASE: stripe.url,
      LINKHUB_WEBHOOK_URL: hookUrl,
      LINKHUB_WEBHOOK_SECRET: secret,
      LINKHUB_WEBHOOK_RETRY_BASE_MS: '100',
    };
  };

  // generous timeouts: two cold starts of the real process each, and the in-flight case waits out a 40 s lease
  test('receiver down while accounts are linked; kill -9; receiver up; restart → every account.created arrives', { timeout: 300_000 }, async (t) => {
    const t0 = Date.now();
    const phase = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const port = await freePort();
    const env = await processEnv(`http://127.0.0.1:${port}/hooks`);
    const apiKey = env.LINKHUB_API_KEY;
    const first = await startLinkhubProcess(env);
    closers.push(() => first.kill9());
    phase('first process ready');
    // linked together, so the retry backoff is still short when the process is killed
    const ids: string[] = await Promise.all(
      [0, 1, 2, 3].map(
        async (i) => (await linkAccount(first.url, apiKey, stripe.keys.secretTest, { origin_owner_id: `down-${i}`, origin_owner_name: 'Down' })).id,
      ),
    );
    // each was attempted against the closed port and failed
    await waitFor(
      'a failed attempt per event',
      async () => {
        const rows = (await callApi(first.url, 'GET', '/webhooks/deliveries', { key: apiKey })).body as any[];
        return rows.length === 4 && rows.every((r) => r.status === 'pending' && r.attempts >= 1 && /ECONNREFUSED/.test(r.last_error));
      },
      30_000,
    );
    // one more, committed (201) and killed before any attempt can succeed
    ids.push((await linkAccount(first.url, apiKey, stripe.keys.restrictedTest, { origin_owner_id: 'down-last', origin_owner_name: 'Down' })).id);
    const exit = await first.kill9();
    assert.equal(exit.signal, 'SIGKILL');
    phase('killed with 5 undelivered events');

    const receiver = await startReceiver(port);
    closers.push(() => receiver.close());
    const second = await startLinkhubProcess(env);
    closers.push(() => second.stop());
    phase('restarted');
    await waitFor('every account.created', () => ids.every((id) => receiver.forEvent('account.created', id).some((d) => d.answered === 200)), 60_000, 100);
    for (const id of ids) {
      const d = receiver.forEvent('account.created', id)[0];
      assertSigned(d, secret);
      assert.equal(d.json.account_id, id);
      assertNoKeys(d);
    }
    phase('all delivered');
    const rows = await waitFor('all marked delivered', async () => {
      const r = (await callApi(second.url, 'GET', '/webhooks/deliveries', { key: apiKey })).body as any[];
      return r.length === ids.length && r.every((x) => x.status === 'delivered') ? r : null;
    });
    assert.deepEqual(rows.map((r) => r.event_id).sort(), ids.map((id) => receiver.forEvent('account.created', id)[0].json.id).sort());
    for (const r of rows.filter((x) => x.event_id !== receiver.forEvent('account.created', ids[4])[0].json.id)) {
      assert.ok(
        r.attempt_log.some((a: any) => /ECONNREFUSED/.test(a.error ?? '')),
        'the log keeps the failed attempts from before the crash',
      );
    }
    await second.stop();
  });

  test('kill -9 while deliveries are in flight (receiver slow) → after restart every event still arrives', { timeout: 300_000 }, async (t) => {
    const t0 = Date.now();
    const phase = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    receiver.respond = () => 'hold';
    const env = await processEnv(receiver.url);
    const apiKey = env.LINKHUB_API_KEY;
    const first = await startLinkhubProcess(env);
    closers.push(() => first.kill9());
    const ids: string[] = await Promise.all(
      [0, 1, 2].map(
        async (i) => (await linkAccount(first.url, apiKey, stripe.keys.secretTest, { origin_owner_id: `flight-${i}`, origin_owner_name: 'Flight' })).id,
      ),
    );
    phase('first process ready, 3 accounts linked');
    // (a held request times out after 10 s and is retried: more than one may have arrived per event)
    await waitFor('every delivery in flight', () => ids.every((id) => receiver.forEvent('account.created', id).length >= 1), 60_000);
    await first.kill9();
    await waitFor('held requests aborted by the crash', () => receiver.deliveries.every((d) => d.answered === 'aborted'));
    phase('killed with 3 deliveries in flight');

    receiver.respond = () => 200;
    const second = await startLinkhubProcess(env);
    closers.push(() => second.stop());
    phase('restarted');
    // the crashed process's lease (delivery timeout + 30 s) must run out first
    await waitFor(
      'every account.created acknowledged',
      () => ids.every((id) => receiver.forEvent('account.created', id).some((d) => d.answered === 200)),
      90_000,
      100,
    );
    phase('all acknowledged');
    for (const id of ids) {
      const all = receiver.forEvent('account.created', id);
      const redelivered = all.find((d) => d.answered === 200)!;
      assert.equal(all[0].answered, 'aborted');
      assert.equal(redelivered.raw, all[0].raw, 'the same event, byte for byte');
      assertSigned(redelivered, secret);
    }
    const rows = await waitFor('all marked delivered', async () => {
      const r = (await callApi(second.url, 'GET', '/webhooks/deliveries', { key: apiKey })).body as any[];
      return r.length === ids.length && r.every((x) => x.status === 'delivered') ? r : null;
    });
    assert.equal(rows.length, 3);
    await second.stop();
  });
});
