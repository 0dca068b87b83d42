// What becomes of an approved call whose answer does not come, and of calls repeating a held one:
// an approved call sent without an answer (every attempt timed out) is `unconfirmed`, not failed,
// and is sent again with its idempotency key when the agent repeats it or a person approves it again,
// so Stripe applies it once; a node killed while sending one leaves it to be sent again after a
// restart; a repeat while it is being sent is told to wait (409, the SDK's idempotency error); a key
// reused for another request is refused as Stripe refuses it; calls held at once with one key make one
// approval; and a call repeated with its key is counted once in the day's total.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Stripe from 'stripe';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { callApi, childStore, killAllLinkhubProcesses, linkAccount as linkOver, startLinkhubProcess, waitFor } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;

// a short upstream timeout, so that a delayed Stripe leaves a call unanswered (Stripe's delays are
// seconds longer: undici's timers fire up to ~1 s late); a short throttle wait
useLinkhub({ env: { LINKHUB_STRIPE_TIMEOUT_MS: '300', LINKHUB_THROTTLE_MAX_WAIT_MS: '1000' } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});
after(() => killAllLinkhubProcesses());

async function newToken(policy: unknown, base = lh.url, apiKey = lh.apiKey, account = acc): Promise<string> {
  const res = await callApi(base, 'POST', `/accounts/${account}/agent_tokens`, { key: apiKey, body: { name: 'agent', policy } });
  assert.equal(res.status, 201, res.text);
  return res.body.token;
}

async function charge(amount: number, s = stripe): Promise<string> {
  return (await new Stripe(s.keys.secretTest, s.sdkOptions()).charges.create({ amount, currency: 'usd', source: 'tok_visa' })).id;
}

/** A refund through Linkhub's /v1 with an agent token and an idempotency key. */
async function refund(token: string, key: string, body: string, base = lh.url): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/v1/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const refundsOf = async (ch: string, s = stripe) => (await new Stripe(s.keys.secretTest, s.sdkOptions()).refunds.list({ charge: ch })).data;
const posts = (s = stripe) => s.log.filter((e) => e.method === 'POST' && e.path === '/v1/refunds');

/** A refund of a new 9000 charge, held for approval (above 1000) under a new token: the token, the charge, the approval. */
async function heldRefund(key: string, amount: number): Promise<{ token: string; ch: string; id: string }> {
  const token = await newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
  const ch = await charge(9000);
  const held = await refund(token, key, `charge=${ch}&amount=${amount}`);
  assert.equal(held.body.error.code, 'approval_required');
  return { token, ch, id: held.body.error.approval };
}

