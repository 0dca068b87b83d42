// Agent tokens and the Stripe-native paths, driven by the official `stripe` SDK pointed at Linkhub
// with an agent token as its key: calls pass byte for byte, the linked key (never the token) goes
// to Stripe, Linkhub's refusals are Stripe-shaped and raise the SDK's matching exception, and the
// token's policy refuses, caps and holds calls for approval before anything reaches Stripe.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { request } from 'node:http';
import { after, describe, test } from 'node:test';
import Stripe from 'stripe';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import { registerWebhookReceiver } from './helpers/webhook-receiver.js';
import type { StripeStandin } from './stripe-standin/index.js';
import { stripeAgents } from '../src/connectors/stripe/agents.js';
import { nativeOrigin } from '../src/services/calls/native.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
let other: string;
let hooks: Awaited<ReturnType<typeof registerWebhookReceiver>>;

useLinkhub({ webhookPollMs: 20 }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
  other = (await linkAccount(lh, stripe.keys.otherAccountSecretTest)).id;
  hooks = await registerWebhookReceiver(lh);
});
after(() => hooks.stop());

async function newToken(body: Record<string, unknown> = {}, account = acc) {
  const res = await lh.api('POST', `/accounts/${account}/agent_tokens`, { name: 'agent', ...body });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; token: string; policy: unknown; accounts: string[] };
}

const sdk = (token: string, extra: Record<string, unknown> = {}) => {
  const u = new URL(lh.url);
  return new Stripe(token, { host: u.hostname, port: Number(u.port), protocol: 'http', telemetry: false, maxNetworkRetries: 0, ...extra });
};

/** A raw request to Linkhub's /v1 with a token (for byte comparisons). */
const raw = (token: string, path: string, init: RequestInit = {}) =>
  fetch(lh.url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

async function stripeError(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
}

/** Each [path, form body, why] posted: refused (403, its message matching `why`), and none reached Stripe. */
/** A zlib stream of one stored block holding `form` (padded), all of whose bytes are valid UTF-8. */
function utf8Zlib(form: string): Buffer {
  const len = 0x4020; // LEN 0x20 0x40 (ASCII), NLEN 0xdf 0xbf (a two-byte UTF-8 character)
  const adler = (b: Buffer) => {
    let a = 1;
    let c = 0;
    for (const x of b) {
      a = (a + x) % 65521;
      c = (c + a) % 65521;
    }
    return Buffer.from([c >>> 8, c & 255, a >>> 8, a & 255]);
  };
  for (let pad = 0; pad < 5000; pad++) {
    const text = Buffer.from(`${form}&pad=${'a'.repeat(pad)}`.padEnd(len, 'b'));
    const check = adler(text);
    if (check.some((x) => x >= 0x80)) continue; // the trailer must be ASCII too
    return Buffer.concat([Buffer.from([0x78, 0x01, 0x01, len & 255, len >> 8, ~len & 255, (~len >> 8) & 255]), text, check]);
  }
  throw new Error('no padding gives an ASCII checksum');
}

async function allRefused(post: (path: string, body: string) => Promise<Response>, cases: readonly (readonly [string, string, RegExp])[]) {
  stripe.clearLog();
  for (const [path, body, why] of cases) {
    const res = await post(path, body);
    assert.equal(res.status, 403, `${path} ${body}`);
    assert.match(await res.text(), why, `${path} ${body}`);
  }
  assert.deepEqual(
    stripe.log.filter((x) => x.method === 'POST').map((x) => x.path),
    [],
    'none reached Stripe',
  );
}

/** A charge of `amount` cents made directly at the stand-in (the account's own data). */
async function charge(amount: number): Promise<string> {
  const c = await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).charges.create({ amount, currency: 'usd', source: 'tok_visa' });
  return c.id;
}

describe('agent tokens', () => {
  test('created with the platform key: lhat_ shown once, listed without it, stored only as a hash', async () => {
    const t = await newToken({ expires_in: 3600 });
    assert.match(t.token, /^lhat_[A-Za-z0-9]{40}$/);
    const list = await lh.api('GET', `/accounts/${acc}/agent_tokens`);
    assert.equal(list.status, 200, list.text);
    const row = list.body.find((r: any) => r.id === t.id);
    assert.ok(row && row.hint === t.token.slice(-4) && row.expires_at);
    assert.ok(!list.text.includes(t.token));
    const dump = await lh.services.store.db.execute('select * from agent_tokens');
    assert.ok(!JSON.stringify(dump).includes(t.token), 'the token is not in the store');
    const bad = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'x', policy: { money: { usd: { per_call: -1 } } } });
    assert.equal(bad.status, 400, bad.text);
    const unknown = await lh.api('POST', `/accounts/acc_nope/agent_tokens`, { name: 'x' });
    assert.equal(unknown.status, 404, unknown.text);
    const noKey = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'x' }, { auth: false });
    assert.equal(noKey.status, 401);
  });

  test('the token is no platform key, and the platform key is no agent token', async () => {
    const t = await newToken();
    const asKey = await lh.api('GET', '/accounts', undefined, { auth: `Bearer ${t.token}` });
    assert.equal(asKey.status, 401);
    const e = await stripeError(sdk(lh.apiKey).customers.list());
    assert.equal(e.type, 'StripeAuthenticationError');
    assert.equal(e.statusCode, 401);
    assert.equal(e.code, 'agent_token_missing');
  });

  test('revoked: refused at once with the SDK authentication error', async () => {
    const t = await newToken();
    await sdk(t.token).customers.list({ limit: 1 });
    const del = await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${t.id}`);
    assert.equal(del.status, 200, del.text);
    assert.ok(del.body.revoked_at);
    const e = await stripeError(sdk(t.token).customers.list({ limit: 1 }));
    assert.equal(e.type, 'StripeAuthenticationError');
    assert.equal(e.code, 'agent_token_invalid');
    const again = await lh.api('DELETE', `/accounts/${acc}/agent_tokens/${t.id}`);
    assert.equal(again.status, 404);
    // made and revoked once each, under the API key that asked (a refused second revocation records nothing)
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=200`);
    const events = audit.body.data.filter((e: any) => e.outcome === t.id).map((e: any) => `${e.actor_type} ${e.action}`);
    assert.deepEqual(events.sort(), ['api_key agent_token.created', 'api_key agent_token.revoked'], audit.text);
  });
  test('the account a token was made on deleted: the token ends at once, on the other accounts it names too, in the audit trail', async () => {
    const doomed = (await linkAccount(lh, stripe.keys.secretTest)).id;
    const t = await newToken({ also_accounts: [acc] }, doomed);
    const call = () => raw(t.token, '/v1/customers?limit=1', { headers: { 'linkhub-account': acc } });
    assert.equal((await call()).status, 200, 'known, and kept in the cache');
    assert.equal((await lh.api('DELETE', `/accounts/${doomed}`)).status, 200);
    const after = await call();
    assert.equal(after.status, 401, 'not the cache’s 5 s later');
    assert.equal((await after.json()).error.code, 'agent_token_invalid');
    const audit = await lh.api('GET', `/audit?account_id=${doomed}&limit=200`);
    const events = audit.body.data.filter((e: any) => e.outcome === t.id).map((e: any) => `${e.actor_type} ${e.action}`);
    assert.deepEqual(events.sort(), ['api_key agent_token.created', 'api_key agent_token.revoked'], audit.text);
  });
});

