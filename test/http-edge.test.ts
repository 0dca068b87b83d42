// The HTTP edge, over raw sockets (issue 11, the HTTP edge): a client that trickles its headers or body is cut
// off with 408 in the error shape once the configured timeouts pass (a slow body held a connection
// more than 95 s), and what Node answers by itself (no Host, an unknown Expect, CONNECT) is in the
// error shape too.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1000;
/** Generous: the timeout, Node's check of it (a quarter of the timeout at most), a loaded machine. */
const bound = (timeoutMs: number) => 4 * timeoutMs + 3000;
/** Past this the client gives up: the figure before was more than 95 s. */
const GIVE_UP_MS = 20_000;

let lh: Linkhub;
let stripe: StripeStandin;
let account: string;
let agentToken: string;
useLinkhub({ env: { LINKHUB_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), LINKHUB_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } }, async (f) => {
  ({ lh, stripe } = f);
  account = (await linkAccount(lh, stripe.keys.secretTest)).id;
  const made = await lh.api('POST', `/accounts/${account}/agent_tokens`, { name: 'edge' });
  assert.equal(made.status, 201, made.text);
  agentToken = made.body.token;
});

interface Seen {
  status: number;
  body: any;
  head: string;
  /** ms from the first byte sent to the connection's end. */
  ms: number;
  /** Everything the server sent on the connection. */
  text: string;
}

/** The answers on a connection, one after another, each framed by its Content-Length (as a client reads them). */
function answersOf(text: string): { status: number; head: string; body: string }[] {
  const out: { status: number; head: string; body: string }[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? Number.NaN);
    assert.ok(Number.isFinite(length), `framed by Content-Length: ${head}`);
    out.push({ status: Number(head.slice(9, 12)), head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  assert.equal(rest, '', 'nothing but whole answers');
  return out;
}

/**
 * Writes `first`, then one byte of `drip` every 100 ms, until the server answers and closes (or GIVE_UP_MS).
 * With `halfClose`, the client ends its side after `first`, as `nc -N` or a one-shot HTTP/1.0-style client does.
 */
function trickle(first: string, drip = '', { halfClose = false } = {}): Promise<Seen> {
  return new Promise((resolve) => {
    const started = Date.now();
    const s = connect(Number(new URL(lh.url).port), '127.0.0.1', () => (halfClose ? s.end(first) : s.write(first)));
    let i = 0;
    const timer = setInterval(() => {
      if (i < drip.length && s.writable) s.write(drip[i++]);
    }, 100);
    const giveUp = setTimeout(() => s.destroy(), GIVE_UP_MS);
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (out += d));
    s.on('error', () => {});
    s.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      const [head, ...rest] = out.split('\r\n\r\n');
      let body: unknown = rest.join('\r\n\r\n');
      try {
        body = JSON.parse(body as string);
      } catch {
        /* keep the text */
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body, head, ms: Date.now() - started, text: out });
    });
  });
}

