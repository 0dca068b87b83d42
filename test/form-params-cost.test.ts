// The cost of reading a call's form under spend limits: a form too large to read (by bytes or by
// parameters) is not read, and its amount is unclear (held or refused, never passed unread), while the
// node goes on answering; forms of the usual size read exactly as before.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Stripe from 'stripe';
import { callParams, MAX_FORM_BYTES, MAX_FORM_PARAMS, UNCLEAR } from '../src/services/agents/form-params.js';
import { useLinkhub } from './helpers/fixture.js';
import { type Linkhub, linkAccount } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

const FORM = 'application/x-www-form-urlencoded';

/** A form's parameters as the gate reads them, as `UNCLEAR` strings for the symbol. */
function read(body: string | Buffer, names: string[], contentType: string | null = FORM, url = '/v1/refunds'): Record<string, unknown> {
  const param = callParams('POST', url, body, contentType, FORM);
  return Object.fromEntries(names.map((n) => [n, param(n) === UNCLEAR ? 'UNCLEAR' : param(n)]));
}

describe('form parameters: the usual forms read as before', () => {
  test('one value per name; a nested, repeated or `;`-split name is unclear', () => {
    assert.deepEqual(read('amount=500&currency=usd', ['amount', 'currency', 'charge']), { amount: '500', currency: 'usd', charge: undefined });
    assert.deepEqual(read('amount=500&currency=usd', ['amount'], `${FORM}; charset=utf-8`), { amount: '500' });
    assert.deepEqual(read('amount%5B0%5D=500&currency=usd', ['amount', 'currency']), { amount: 'UNCLEAR', currency: 'usd' });
    assert.deepEqual(read('amount[0]=500&amount[1]=7&currency=usd', ['amount', 'currency']), { amount: 'UNCLEAR', currency: 'usd' });
    assert.deepEqual(read('amount=1&amount=90000', ['amount']), { amount: 'UNCLEAR' });
    assert.deepEqual(read('amount=1& amount=90000', ['amount']), { amount: 'UNCLEAR' });
    assert.deepEqual(read('amount=1&%20amount=90000', ['amount']), { amount: 'UNCLEAR' });
    // Rack 2 splits on `;`: to it `currency` is given, to WHATWG it is not, and `amount` is `500;currency=usd`
    assert.deepEqual(read('amount=500;currency=usd', ['amount', 'currency']), { amount: 'UNCLEAR', currency: 'UNCLEAR' });
    assert.deepEqual(read('amount=500&x=y;z=1&currency=usd', ['amount', 'currency', 'x']), { amount: '500', currency: 'usd', x: 'UNCLEAR' });
    // in both the body and a write's query, or only in the query
    assert.deepEqual(read('amount=500', ['amount', 'charge'], FORM, '/v1/refunds?charge=ch_1&amount=5'), { amount: 'UNCLEAR', charge: 'UNCLEAR' });
    // a body labelled otherwise: unclear, save a method override it does not name
    assert.deepEqual(read('amount=500', ['amount', '_method'], 'text/plain'), { amount: 'UNCLEAR', _method: undefined });
    assert.deepEqual(read('amount=500&_m%65thod=PUT', ['_method'], null), { _method: 'UNCLEAR' });
    assert.deepEqual(read('amount=500&_method=PUT', ['_method']), { _method: 'PUT' });
  });

  test('a form at the bounds is still read', () => {
    const body = `amount=500&currency=usd${'&x=1'.repeat(MAX_FORM_PARAMS - 2)}`;
    assert.deepEqual(read(body, ['amount', 'currency', 'x']), { amount: '500', currency: 'usd', x: 'UNCLEAR' });
    const long = `amount=500&memo=${'a'.repeat(MAX_FORM_BYTES - 'amount=500&memo='.length)}`;
    assert.deepEqual(read(long, ['amount', 'memo']), { amount: '500', memo: 'a'.repeat(MAX_FORM_BYTES - 16) });
  });
});

