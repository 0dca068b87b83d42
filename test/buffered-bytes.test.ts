// What callers can make one node hold in memory is bounded in total: request bodies being read and
// provider answers being buffered count against LINKHUB_MAX_BUFFERED_BYTES (here 2 MiB). Before it,
// each was bounded alone (a route's body limit, the client's largest answer) but not how many at once:
// 100 connections of an agent token each sending 16 MB to /v1 held ~1.6 GB (found by the resource-
// exhaustion pass). A body over the budget is refused before it is read (503 server_busy, Retry-After:
// 1, in Stripe's shape on /v1); an answer over it is dropped mid-way (503 provider_answer_dropped:
// sent, maybe carried out, never retried); the bytes are given back when the request ends, also when
// the client goes away mid-body. Budgets are held by bodies announced and left unfinished on raw
// connections, so that what is held at each step is known, not raced.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { agentSdk, refusal } from './helpers/agent-sdk.js';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import type { StripeStandin } from './stripe-standin/index.js';

const BUDGET = 2 * 1024 * 1024;

let lh: Linkhub;
let stripe: StripeStandin;
let acc: string;
let token: string;

useLinkhub(
  // a held body is never cut off by the request timeout while a test runs
  { env: { LINKHUB_MAX_BUFFERED_BYTES: String(BUDGET), LINKHUB_THROTTLE_TEST_RPS: '100000', LINKHUB_HTTP_REQUEST_TIMEOUT_MS: '300000' } },
  async (f) => {
    ({ lh, stripe } = f);
    acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
    const t = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'agent' });
    assert.equal(t.status, 201, t.text);
    token = t.body.token;
  },
);

const held = () => lh.services.bufferedBytes.held;

interface RawAnswer {
  status: number;
  head: string;
  body: any;
}

/** A request written on its own connection, its body left to `socket.write`; `answer` is the first whole answer. */
function open(head: string, first = ''): { socket: Socket; answer: Promise<RawAnswer>; answered: () => boolean } {
  const { port } = new URL(lh.url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.write(head + first); // queued until connected, before anything the test writes next
  let done = false;
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? Number.NaN);
      if (end === -1 || !(text.length >= end + 4 + length)) return;
      done = true;
      resolve({ status: Number(text.slice(9, 12)), head: text.slice(0, end).toLowerCase(), body: JSON.parse(text.slice(end + 4, end + 4 + length)) });
    });
    socket.on('error', (e) => done || reject(e));
    socket.on('close', () => done || reject(new Error(`closed without a whole answer: ${JSON.stringify(text.slice(0, 300))}`)));
  });
  answer.catch(() => {}); // a socket destroyed on purpose never answers
  return { socket, answer, answered: () => done };
}

const proxyHead = (length: number) =>
  `POST /unified/proxy HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nx-account-id: ${acc}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
const nativeHead = (framing: string) =>
  `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/x-www-form-urlencoded\r\n${framing}\r\n\r\n`;

/** Holds `n` bytes of the budget: a /v1 body announced and never finished. */
async function hold(n: number): Promise<Socket> {
  const before = held();
  const { socket } = open(nativeHead(`Content-Length: ${n}`), 'description=');
  await waitFor(`${n} bytes held`, () => held() === before + n);
  return socket;
}

const proxy = (body: Record<string, unknown>) => lh.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': acc } });

describe('request bodies over the budget', () => {
  test('are refused at once, before they are read (503 server_busy, Retry-After: 1); the others go on, and the bytes are given back', async () => {
    const SIZE = 900_000; // under the proxy's 1 MiB limit; two fit in 2 MiB, three do not
    const prefix = '{"path":"/v1/balance","padding":"';
    const bodies = [0, 1, 2].map(() => open(proxyHead(SIZE), prefix));
    await waitFor('one body refused and two held', () => bodies.filter((b) => b.answered()).length === 1 && held() === 2 * SIZE);
    const refused = bodies.find((b) => b.answered())!;
    const r = await refused.answer;
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.code, 'server_busy');
    assert.equal(r.body.statusCode, 503);
    assert.equal(r.body.reason, 'request_body');
    assert.equal(r.body.retryable, true);
    assert.match(r.head, /\r\nretry-after: 1\r\n/);
    assert.match(r.head, /\r\nconnection: close\r\n/, 'the connection is closed: the rest of the body is never read');

    // the two held bodies arrive whole and are served
    const rest = `${'p'.repeat(SIZE - prefix.length - 2)}"}`;
    const served = bodies.filter((b) => b !== refused);
    for (const b of served) b.socket.write(rest);
    for (const b of served) {
      const a = await b.answer;
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.status, 200);
      b.socket.destroy();
    }
    await waitFor('the budget given back', () => held() === 0);
    const later = await proxy({ path: '/v1/balance', padding: 'p'.repeat(SIZE) });
    assert.equal(later.status, 200, later.text);
    assert.equal(held(), 0);
  });

  test("on /v1 the refusal is Stripe's error (api_error 503, Stripe-Should-Retry: true), which the stripe SDK raises as StripeAPIError", async () => {
    const holding = await hold(BUDGET - 100);
    const e = await refusal(agentSdk(lh.url, token).customers.create({ description: 'd'.repeat(500) }));
    assert.equal(e.type, 'StripeAPIError', String(e));
    assert.equal(e.statusCode, 503);
    assert.equal(e.code, 'server_busy');
    assert.equal(e.raw.reason, 'request_body');
    assert.equal(e.headers['stripe-should-retry'], 'true');
    assert.equal(e.headers['retry-after'], '1');
    assert.equal(stripe.log.filter((x) => x.method === 'POST').length, 0, 'nothing reached Stripe');

    holding.destroy();
    await waitFor('the budget given back', () => held() === 0);
    const created = await agentSdk(lh.url, token).customers.create({ description: 'd'.repeat(500) });
    assert.match(created.id, /^cus_/);
    assert.equal(held(), 0);
  });

  test('a client that goes away mid-body gives its bytes back, with a Content-Length or chunked', async () => {
    const announced = open(nativeHead('Content-Length: 1500000'), `description=${'a'.repeat(100_000)}`);
    await waitFor('the announced body held', () => held() === 1_500_000);
    announced.socket.destroy();
    await waitFor('the announced body given back', () => held() === 0);

    const chunk = (n: number) => `${n.toString(16)}\r\n${'c'.repeat(n)}\r\n`;
    const chunked = open(nativeHead('Transfer-Encoding: chunked'), `${chunk(12)}${chunk(300_000)}`);
    await waitFor('the chunks counted as they arrive', () => held() === 300_012);
    chunked.socket.destroy();
    await waitFor('the chunks given back', () => held() === 0);
  });

  test("a chunked body is refused when a chunk would take the node over the budget (in Stripe's shape on /v1)", async () => {
    const CHUNK = 768 * 1024;
    const c = open(nativeHead('Transfer-Encoding: chunked'));
    const part = `${CHUNK.toString(16)}\r\n${'c'.repeat(CHUNK)}\r\n`;
    // one chunk at a time, each read before the next is sent
    c.socket.write(part);
    await waitFor('one chunk held', () => held() === CHUNK);
    c.socket.write(part);
    await waitFor('two chunks held', () => held() === 2 * CHUNK);
    c.socket.write(part);
    const a = await c.answer;
    assert.equal(a.status, 503, JSON.stringify(a.body));
    assert.equal(a.body.error.type, 'api_error');
    assert.equal(a.body.error.code, 'server_busy');
    assert.equal(a.body.error.reason, 'request_body');
    assert.match(a.head, /\r\nstripe-should-retry: true\r\n/);
    assert.match(a.head, /\r\nretry-after: 1\r\n/);
    c.socket.destroy();
    await waitFor('the chunks given back', () => held() === 0);
  });
});

