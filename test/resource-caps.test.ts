// What an unknown caller can make Linkhub keep, bounded: API keys remembered by Authorization header
// only for headers of at most 512 characters (10,000 headers of 15,000 characters held ~200 MB), a
// call's path stored in the call log cut at 2,048 characters (a 16 KB query cost ~17 KB a call on
// disk), and the unauthenticated OAuth POSTs refused past 64 KiB (1,500 unfinished bodies just under
// the app's 1 MiB held ~1.5 GB).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { basic, type Linkhub, linkAccount } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

/** A body that never arrives is cut off after this (408): short, so that waiting for one shows as a 408, not as a hang. */
const REQUEST_TIMEOUT_MS = 3000;

let lh: Linkhub;
let stripe: StripeStandin;
let acc: string;

useLinkhub({ env: { LINKHUB_HTTP_HEADERS_TIMEOUT_MS: '1000', LINKHUB_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});

/** The first answer on a raw connection: its status and parsed body (the server closes it after a refusal). */
function rawAnswer(request: string): Promise<{ status: number; body: any; text: string }> {
  const { port } = new URL(lh.url);
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? Number.NaN);
      if (end === -1 || !(text.length >= end + 4 + length)) return;
      socket.destroy();
      const body = text.slice(end + 4, end + 4 + length);
      resolve({ status: Number(text.slice(9, 12)), body: JSON.parse(body), text });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without a whole answer: ${JSON.stringify(text.slice(0, 300))}`)));
  });
}

describe('resource caps', () => {
  test('API keys are remembered by Authorization header only when it is at most 512 characters; longer ones are still checked', async () => {
    const { apiKeys } = lh.services;
    const long = Array.from({ length: 50 }, (_, i) => `Bearer lh_${'x'.repeat(2000)}${i}`);
    const short = Array.from({ length: 5 }, (_, i) => `Bearer lh_unknown${i}`);
    for (const header of [...long, ...short]) {
      const res = await lh.api('GET', '/api_keys', undefined, { auth: header });
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.code, 'api_key_invalid');
    }
    // a long header presenting the real key is checked and admitted, and not remembered either
    const longValid = `Basic ${Buffer.from(`${lh.apiKey}:${'p'.repeat(1000)}`).toString('base64')}`;
    assert.equal((await lh.api('GET', '/api_keys', undefined, { auth: longValid })).status, 200);
    const remembered = long.filter((h) => apiKeys.cachedForHeader(h) !== undefined).length;
    assert.equal(remembered, 0, `${remembered} of ${long.length} headers over 512 characters were remembered`);
    assert.equal(apiKeys.cachedForHeader(longValid), undefined, 'the long header of the real key was remembered');
    // short headers are remembered as before (null: known invalid), and the real key's by its header
    for (const h of short) assert.equal(apiKeys.cachedForHeader(h), null, `${h} was not remembered`);
    assert.equal((await lh.api('GET', '/api_keys')).status, 200);
    assert.equal(apiKeys.cachedForHeader(basic(lh.apiKey))?.project.id, 'default');
  });

  test('the call log stores a path of at most 2,048 characters, marked as cut; the caller’s answer is unchanged', async () => {
    const long = `/v1/customers?limit=1&email=${'a'.repeat(10_000)}%40example.com`;
    const res = await lh.api('POST', '/unified/proxy', { method: 'get', path: long }, { headers: { 'x-account-id': acc } });
    assert.equal(res.status, 200, res.text);
    // what Stripe was sent is the whole query, however the log keeps it
    const sent = stripe.log.at(-1);
    assert.equal(sent?.query.email, `${'a'.repeat(10_000)}@example.com`);
    assert.equal(
      res.body.status,
      (await lh.api('POST', '/unified/proxy', { method: 'get', path: '/v1/customers?limit=1' }, { headers: { 'x-account-id': acc } })).body.status,
    );

    const logs = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=2`);
    assert.equal(logs.status, 200, logs.text);
    const [, logged] = logs.body.data;
    assert.equal(logged.path, '/v1/customers');
    const stored = logged.url.slice(stripe.url.length);
    assert.ok(stored.startsWith('/v1/customers?limit=1&email=aaaa'), stored.slice(0, 100));
    assert.ok(/…\[truncated \d+ characters\]$/.test(stored), `the stored path (${stored.length} characters) is not marked as cut: …${stored.slice(-40)}`);
    const kept = stored.replace(/…\[truncated \d+ characters\]$/, '');
    assert.equal(kept.length, 2048, `the stored path keeps ${kept.length} characters`);
    const detail = await lh.api('GET', `/requests/logs/${logged.id}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.data.request.url, logged.url);
  });

  test('the unauthenticated OAuth POSTs take bodies of 64 KiB at most (413 in OAuth’s shape); a normal registration still works', async () => {
    const big = JSON.stringify({ client_name: 'Big client', redirect_uris: ['http://127.0.0.1:9/callback'], padding: 'p'.repeat(100 * 1024) });
    for (const path of ['/oauth/register', '/oauth/token']) {
      const res = await fetch(`${lh.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      const body = await res.json();
      assert.equal(res.status, 413, `${path}: ${JSON.stringify(body)}`);
      assert.equal(body.error, 'invalid_request', path);
      assert.equal(body.code, 'body_too_large', path);
      assert.equal(typeof body.error_description, 'string', path);
    }
    // refused on its Content-Length, before the body is sent: nobody gets Linkhub to wait for (and hold) 100 KB
    const announced = await rawAnswer(
      `POST /oauth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024}\r\n\r\n{"redirect_uris":[`,
    );
    assert.equal(announced.status, 413, announced.text.slice(0, 300));
    assert.equal(announced.body.code, 'body_too_large');
    // a form-encoded token request too
    const form = await rawAnswer(
      `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${100 * 1024}\r\n\r\ngrant_type=`,
    );
    assert.equal(form.status, 413, form.text.slice(0, 300));
    // and the authorization pages' forms (sign-in, consent), which anyone may post to
    for (const path of ['/dashboard/oauth/sign_in', '/dashboard/oauth/authorize']) {
      const page = await rawAnswer(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${100 * 1024}\r\n\r\npassword=`,
      );
      assert.equal(page.status, 413, `${path}: ${page.text.slice(0, 300)}`);
    }

    // the registration of test/mcp-oauth.test.ts, unchanged
    const res = await fetch(`${lh.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Test MCP client', redirect_uris: ['http://127.0.0.1:9/callback'], token_endpoint_auth_method: 'none' }),
    });
    const registered = await res.json();
    assert.equal(res.status, 201, JSON.stringify(registered));
    assert.match(registered.client_id, /\S/);
    // ten redirect URIs of 2,000 characters fit well within the limit
    const uris = Array.from({ length: 10 }, (_, i) => `https://client.example/${i}/${'c'.repeat(2000 - 26)}`);
    const many = await fetch(`${lh.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Many URIs', redirect_uris: uris }),
    });
    assert.equal(many.status, 201, await many.text());
  });
});