describe('form parameters: a form too large to read', () => {
  test('more parameters than the bound: every one is unclear, even one given once', () => {
    const body = `amount=500&currency=usd${'&x=1'.repeat(MAX_FORM_PARAMS - 1)}`;
    assert.deepEqual(read(body, ['amount', 'currency', 'charge', '_method']), {
      amount: 'UNCLEAR',
      currency: 'UNCLEAR',
      charge: 'UNCLEAR',
      _method: undefined,
    });
    // `;` splits parameters too (to Rack 2)
    const semi = `amount=500&currency=usd&x=${'1;'.repeat(MAX_FORM_PARAMS)}`;
    assert.deepEqual(read(semi, ['amount', 'currency']), { amount: 'UNCLEAR', currency: 'UNCLEAR' });
  });

  test('more bytes than the bound: every one is unclear', () => {
    const body = `amount=500&currency=usd&memo=${'a'.repeat(MAX_FORM_BYTES)}`;
    assert.deepEqual(read(body, ['amount', 'currency']), { amount: 'UNCLEAR', currency: 'UNCLEAR' });
    // a multi-byte character is more than one byte
    const wide = `amount=500&memo=${'é'.repeat(MAX_FORM_BYTES / 2)}`;
    assert.deepEqual(read(wide, ['amount']), { amount: 'UNCLEAR' });
  });

  test('a method override is still told in it, however spelt; a file upload naming none is not taken for one', () => {
    const filler = 'x=1;& '.repeat(Math.ceil(MAX_FORM_BYTES / 6) + 1);
    for (const named of ['_method=DELETE', '_m%65thod=DELETE', '%5Fmethod', '[_method]=x', ' _method=x', '_method[a]=1']) {
      assert.equal(read(`${filler}${named}`, ['_method'])._method, 'UNCLEAR', named);
      assert.equal(read(`${named}&${filler}`, ['_method'], 'text/plain')._method, 'UNCLEAR', named);
    }
    for (const unnamed of ['payment_method=pm_1', 'x=_method', 'x_method=1', '_methods=1']) {
      assert.equal(read(`${filler}${unnamed}`, ['_method'])._method, undefined, unnamed);
    }
    const upload = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'),
      Buffer.from('id;payment_method;amount\n'.repeat(Math.ceil(MAX_FORM_BYTES / 25) + 1)),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    assert.equal(read(upload, ['_method'], 'multipart/form-data; boundary=b', '/v1/files')._method, undefined);
  });
});

let lh: Linkhub;
let stripe: StripeStandin;
let acc: string;
useLinkhub({}, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});

describe('a large form through /v1 under spend limits', () => {
  test('its amount is unclear: refused before Stripe, and the node answers meanwhile', async () => {
    const made = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'agent', policy: { money: { usd: { per_call: 5000 } } } });
    assert.equal(made.status, 201, made.text);
    const token = made.body.token as string;
    const ch = (await new Stripe(stripe.keys.secretTest, stripe.sdkOptions()).charges.create({ amount: 900, currency: 'usd', source: 'tok_visa' })).id;
    const refund = (body: string) =>
      fetch(`${lh.url}/v1/refunds`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': FORM }, body });
    stripe.clearLog();
    // an amount within the cap, then 4 MB of parameters: read, it would pass
    const big = refund(`charge=${ch}&amount=100&${'x=1;& '.repeat((4 * 1024 * 1024) / 6)}`);
    const health = await fetch(`${lh.url}/healthz`);
    assert.equal(health.status, 200, 'the node answers while the form is on its way');
    const res = await big;
    assert.equal(res.status, 403);
    const e = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(e.error.code, 'spend_cap_exceeded');
    assert.match(e.error.message, /cannot be told before it is sent/);
    assert.equal((await fetch(`${lh.url}/healthz`)).status, 200);
    assert.equal(stripe.log.filter((x) => x.path === '/v1/refunds').length, 0, 'nothing reached Stripe');
    // the same refund, without the filler, passes
    const small = await refund(`charge=${ch}&amount=100`);
    assert.equal(small.status, 200, await small.text());
    assert.equal(stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 1);
  });
});