describe('provider answers over the budget', () => {
  test('are dropped mid-way: 503 provider_answer_dropped, told as sent, never retried, logged; later answers are whole', async () => {
    const BIG = 600_000;
    const made = await proxy({ method: 'post', path: '/v1/customers', body: { description: 'x'.repeat(BIG) } });
    assert.equal(made.status, 200, made.text.slice(0, 300));
    const id = made.body.data.id as string;
    assert.equal(made.body.data.description.length, BIG);
    assert.equal(held(), 0);

    const holding = await hold(BUDGET - 300_000); // room for a body, not for the answer
    stripe.clearLog();
    const [read1, read2, write] = await Promise.all([
      proxy({ path: `/v1/customers/${id}` }),
      proxy({ path: `/v1/customers/${id}` }),
      proxy({ method: 'post', path: `/v1/customers/${id}`, body: { metadata: { seen: 'yes' } } }),
    ]);
    for (const r of [read1, read2, write]) {
      assert.equal(r.status, 503, r.text.slice(0, 300));
      assert.equal(r.body.code, 'provider_answer_dropped');
      assert.equal(r.body.reason, 'provider_answer');
      assert.equal(r.body.attempts, 1);
      assert.equal(r.body.retryable, true);
      assert.match(r.body.message, /the request was sent and may have been carried out/);
      assert.equal(r.headers.get('retry-after'), '1');
    }
    assert.match(write.body.idempotency_key, /^linkhub-/);
    assert.match(write.body.message, new RegExp(`Retry with Idempotency-Key ${write.body.idempotency_key}`));
    assert.equal(stripe.log.filter((x) => x.method === 'POST').length, 1, 'the write was sent once, not retried');
    assert.equal(stripe.log.filter((x) => x.method === 'GET').length, 2, 'each read was sent once');

    // on /v1, in Stripe's shape, for the SDK
    const e = await refusal(agentSdk(lh.url, token).customers.retrieve(id));
    assert.equal(e.type, 'StripeAPIError', String(e));
    assert.equal(e.statusCode, 503);
    assert.equal(e.code, 'provider_answer_dropped');

    const logs = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=4`);
    const dropped = logs.body.data.filter((x: any) => x.error === 'answer_dropped');
    assert.equal(dropped.length, 4, JSON.stringify(logs.body.data.map((x: any) => [x.method, x.status, x.error])));
    assert.ok(dropped.every((x: any) => x.attempts === 1 && x.status === null));
    assert.equal(held(), BUDGET - 300_000, 'every dropped answer gave its bytes back');

    holding.destroy();
    await waitFor('the budget given back', () => held() === 0);
    const whole = await proxy({ path: `/v1/customers/${id}` });
    assert.equal(whole.status, 200, whole.text.slice(0, 300));
    assert.equal(whole.body.data.description.length, BIG);
    assert.equal(whole.body.data.metadata.seen, 'yes', 'the dropped write had been carried out');
    assert.equal(held(), 0);
  });
});