describe('an approved call without an answer', () => {
  test('every attempt timed out: unconfirmed; the agent’s repeat sends it again with its key and gets what Stripe did, once', async () => {
    const { token, ch, id } = await heldRefund('slow-1', 5000);
    // every attempt answered after the timeout (however many are made); the first is applied by Stripe meanwhile
    stripe.inject({ kind: 'delay', delayMs: 3000, count: 10, pathPrefix: '/v1/refunds' });
    const approved = await lh.api('POST', `/approvals/${id}/approve`);
    stripe.clearFaults();
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'unconfirmed', 'sent without an answer is neither done nor failed');
    assert.equal(approved.body.result, null);
    await waitFor('Stripe applied the first attempt', async () => (await refundsOf(ch)).length === 1);

    const again = await refund(token, 'slow-1', `charge=${ch}&amount=5000`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.object, 'refund');
    assert.equal(again.body.amount, 5000);
    assert.equal((await refundsOf(ch)).length, 1, 'applied once');
    assert.ok(
      posts().every((e) => e.idempotencyKey === 'slow-1'),
      'always with the held key',
    );
    const after = await lh.api('GET', `/approvals/${id}`);
    assert.equal(after.body.status, 'executed');
    assert.equal(after.body.result.status, 200);
  });

  test('approving an unconfirmed call again sends it again; a repeat while it is being sent is told to wait (409)', async () => {
    const { token, ch, id } = await heldRefund('slow-2', 4000);
    stripe.inject({ kind: 'delay', delayMs: 3000, count: 10, pathPrefix: '/v1/refunds' });
    const first = lh.api('POST', `/approvals/${id}/approve`);
    await waitFor('the approved call reached Stripe', () => posts().length > 0);
    const meanwhile = await refund(token, 'slow-2', `charge=${ch}&amount=4000`);
    assert.equal(meanwhile.status, 409, JSON.stringify(meanwhile.body));
    assert.equal(meanwhile.body.error.type, 'idempotency_error');
    assert.equal(meanwhile.body.error.code, 'approval_in_flight');
    assert.equal((await first).body.status, 'unconfirmed');
    stripe.clearFaults();
    await waitFor('Stripe applied the first attempt', async () => (await refundsOf(ch)).length === 1);

    const retried = await lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.body.status, 'executed');
    assert.equal((await refundsOf(ch)).length, 1, 'applied once');
    const twice = await lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(twice.status, 409, 'executed: decided');
  });

  // killed while it reads the charge again (before the amount is counted), or while it sends the refund (after)
  for (const [moment, path, readsCharge] of [
    ['while it reads again what the call moves', '/v1/charges', true],
    ['while it sends the call', '/v1/refunds', false],
  ] as const) {
    test(`a node killed ${moment}: after the restart it is unconfirmed (listed so), sent again once, and counted once`, async () => {
      const s = await startStripeStandin();
      const store = await childStore();
      const env = { ...store.env, LINKHUB_STRIPE_API_BASE: s.url, LINKHUB_API_KEY: 'lh_test_approvals_0123456789abcdef', LINKHUB_THROTTLE_MAX_WAIT_MS: '1000' };
      try {
        let node = await startLinkhubProcess({ ...env, LINKHUB_STRIPE_TIMEOUT_MS: '10000' });
        const account = (await linkOver(node.url, env.LINKHUB_API_KEY, s.keys.secretTest)).id;
        const token = await newToken({ money: { usd: { per_call: 100_000, per_day: 10_000, approval_above: 4800 } } }, node.url, env.LINKHUB_API_KEY, account);
        const ch = await charge(9000, s);
        // the refund's currency is read from the charge when it is held, and again when approved
        const body = `charge=${ch}&amount=5000`;
        const held = await refund(token, 'cut-1', body, node.url);
        const id = held.body.error.approval;
        s.clearLog();
        s.inject({ kind: 'delay', delayMs: 1500, pathPrefix: path });
        void callApi(node.url, 'POST', `/approvals/${id}/approve`, { key: env.LINKHUB_API_KEY }).catch(() => {});
        await waitFor('the approval reached Stripe', () => s.log.some((e) => e.path.startsWith(path)));
        await node.kill9();
        if (!readsCharge) await waitFor('Stripe applied it', async () => (await refundsOf(ch, s)).length === 1);

        // restarted with a short timeout: on PostgreSQL the sending lease (from the timeout) runs out in seconds
        node = await startLinkhubProcess({ ...env, LINKHUB_STRIPE_TIMEOUT_MS: '200' });
        const get = (p: string) => callApi(node.url, 'GET', p, { key: env.LINKHUB_API_KEY });
        await waitFor('the cut-off call shown unconfirmed', async () => (await get(`/approvals/${id}`)).body.status === 'unconfirmed', 40_000, 200);
        assert.ok(
          (await get('/approvals?status=unconfirmed')).body.some((a: any) => a.id === id),
          'listed as it is shown',
        );
        assert.ok(!(await get('/approvals?status=approved')).body.some((a: any) => a.id === id));
        const again = await refund(token, 'cut-1', body, node.url);
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal(again.body.amount, 5000);
        assert.equal((await refundsOf(ch, s)).length, 1, 'applied once');
        // counted once: 5000 + 900 fits the day's 10000, 5000 + 900 + 4500 does not
        assert.equal((await refund(token, 'small', `charge=${await charge(5000, s)}&amount=900`, node.url)).status, 200);
        const over = await refund(token, 'over', `charge=${await charge(5000, s)}&amount=4500`, node.url);
        assert.equal(over.body.error?.code, 'spend_cap_exceeded', JSON.stringify(over.body));
        await node.stop();
      } finally {
        await store.drop();
        await s.close();
      }
    });
  }

  test('an approved call timed out, then its retries found its key in use (409): unconfirmed, not failed; its repeat gets what Stripe did', async () => {
    const { token, ch, id } = await heldRefund('slow-409', 3000);
    // the first attempt takes 6 s (past the 300 ms timeout, which undici's coarse timers fire up to ~1 s
    // late); the retries meanwhile meet the key in use
    stripe.inject({ kind: 'delay', delayMs: 6000, count: 1, pathPrefix: '/v1/refunds' });
    const approved = await lh.api('POST', `/approvals/${id}/approve`);
    assert.equal(approved.body.status, 'unconfirmed', approved.text);
    assert.ok(
      posts().some((e) => e.status === 409),
      'a retry met the key in use',
    );
    await waitFor('Stripe applied the first attempt', async () => (await refundsOf(ch)).length === 1);
    const again = await refund(token, 'slow-409', `charge=${ch}&amount=3000`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal((await refundsOf(ch)).length, 1);
    assert.equal((await lh.api('GET', `/approvals/${id}`)).body.status, 'executed');
  });
});

