// Bad input of every kind gets a 4xx in StackOne's error body ({statusCode, message, timestamp},
// statusCode equal to the HTTP status), never a 5xx, names the offending field where there is one,
// and changes nothing stored.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { count, eq, sql } from 'drizzle-orm';
import { accounts, apiKeys, auditEvents, connectSessions, webhookEndpoints, webhookOutbox } from '../src/store/schema.js';
import { useLinkhub } from './helpers/fixture.js';
import { answer, type ApiResponse, basic, connectSession, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let stripe: StripeStandin;
let lh: Linkhub;
let accountId: string;
let hubToken: string;
let expiredToken: string;

/** A raw request: exact body bytes and headers (no JSON encoding, no default auth). */
async function raw(
  method: string,
  path: string,
  opts: { body?: string | Buffer; headers?: Record<string, string>; auth?: string | false } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : { authorization: opts.auth ?? basic(lh.apiKey) }), ...opts.headers };
  const body = opts.body === undefined || typeof opts.body === 'string' ? opts.body : new Blob([new Uint8Array(opts.body)]);
  return answer(await fetch(lh.url + path, { method, headers, body }));
}

const json = (method: string, path: string, body: string, extra: { headers?: Record<string, string>; auth?: string | false } = {}) =>
  raw(method, path, { body, headers: { 'content-type': 'application/json', ...extra.headers }, auth: extra.auth });

async function snapshot(): Promise<string> {
  const db = lh.services.store.db;
  const list = await lh.api('GET', '/accounts?page_size=1000');
  assert.equal(list.status, 200);
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries({ accounts, connectSessions, apiKeys, auditEvents, webhookEndpoints, webhookOutbox })) {
    counts[name] = (await db.select({ n: count() }).from(table))[0].n;
  }
  const [sessions] = await db.select({ latest: sql<string>`coalesce(max(${connectSessions.id}), 0)::text` }).from(connectSessions);
  const rows = await db.select().from(accounts).orderBy(accounts.id);
  return JSON.stringify({ list: list.body, counts, sessions, rows });
}

useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  const { token } = await connectSession(lh, { origin_owner_id: 'bad-owner', origin_owner_name: 'Bad Owner' });
  const linked = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
  assert.equal(linked.status, 201, linked.text);
  accountId = linked.body.id;
  hubToken = (await connectSession(lh, { origin_owner_id: 'bad-owner', origin_owner_name: 'Bad Owner', account_id: accountId })).token;
  const expired = await connectSession(lh, { origin_owner_id: 'bad-owner', origin_owner_name: 'Bad Owner' });
  expiredToken = expired.token;
  await lh.services.store.db
    .update(connectSessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(connectSessions.id, expired.session.id));
});

interface Case {
  name: string;
  send: () => Promise<ApiResponse>;
  status: number;
  /** The message must match (e.g. name the field). */
  message?: RegExp;
  /** A known deviation outside this suite's files: runs and reports, does not fail the run. */
  todo?: string;
}

