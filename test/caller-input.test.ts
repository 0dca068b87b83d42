// What a caller controls on a proxied call (the forwarded headers, Stripe-Account, the path) can
// make the provider refuse, but never change the linked account's status: only the stored key
// being refused on a request Linkhub builds alone (the connector's live test) puts it in `error`.
// The forwarded headers are capped before anything is sent (issue 11, the HTTP edge: 1,000 headers made the
// stand-in, like any Node server, keep only the first 1,000 and drop Authorization; the 401 then
// flipped a healthy account to `error`).
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount, startLinkhub } from './helpers/linkhub.js';
import { MAIN_ACCOUNT_ID, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
});

useLinkhub({}, (f) => {
  ({ lh, stripe } = f);
});

const proxy = (hub: Linkhub, account: string, body: Record<string, unknown>) =>
  hub.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': account } });

async function freshAccount(hub: Linkhub): Promise<{ key: string; id: string }> {
  const key = stripe.world.addKey({ kind: 'sk', mode: 'test', account: MAIN_ACCOUNT_ID });
  return { key, id: (await linkAccount(hub, key)).id };
}

const manyHeaders = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-filler-${i}`, value]));

describe('the forwarded headers are capped before the provider', () => {
  test('1,000 headers: 400 invalid_input naming `headers`, nothing sent, the account stays active', async () => {
    const { id } = await freshAccount(lh);
    stripe.clearLog();
    const res = await proxy(lh, id, { method: 'get', path: '/v1/customers?limit=1', headers: manyHeaders(1000) });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'invalid_input');
    assert.equal(res.body.field, 'headers');
    assert.match(res.body.message, /at most 64/);
    assert.equal(typeof res.body.timestamp, 'string');
    assert.equal(stripe.log.length, 0, 'nothing was sent');
    assert.equal((await lh.api('GET', `/accounts/${id}`)).body.status, 'active');
  });

  test('headers over 8 KiB in all are refused the same way; 64 small ones are forwarded', async () => {
    const { id } = await freshAccount(lh);
    const big = await proxy(lh, id, { method: 'get', path: '/v1/customers?limit=1', headers: manyHeaders(3, 'x'.repeat(3000)) });
    assert.equal(big.status, 400, big.text);
    assert.equal(big.body.field, 'headers');
    assert.match(big.body.message, /8192 bytes/);
    stripe.clearLog();
    const ok = await proxy(lh, id, { method: 'get', path: '/v1/customers?limit=1', headers: manyHeaders(64) });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 200);
    assert.equal(stripe.log.length, 1);
  });
});

/**
 * A gateway in front of the stand-in that answers a `Stripe-Account` the key cannot act on with 401,
 * as Stripe does (the SDK raises StripeAuthenticationError: "The provided key … does not have access
 * to account …"); the stand-in itself answers 403 there.
 */
async function accountAccessGateway(target: string): Promise<string> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answer.statusCode === 403 && body.includes('"account_invalid"') ? 401 : (answer.statusCode ?? 502);
        const headers = { ...answer.headers, 'content-length': String(body.length) };
        res.writeHead(status, headers).end(body);
      });
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("a 401 caused by the caller's input leaves the account alone", () => {
  test('Stripe-Account naming an account the key cannot reach: the 401 is passed on as data, the account stays active', async () => {
    const hub = await startLinkhub({ stripeApiBase: await accountAccessGateway(stripe.url) });
    closers.push(() => hub.close());
    const { key, id } = await freshAccount(hub);
    const res = await proxy(hub, id, { method: 'get', path: '/v1/customers?limit=1', headers: { 'Stripe-Account': 'acct_1NotMine000000' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 401);
    assert.notEqual(res.body.account_status, 'error');
    assert.notEqual(res.body.code, 'invalid_key');
    const account = await hub.api('GET', `/accounts/${id}`);
    assert.equal(account.body.status, 'active', 'a key Stripe accepts on its own is not marked revoked');
    assert.deepEqual(account.body.status_reasons, []);

    // the key really revoked: the same call now puts the account in error
    stripe.world.setKeyStatus(key, 'deleted');
    const revoked = await proxy(hub, id, { method: 'get', path: '/v1/customers?limit=1' });
    assert.equal(revoked.body.status, 401);
    assert.equal(revoked.body.code, 'invalid_key');
    assert.equal(revoked.body.account_status, 'error');
    assert.equal((await hub.api('GET', `/accounts/${id}`)).body.status, 'error');
  });
});