describe('calls repeating a held one', () => {
  test('another request with a held call’s key: 400 idempotency_error, nothing sent; one request many times at once: one approval', async () => {
    const { token, ch, id } = await heldRefund('one-key', 2000);
    const other = await refund(token, 'one-key', `charge=${ch}&amount=2500`);
    assert.equal(other.status, 400, JSON.stringify(other.body));
    assert.equal(other.body.error.type, 'idempotency_error');
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    await lh.api('POST', `/approvals/${id}/approve`);
    const payout = await fetch(`${lh.url}/v1/payouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'one-key', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=50&currency=usd',
    });
    assert.equal(payout.status, 400, 'the approved refund’s answer is not given to a payout');
    assert.equal(posts().length, 1, 'only the approved refund was sent');

    const burst = await Promise.all(Array.from({ length: 8 }, () => refund(token, 'burst-key', `charge=${ch}&amount=3000`)));
    const ids = new Set(burst.map((r) => r.body.error?.approval));
    assert.equal(ids.size, 1, `one approval: ${[...ids].join(', ')}`);
    const pending = await lh.api('GET', '/approvals?status=pending');
    assert.equal(pending.body.filter((a: any) => a.request.idempotency_key === 'burst-key').length, 1);
  });

  test('a call repeated with its key is counted once in the day’s total', async () => {
    const token = await newToken({ money: { usd: { per_day: 5000 } } });
    const ch = await charge(9000);
    for (let i = 0; i < 3; i++) assert.equal((await refund(token, 'same-1500', `charge=${ch}&amount=1500`)).status, 200);
    assert.equal((await refundsOf(ch)).length, 1, 'Stripe replayed the repeats');
    // 1500 counted, not 4500: another 3000 fits the 5000
    const next = await refund(token, 'next-3000', `charge=${ch}&amount=3000`);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    const over = await refund(token, 'over-1000', `charge=${ch}&amount=1000`);
    assert.equal(over.body.error?.code, 'spend_cap_exceeded');
  });
});

describe('what approvers are shown', () => {
  test('a held call’s card numbers (under a card field, or anywhere by their shape), a key in its metadata and a key header are redacted in the approval, as in the call log', async () => {
    const token = await newToken({ money: { usd: { per_call: 100_000, approval_above: 1000 } } });
    const pan = '4000056655665556';
    const liveKey = `sk_live_${'51Hx'.repeat(8)}`;
    const body = `amount=5000&currency=usd&payment_method_data[type]=card&payment_method_data[card][number]=${pan}&payment_method_data[card][cvc]=123&metadata[api_key]=k-${'z'.repeat(20)}&metadata[note]=${liveKey}&metadata[ref]=4242+4242+4242+4242&description=card%205555-5555-5555-4444%20order%201234567890123`;
    const held = await fetch(`${lh.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': 'header-secret-value' },
      body,
    });
    const id = ((await held.json()) as any).error.approval;
    const shown = await lh.api('GET', `/approvals/${id}`);
    assert.equal(shown.status, 200, shown.text);
    const cards = ['4242+4242+4242+4242', '4242 4242 4242 4242', '5555-5555-5555-4444'];
    for (const secret of [pan, liveKey, 'z'.repeat(20), 'header-secret-value', 'cvc%5D=123', 'cvc]=123', ...cards])
      assert.ok(!shown.text.includes(secret), secret);
    assert.match(String(shown.body.request.params), /amount=5000/, 'the rest is shown');
    assert.match(String(shown.body.request.params), /\[card:\*{4}4242\]/, 'a card number anywhere keeps its last four');
    assert.match(String(shown.body.request.params), /order 1234567890123/, 'a number that is not a card number (it fails the check) is kept');
    assert.equal(shown.body.request.headers['x-api-key'], '[redacted]');

    // the same call under the threshold is sent: its call log entry hides them too
    const sent = await fetch(`${lh.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.replace('amount=5000', 'amount=500'),
    });
    assert.equal(sent.status, 200, await sent.text());
    const logs = await lh.api('GET', '/requests/logs?page_size=5');
    const entry = await lh.api('GET', `/requests/logs/${(logs.body.data ?? logs.body)[0].id}`);
    assert.match(entry.text, /payment_intents/);
    for (const secret of [pan, liveKey, 'z'.repeat(20), ...cards]) assert.ok(!entry.text.includes(secret), `call log: ${secret}`);
  });
});

describe('caps that hold under faults and bursts', () => {
  test('a counted key reused for another, bigger request is counted: the provider may never have seen the first (a 5xx before it kept the key)', async () => {
    const token = await newToken({ money: { usd: { per_call: 2000, per_day: 3000 } } });
    const ch = await charge(9000);
    stripe.inject({ kind: '500', count: 3, pathPrefix: '/v1/refunds' });
    assert.equal((await refund(token, 'K1', `charge=${ch}&amount=1`)).status, 500, 'a 5xx: counted, it may have gone through');
    stripe.clearFaults();
    assert.equal((await refund(token, 'K1', `charge=${ch}&amount=2000`)).status, 200, 'Stripe never saw K1: it applies this one');
    const over = await refund(token, 'K3', `charge=${ch}&amount=1000`);
    assert.equal(over.body.error?.code, 'spend_cap_exceeded', `1 + 2000 + 1000 is over 3000: ${JSON.stringify(over.body)}`);
  });

  test('a burst of held calls cannot take an agent past its 100 waiting approvals', async () => {
    const token = await newToken({ money: { usd: { approval_above: 1 } } });
    const ch = await charge(9000);
    for (let i = 0; i < 95; i++) assert.equal((await refund(token, `wait-${i}`, `charge=${ch}&amount=${10 + i}`)).body.error.code, 'approval_required');
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => refund(token, `burst-${i}`, `charge=${ch}&amount=${500 + i}`)));
    assert.equal(burst.filter((r) => r.body.error?.code === 'approval_required').length, 5);
    assert.equal(burst.filter((r) => r.status === 429 && r.body.error?.code === 'approvals_pending_limit').length, 7);
  });
});