describe('the stripe SDK through /v1 with an agent token', () => {
  test('list, create with an idempotency key, retrieve, update, search: Stripe’s answers, the linked key upstream', async () => {
    const t = await newToken();
    const s = sdk(t.token);
    const created = await s.customers.create({ email: 'agent@example.com', metadata: { via: 'agent' } }, { idempotencyKey: 'agent-create-1' });
    assert.match(created.id, /^cus_/);
    const replay = await s.customers.create({ email: 'agent@example.com', metadata: { via: 'agent' } }, { idempotencyKey: 'agent-create-1' });
    assert.equal(replay.id, created.id, 'Stripe replayed the idempotent request');
    const got = await s.customers.retrieve(created.id);
    assert.equal((got as Stripe.Customer).email, 'agent@example.com');
    const updated = await s.customers.update(created.id, { name: 'Agent Smith' });
    assert.equal(updated.name, 'Agent Smith');
    const page = await s.customers.list({ limit: 2 });
    assert.equal(page.object, 'list');
    const posts = stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/customers');
    assert.equal(posts.length, 2);
    assert.ok(posts.every((e) => e.idempotencyKey === 'agent-create-1'));
    for (const e of stripe.log) {
      assert.equal(e.keyLast4, stripe.keys.secretTest.slice(-4), 'the linked key was sent');
      assert.ok(!JSON.stringify(e).includes(t.token), 'the token never reaches Stripe');
    }
    assert.ok(!lh.logs.join('\n').includes(t.token), 'nor a log line');
  });

  test('a Linkhub credential put in a path is masked in the log line and the call log, in any encoding', async () => {
    const t = await newToken();
    const other = await newToken();
    for (const secret of [other.token, lh.apiKey]) {
      for (const path of [`/v1/customers/${secret}`, `/v1/customers?email=${encodeURIComponent(secret)}`]) {
        const res = await raw(t.token, path);
        await res.arrayBuffer();
      }
    }
    await lh.services.requestLog.flush();
    const logs = (await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=20`)).text;
    for (const secret of [other.token, lh.apiKey]) {
      for (const text of [logs, lh.logs.join('\n')]) assert.ok(!text.includes(secret.slice(5, 30)), 'no credential in a log');
    }
    assert.match(logs, /lhat_\[redacted\]/);
  });

  test('status, Request-Id and body byte for byte, the provider’s errors included', async () => {
    const t = await newToken();
    const direct = await fetch(`${stripe.url}/v1/customers/cus_missing`, { headers: { authorization: `Bearer ${stripe.keys.secretTest}` } });
    const via = await raw(t.token, '/v1/customers/cus_missing');
    assert.equal(via.status, 404);
    assert.equal(via.status, direct.status);
    const [a, b] = [await direct.text(), await via.text()];
    assert.equal(b.replace(/req_[A-Za-z0-9]+/g, 'req_'), a.replace(/req_[A-Za-z0-9]+/g, 'req_'));
    assert.match(via.headers.get('request-id') ?? '', /^req_/);
    assert.equal(via.headers.get('request-id'), stripe.log.at(-1)?.requestId ?? via.headers.get('request-id'));
    const e = await stripeError(sdk(t.token).customers.retrieve('cus_missing'));
    assert.equal(e.type, 'StripeInvalidRequestError');
    assert.equal(e.code, 'resource_missing');
  });

  test('/v2 passes through too, its JSON body as sent', async () => {
    const t = await newToken();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' };
    const direct = await fetch(`${stripe.url}/v2/core/event_destinations`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${stripe.keys.secretTest}` },
    });
    const via = await raw(t.token, '/v2/core/event_destinations', init);
    assert.equal(via.status, direct.status);
    const strip = (x: string) => x.replace(/req_[A-Za-z0-9]+/g, 'req_');
    assert.equal(strip(await via.text()), strip(await direct.text()));
    const sent = stripe.log.at(-1)!;
    assert.equal(sent.path, '/v2/core/event_destinations');
    assert.equal(sent.keyLast4, stripe.keys.secretTest.slice(-4));
  });

  test('a file upload: multipart bytes sent unchanged (to the files host the SDK would use), its file read back', async () => {
    const t = await newToken();
    // bytes that are not UTF-8: read as text on the way they would come out longer (U+FFFD)
    const data = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]), Buffer.alloc(200_000, 0xc3)]);
    const file = await sdk(t.token).files.create({ purpose: 'dispute_evidence', file: { data, name: 'evidence.png', type: 'image/png' } });
    assert.equal(file.object, 'file');
    assert.equal(file.size, data.length, 'the bytes arrived as sent');
    assert.equal(file.filename, 'evidence.png');
    assert.equal(file.type, 'png');
    const sent = stripe.log.at(-1)!;
    assert.equal(sent.path, '/v1/files');
    assert.equal(sent.keyLast4, stripe.keys.secretTest.slice(-4), 'with the linked key');
    assert.deepEqual(await sdk(t.token).files.retrieve(file.id), file);
    const missing = await stripeError(sdk(t.token).files.create({ file: { data, name: 'x.png', type: 'image/png' } } as never));
    assert.equal(missing.code, 'parameter_missing');
    // the call log shows what was sent without the bytes
    await lh.services.requestLog.flush();
    const logged = (await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=5`)).body.data.find((r: any) => r.path === '/v1/files');
    assert.ok(logged, 'the upload is in the call log');
    const detail = await lh.api('GET', `/requests/logs/${logged.id}`);
    assert.match(detail.body.data.request.body, /^\[\d+ bytes of multipart\/form-data/);
  });

  test('the SDK’s other hosts are the connector’s: files, quote PDFs and meter events leave for theirs', () => {
    assert.equal(nativeOrigin(stripeAgents, 'POST', '/v1/files'), 'https://files.stripe.com');
    assert.equal(nativeOrigin(stripeAgents, 'POST', '/v2/billing/meter_event_stream'), 'https://meter-events.stripe.com');
    assert.equal(nativeOrigin(stripeAgents, 'GET', '/v1/files?limit=3'), undefined, 'listing files is the API host');
    assert.equal(nativeOrigin(stripeAgents, 'POST', '/v1/customers'), undefined);
    // a quote's PDF (stripe-node's quotes.pdf: apiBase 'files')
    assert.equal(nativeOrigin(stripeAgents, 'GET', '/v1/quotes/qt_1Abc/pdf'), 'https://files.stripe.com');
    for (const path of ['/v1/quotes/qt_1Abc', '/v1/quotes//pdf', '/v1/quotes/qt_1/pdf/x', '/v1/quotes/qt_1/lines'])
      assert.equal(nativeOrigin(stripeAgents, 'GET', path), undefined, path);
  });

  test('Stripe-Account and Stripe-Version are forwarded', async () => {
    const t = await newToken();
    // a plain secret key may not act on another account: Stripe's own refusal proves the header arrived
    const refused = await stripeError(sdk(t.token, { apiVersion: '2024-06-20' }).customers.list({ limit: 1 }, { stripeAccount: 'acct_1LinkhubOthr00' }));
    assert.equal(refused.type, 'StripePermissionError');
    assert.match(refused.message, /does not have access to account 'acct_1LinkhubOthr00'/);
    const e = stripe.log.at(-1)!;
    assert.equal(e.stripeAccount, 'acct_1LinkhubOthr00');
    assert.equal(e.stripeVersion, '2024-06-20');
  });

  test('Linkhub’s other refusals under /v1 are Stripe-shaped too: /v1 itself, a method not served, a malformed URL', async () => {
    const t = await newToken();
    for (const [method, path, status, code] of [
      ['GET', '/v1', 404, 'route_not_found'],
      ['GET', '/v1?limit=1', 404, 'route_not_found'],
      ['OPTIONS', '/v1/customers', 404, 'route_not_found'],
      ['GET', '/v1/customers/%zz', 400, 'malformed_url'],
    ] as const) {
      const res = await raw(t.token, path, { method });
      const body = (await res.json()) as { error: { type: string; code: string; message: string } };
      assert.equal(res.status, status, `${method} ${path}`);
      assert.equal(body.error.code, code, `${method} ${path}`);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.ok(body.error.message);
    }
    // refused by the server before routing: an Expect it does not meet
    const expect = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${lh.url}/v1/customers`, { headers: { authorization: `Bearer ${t.token}`, expect: 'bogus' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(expect.status, 417);
    assert.equal(JSON.parse(expect.body).error.code, 'expectation_failed');
    const head = await raw(t.token, '/v1/customers', { method: 'HEAD' });
    assert.equal(head.status, 404, 'HEAD is not served');
    const own = await lh.api('GET', '/v1x');
    assert.equal(own.body.code, 'route_not_found', 'a path beside /v1 keeps Linkhub’s shape');
  });

  test('a token on several accounts: Linkhub-Account picks one; none or another is refused Stripe-shaped', async () => {
    const t = await newToken({ also_accounts: [other] });
    assert.deepEqual(t.accounts, [acc, other]);
    const none = await stripeError(sdk(t.token).customers.list());
    assert.equal(none.type, 'StripeInvalidRequestError');
    assert.equal(none.statusCode, 400);
    assert.equal(none.code, 'agent_account_required');
    const picked = await raw(t.token, '/v1/customers?limit=1', { headers: { 'linkhub-account': other } });
    assert.equal(picked.status, 200);
    const alone = await newToken();
    const refused = await raw(alone.token, '/v1/customers?limit=1', { headers: { 'linkhub-account': other } });
    assert.equal(refused.status, 403);
    const body = await refused.json();
    assert.equal(body.error.code, 'agent_account_refused');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.ok(body.error.message.includes(other), 'an account id is named');
    // anything else there (a secret pasted by mistake) is not repeated, nor logged with the refusal
    const pasted = await raw(alone.token, '/v1/customers?limit=1', { headers: { 'linkhub-account': stripe.keys.secretTest } });
    assert.equal(pasted.status, 403);
    const text = await pasted.text();
    assert.ok(!text.includes(stripe.keys.secretTest.slice(8, 40)), text);
    assert.match(text, /a value that is no account id/);
  });
});