function check(c: Case) {
  test(c.name, { todo: c.todo }, async () => {
    const before = await snapshot();
    stripe.clearLog();
    const res = await c.send();
    assert.ok(res.status < 500, `never 5xx (got ${res.status}: ${res.text})`);
    assert.equal(res.status, c.status, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(typeof res.body, 'object', res.text);
    assert.equal(res.body.statusCode, res.status, 'statusCode equals the HTTP status');
    assert.equal(typeof res.body.message, 'string');
    assert.ok(res.body.message.length > 0);
    assert.match(res.body.timestamp, ISO);
    if (c.message) assert.match(res.body.message, c.message);
    assert.equal(stripe.log.length, 0, 'Stripe was not called');
    assert.equal(await snapshot(), before, 'nothing stored changed');
  });
}

const CS = '/connect_sessions';
const valid = { origin_owner_id: 'o-1', origin_owner_name: 'Owner One' };
const withBody = (patch: Record<string, unknown>) => JSON.stringify({ ...valid, ...patch });

describe('POST /connect_sessions: bodies', () => {
  const cases: Case[] = [
    { name: 'malformed JSON', send: () => json('POST', CS, '{"origin_owner_id": "a", '), status: 400, message: /JSON/ },
    { name: 'JSON with a trailing comma', send: () => json('POST', CS, '{"origin_owner_id":"a","origin_owner_name":"b",}'), status: 400, message: /JSON/ },
    { name: 'body is a JSON array', send: () => json('POST', CS, '[]'), status: 400, message: /body/ },
    { name: 'body is JSON null', send: () => json('POST', CS, 'null'), status: 400, message: /body/ },
    { name: 'body is a JSON string', send: () => json('POST', CS, '"hello"'), status: 400, message: /body/ },
    {
      name: 'empty body with content-type json',
      send: () => json('POST', CS, ''),
      status: 400,
      message: /^body must be a JSON object \(the request sent none/,
    },
    // JSON is UTF-8: bytes that are not were stored as U+FFFD
    {
      name: 'invalid UTF-8 bytes in a JSON string',
      send: () =>
        raw('POST', CS, {
          body: Buffer.concat([Buffer.from('{"origin_owner_id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","origin_owner_name":"x"}')]),
          headers: { 'content-type': 'application/json' },
        }),
      status: 400,
      message: /not valid JSON/,
    },
    // a compressed body would be read as other bytes than meant: refused, whatever the route
    {
      name: 'a gzip body (Content-Encoding: gzip)',
      send: () => raw('POST', CS, { body: gzipSync(withBody({})), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
      status: 415,
      message: /Content-Encoding: gzip/,
    },
    {
      name: 'a plain body labelled Content-Encoding: br',
      send: () => raw('POST', CS, { body: withBody({}), headers: { 'content-type': 'application/json', 'content-encoding': 'br' } }),
      status: 415,
      message: /Content-Encoding: br\)/,
    },
    {
      name: 'an unknown coding is not repeated in the answer',
      send: () => raw('POST', CS, { body: withBody({}), headers: { 'content-type': 'application/json', 'content-encoding': 'sk_test_notrepeated123' } }),
      status: 415,
      message: /^(?!.*notrepeated).*Content-Encoding: …/,
    },
    {
      name: 'Latin-1 bytes labelled charset=iso-8859-1',
      send: () =>
        raw('POST', CS, {
          body: Buffer.from('{"origin_owner_id":"caf\xe9","origin_owner_name":"x"}', 'latin1'),
          headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        }),
      status: 400,
      message: /not valid JSON/,
    },
    { name: 'no body at all', send: () => raw('POST', CS), status: 400 },
    { name: 'origin_owner_id: 123', send: () => json('POST', CS, withBody({ origin_owner_id: 123 })), status: 400, message: /origin_owner_id/ },
    { name: 'origin_owner_name: array', send: () => json('POST', CS, withBody({ origin_owner_name: ['x'] })), status: 400, message: /origin_owner_name/ },
    { name: 'origin_owner_id empty', send: () => json('POST', CS, withBody({ origin_owner_id: '' })), status: 400, message: /origin_owner_id/ },
    {
      name: 'origin_owner_id overlong',
      send: () => json('POST', CS, withBody({ origin_owner_id: 'x'.repeat(10_000) })),
      status: 400,
      message: /origin_owner_id/,
    },
    { name: 'origin_username: number', send: () => json('POST', CS, withBody({ origin_username: 5 })), status: 400, message: /origin_username/ },
    { name: 'multiple: "yes"', send: () => json('POST', CS, withBody({ multiple: 'yes' })), status: 400, message: /multiple/ },
    { name: 'expires_in: "1800" (string)', send: () => json('POST', CS, withBody({ expires_in: '1800' })), status: 400, message: /expires_in/ },
    { name: 'expires_in: 5 (too short)', send: () => json('POST', CS, withBody({ expires_in: 5 })), status: 400, message: /expires_in/ },
    { name: 'expires_in: 1e12 (too long)', send: () => json('POST', CS, withBody({ expires_in: 1e12 })), status: 400, message: /expires_in/ },
    { name: 'expires_in: -1', send: () => json('POST', CS, withBody({ expires_in: -1 })), status: 400, message: /expires_in/ },
    { name: 'type: "staging"', send: () => json('POST', CS, withBody({ type: 'staging' })), status: 400, message: /type/ },
    { name: 'metadata: string', send: () => json('POST', CS, withBody({ metadata: 'x' })), status: 400, message: /metadata/ },
    { name: 'metadata: array', send: () => json('POST', CS, withBody({ metadata: [1] })), status: 400, message: /metadata/ },
    { name: 'categories: string', send: () => json('POST', CS, withBody({ categories: 'hris' })), status: 400, message: /categories/ },
    { name: 'label: object', send: () => json('POST', CS, withBody({ label: { a: 1 } })), status: 400, message: /label/ },
    { name: 'unknown field', send: () => json('POST', CS, withBody({ foo: 'bar' })), status: 400, message: /foo/ },
    { name: 'missing origin_owner_id', send: () => json('POST', CS, JSON.stringify({ origin_owner_name: 'x' })), status: 400, message: /origin_owner_id/ },
    { name: 'missing origin_owner_name', send: () => json('POST', CS, JSON.stringify({ origin_owner_id: 'x' })), status: 400, message: /origin_owner_name/ },
    { name: 'empty object', send: () => json('POST', CS, '{}'), status: 400, message: /origin_owner_(id|name)/ },
    { name: 'unknown provider', send: () => json('POST', CS, withBody({ provider: 'nope' })), status: 400, message: /provider/ },
    { name: 'unknown integration_id', send: () => json('POST', CS, withBody({ integration_id: 'nope' })), status: 400, message: /integration_id/ },
    { name: 'account_id of no account', send: () => json('POST', CS, withBody({ account_id: 'acc_missing' })), status: 404, message: /Account/ },
    {
      name: 'huge body (> 1 MiB)',
      send: () => json('POST', CS, withBody({ origin_owner_name: 'x'.repeat(1024 * 1024 + 10) })),
      status: 413,
      message: /too large/,
    },
    {
      name: 'content-type text/plain',
      send: () => raw('POST', CS, { body: withBody({}), headers: { 'content-type': 'text/plain' } }),
      status: 415,
      message: /content type/i,
    },
    {
      name: 'content-type application/xml',
      send: () => raw('POST', CS, { body: '<a/>', headers: { 'content-type': 'application/xml' } }),
      status: 415,
      message: /content type/i,
    },
    {
      name: 'content-type form-urlencoded',
      send: () => raw('POST', CS, { body: 'origin_owner_id=a&origin_owner_name=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      status: 415,
      message: /content type/i,
    },
    {
      name: 'invalid UTF-8 in JSON',
      send: () => raw('POST', CS, { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), headers: { 'content-type': 'application/json' } }),
      status: 400,
    },
  ];
  cases.forEach(check);
});

test('U+FFFD sent escaped (\\ufffd) is taken; only the raw character, standing for bytes that were not UTF-8, is refused', async () => {
  const res = await json('POST', CS, '{"origin_owner_id":"o-fffd","origin_owner_name":"a\\ufffdb"}');
  assert.equal(res.status, 201, res.text);
  const raw = await json('POST', CS, '{"origin_owner_id":"o-fffd","origin_owner_name":"a\ufffdb"}');
  assert.equal(raw.status, 400, raw.text);
  assert.equal(raw.body.code, 'invalid_json');
});

describe('POST /connect_sessions/authenticate', () => {
  const A = '/connect_sessions/authenticate';
  [
    { name: 'token: number', send: () => json('POST', A, '{"token":123}'), status: 400, message: /token/ },
    { name: 'token missing', send: () => json('POST', A, '{}'), status: 400, message: /token/ },
    { name: 'token empty', send: () => json('POST', A, '{"token":""}'), status: 400, message: /token/ },
    { name: 'token overlong', send: () => json('POST', A, JSON.stringify({ token: 'x'.repeat(5000) })), status: 400, message: /token/ },
    { name: 'unknown token', send: () => json('POST', A, '{"token":"abc"}'), status: 401 },
    { name: 'expired token', send: () => json('POST', A, JSON.stringify({ token: expiredToken })), status: 401 },
    { name: 'extra field', send: () => json('POST', A, JSON.stringify({ token: hubToken, x: 1 })), status: 400, message: /x/ },
  ].forEach(check);
});

describe('platform authentication', () => {
  const wrongKey = 'lh_' + 'A'.repeat(40);
  let revokedKey: string;
  before(async () => {
    const created = await lh.api('POST', '/api_keys', { name: 'short-lived' });
    assert.equal(created.status, 201);
    revokedKey = created.body.key;
    assert.equal((await lh.api('GET', '/accounts', undefined, { auth: basic(revokedKey) })).status, 200);
    assert.equal((await lh.api('DELETE', `/api_keys/${created.body.id}`)).status, 200);
  });
  const auths: [string, string | false][] = [
    ['missing Authorization', false],
    ['empty Authorization', ''],
    ['"Basic" with nothing', 'Basic'],
    ['"Basic " with spaces', 'Basic    '],
    ['garbage base64', 'Basic !!!***not-base64***'],
    ['base64 of nothing useful', 'Basic ' + Buffer.from(':').toString('base64')],
    ['key as password, empty username', 'Basic ' + Buffer.from(':KEY').toString('base64')],
    ['wrong key (Basic)', basic(wrongKey)],
    ['"Bearer" with nothing', 'Bearer'],
    ['Bearer with a wrong key', 'Bearer ' + wrongKey],
    ['unknown scheme', 'Token ' + wrongKey],
    ['overlong header', 'Basic ' + 'A'.repeat(8000)],
    ['a hub session token instead of a key', 'Bearer HUB'],
  ];
  const routes: [string, string, string?][] = [
    ['GET', '/accounts'],
    ['GET', '/accounts/ACCOUNT'],
    ['PATCH', '/accounts/ACCOUNT', '{"label":"hacked"}'],
    ['DELETE', '/accounts/ACCOUNT'],
    ['POST', '/accounts/ACCOUNT/test'],
    ['GET', '/accounts/ACCOUNT/meta'],
    ['POST', CS, JSON.stringify(valid)],
    ['POST', '/connect_sessions/authenticate', '{"token":"HUB"}'],
    ['GET', '/connectors/meta'],
    ['GET', '/connectors/meta/stripe'],
    ['GET', '/webhooks'],
    ['POST', '/webhooks', '{"url":"https://example.com/hook"}'],
    ['GET', '/api_keys'],
    ['POST', '/api_keys', '{"name":"x"}'],
  ];
  const fill = (s: string) =>
    s
      .replace(/ACCOUNT/g, accountId)
      .replace(/HUB/g, hubToken)
      .replace('KEY', lh.apiKey);
  for (const [label, auth] of auths) {
    check({
      name: `${label}: 401 on every platform route`,
      status: 401,
      send: async () => {
        let last: ApiResponse | undefined;
        for (const [method, path, body] of routes) {
          const res = await raw(method, fill(path), {
            auth: auth === false ? false : fill(auth),
            ...(body ? { body: fill(body), headers: { 'content-type': 'application/json' } } : {}),
          });
          assert.equal(res.status, 401, `${label}: ${method} ${path}: ${res.text}`);
          assert.equal(res.body.statusCode, 401);
          last = res;
        }
        return last!;
      },
    });
  }

  check({
    name: 'a bad key with a bad body is still 401 (auth before parsing)',
    status: 401,
    send: () => json('POST', CS, '{"origin_owner_id": 12', { auth: basic(wrongKey) }),
  });
  check({
    name: 'no key with a huge body is 401, not 413',
    status: 401,
    send: () => json('POST', CS, withBody({ origin_owner_name: 'x'.repeat(2 * 1024 * 1024) }), { auth: false }),
  });
  check({
    name: 'a revoked key is 401',
    status: 401,
    send: () => raw('GET', '/accounts', { auth: basic(revokedKey) }),
  });
});

describe('accounts: params, queries and PATCH bodies', () => {
  const A = () => `/accounts/${accountId}`;
  [
    { name: 'unknown account id', send: () => raw('GET', '/accounts/acc_unknown'), status: 404, message: /Account not found/ },
    { name: 'overlong id (101 chars)', send: () => raw('GET', '/accounts/' + 'a'.repeat(101)), status: 400, message: /id/ },
    { name: 'overlong id (5000 chars)', send: () => raw('GET', '/accounts/' + 'a'.repeat(5000)), status: 414 },
    { name: 'overlong id on PATCH', send: () => json('PATCH', '/accounts/' + 'a'.repeat(150), '{}'), status: 400, message: /id/ },
    { name: 'overlong id on DELETE', send: () => raw('DELETE', '/accounts/' + 'a'.repeat(150)), status: 400, message: /id/ },
    { name: 'percent-encoded junk id', send: () => raw('GET', '/accounts/%00%ff%fe'), status: 400 },
    { name: 'page=0', send: () => raw('GET', '/accounts?page=0'), status: 400, message: /page/ },
    { name: 'page=-1', send: () => raw('GET', '/accounts?page=-1'), status: 400, message: /page/ },
    { name: 'page=abc', send: () => raw('GET', '/accounts?page=abc'), status: 400, message: /page/ },
    { name: 'page=1.5', send: () => raw('GET', '/accounts?page=1.5'), status: 400, message: /page/ },
    { name: 'page repeated', send: () => raw('GET', '/accounts?page=1&page=2'), status: 400, message: /page/ },
    { name: 'page=1e99', send: () => raw('GET', '/accounts?page=1e99'), status: 400, message: /page/ },
    { name: 'page_size=99999', send: () => raw('GET', '/accounts?page_size=99999'), status: 400, message: /page_size/ },
    { name: 'page_size=0', send: () => raw('GET', '/accounts?page_size=0'), status: 400, message: /page_size/ },
    { name: 'page_size=abc', send: () => raw('GET', '/accounts?page_size=abc'), status: 400, message: /page_size/ },
    { name: 'environment=staging', send: () => raw('GET', '/accounts?environment=staging'), status: 400, message: /environment/ },
    // a choice of values says which
    {
      name: 'approvals status=bogus',
      send: () => raw('GET', '/approvals?status=bogus'),
      status: 400,
      message: /^querystring\.status must be one of "pending", .*"denied"/,
    },
    { name: 'search overlong', send: () => raw('GET', '/accounts?search=' + 'x'.repeat(300)), status: 400, message: /search/ },
    { name: 'PATCH malformed JSON', send: () => json('PATCH', A(), '{"label": '), status: 400, message: /JSON/ },
    { name: 'PATCH label: 123', send: () => json('PATCH', A(), '{"label":123}'), status: 400, message: /label/ },
    { name: 'PATCH metadata: array', send: () => json('PATCH', A(), '{"metadata":[1,2]}'), status: 400, message: /metadata/ },
    { name: 'PATCH metadata: string', send: () => json('PATCH', A(), '{"metadata":"x"}'), status: 400, message: /metadata/ },
    { name: 'PATCH origin_owner_id: 123', send: () => json('PATCH', A(), '{"origin_owner_id":123}'), status: 400, message: /origin_owner_id/ },
    { name: 'PATCH origin_owner_name empty', send: () => json('PATCH', A(), '{"origin_owner_name":""}'), status: 400, message: /origin_owner_name/ },
    { name: 'PATCH unknown field', send: () => json('PATCH', A(), '{"hacker":true}'), status: 400, message: /hacker/ },
    { name: 'PATCH credentials: string', send: () => json('PATCH', A(), '{"credentials":"sk_test_x"}'), status: 400, message: /credentials/ },
    {
      name: 'PATCH credentials with an unknown key',
      send: () => json('PATCH', A(), '{"credentials":{"password":"x"}}'),
      status: 400,
      message: /credentials\.password/,
    },
    { name: 'PATCH secrets with an unknown key', send: () => json('PATCH', A(), '{"secrets":{"token":"x"}}'), status: 400, message: /secrets\.token/ },
    { name: 'PATCH credentials.api_key: number', send: () => json('PATCH', A(), '{"credentials":{"api_key":12345}}'), status: 400, message: /api_key|key/i },
    { name: 'PATCH credentials.api_key: object', send: () => json('PATCH', A(), '{"credentials":{"api_key":{"a":1}}}'), status: 400, message: /api_key|key/i },
    {
      name: 'PATCH credentials.api_key: publishable key',
      send: () => json('PATCH', A(), JSON.stringify({ credentials: { api_key: stripe.keys.publishableTest } })),
      status: 400,
      message: /publishable/,
    },
    { name: 'PATCH provider change', send: () => json('PATCH', A(), '{"provider":"hubspot"}'), status: 400, message: /provider/ },
    { name: 'PATCH shared: "yes"', send: () => json('PATCH', A(), '{"shared":"yes"}'), status: 400, message: /shared/ },
    { name: 'PATCH huge body', send: () => json('PATCH', A(), JSON.stringify({ label: 'x'.repeat(1_100_000) })), status: 413 },
    { name: 'PATCH text/plain', send: () => raw('PATCH', A(), { body: '{"label":"x"}', headers: { 'content-type': 'text/plain' } }), status: 415 },
    { name: 'unknown route', send: () => raw('GET', '/accounts/x/y/z'), status: 404 },
    { name: 'unsupported method', send: () => raw('PUT', A(), { body: '{}', headers: { 'content-type': 'application/json' } }), status: 404 },
    { name: 'connector meta of an unknown provider', send: () => raw('GET', '/connectors/meta/nope'), status: 404 },
    { name: 'webhooks: bad url', send: () => json('POST', '/webhooks', '{"url":"ftp://x"}'), status: 400, message: /url/ },
    {
      name: 'webhooks: unknown event',
      send: () => json('POST', '/webhooks', '{"url":"https://example.com/h","events":["account.exploded"]}'),
      status: 400,
      message: /events/,
    },
    { name: 'webhook deliveries: limit=abc', send: () => raw('GET', '/webhooks/deliveries?limit=abc'), status: 400, message: /limit/ },
    { name: 'webhook retry: id=abc', send: () => raw('POST', '/webhooks/deliveries/abc/retry'), status: 400, message: /id/ },
    { name: 'api keys: name missing', send: () => json('POST', '/api_keys', '{}'), status: 400, message: /name/ },
    { name: 'api keys: revoke unknown', send: () => raw('DELETE', '/api_keys/key_nope'), status: 404 },
  ].forEach(check);
});

describe('/hub/* tokens and bodies', () => {
  const hub = (token: string | null, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    raw(method, path, {
      auth: false,
      body,
      headers: {
        ...(token === null ? {} : { 'x-hub-session-token': token }),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
    });
  const linkBody = () => JSON.stringify({ integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
  [
    { name: 'no token', send: () => hub(null, 'GET', '/hub/settings'), status: 401 },
    { name: 'empty token', send: () => hub('', 'GET', '/hub/settings'), status: 401 },
    { name: 'garbage token', send: () => hub('not-a-token', 'GET', '/hub/connectors'), status: 401 },
    { name: 'overlong token', send: () => hub('x'.repeat(4000), 'GET', '/hub/settings'), status: 401 },
    { name: 'expired token (GET)', send: () => hub(expiredToken, 'GET', '/hub/settings'), status: 401 },
    { name: 'expired token (POST /hub/accounts)', send: () => hub(expiredToken, 'POST', '/hub/accounts', linkBody()), status: 401 },
    { name: 'API key instead of a token', send: () => hub(null, 'GET', '/hub/settings', undefined, { authorization: basic(lh.apiKey) }), status: 401 },
    { name: 'token in the wrong header', send: () => hub(null, 'GET', '/hub/settings', undefined, { authorization: 'Bearer ' + hubToken }), status: 401 },
    { name: 'malformed JSON', send: () => hub(hubToken, 'POST', '/hub/accounts', '{"credentials": {'), status: 400, message: /JSON/ },
    { name: 'credentials: string', send: () => hub(hubToken, 'POST', '/hub/accounts', '{"credentials":"x"}'), status: 400, message: /credentials/ },
    {
      name: 'credentials missing',
      send: () => hub(hubToken, 'POST', '/hub/accounts', '{"integration_id":"stripe-test"}'),
      status: 400,
      message: /credentials/,
    },
    { name: 'unknown field', send: () => hub(hubToken, 'POST', '/hub/accounts', '{"credentials":{},"evil":1}'), status: 400, message: /evil/ },
    {
      name: 'credentials.api_key: number',
      send: () => hub(hubToken, 'PATCH', `/hub/accounts/${accountId}`, '{"credentials":{"api_key":5}}'),
      status: 400,
      message: /api_key/,
    },
    { name: 'huge body', send: () => hub(hubToken, 'POST', '/hub/accounts', JSON.stringify({ credentials: { api_key: 'x'.repeat(1_100_000) } })), status: 413 },
    { name: 'unknown integration', send: () => hub(hubToken, 'GET', '/hub/connectors/nope'), status: 404 },
    { name: 'overlong account id', send: () => hub(hubToken, 'GET', '/hub/accounts/' + 'a'.repeat(150)), status: 400, message: /id/ },
    { name: 'another account id in edit mode', send: () => hub(hubToken, 'GET', '/hub/accounts/acc_other'), status: 404 },
  ].forEach(check);
});