/** Sends `head`, and `body` only once the server says `100 Continue`, as curl does for large bodies. */
function continued(head: string, body: string): Promise<{ text: string; bodySent: boolean }> {
  return new Promise((resolve) => {
    const s = connect(Number(new URL(lh.url).port), '127.0.0.1', () => s.write(head));
    const giveUp = setTimeout(() => s.destroy(), GIVE_UP_MS);
    let text = '';
    let bodySent = false;
    s.setEncoding('utf8');
    s.on('data', (d) => {
      text += d;
      if (!bodySent && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        bodySent = true;
        s.write(body);
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(giveUp);
      resolve({ text, bodySent });
    });
  });
}

function assertShape(seen: Seen, status: number, code: string) {
  assert.equal(seen.status, status, `status: ${seen.head}\n${JSON.stringify(seen.body)}`);
  assert.equal(seen.body.statusCode, status);
  assert.equal(seen.body.code, code);
  assert.equal(typeof seen.body.message, 'string');
  assert.ok(Date.parse(seen.body.timestamp), 'timestamp');
  assert.match(seen.head, /content-type: application\/json/i);
}

describe('slow clients are cut off with 408 in the error shape', () => {
  test('a body that trickles in: 408 request_timeout within the request timeout', async () => {
    const head = `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{`;
    const seen = await trickle(head, ' '.repeat(399));
    assertShape(seen, 408, 'request_timeout');
    assert.ok(seen.ms < bound(REQUEST_TIMEOUT_MS), `answered after ${seen.ms} ms (bound ${bound(REQUEST_TIMEOUT_MS)} ms)`);
  });

  test('headers that trickle in: 408 request_timeout within the headers timeout', async () => {
    const seen = await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: ' + 'a'.repeat(300));
    assertShape(seen, 408, 'request_timeout');
    assert.ok(seen.ms < bound(HEADERS_TIMEOUT_MS), `answered after ${seen.ms} ms (bound ${bound(HEADERS_TIMEOUT_MS)} ms)`);
  });

  test('a slow answer is not a slow request: a proxied call longer than the request timeout completes', async () => {
    // the whole request arrived at once; only the provider takes its time
    stripe.inject({ kind: 'delay', delayMs: 2 * REQUEST_TIMEOUT_MS });
    const res = await lh.api('POST', '/unified/proxy', { path: '/v1/customers?limit=1' }, { headers: { 'x-account-id': account } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 200);
  });
});

describe("what Node's HTTP server answers by itself is in the error shape", () => {
  const raw = (text: string) => trickle(text);
  test('HTTP/1.1 without Host: 400 bad_request', async () => {
    assertShape(await raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'bad_request');
  });
  test('two Host headers: 400 bad_request', async () => {
    const seen = await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    assertShape(seen, 400, 'bad_request');
    assert.match(seen.body.message, /More than one Host/);
  });
  test('an Expect other than 100-continue: 417 expectation_failed', async () => {
    const seen = await raw(
      `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    assertShape(seen, 417, 'expectation_failed');
    assert.match(seen.body.message, /Expect: teapot/);
    // a key sent there by mistake is not repeated
    const key = await raw(
      `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: ${stripe.keys.secretTest}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    assertShape(key, 417, 'expectation_failed');
    assert.ok(!JSON.stringify(key.body).includes(stripe.keys.secretTest.slice(8, 40)), JSON.stringify(key.body));
  });
  test('bad bytes right after a whole request: that request is answered first, then the 400, then the close', async () => {
    const body = JSON.stringify({ origin_owner_id: 'pipelined-1', origin_owner_name: 'Pipelined' });
    const seen = await raw(
      `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}get / HTTP/1.1\r\n\r\n`,
    );
    // the session was made: its answer (with its token) reaches the client, not only the refusal
    assert.equal(seen.status, 201, seen.head);
    const answers = [seen.head, ...String(seen.body).split('\r\n\r\n')].join('\r\n\r\n');
    assert.match(answers, /"token":"[^"]+"/);
    const second = /HTTP\/1\.1 400 Bad Request[\s\S]*?\r\n\r\n(\{.*\})$/.exec(answers);
    assert.ok(second, answers);
    assert.equal(JSON.parse(second[1]).code, 'bad_request');
  });
  test('bad bytes after pipelined requests, the first slow: every answer whole and in order, then the 400', async () => {
    stripe.inject({ kind: 'delay', delayMs: 300 });
    const body = JSON.stringify({ origin_owner_id: 'pipelined-2', origin_owner_name: 'Pipelined' });
    const seen = await raw(
      `GET /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\n\r\n` +
        'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' +
        `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
        'GARBAGE\u0001\r\n\r\n',
    );
    const answers = answersOf(seen.text);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 201, 400],
      seen.text,
    );
    assert.equal(JSON.parse(answers[0].body).object, 'list');
    assert.match(answers[2].body, /"token":"[^"]+"/);
    assert.equal(JSON.parse(answers[3].body).code, 'bad_request');
  });
  test('a client that half-closes after its requests gets every answer, then the close', async () => {
    // the session is made whatever the client does next: its answer (with its only showing of the token) must reach it
    stripe.inject({ kind: 'delay', delayMs: 300 });
    const body = JSON.stringify({ origin_owner_id: 'half-closed', origin_owner_name: 'Half closed' });
    const seen = await trickle(
      `GET /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\n\r\n` +
        `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      '',
      { halfClose: true },
    );
    const answers = answersOf(seen.text);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 201],
      seen.text,
    );
    assert.equal(JSON.parse(answers[0].body).object, 'list');
    assert.match(answers[1].body, /"token":"[^"]+"/);
    assert.ok(seen.ms < GIVE_UP_MS, 'the server closed the connection after the last answer');
  });
  test('Expect: 100-continue is answered after authentication: a refusal comes before the body is sent', async () => {
    const body = JSON.stringify({ origin_owner_id: 'expecting', origin_owner_name: 'Expecting' });
    const head = (auth: string, length = Buffer.byteLength(body)) =>
      `POST /connect_sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
    // a wrong key: 401 at once, no 100, the connection closed without the body ever sent
    const refused = await continued(head(basic('wrong-key-000000000000000000')), body);
    assert.equal(refused.bodySent, false);
    assert.doesNotMatch(refused.text, /100 Continue/);
    assert.equal(answersOf(refused.text)[0].status, 401, refused.text);
    // too large for the body limit: 413 before the body, too
    const large = await continued(head(basic(lh.apiKey), 50 * 1024 * 1024), body);
    assert.equal(large.bodySent, false);
    assert.equal(answersOf(large.text)[0].status, 413, large.text);
    // a good key: 100 Continue, then the body, then the answer
    const taken = await continued(head(basic(lh.apiKey)), body);
    assert.equal(taken.bodySent, true);
    assert.ok(taken.text.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), taken.text);
    const answers = answersOf(taken.text.slice('HTTP/1.1 100 Continue\r\n\r\n'.length));
    assert.equal(answers[0].status, 201, taken.text);
    assert.match(answers[0].body, /"token":"[^"]+"/);
    // on /v1 as well: the form reaches Stripe once the 100 is sent
    stripe.clearLog();
    const v1 = await continued(
      `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
      'name=Expect',
    );
    assert.equal(v1.bodySent, true, v1.text);
    assert.equal(answersOf(v1.text.slice('HTTP/1.1 100 Continue\r\n\r\n'.length))[0].status, 200, v1.text);
    assert.equal(stripe.log.length, 1);
    const refusedV1 = await continued(
      'POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer lhat_wrong\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
      'name=Expect',
    );
    assert.equal(refusedV1.bodySent, false);
    assert.equal(answersOf(refusedV1.text)[0].status, 401, refusedV1.text);
    // without Expect too: a caller with no token is refused on its headers, not after 16 MB read (or a 408)
    const anonymous = await continued(
      'POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 16000000\r\nConnection: close\r\n\r\n',
      '',
    );
    const [anon] = answersOf(anonymous.text);
    assert.equal(anon.status, 401, anonymous.text);
    assert.equal(JSON.parse(anon.body).error.type, 'invalid_request_error');
    // refused before its body, the connection is closed (not kept while Node reads and drops what follows)
    const endless = await continued(
      'POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer lhat_unknown\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nname\r\n',
      '',
    );
    const [cut] = answersOf(endless.text);
    assert.equal(cut.status, 401, endless.text);
    assert.match(cut.head, /\r\nconnection: close/i);
    // and /mcp: the challenge on the headers, not after a megabyte of JSON
    const mcp = await continued(
      'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer lhat_wrong\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n',
      '',
    );
    const [challenge] = answersOf(mcp.text);
    assert.equal(challenge.status, 401, mcp.text);
    assert.match(challenge.head, /www-authenticate: Bearer/i);
  });
  test('a GET with a Content-Encoding but no body is served', async () => {
    const seen = await raw(
      `GET /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(seen.status, 200, seen.text);
  });
  test('a target in absolute form is served as its path, its host taking the place of Host', async () => {
    const origin = lh.url.replace('127.0.0.1', 'localhost');
    const v1 = await raw(`GET ${origin}/v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nConnection: close\r\n\r\n`);
    assert.equal(v1.status, 200, JSON.stringify(v1.body));
    assert.equal(v1.body.object, 'list');
    // a user and password in the target are dropped, never logged
    const password = 'absolute-form-password-7Qx';
    const accounts = await raw(
      `GET http://me:${password}@127.0.0.1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(accounts.status, 200, JSON.stringify(accounts.body));
    assert.ok(!lh.logs.join('\n').includes(password), 'the password is in no log line');
    // the target's host is the one /mcp checks (DNS rebinding), whatever Host says
    const mcp = await raw(
      `POST http://evil.example/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    assert.equal(mcp.status, 403, JSON.stringify(mcp.body));
    // still one Host required; Node's refusals keep the path's shape
    const noHost = await raw(`GET http://127.0.0.1/accounts HTTP/1.1\r\nAuthorization: ${basic(lh.apiKey)}\r\nConnection: close\r\n\r\n`);
    assertShape(noHost, 400, 'bad_request');
    const big = await raw(`GET http://127.0.0.1/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(17_000)}\r\n\r\n`);
    assert.equal(big.status, 431);
    assert.equal(big.body.error?.code, 'headers_too_large', JSON.stringify(big.body));
    assert.equal(mcp.body.code ?? mcp.body.error?.data?.code, 'mcp_host_refused', JSON.stringify(mcp.body));
  });
  test("Transfer-Encoding: gzip, chunked on /v1: 415 in Stripe's shape, nothing sent to Stripe", async () => {
    stripe.clearLog();
    const seen = await raw(
      `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n6\r\nname=x\r\n0\r\n\r\n`,
    );
    assert.equal(seen.status, 415, JSON.stringify(seen.body));
    assert.equal(seen.body.error?.code, 'unsupported_content_encoding');
    assert.match(seen.body.error.message, /Transfer-Encoding: gzip, chunked/);
    assert.equal(stripe.log.length, 0);
  });
  test('CONNECT: 405 in the error shape, the connection closed', async () => {
    assertShape(await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), 405, 'connect_not_supported');
  });
});

// The Stripe SDK reads a refusal's `error.type` to pick its exception: on Stripe's own paths, what
// Node refuses before any route (the parser, the timeouts) is answered in Stripe's shape too.
describe("on the provider's own paths, what Node refuses is in the provider's error shape", () => {
  function assertStripeShape(seen: Seen, status: number, code: string) {
    assert.equal(seen.status, status, `status: ${seen.head}\n${JSON.stringify(seen.body)}`);
    assert.equal(seen.body.error?.type, 'invalid_request_error', JSON.stringify(seen.body));
    assert.equal(seen.body.error.code, code);
    assert.equal(typeof seen.body.error.message, 'string');
    assert.match(seen.head, /content-type: application\/json/i);
    assert.match(seen.head, /stripe-should-retry: (true|false)/i);
  }
  test("headers too large on /v1: 431 headers_too_large in Stripe's shape; the same on /accounts stays in Linkhub's", async () => {
    const padding = `X-Padding: ${'a'.repeat(17_000)}\r\n`;
    const v1 = await trickle(`GET /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\n${padding}\r\n`);
    assertStripeShape(v1, 431, 'headers_too_large');
    assert.match(v1.head, /stripe-should-retry: false/i);
    assertShape(await trickle(`GET /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n${padding}\r\n`), 431, 'headers_too_large');
  });
  test('on /mcp, what Node refuses is a JSON-RPC error too', async () => {
    const seen = await trickle(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(17_000)}\r\n\r\n`);
    assert.equal(seen.status, 431, seen.head);
    assert.equal(seen.body.jsonrpc, '2.0');
    assert.equal(seen.body.error.code, -32000);
    assert.equal(seen.body.code, 'headers_too_large');
    const malformed = await trickle('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, -32602);
  });
  test("a malformed header on /v2: 400 bad_request in Stripe's shape", async () => {
    assertStripeShape(await trickle('GET /v2/core/events HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n'), 400, 'bad_request');
  });
  test("a body that trickles in on /v1: 408 request_timeout in Stripe's shape, to be retried", async () => {
    const head = `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${agentToken}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\nname=`;
    const seen = await trickle(head, 'a'.repeat(395));
    assertStripeShape(seen, 408, 'request_timeout');
    assert.match(seen.head, /stripe-should-retry: true/i);
    assert.ok(seen.ms < bound(REQUEST_TIMEOUT_MS), `answered after ${seen.ms} ms (bound ${bound(REQUEST_TIMEOUT_MS)} ms)`);
  });
});