describe('policies', () => {
  test('a pattern of many stars is judged at once: the node is not held by the match (a regular expression backtracked for ever)', async () => {
    const stars = await newToken({ policy: { deny: [`${'*'.repeat(60)}X`], allow: [`stripe_*${'*'.repeat(60)}_customer*`] } });
    const listed = await raw(stars.token, '/v1/customers?limit=1');
    assert.equal(listed.status, 200, 'allowed: the allow pattern matches, the deny pattern does not');
    const products = await raw(stars.token, '/v1/products?limit=1');
    assert.equal(products.status, 403, 'not among the allowed');
    const health = await lh.api('GET', '/healthz');
    assert.equal(health.status, 200);
  });

  test('read_only and deny: refused with the SDK permission error, nothing sent to Stripe', async () => {
    const ro = await newToken({ policy: { read_only: true } });
    await sdk(ro.token).customers.list({ limit: 1 });
    stripe.clearLog();
    const e = await stripeError(sdk(ro.token).customers.create({ email: 'x@example.com' }));
    assert.equal(e.type, 'StripePermissionError');
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, 'policy_denied');
    assert.match(e.message, /read-only/);
    // the SDK's error carries Linkhub's request id (as Stripe's errors carry Stripe's): the reqId of Linkhub's log lines
    assert.match(e.requestId, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(e.requestId, e.headers['x-request-id']);
    const deny = await newToken({ policy: { deny: ['stripe_delete_*'], allow: ['stripe_*_customer*'] } });
    const c = await sdk(deny.token).customers.create({ email: 'y@example.com' });
    const del = await stripeError(sdk(deny.token).customers.del(c.id));
    assert.equal(del.code, 'policy_denied');
    const notAllowed = await stripeError(sdk(deny.token).products.list());
    assert.equal(notAllowed.code, 'policy_denied');
    assert.match(notAllowed.message, /not among the allowed/);
    assert.ok(!stripe.log.some((x) => x.method === 'DELETE' || x.path === '/v1/products'), 'refused calls never reached Stripe');
    // a path a lenient router may take for a denied action is judged as that action
    const refunds = await newToken({ policy: { deny: ['stripe_create_refund', 'stripe_*_customer'] } });
    stripe.clearLog();
    for (const [method, path] of [
      ['POST', '/v1/Refunds'],
      ['POST', '/v1/refunds.json'],
      ['POST', '/v1/refunds;x'],
      ['POST', '/v1/refunds%20'],
      ['POST', '/v1/refunds.'],
      ['POST', '/v1/refunds.xml'],
      ['POST', '/v1/refunds%3Bx'],
      ['POST', '/v1/refunds~'],
      ['POST', '/v1/refunds%C2%A0'],
      ['POST', `/v1/customers.html/${c.id}`],
      ['PUT', '/v1/refunds'],
      ['PATCH', '/v1/refunds'],
      ['POST', `/v1/Customers/${c.id}`],
      ['POST', `/v1/customers;a/${c.id}`],
    ]) {
      const res = await raw(refunds.token, path, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'charge=ch_1&amount=1' });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(await res.text(), /(stripe_create_refund|stripe_update_customer) is denied/, `${method} ${path}`);
    }
    assert.deepEqual(stripe.log, [], 'none reached Stripe');
    // what a token tried and was refused is in the call log under its id, never sent
    const logged = (await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=50`)).body.data.filter((r: any) => r.source_id === refunds.id);
    assert.equal(logged.length, 14, JSON.stringify(logged));
    assert.ok(
      logged.every((r: any) => r.error === 'policy_denied' && r.status === null && r.attempts === 0 && r.source_type === 'agent_token'),
      JSON.stringify(logged),
    );
  });

  test('a method override in the parameters (`_method`, as Stripe.js once sent writes by GET) is refused under a policy, not forwarded', async () => {
    const ro = await newToken({ policy: { read_only: true } });
    const open0 = await newToken();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ch = await charge(700);
    stripe.clearLog();
    for (const path of [`/v1/refunds?charge=${ch}&_method=POST`, `/v1/refunds?charge=${ch}&_method%5Bx%5D=POST`, '/v1/customers?limit=1&_method=DELETE']) {
      const res = await raw(ro.token, path);
      assert.equal(res.status, 403, path);
      const body = await res.json();
      assert.equal(body.error.code, 'policy_denied', path);
      assert.match(body.error.message, /_method/);
    }
    const money = await newToken({ policy: { money: { usd: { per_call: 5000 } } } });
    const post = await raw(money.token, '/v1/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=m%40example.com&_method=GET',
    });
    assert.equal(post.status, 403);
    assert.equal((await post.json()).error.code, 'policy_denied');
    // a body with no content type is read as a form by Rack: its `_method` (spelt with an escape) counts too
    const update = await newToken({ policy: { allow: ['stripe_update_customer'] } });
    const customer = (await (await raw(open0.token, '/v1/customers', { method: 'POST', headers: form, body: 'email=o%40example.com' })).json()).id;
    stripe.clearLog();
    const untyped = await raw(update.token, `/v1/customers/${customer}`, { method: 'POST', body: new TextEncoder().encode('name=x&_m%65thod=DELETE') });
    assert.equal(untyped.status, 403);
    assert.equal((await untyped.json()).error.reason_code, 'method_override');
    assert.equal(stripe.log.length, 0, 'nothing reached Stripe');
    const plain = await raw(update.token, `/v1/customers/${customer}`, { method: 'POST', headers: form, body: 'name=x' });
    assert.equal(plain.status, 200, 'the same update without it passes');
    stripe.clearLog();
    const unjudged = await raw(open0.token, '/v1/customers?limit=1&_method=POST');
    assert.notEqual(unjudged.status, 403, 'a token without a policy is not judged');
    assert.equal(stripe.log.length, 1, "it is Stripe's to answer");
  });

  test('the account-wide policy applies to tokens without their own', async () => {
    const t = await newToken();
    const set = await lh.api('PUT', `/accounts/${acc}/agent_policy`, { policy: { read_only: true } });
    assert.equal(set.status, 200, set.text);
    try {
      const e = await stripeError(sdk(t.token).customers.create({ email: 'z@example.com' }));
      assert.equal(e.code, 'policy_denied');
      const own = await newToken({ policy: {} });
      await sdk(own.token).customers.create({ email: 'z@example.com' });
    } finally {
      await lh.api('PUT', `/accounts/${acc}/agent_policy`, { policy: null });
    }
    await sdk(t.token).customers.create({ email: 'z2@example.com' });
  });

  test('spend caps: per call, and per rolling day per currency; another currency is refused', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 8000 } } } });
    const s = sdk(t.token);
    const big = await stripeError(s.refunds.create({ charge: await charge(9000), amount: 6000 }));
    assert.equal(big.type, 'StripePermissionError');
    assert.equal(big.code, 'spend_cap_exceeded');
    assert.match(big.message, /per-call cap of 5000/);
    const ch = await charge(9000);
    await s.refunds.create({ charge: ch, amount: 4000 });
    await s.refunds.create({ charge: ch, amount: 3000 });
    const third = await stripeError(s.refunds.create({ charge: ch, amount: 2000 }));
    assert.equal(third.code, 'spend_cap_exceeded');
    assert.match(third.message, /daily cap of 8000/);
    // no amount: a full refund of what is left of the charge, read from Stripe first (4000 > cap left)
    const full = await stripeError(s.refunds.create({ charge: await charge(4000) }));
    assert.equal(full.code, 'spend_cap_exceeded');
    const eur = await stripeError(s.paymentIntents.create({ amount: 100, currency: 'eur' }));
    assert.match(eur.message, /no limit is set for eur/);
    const refundPosts = stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds');
    assert.equal(refundPosts.length, 2, 'only the calls within the caps reached Stripe');
  });

  test('an amount Stripe may read otherwise is not trusted: a parameter given twice, or only in a write’s query', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000 } } } });
    const ch = await charge(90_000);
    const form = (body: string, query = '') =>
      raw(t.token, `/v1/refunds${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    stripe.clearLog();
    const labelled = (type: string, body: string) => raw(t.token, '/v1/refunds', { method: 'POST', headers: { 'content-type': type }, body });
    // a form is read as the form it is labelled, whatever its parameters say (here: a full refund, 90000)
    const formJson = await labelled('application/x-www-form-urlencoded; x=json', `{"a":"&charge=${ch}&b=","charge":"${ch}","amount":1}`);
    assert.equal(formJson.status, 403);
    assert.match(await formJson.text(), /90000 usd is above the per-call cap of 5000/);
    // a body labelled otherwise than the form Stripe's API takes may be read as a form, as JSON, or not at all
    for (const [type, body] of [
      ['application/json', `{"charge":"${ch}","amount":1}`],
      ['text/plain', `charge=${ch}&amount=1`],
    ]) {
      const res = await labelled(type, body);
      assert.equal(res.status, 403, type);
      assert.match(await res.text(), /cannot be told before it is sent/, type);
    }
    for (const [body, query] of [
      [`charge=${ch}&amount=1& amount=90000`, ''], // Rack drops the spaces after `&`: amount twice
      [`charge=${ch}&amount=1&x=y;amount=90000`, ''], // Rack 2 also splits on `;`
      [`charge=${ch}&amount=1&amount=90000`, ''], // a form parser that keeps the last one refunds 90000
      [`charge=${ch}`, '?amount=1'], // a full refund where the query is not read
      ['amount=1', `?charge=${ch}`], // the currency is read from a charge Stripe may not be asked about
      [`charge=${ch}&amount=1`, '?amount=90000'], // in both the body and the query: which one Stripe reads is not Linkhub's to guess
      [`charge=${await charge(100)}&amount=1`, `?charge=${ch}`],
      [`charge=${ch}&charge=${await charge(100)}&amount=1`, ''],
      [`charge=${ch}&amount=1&amount]=90000`, ''], // an older nested parser files `amount]` and `[amount]` as amount
      [`charge=${ch}&amount=1&%5Bamount%5D=90000`, ''],
      // a parser that trims names reads these as amount too: an escaped space, a `+`, a no-break space, a tab
      [`charge=${ch}&amount=1&%20amount=90000`, ''],
      [`charge=${ch}&amount=1&amount+=90000`, ''],
      [`charge=${ch}&%C2%A0amount=90000`, ''],
      [`charge=${ch}&amount=1&%5B%09amount%5D=90000`, ''],
    ]) {
      const res = await form(body, query);
      assert.equal(res.status, 403, `${query} ${body}`);
      const e = (await res.json()) as { error: { type: string; code: string; message: string } };
      assert.equal(e.error.code, 'spend_cap_exceeded', `${query} ${body}`);
      assert.match(e.error.message, /cannot be told before it is sent/);
    }
    // the same path written with escaped letters is the refund action (and is sent as /v1/refunds)
    const escaped = await raw(t.token, '/v1/%72efunds', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `charge=${ch}&amount=6000`,
    });
    assert.equal(escaped.status, 403);
    assert.match(await escaped.text(), /per-call cap of 5000/);
    assert.equal(stripe.log.filter((x) => x.path.includes('efunds')).length, 0, 'none reached Stripe');
    const once = await form(`charge=${ch}&amount=1`);
    assert.equal(once.status, 200, await once.text());
  });

  test('under spend limits: a write that is no known action, a blank amount and a raised intent cannot pass unread', async () => {
    const capped = await newToken({ policy: { money: { usd: { per_call: 5000 } } } });
    const held = await newToken({ policy: { money: { usd: { per_call: 10_000_000, approval_above: 1000 } } } });
    const post = (token: string, path: string, body: string, type = 'application/x-www-form-urlencoded') =>
      raw(token, path, { method: 'POST', headers: { 'content-type': type }, body });
    stripe.clearLog();
    const v2 = '/v2/money_management/outbound_payments';
    const payment = JSON.stringify({ amount: { value: 900_000, currency: 'usd' }, from: { financial_account: 'fa_1' } });
    const unknown = await post(capped.token, v2, payment, 'application/json');
    assert.equal(unknown.status, 403);
    assert.match(await unknown.text(), /no action Linkhub knows: whether it moves money cannot be told/);
    // where else money moves without a catalogue action, and a money path in another case or with ;parameters
    for (const path of ['/v1/climate/orders', '/v1/treasury/financial_accounts/fa_1/close']) {
      const res = await post(capped.token, path, 'amount=900000&currency=usd&product=p&metric_tons=10');
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /no action Linkhub knows/, path);
    }
    // a money path in another case, with ;parameters or a suffix is judged as the action it resembles
    for (const path of ['/v1/Payouts', '/v1/payouts;x=1', '/v1/payouts.json', '/v1/payouts%20']) {
      const res = await post(capped.token, path, 'amount=900000&currency=usd');
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /900000 usd is above the per-call cap of 5000/, path);
    }
    const unknownHeld = await post(held.token, v2, payment, 'application/json');
    assert.equal(unknownHeld.status, 403);
    assert.match(await unknownHeld.text(), /approval_required/);
    // a write that is no known action outside where money moves is sent as before; a file upload is an action
    const meter = await post(capped.token, '/v1/billing/meters', 'display_name=Calls&event_name=api_calls&default_aggregation[formula]=sum');
    assert.notEqual(meter.status, 403, await meter.text());
    const file = await sdk(capped.token).files.create({ purpose: 'dispute_evidence', file: { data: Buffer.from('x'), name: 'e.png', type: 'image/png' } });
    assert.equal(file.object, 'file');
    const read = await raw(capped.token, '/v2/core/events?limit=1');
    assert.notEqual(read.status, 403, 'a read is no spend: sent as it is');
    await read.arrayBuffer();
    const blank = await post(capped.token, '/v1/payouts', 'amount=%20&currency=usd');
    assert.equal(blank.status, 403);
    assert.match(await blank.text(), /cannot be told/);
    assert.ok(!stripe.log.some((x) => x.method === 'POST' && /money_management|payouts|climate|treasury|efunds/i.test(x.path)), 'none of them sent');

    // an intent's amount raised before its confirm is judged when raised; other updates move nothing
    const pi = await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).paymentIntents.create({ amount: 500, currency: 'usd' });
    const raised = await post(held.token, `/v1/payment_intents/${pi.id}`, 'amount=900000');
    assert.equal(raised.status, 403);
    assert.match(await raised.text(), /approval_required/);
    const labelled = await post(held.token, `/v1/payment_intents/${pi.id}`, 'metadata[order]=42');
    assert.equal(labelled.status, 200, await labelled.text());
    // an update that sets the amount is counted when set: the confirm may come from the customer's browser
    const daily = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 8000 } } } });
    const small = await sdk(daily.token).paymentIntents.create({ amount: 3000, currency: 'usd' });
    await sdk(daily.token).paymentIntents.update(small.id, { amount: 3500 });
    const over = await post(daily.token, `/v1/payment_intents/${small.id}`, 'amount=6000');
    assert.equal(over.status, 403, 'above the per-call cap');
    const again = await post(daily.token, `/v1/payment_intents/${small.id}`, 'amount=2000');
    assert.equal(again.status, 403);
    assert.match(await again.text(), /to 8500, above the daily cap of 8000/);
  });

  test('what else moves money is judged: a balance set on a customer, a Treasury reversal, the older fee refund, an intent’s currency', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 20_000 } } } });
    const post = (path: string, body: string) => raw(t.token, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const platform = new Stripe(stripe.keys.secretTest, stripe.sdkOptions());
    const customer = await platform.customers.create({ email: 'c@example.com' });
    const pi = await platform.paymentIntents.create({ amount: 1500, currency: 'usd' });
    await allRefused(post, [
      [`/v1/customers/${customer.id}`, 'balance=-1000000', /cannot be told/], // a credit: money given to the customer
      ['/v1/customers', 'email=x@example.com&balance=-2500000', /cannot be told/],
      ['/v1/customers', 'email=x@example.com&balance=100', /cannot be told/], // a new customer has no currency yet
      ['/v1/application_fees/fee_1/refund', 'amount=999999', /cannot be told/],
      ['/v1/treasury/credit_reversals', 'received_credit=rc_1', /acts where money moves/],
      ['/v1/treasury/debit_reversals', 'received_debit=rd_1', /acts where money moves/],
      [`/v1/payment_intents/${pi.id}`, 'currency=gbp', /no limit is set for gbp/], // the customer would pay it in gbp
      ['/v1/payouts.json', 'amount=900000&currency=usd', /above the per-call cap/],
      ['/v1/payouts%20', 'amount=900000&currency=usd', /above the per-call cap/],
    ]);
    // the same without money in it passes: a customer's other fields, a debit of an existing customer's balance
    const named = await post(`/v1/customers/${customer.id}`, 'name=Ann');
    assert.equal(named.status, 200, await named.text());
    const labelled = await post(`/v1/payment_intents/${pi.id}`, 'metadata[order]=1');
    assert.equal(labelled.status, 200, await labelled.text());
  });

  test('a customer’s balance is judged by its change; confirms on a reader, auto-advanced invoices; no currency from the prototype', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 200_000 } } } });
    const post = (path: string, body: string) => raw(t.token, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    // the platform's own changes, made at the stand-in (its generic update writes these fields)
    const platform = (path: string, body: string) =>
      fetch(`${stripe.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stripe.keys.secretTest}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).then(async (r) => {
        const text = await r.text();
        assert.equal(r.status, 200, text);
        return JSON.parse(text) as { id: string };
      });
    const seeded = (await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).customers.list({ limit: 100 })).data.filter((c) => c.currency === 'usd');
    assert.ok(seeded.length >= 2, 'seeded usd customers');
    const [credited, owing] = seeded;
    await platform(`/v1/customers/${credited.id}`, 'balance=-90000');
    await platform(`/v1/customers/${owing.id}`, 'balance=90000');
    const intent = await platform('/v1/payment_intents', 'amount=9000&currency=usd');
    const invoice = await platform('/v1/invoices', `customer=${owing.id}`);
    await platform(`/v1/invoices/${invoice.id}`, 'amount_due=90000&currency=usd');
    await allRefused(post, [
      [`/v1/customers/${credited.id}`, 'balance=2000', /92000 usd is above the per-call cap of 5000/], // -90000 → 2000: a debit of 92000
      [`/v1/customers/${owing.id}`, 'balance=0', /cannot be told/], // 90000 → 0: a credit of 90000
      [`/v1/customers/${owing.id}`, 'balance=', /cannot be told/], // unset
      ['/v1/terminal/readers/tmr_1/process_payment_intent', `payment_intent=${intent.id}`, /9000 usd is above the per-call cap/],
      [`/v1/payment_intents/${intent.id}/verify_microdeposits`, 'amounts[]=32&amounts[]=45', /9000 usd is above the per-call cap/],
      [`/v1/invoices/${invoice.id}`, 'auto_advance=true', /90000 usd is above the per-call cap/],
      ['/v1/invoices', `customer=${owing.id}&auto_advance=true`, /cannot be told/], // its pending items: Stripe charges them by itself
      ['/v1/treasury/financial_accounts/fa_1', 'forwarding_settings[financial_account]=fa_2&forwarding_settings[type]=financial_account', /cannot be told/],
      ['/v2/billing/intents/bi_1/commit', '', /no action Linkhub knows/],
      ['/v1/payouts', 'amount=9000000&currency=constructor', /no limit is set for constructor/],
      ['/v1/payouts', 'amount=9000000&currency=__proto__', /no limit is set for __proto__/],
    ]);
    // a small debit is counted and sent; an invoice's other fields and a Treasury account's name move nothing
    const debit = await post(`/v1/customers/${owing.id}`, 'balance=90100');
    assert.equal(debit.status, 200, await debit.text());
    const memo = await post(`/v1/invoices/${invoice.id}`, 'description=May');
    assert.equal(memo.status, 200, await memo.text());
    const named = await post('/v1/treasury/financial_accounts/fa_1', 'nickname=Ops');
    assert.notEqual(named.status, 403, await named.text());
    const manual = await post(`/v1/invoices/${invoice.id}`, 'auto_advance=false');
    assert.equal(manual.status, 200, await manual.text());
    const sameCurrency = await post(`/v1/payment_intents/${intent.id}`, 'currency=usd&description=x');
    assert.equal(sameCurrency.status, 200, await sameCurrency.text());
    const unset = await post(`/v1/payment_intents/${intent.id}`, 'amount=&currency=usd'); // its own currency, but the amount unset
    assert.equal(unset.status, 403, await unset.text());
    const draft = await post('/v1/invoices', `customer=${owing.id}&auto_advance=false`);
    assert.equal(draft.status, 200, await draft.text());
  });

  test('subscriptions, invoice items, metered usage and Issuing cards: what Stripe bills or spends later is judged when they are set up', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 200_000 } } } });
    const post = (path: string, body: string) => raw(t.token, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const price = 'items[0][price]=price_1&items[0][quantity]=1';
    await allRefused(post, [
      // its first invoice is charged at once, at its prices' amounts
      ['/v1/subscriptions', `customer=cus_1&${price}`, /cannot be told/],
      ['/v1/customers/cus_1/subscriptions', price, /cannot be told/],
      ['/v1/subscription_schedules', 'customer=cus_1&phases[0][items][0][price]=price_1', /cannot be told/],
      ['/v1/subscription_items', 'subscription=sub_1&price=price_1', /cannot be told/],
      ['/v1/subscriptions/sub_1/resume', '', /cannot be told/],
      ['/v1/subscriptions/sub_1', price, /cannot be told/],
      ['/v1/subscriptions/sub_1', 'trial_end=now', /cannot be told/],
      ['/v1/subscriptions/sub_1', 'billing_cycle_anchor=now', /cannot be told/],
      ['/v1/subscriptions/sub_1', 'pause_collection=', /cannot be told/], // unset: collecting again
      ['/v1/subscription_items/si_1', 'quantity=40', /cannot be told/],
      // charged with the customer's next invoice: counted when added
      ['/v1/invoiceitems', 'customer=cus_1&amount=90000&currency=usd', /90000 usd is above the per-call cap of 5000/],
      ['/v1/invoiceitems', 'customer=cus_1&amount=-500&currency=usd', /cannot be told/], // a credit
      ['/v1/invoiceitems', 'customer=cus_1&price=price_1', /cannot be told/],
      ['/v1/invoiceitems/ii_1', 'unit_amount_decimal=90000', /cannot be told/],
      // metered usage: billed at its price when the period closes
      ['/v1/subscription_items/si_1/usage_records', 'quantity=100000', /cannot be told/],
      ['/v1/billing/meter_events', 'event_name=api_calls&payload[stripe_customer_id]=cus_1&payload[value]=100000', /cannot be told/],
      // an Issuing card spends at merchants, past Linkhub, up to its limits
      ['/v1/issuing/cards', 'cardholder=ich_1&currency=usd&type=virtual', /cannot be told/],
      [
        '/v1/issuing/cards/ic_1',
        'spending_controls[spending_limits][0][amount]=9000000&spending_controls[spending_limits][0][interval]=daily',
        /cannot be told/,
      ],
      [
        '/v1/issuing/cardholders/ich_1',
        'spending_controls[spending_limits][0][amount]=9000000&spending_controls[spending_limits][0][interval]=daily',
        /cannot be told/,
      ],
      ['/v1/issuing/cards/ic_1', 'status=active', /cannot be told/], // a card a person froze, spending again
      ['/v1/issuing/cardholders/ich_1', 'status=active', /cannot be told/],
    ]);
    const json = (path: string, body: string) => raw(t.token, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await allRefused(json, [
      ['/v2/billing/meter_events', '{"event_name":"api_calls","payload":{"stripe_customer_id":"cus_1","value":"100000"}}', /cannot be told/],
      // its token would let the agent send events to Stripe's meter-events host itself, past the policy
      ['/v2/billing/meter_event_session', '{}', /cannot be told/],
      ['/v2/billing/meter_event_stream', '{"events":[{"event_name":"api_calls","payload":{"value":"1"}}]}', /cannot be told/],
    ]);
    // what changes no billing passes (to the stand-in, which may not know these objects)
    for (const [path, body] of [
      ['/v1/subscriptions/sub_1', 'metadata[team]=ops'],
      ['/v1/subscriptions/sub_1', 'cancel_at_period_end=true'],
      ['/v1/invoiceitems/ii_1', 'description=May'],
      ['/v1/billing/meter_event_adjustments', 'event_name=api_calls&type=cancel&cancel[identifier]=evt_1'], // it only cancels
      ['/v1/billing/meters', 'display_name=Calls&event_name=api_calls&default_aggregation[formula]=sum'],
      ['/v1/issuing/cards/ic_1', 'status=inactive'], // freezing a card
      ['/v1/issuing/cardholders/ich_1', 'status=inactive&metadata[x]=y'],
      ['/v1/issuing/cardholders', 'name=Ops&type=individual&billing[address][country]=US'], // no card yet
    ] as const) {
      const res = await post(path, body);
      assert.notEqual(res.status, 403, `${path} ${body}: ${await res.text()}`);
    }
    const small = await post('/v1/invoiceitems', 'customer=cus_1&amount=400&currency=usd');
    assert.notEqual(small.status, 403, await small.text());
  });

  test('a compressed body is refused (415), not read as other bytes than the provider would read', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 10_000 } } } });
    // A zlib stream of one stored block whose every byte is valid UTF-8: read as a form its first name is
    // `x\u0001\u0001 @…spending_controls[…]`, which raises no limit; inflated, it raises the card's limit.
    const form = 'spending_controls[spending_limits][0][amount]=9000000&spending_controls[spending_limits][0][interval]=daily';
    const deflated = utf8Zlib(form);
    assert.equal(inflateSync(deflated).toString().slice(0, form.length), form);
    stripe.clearLog();
    for (const coding of ['deflate', 'gzip', 'Deflate ', 'identity, deflate']) {
      const res = await raw(t.token, '/v1/issuing/cards/ic_1', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': coding },
        body: new Uint8Array(deflated),
      });
      assert.equal(res.status, 415, coding);
      const body = await res.json();
      assert.equal(body.error.code, 'unsupported_content_encoding');
      assert.match(body.error.message, /send the body uncompressed/);
    }
    assert.deepEqual(
      stripe.log.filter((x) => x.method === 'POST').map((x) => x.path),
      [],
      'none reached Stripe',
    );
    // `identity` (or an empty value) is no compression: read and sent as it is
    const plain = await raw(t.token, '/v1/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'identity' },
      body: 'name=Plain',
    });
    assert.equal(plain.status, 200, await plain.text());
  });

  test('a first attempt still under way while Stripe makes the payout: the retry’s 409 does not take it back', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 5000 } } } });
    // the stand-in takes the key, then sleeps before making the payout; the SDK's retry (its timeout
    // passed) meanwhile sends the same key and gets Stripe's 409 idempotency_key_in_use
    stripe.inject({ kind: 'delay', delayMs: 4000, count: 1, pathPrefix: '/v1/payouts' });
    const post = (key: string) =>
      raw(t.token, '/v1/payouts', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
        body: 'amount=4000&currency=usd',
      });
    const first = post('slow-payout');
    await waitFor('the stand-in to take the first attempt', () => stripe.pendingFaults() === 0);
    const retry = await post('slow-payout');
    assert.equal(retry.status, 409, await retry.text());
    const another = await post('another-payout');
    assert.equal(another.status, 403, 'the first 4000 still counts');
    assert.match(await another.text(), /above the daily cap of 5000/);
    assert.equal((await first).status, 200);
  });

  test('one idempotency key on another account is another call: counted in the day’s total', async () => {
    // Stripe keeps keys per account: the same key there (another linked account, a connected account) makes a second payout
    const t = await newToken({ also_accounts: [other], policy: { money: { usd: { per_call: 5000, per_day: 9000 } } } });
    const post = (headers: Record<string, string>) =>
      raw(t.token, '/v1/payouts', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'one-key-everywhere', ...headers },
        body: 'amount=4000&currency=usd',
      });
    stripe.clearLog();
    assert.equal((await post({ 'linkhub-account': acc })).status, 200);
    assert.equal((await post({ 'linkhub-account': other })).status, 200, 'another account: a payout of its own');
    // the same call again on the first account is the same payout, replayed by Stripe: not counted
    assert.equal((await post({ 'linkhub-account': acc })).status, 200);
    const connected = await post({ 'linkhub-account': acc, 'stripe-account': 'acct_1ConnectedXYZ' });
    assert.equal(connected.status, 403, 'a connected account: a third payout, above the day’s 9000');
    assert.match(await connected.text(), /would take the last 24 hours to 12000, above the daily cap of 9000/);
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/payouts').length, 3);
  });

  test('a call Stripe answers 5xx stays in the day’s total: it may have moved money', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 6000 } } } });
    stripe.inject({ kind: '500', count: 20, pathPrefix: '/v1/payouts' });
    const failed = await raw(t.token, '/v1/payouts', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=4000&currency=usd',
    });
    assert.ok(failed.status >= 500, `status ${failed.status}`);
    await failed.arrayBuffer();
    stripe.clearFaults();
    const next = await stripeError(sdk(t.token).payouts.create({ amount: 4000, currency: 'usd' }));
    assert.match(next.message, /to 8000, above the daily cap of 6000/);
    const fits = await sdk(t.token).payouts.create({ amount: 2000, currency: 'usd' });
    assert.equal(fits.amount, 2000, 'up to the cap, the 5xx counted');
  });

  test('an amount read from the object that is negative is not trusted: it would lower the day’s total', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 5000, per_day: 6000 } } } });
    const ch = await charge(1000);
    // the stand-in lets its key rewrite what was refunded (Stripe would not; a negative invoice total is the real case)
    const rewrite = await fetch(`${stripe.url}/v1/charges/${ch}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stripe.keys.secretTest}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount_refunded=1000000',
    });
    assert.equal(rewrite.status, 200, await rewrite.text());
    const refund = await raw(t.token, '/v1/refunds', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `charge=${ch}`,
    });
    assert.equal(refund.status, 403);
    assert.match(await refund.text(), /cannot be told/);
    const payout = await sdk(t.token).payouts.create({ amount: 5000, currency: 'usd' });
    assert.equal(payout.amount, 5000);
    const second = await stripeError(sdk(t.token).payouts.create({ amount: 5000, currency: 'usd' }));
    assert.match(second.message, /above the daily cap of 6000/, 'the day’s total was not lowered');
  });

  test('an approval is for an amount: a held confirm whose intent grew since is not sent', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 10_000_000, approval_above: 1000 } } } });
    const direct = new Stripe(stripe.keys.secretTest, stripe.sdkOptions());
    const confirmHeld = async () => {
      const pi = await direct.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa' });
      const res = await raw(t.token, `/v1/payment_intents/${pi.id}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      const e = (await res.json()) as { error: { code: string; approval: string } };
      assert.equal(e.error.code, 'approval_required');
      return { pi: pi.id, approval: e.error.approval };
    };
    const grown = await confirmHeld();
    await direct.paymentIntents.update(grown.pi, { amount: 900_000 }); // raised outside the agent's gate
    stripe.clearLog();
    const refused = await lh.api('POST', `/approvals/${grown.approval}/approve`);
    assert.equal(refused.status, 200, refused.text);
    assert.equal(refused.body.status, 'failed');
    assert.equal(refused.body.result.status, 0);
    assert.match(refused.body.result.error, /would now move 900000 usd, not the 2000 usd approved/);
    assert.equal(stripe.log.filter((x) => x.path.endsWith('/confirm')).length, 0, 'the confirm was not sent');
    const repeat = await raw(t.token, `/v1/payment_intents/${grown.pi}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': refused.body.request.idempotency_key },
      body: '',
    });
    const told = (await repeat.json()) as { error: { code: string; reason_code: string; message: string } };
    assert.equal(repeat.status, 403);
    assert.equal(told.error.reason_code, 'approval_not_sent', 'the agent repeating its call is told, not held again');
    assert.match(told.error.message, /not sent: it would now move 900000 usd/);
    const same = await confirmHeld();
    const approved = await lh.api('POST', `/approvals/${same.approval}/approve`);
    assert.notEqual(approved.body.result.status, 0, approved.text);
    assert.equal(stripe.log.filter((x) => x.path === `/v1/payment_intents/${same.pi}/confirm`).length, 1, 'unchanged: sent once');
  });

  test('a refund of a charge is judged in the charge’s currency, whatever `currency` says', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 50 }, eur: { per_call: 100_000 } } } });
    const res = await raw(t.token, '/v1/refunds', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `charge=${await charge(5000)}&amount=100&currency=eur`,
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /100 usd is above the per-call cap of 50/);
  });

  test('a call held for approval with a NUL character in its body: a 400 in Stripe’s shape, nothing stored or sent', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 100_000, approval_above: 1000 } } } });
    stripe.clearLog();
    const res = await raw(t.token, '/v1/payouts', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=2000&currency=usd&description=a\u0000b',
    });
    const e = (await res.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(res.status, 400, JSON.stringify(e));
    assert.equal(e.error.code, 'invalid_input');
    assert.match(e.error.message, /NUL character/);
    const pending = await lh.api('GET', '/approvals?status=pending');
    assert.ok(!pending.text.includes('description=a'), 'not held');
    assert.equal(stripe.log.filter((x) => x.path === '/v1/payouts').length, 0);
  });

  test('a call sent without an answer stays in the day’s total; one Stripe refuses is taken back', async () => {
    const t = await newToken({ policy: { money: { usd: { per_day: 1000 } } } });
    const s = sdk(t.token);
    // every attempt of Linkhub's retries is cut after it was written: Stripe may have made the payout
    stripe.inject({ kind: 'reset', count: 20, pathPrefix: '/v1/payouts' });
    const lost = await stripeError(s.payouts.create({ amount: 1000, currency: 'usd' }));
    assert.equal(lost.statusCode, 502, lost.message);
    stripe.clearFaults();
    const over = await stripeError(s.payouts.create({ amount: 1, currency: 'usd' }));
    assert.equal(over.code, 'spend_cap_exceeded', 'the unanswered 1000 still counts');
    const other = await newToken({ policy: { money: { usd: { per_day: 1000 } } } });
    const refused = await stripeError(sdk(other.token).payouts.create({ amount: 1000, currency: 'usd', expand: ['nope'] }));
    assert.equal(refused.statusCode, 400, refused.message);
    const paid = await sdk(other.token).payouts.create({ amount: 1000, currency: 'usd' });
    assert.match(paid.id, /^po_/, 'the refused amount did not count');
  });

  test('approval round trip: held, seen with its request, approved, sent once with its idempotency key, answered on repeat', async () => {
    const t = await newToken({ policy: { money: { usd: { per_call: 100_000, approval_above: 5000 } } } });
    const s = sdk(t.token);
    const ch = await charge(20_000);
    stripe.clearLog();
    const held = await stripeError(s.refunds.create({ charge: ch, amount: 7500 }, { idempotencyKey: 'refund-7500' }));
    assert.equal(held.type, 'StripePermissionError');
    assert.equal(held.code, 'approval_required');
    const approvalId = held.raw.approval as string;
    assert.match(approvalId, /^apr_/);
    assert.equal(stripe.log.filter((x) => x.method === 'POST').length, 0, 'nothing sent while held');
    const again = await stripeError(s.refunds.create({ charge: ch, amount: 7500 }, { idempotencyKey: 'refund-7500' }));
    assert.equal(again.raw.approval, approvalId, 'a repeat while pending is the same approval');

    const pending = await lh.api('GET', '/approvals?status=pending');
    const seen = pending.body.find((a: any) => a.id === approvalId);
    assert.ok(seen, pending.text);
    assert.equal(seen.amount, 7500);
    assert.equal(seen.currency, 'usd');
    assert.equal(seen.action, 'stripe_create_refund');
    assert.equal(seen.request.method, 'POST');
    assert.equal(seen.request.path, '/v1/refunds');
    assert.equal(seen.request.idempotency_key, 'refund-7500');
    assert.match(String(seen.request.params), /amount=7500/);

    const approved = await lh.api('POST', `/approvals/${approvalId}/approve`);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'executed');
    assert.equal(approved.body.result.status, 200);
    const twice = await lh.api('POST', `/approvals/${approvalId}/approve`);
    assert.equal(twice.status, 409);
    const sent = stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds');
    assert.equal(sent.length, 1, 'sent exactly once');
    assert.equal(sent[0].idempotencyKey, 'refund-7500');
    assert.equal(sent[0].keyLast4, stripe.keys.secretTest.slice(-4));

    const result = await s.refunds.create({ charge: ch, amount: 7500 }, { idempotencyKey: 'refund-7500' });
    assert.match(result.id, /^re_/);
    assert.equal(result.amount, 7500);
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 1, 'the repeat got the stored answer');
    assert.equal(result.lastResponse.requestId, sent[0].requestId, 'with the Request-Id of the call that was sent');
    assert.equal(result.lastResponse.idempotencyKey, 'refund-7500', 'and the idempotency key it was sent with, as Stripe echoes it');
    // the same key on a connected account names another call: not this one's answer
    const elsewhere = await stripeError(s.refunds.create({ charge: ch, amount: 7500 }, { idempotencyKey: 'refund-7500', stripeAccount: 'acct_1Elsewhere' }));
    assert.equal(elsewhere.code, 'idempotency_key_reused');
    assert.match(elsewhere.message, /on another account, held as approval/);

    const deadline = performance.now() + 10_000;
    const kinds = () => hooks.events.filter((e) => e.record_id === approvalId).map((e) => e.event);
    while (kinds().length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(kinds().sort(), ['approval.requested', 'approval.resolved']);
  });

  test('a denied approval is never sent, and its repeat says it was denied', async () => {
    const t = await newToken({ policy: { money: { usd: { approval_above: 100 } } } });
    const s = sdk(t.token);
    const ch = await charge(5000);
    const held = await stripeError(s.refunds.create({ charge: ch, amount: 500 }, { idempotencyKey: 'deny-me' }));
    const denied = await lh.api('POST', `/approvals/${held.raw.approval}/deny`);
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.body.status, 'denied');
    const again = await stripeError(s.refunds.create({ charge: ch, amount: 500 }, { idempotencyKey: 'deny-me' }));
    assert.equal(again.code, 'policy_denied');
    assert.match(again.message, /denied/);
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 0);
    const missing = await lh.api('POST', '/approvals/apr_nope/approve');
    assert.equal(missing.status, 404);
    // the decision is audited once, under whoever made it (a second decision is refused and records nothing)
    assert.equal((await lh.api('POST', `/approvals/${held.raw.approval}/approve`)).status, 409);
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=200`);
    const events = audit.body.data.filter((e: any) => e.outcome === held.raw.approval).map((e: any) => `${e.actor_type} ${e.action}`);
    assert.deepEqual(events, ['api_key approval.denied'], audit.text);
  });
});
