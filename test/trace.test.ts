// Request ids and W3C Trace Context: a Linkhub process's log lines (its stdout) carry the request id,
// which is the traceparent of Linkhub's span under the caller's trace; the answer names it in
// x-request-id; the provider (the Stripe stand-in) receives a traceparent of the same trace whose
// parent is Linkhub's span, not the caller's. An invalid traceparent starts a new trace.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  callApi,
  childStore,
  type ChildStore,
  killAllLinkhubProcesses,
  linkAccount,
  type LinkhubProcess,
  startLinkhubProcess,
  waitFor,
} from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

let stripe: StripeStandin;
let store: ChildStore;
let node: LinkhubProcess;
let accountId: string;
const apiKey = `lh_${randomBytes(24).toString('hex')}`;

before(async () => {
  stripe = await startStripeStandin();
  store = await childStore();
  node = await startLinkhubProcess({ ...store.env, LINKHUB_API_KEY: apiKey, LINKHUB_STRIPE_API_BASE: stripe.url, LINKHUB_LOG_LEVEL: 'info' });
  accountId = (await linkAccount(node.url, apiKey, stripe.keys.secretTest)).id;
});

after(async () => {
  await killAllLinkhubProcesses();
  await store?.drop();
  await stripe?.close();
});

/** A proxied GET with the given traceparent (or none): Linkhub's request id, its log lines, the traceparent the provider got. */
async function proxied(traceparent?: string) {
  const marker = `cus_${randomBytes(6).toString('hex')}`;
  const res = await fetch(`${node.url}/unified/proxy`, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(apiKey + ':').toString('base64'),
      'content-type': 'application/json',
      'x-account-id': accountId,
      ...(traceparent === undefined ? {} : { traceparent }),
    },
    body: JSON.stringify({ url: 'https://api.stripe.com', path: `/v1/customers/${marker}`, method: 'get' }),
  });
  await res.arrayBuffer();
  const requestId = res.headers.get('x-request-id') ?? '';
  // the completion line is written as the answer goes: it may reach the pipe just after the answer
  const linesOf = () =>
    node
      .stdout()
      .split('\n')
      .slice(0, -1) // the last piece may be a line still being written
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.reqId === requestId);
  await waitFor('the request completed line', () => linesOf().some((l) => l.msg === 'request completed'));
  const lines = linesOf();
  const upstream = stripe.log.find((e) => e.path === `/v1/customers/${marker}`);
  return { status: res.status, requestId, lines, sent: upstream?.traceparent ?? null };
}

test("a caller's traceparent: Linkhub's span in its trace on every log line, in x-request-id and upstream", async () => {
  const r = await proxied(`00-${TRACE_ID}-${CALLER_SPAN}-01`);
  assert.equal(r.status, 200, "the proxy passes the provider's answer on (its 404 in the envelope)");
  const [, traceId, span] = TRACEPARENT.exec(r.requestId) ?? [];
  assert.equal(traceId, TRACE_ID, r.requestId);
  assert.notEqual(span, CALLER_SPAN, "Linkhub's own span");
  assert.deepEqual(
    r.lines.map((l) => l.msg),
    ['request completed'],
    'one line per request, at its end, carries the id; no other line is added per request',
  );
  const [line] = r.lines;
  assert.equal(line.level, 30, 'at info, the default level');
  assert.deepEqual(line.req, { method: 'POST', url: '/unified/proxy' });
  assert.deepEqual(line.res, { statusCode: 200 });
  assert.equal(typeof line.responseTime, 'number');
  assert.equal(r.sent, r.requestId, "the provider gets the trace with Linkhub's span as parent");
  assert.equal(r.requestId.endsWith('-01'), true, 'the sampled flag is kept');
});

test('an unsampled caller trace stays unsampled', async () => {
  const r = await proxied(`00-${TRACE_ID}-${CALLER_SPAN}-00`);
  assert.match(r.requestId, new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
  assert.equal(r.sent, r.requestId);
});

test('no traceparent, or an invalid one: a new trace for each request', async () => {
  const invalid = [
    undefined,
    `00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN}-01`,
    `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`,
    `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    `ff-${TRACE_ID}-${CALLER_SPAN}-01`,
    `00-${TRACE_ID}-${CALLER_SPAN}-01-extra`,
    'garbage',
  ];
  const seen = new Set<string>();
  for (const header of invalid) {
    const r = await proxied(header);
    const m = TRACEPARENT.exec(r.requestId);
    assert.ok(m, `${header}: ${r.requestId}`);
    assert.notEqual(m[1], TRACE_ID, `${header} is ignored`);
    assert.equal(seen.has(m[1]), false, 'a new trace id each time');
    seen.add(m[1]);
    assert.equal(r.lines.length, 1, `${header}: the request's log line carries its id`);
    assert.equal(r.sent, r.requestId);
  }
});

test('a later version of traceparent is read for its trace id (the spec: parse what version 00 defines)', async () => {
  const r = await proxied(`cc-${TRACE_ID}-${CALLER_SPAN}-01-what-comes-next`);
  assert.match(r.requestId, new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
});

test('every answer names its request id, errors included', async () => {
  const unauthorised = await fetch(`${node.url}/accounts/nope`, { headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` } });
  assert.equal(unauthorised.status, 401);
  assert.match(unauthorised.headers.get('x-request-id') ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  const unknown = await callApi(node.url, 'GET', '/accounts/nope', { key: apiKey });
  assert.equal(unknown.status, 404);
});

test("a key test asked for by a request (POST /accounts/{id}/test) carries that request's trace to the provider", async () => {
  const mark = stripe.log.length;
  const res = await fetch(`${node.url}/accounts/${accountId}/test`, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(apiKey + ':').toString('base64'), traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
  });
  assert.equal(res.status, 200, await res.text());
  const requestId = res.headers.get('x-request-id');
  assert.match(requestId ?? '', new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  const sent = stripe.log.slice(mark).map((e) => e.traceparent);
  assert.ok(sent.length > 0, 'the live test reached the stand-in');
  assert.deepEqual(new Set(sent), new Set([requestId]));
});

test('the request line names the status and a redacted URL, and the last lines are written on a clean stop', async () => {
  const secret = `sk_test_${randomBytes(12).toString('hex')}`;
  const res = await fetch(`${node.url}/accounts/nope?api_key=${secret}`, { headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` } });
  assert.equal(res.status, 401);
  const requestId = res.headers.get('x-request-id');
  const exit = await node.stop(); // SIGTERM at once: the line may still be waiting for its write
  assert.equal(exit.code, 0);
  const lines = node
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((l) => l.reqId === requestId);
  assert.deepEqual(
    lines.map((l) => [l.msg, l.req?.method, l.res?.statusCode]),
    [['request completed', 'GET', 401]],
  );
  assert.equal(lines[0].req.url.includes(secret), false, lines[0].req.url);
  assert.match(lines[0].req.url, /api_key=\[redacted\]/);
});
