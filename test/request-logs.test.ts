// Request logs and the credential audit of proxy and rpc calls: what is recorded, redaction and
// size caps, the stored Stripe key never appearing anywhere, filters and paging, the append-only
// audit table, and the batch writer (batched, nothing lost on close, poison rows isolated).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { BatchWriter } from '../src/services/logs/batch-writer.js';
import { maskSecrets, redactPath } from '../src/services/logs/redaction.js';
import { BODY_CAP, redactBody } from '../src/services/logs/stored-bodies.js';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, linkAccount, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
let rkAcc: string;
let keyId: string;
const started = new Date();

const link = async (key: string): Promise<string> => (await linkAccount(lh, key)).id;

const proxy = (accountId: string, body: Record<string, unknown>) => lh.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': accountId } });
const rpc = (accountId: string, body: Record<string, unknown>) => lh.api('POST', '/actions/rpc', body, { headers: { 'x-account-id': accountId } });

useLinkhub({ env: { LINKHUB_REQUEST_LOG_BODIES: 'all' } }, async (f) => {
  ({ lh, stripe } = f);
  acc = await link(stripe.keys.secretTest);
  rkAcc = await link(stripe.keys.restrictedTest);
  const keys = await lh.api('GET', '/api_keys');
  keyId = (Array.isArray(keys.body) ? keys.body : keys.body.data)[0].id;
});

describe('recorded calls', () => {
  test('proxy and rpc calls are logged with status, timing, attempts, Stripe Request-Id; each use of the key is audited', async () => {
    stripe.clearLog();
    const p = await proxy(acc, { method: 'get', path: '/v1/customers?limit=2' });
    assert.equal(p.body.status, 200);
    const r = await rpc(acc, { action: 'stripe_list_customers', query: { limit: 1 } });
    assert.equal(r.status, 200);
    stripe.inject({ kind: '503', count: 1 });
    const retried = await rpc(acc, { action: 'stripe_create_customer', body: { email: 'logged@example.com' } });
    assert.equal(retried.status, 200);
    const [pReq, rReq, , cReq] = stripe.log.map((e) => e.requestId);

    const logs = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=10`);
    assert.equal(logs.status, 200, logs.text);
    const [create, list, prox] = logs.body.data;
    assert.equal(prox.service, 'proxy');
    assert.equal(prox.action, null);
    assert.equal(prox.http_method, 'GET');
    assert.equal(prox.path, '/v1/customers');
    // The URL actually called: the configured base (LINKHUB_STRIPE_API_BASE, the stand-in), not the public one.
    assert.equal(prox.url, `${stripe.url}/v1/customers?limit=2`);
    assert.equal((await lh.api('GET', `/requests/logs/${prox.id}`)).body.data.request.url, `${stripe.url}/v1/customers?limit=2`);
    assert.equal(prox.status, 200);
    assert.equal(prox.success, true);
    assert.equal(prox.provider_request_id, pReq);
    assert.equal(prox.attempts, 1);
    assert.equal(prox.source_type, 'api_key');
    assert.equal(prox.source_id, keyId);
    assert.ok(prox.duration > 0);
    assert.ok(new Date(prox.event_datetime) >= started);
    assert.equal(list.service, 'rpc');
    assert.equal(list.action, 'stripe_list_customers');
    assert.equal(list.provider_request_id, rReq);
    assert.equal(create.action, 'stripe_create_customer');
    assert.equal(create.attempts, 2);
    assert.equal(create.retries, 1);
    assert.equal(create.provider_request_id, cReq);
    assert.match(create.idempotency_key, /^linkhub-/);

    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=10`);
    assert.equal(audit.status, 200);
    const actions = audit.body.data.map((e: any) => [e.action, e.outcome, e.actor_type, e.actor_id]);
    assert.deepEqual(actions.slice(0, 3), [
      ['call.rpc:stripe_create_customer', '200', 'api_key', keyId],
      ['call.rpc:stripe_list_customers', '200', 'api_key', keyId],
      ['call.proxy', '200', 'api_key', keyId],
    ]);
    assert.ok(
      audit.body.data.some((e: any) => e.action === 'link.create'),
      'linking is audited too',
    );
  });

  test('a refused call is logged but not audited (the key was never sent)', async () => {
    const refused = await proxy(acc, { url: 'https://evil.example.com', path: '/v1/customers' });
    assert.equal(refused.status, 400);
    const logs = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=1`);
    assert.equal(logs.body.data[0].error, 'url_refused');
    assert.equal(logs.body.data[0].status, null);
    assert.equal(logs.body.data[0].attempts, 0);
    const audit = await lh.api('GET', `/audit?account_id=${acc}&limit=1`);
    assert.notEqual(audit.body.data[0].outcome, null);
    assert.match(audit.body.data[0].action, /^call\./);
    assert.ok(new Date(audit.body.data[0].at) < new Date(logs.body.data[0].event_datetime));
  });

  test('bodies are redacted and capped; sensitive query values masked; the stored key appears nowhere', async () => {
    const key = stripe.keys.secretTest;
    const rkKey = stripe.keys.restrictedTest;
    const res = await proxy(acc, {
      method: 'post',
      path: '/v1/customers',
      body: {
        email: 'redact@example.com',
        metadata: { password: 'hunter2', client_secret: 'pi_3Abc_secret_XyZ123', card_number: '4242424242424242', note: `my key is ${key}`, plan: 'pro' },
      },
    });
    assert.equal(res.body.status, 200, res.text);
    assert.equal(res.body.data.metadata.password, 'hunter2', "the caller gets Stripe's answer untouched");
    await proxy(acc, { method: 'get', path: `/v1/customers?limit=1&token=tok_abc&email=a%40b.c&api_key=${key}` });
    const big = await proxy(acc, {
      method: 'post',
      path: '/v1/customers',
      body: { description: 'x'.repeat(3000), metadata: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(400)])) },
    });
    assert.equal(big.body.status, 200, big.text);
    await rpc(rkAcc, { action: 'stripe_list_charges', query: { limit: 3 } });
    await rpc(rkAcc, { action: 'stripe_create_customer', body: { email: 'denied@example.com' } });

    const list = await lh.api('GET', `/requests/logs?account_id=${acc}&page_size=3`);
    const [bigLog, queryLog, redactLog] = list.body.data;
    const detail = (await lh.api('GET', `/requests/logs/${redactLog.id}`)).body.data;
    assert.equal(detail.request.method, 'POST');
    assert.equal(detail.request.body.email, 'redact@example.com');
    assert.deepEqual(detail.request.body.metadata, {
      password: '[redacted]',
      client_secret: '[redacted]',
      card_number: '[redacted]',
      note: 'my key is sk_test_[redacted]',
      plan: 'pro',
    });
    assert.equal(detail.response.status_code, 200);
    assert.equal(detail.response.body.metadata.password, '[redacted]');
    assert.equal(detail.response.body.metadata.note, 'my key is sk_test_[redacted]');
    assert.equal(detail.response.body.email, 'redact@example.com');

    assert.match(queryLog.url, /token=%5Bredacted%5D/);
    assert.match(queryLog.url, /api_key=%5Bredacted%5D/);
    assert.match(queryLog.url, /email=a%40b\.c/);

    const bigDetail = (await lh.api('GET', `/requests/logs/${bigLog.id}`)).body.data;
    assert.equal(typeof bigDetail.request.body, 'string', 'a capped body is kept as text');
    assert.ok(bigDetail.request.body.length <= BODY_CAP + 60);
    assert.match(bigDetail.request.body, /…\[truncated \d+ characters\]$/);

    // Everything Linkhub exposes or stores about calls: never the keys, nor their middle part.
    const everything: string[] = [];
    for (const a of [acc, rkAcc]) {
      const l = await lh.api('GET', `/requests/logs?account_id=${a}&page_size=200`);
      everything.push(l.text);
      for (const row of l.body.data) everything.push((await lh.api('GET', `/requests/logs/${row.id}`)).text);
      everything.push((await lh.api('GET', `/audit?account_id=${a}&limit=1000`)).text);
    }
    const db = lh.services.store.db;
    await lh.services.requestLog.flush();
    everything.push(JSON.stringify((await db.execute(sql`select * from call_log_segments`)) as unknown));
    everything.push(JSON.stringify((await db.execute(sql`select * from audit_events`)) as unknown));
    everything.push(JSON.stringify((await db.execute(sql`select * from account_permissions`)) as unknown));
    const blob = everything.join('\n');
    assert.ok(blob.length > 10_000);
    for (const k of [key, rkKey]) {
      assert.ok(!blob.includes(k), 'full key found');
      assert.ok(!blob.includes(k.slice(12, 40)), 'middle of the key found');
      assert.ok(!blob.includes(k.slice(-30)), 'end of the key found');
    }
  });

  test('filters and paging', async () => {
    const all = await lh.api('GET', '/requests/logs?page_size=200');
    const total = all.body.data.length;
    assert.ok(total >= 8);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = await lh.api('GET', `/requests/logs?page_size=3${next ? `&next=${encodeURIComponent(next)}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.data.length <= 3);
      seen.push(...page.body.data.map((r: any) => r.id));
      next = page.body.next;
    } while (next);
    assert.deepEqual(
      seen,
      all.body.data.map((r: any) => r.id),
    );

    const byAction = await lh.api('GET', '/requests/logs?action=stripe_list_charges');
    assert.ok(byAction.body.data.length >= 1);
    assert.ok(byAction.body.data.every((r: any) => r.action === 'stripe_list_charges' && r.account_id === rkAcc));
    const denied = await lh.api('GET', `/requests/logs?filter[account_ids]=${rkAcc}&filter[status_codes]=4xx`);
    assert.ok(denied.body.data.length >= 1);
    assert.ok(denied.body.data.every((r: any) => r.status === 403));
    const exact = await lh.api('GET', '/requests/logs?status=200,403');
    assert.ok(exact.body.data.every((r: any) => r.status === 200 || r.status === 403));
    const failures = await lh.api('GET', '/requests/logs?success=false');
    assert.ok(failures.body.data.every((r: any) => r.success === false));
    const proxies = await lh.api('GET', '/requests/logs?source=proxy');
    assert.ok(proxies.body.data.every((r: any) => r.service === 'proxy'));
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual((await lh.api('GET', `/requests/logs?from=${future}`)).body.data, []);
    const past = await lh.api('GET', `/requests/logs?to=${started.toISOString()}`);
    assert.deepEqual(past.body.data, []);
    const window = await lh.api('GET', `/requests/logs?start_date=${started.toISOString()}&end_date=${future}&page_size=200`);
    assert.equal(window.body.data.length, total);
    assert.equal((await lh.api('GET', '/requests/logs?status=abc')).status, 400);
    assert.equal((await lh.api('GET', '/requests/logs?from=notadate')).status, 400);
    assert.equal((await lh.api('GET', '/requests/logs?next=xyz')).status, 400);
    assert.equal((await lh.api('GET', '/requests/logs/999999')).status, 404);
    assert.equal((await lh.api('GET', '/requests/logs/abc')).status, 404);

    const auditSince = await lh.api('GET', `/audit?since=${future}`);
    assert.deepEqual(auditSince.body.data, []);
    const auditLimited = await lh.api('GET', '/audit?limit=2');
    assert.equal(auditLimited.body.data.length, 2);
  });

  test('the audit trail is append-only: no route changes it and the database refuses UPDATE/DELETE', async () => {
    assert.equal((await lh.api('DELETE', '/audit')).status, 404);
    assert.equal((await lh.api('PATCH', '/audit', {})).status, 404);
    assert.equal((await lh.api('DELETE', '/requests/logs')).status, 404);
    const before = await lh.api('GET', '/audit?limit=1000');
    assert.ok(before.body.data.some((e: any) => e.action.startsWith('call.')) && before.body.data.some((e: any) => e.action === 'link.create'));
    const db = lh.services.store.db;
    const appendOnly = (e: any) => /is append-only/.test(String(e?.cause?.message ?? e?.message));
    for (const table of ['audit_events', 'call_log_segments']) {
      await assert.rejects(db.execute(sql.raw(`update ${table} set project_id = 'forged'`)), appendOnly);
      await assert.rejects(db.execute(sql.raw(`delete from ${table}`)), appendOnly);
      await assert.rejects(db.execute(sql.raw(`truncate ${table}`)), appendOnly);
    }
    const after = await lh.api('GET', '/audit?limit=1000');
    assert.deepEqual(after.body.data, before.body.data);
  });

  test('by default (LINKHUB_REQUEST_LOG_BODIES=errors) response bodies are kept only for failed calls', async () => {
    const lh2 = await startLinkhub({ stripeApiBase: stripe.url });
    try {
      const { token } = await connectSession(lh2, { origin_owner_id: 'o2' });
      const linked = await lh2.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
      const id = linked.body.id;
      const call = (body: Record<string, unknown>) => lh2.api('POST', '/unified/proxy', body, { headers: { 'x-account-id': id } });
      assert.equal((await call({ method: 'post', path: '/v1/customers', body: { email: 'ok@example.com', metadata: { secret: 's3' } } })).body.status, 200);
      assert.equal((await call({ method: 'get', path: '/v1/customers/cus_nope' })).body.status, 404);
      const list = await lh2.api('GET', '/requests/logs');
      const [failed, ok] = list.body.data;
      const okDetail = (await lh2.api('GET', `/requests/logs/${ok.id}`)).body.data;
      assert.deepEqual(okDetail.request.body, { email: 'ok@example.com', metadata: { secret: '[redacted]' } });
      assert.equal(okDetail.response.body, null);
      const failedDetail = (await lh2.api('GET', `/requests/logs/${failed.id}`)).body.data;
      assert.equal(failedDetail.response.body.error.code, 'resource_missing');
    } finally {
      await lh2.close();
    }
  });

  test('another project cannot read these logs', async () => {
    const res = await lh.api('GET', '/requests/logs', undefined, { auth: 'Basic ' + Buffer.from('lh_notakey:').toString('base64') });
    assert.equal(res.status, 401);
  });
});

describe('batch writer and redaction helpers', () => {
  test('rows are written in batches, and close() writes everything still buffered', async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>(
      't',
      async (rows) => void batches.push([...rows]),
      () => {},
      { intervalMs: 50, maxBatch: 100, maxStatementRows: 80 },
    );
    for (let i = 0; i < 250; i++) w.push(i);
    await w.close();
    // every row once (writes running at once may finish in any order)
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      Array.from({ length: 250 }, (_, i) => i),
    );
    assert.ok(batches.length <= 5 && batches.every((b) => b.length <= 80), JSON.stringify(batches.map((b) => b.length)));

    const timed: number[][] = [];
    const t = new BatchWriter<number>(
      't',
      async (rows) => void timed.push(rows),
      () => {},
      { intervalMs: 30 },
    );
    t.push(1);
    t.push(2);
    assert.equal(timed.length, 0, 'nothing is written on the push itself');
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(timed, [[1, 2]]);
    await t.close();
  });

  test('a failing store keeps the rows for later; a single unwritable row is dropped alone', async () => {
    let down = true;
    const written: number[] = [];
    const warnings: string[] = [];
    const w = new BatchWriter<number>(
      't',
      async (rows) => {
        if (down) throw new Error('store down');
        if (rows.includes(13)) throw new Error('bad row');
        written.push(...rows);
      },
      (m) => warnings.push(m),
      { intervalMs: 10 },
    );
    for (let i = 0; i < 20; i++) w.push(i);
    await assert.rejects(w.flush());
    assert.equal(w.pending, 20);
    down = false;
    await w.flush();
    assert.deepEqual(
      written,
      Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 13),
    );
    assert.equal(w.dropped, 1);
    assert.ok(warnings.some((m) => /dropped 1/.test(m)));
    await w.close();
  });

  test('rows tried while the store was unavailable are kept for later, never dropped as unwritable; a bad row alone is dropped', async () => {
    const unavailable = new Error('Query read timeout'); // node-postgres: no answer came
    const bad = Object.assign(new Error('bad row'), { code: '22P02' });
    let unavailableFor = 0; // the next inserts that find the store unavailable
    let unavailableFrom = Number.POSITIVE_INFINITY; // ... and every single-row insert of a row ≥ this
    const written: number[] = [];
    const warnings: string[] = [];
    const w = new BatchWriter<number>(
      't',
      async (rows) => {
        if (unavailableFor > 0) {
          unavailableFor--;
          throw unavailable;
        }
        if (rows.length === 1 && rows[0] >= unavailableFrom) throw unavailable;
        if (rows.includes(13)) throw bad;
        written.push(...rows);
      },
      (m) => warnings.push(m),
      { intervalMs: 10 },
    );
    const all = Array.from({ length: 20 }, (_, i) => i);
    // a frozen database that answers again a moment later: the batch and the first rows one by one fail
    unavailableFor = 3;
    for (const i of all) w.push(i);
    await w.flush().catch(() => {});
    unavailableFor = 0;
    await w.flush();
    assert.deepEqual(
      [...written].sort((a, b) => a - b),
      all.filter((i) => i !== 13),
    );
    assert.equal(w.dropped, 1, warnings.join('\n'));
    // a batch refused for a bad row, then the store gone during the row-by-row pass: the rest is kept
    written.length = 0;
    unavailableFrom = 15;
    for (const i of all) w.push(i);
    await w.flush().catch(() => {});
    assert.equal(w.dropped, 2, 'the bad row only');
    unavailableFrom = Number.POSITIVE_INFINITY;
    await w.flush();
    assert.deepEqual(
      [...written].sort((a, b) => a - b),
      all.filter((i) => i !== 13),
    );
    assert.equal(w.dropped, 2, warnings.join('\n'));
    await w.close();
  });

  test('a slow write does not hold back the next batch, at most maxWrites run at once, and flush() waits for all of them', async () => {
    const calls: { rows: number[]; done: () => void; settled: boolean }[] = [];
    const w = new BatchWriter<number>(
      't',
      (rows) =>
        new Promise<void>((resolve) => {
          const c = {
            rows: [...rows],
            settled: false,
            done: () => {
              c.settled = true;
              resolve();
            },
          };
          calls.push(c);
        }),
      () => {},
      { intervalMs: 5, maxWrites: 2 },
    );
    const started = (n: number) => waitFor(`write #${n} started`, () => calls.length >= n, 5000, 1);
    w.push(1);
    await started(1);
    // the first write hangs; the next row still gets its own write after the interval
    w.push(2);
    await started(2);
    assert.deepEqual(
      calls.map((c) => c.rows),
      [[1], [2]],
    );
    assert.equal(calls[0].settled, false);
    // both slots busy: the next batch waits for one to end
    w.push(3);
    w.push(4);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls.length, 2, 'no third write while two run');
    assert.equal(w.pending, 2);
    calls[1].done();
    await started(3);
    assert.deepEqual(calls[2].rows, [3, 4]);

    // flush(): read-your-writes over every write running when it is called, and the buffer
    w.push(5);
    let flushed = false;
    const f = w.flush().then(() => (flushed = true));
    await started(4);
    assert.deepEqual(calls[3].rows, [5], 'flush writes the buffer at once');
    calls[3].done();
    calls[2].done();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(flushed, false, 'the first write still runs');
    calls[0].done();
    await f;
    assert.equal(flushed, true);
    await w.close();
  });

  test('flush() rejects when a write it waits for failed and the retry fails too; the rows stay buffered', async () => {
    let down = false;
    let release: () => void = () => {};
    let calls = 0;
    const w = new BatchWriter<number>(
      't',
      async () => {
        calls++;
        if (calls === 1) await new Promise<void>((r) => (release = r));
        if (down) throw new Error('store down');
      },
      () => {},
      { intervalMs: 1 },
    );
    w.push(1);
    await waitFor('the first write', () => calls === 1, 5000, 1);
    const f = w.flush();
    down = true;
    release();
    await assert.rejects(f, /store down/);
    assert.equal(w.pending, 1);
    down = false;
    await w.flush();
    assert.equal(w.pending, 0);
    await w.close();
  });

  test('redaction helpers', () => {
    assert.equal(maskSecrets('a sk_live_abcdefGHIJ123 b rk_test_XYZ12345 c whsec_abcd1234'), 'a sk_live_[redacted] b rk_test_[redacted] c whsec_[redacted]');
    assert.equal(
      redactBody({ card: { number: '4242', cvc: '123', exp_month: 12 }, token: 'tok_1', keep: 'x', nested: [{ secret: 's' }] }),
      '{"card":{"number":"[redacted]","cvc":"[redacted]","exp_month":"[redacted]"},"token":"[redacted]","keep":"x","nested":[{"secret":"[redacted]"}]}',
    );
    assert.equal(redactPath('/v1/tokens?card[number]=4242&card[cvc]=1&limit=3'), '/v1/tokens?card[number]=%5Bredacted%5D&card[cvc]=%5Bredacted%5D&limit=3');
    assert.equal(redactPath('/v1/x\u0000y'), '/v1/x%00y');
    for (let n = 0; n < 2; n++) {
      // Repeated paths take a remembered fast path; one that needed masking is masked every time.
      assert.equal(redactPath('/v1/customers?limit=3'), '/v1/customers?limit=3');
      assert.equal(redactPath('/v1/customers?api_key=sk_test_abcdEFGH1234'), '/v1/customers?api_key=%5Bredacted%5D');
    }
    assert.ok(redactBody('a'.repeat(10_000))!.length < BODY_CAP + 60);
    // sensitive names however a body writes them: JSON sent as text, `;` pairs, `[]`, a trailing space;
    // a key in fullwidth characters
    for (const body of [
      '{"password":"SECRETPW1","client_secret":"SECRETCS1","ok":1}',
      'charge=ch_1;password=SECRETPW2',
      'password[]=SECRETPW3',
      'metadata[api_key][]=SECRETPW4',
      'password%20=SECRETPW5',
      'nested[api_key%20]=SECRETPW6',
      `x=sk\uff3flive\uff3f51${'AbCdEfGh'.repeat(4)}`,
      `{"a":"${'b'.repeat(6000)}","password":"SECRETPW7"}`,
      `{"password":"SECRETPW8","a":"${'b'.repeat(300_000)}"}`,
    ]) {
      const stored = redactBody(body)!;
      assert.ok(!/SECRET|AbCdEfGh/.test(stored), `${body.slice(0, 60)} → ${stored.slice(0, 120)}`);
    }
    assert.equal(redactBody('charge=ch_1;password=x'), 'charge=ch_1;password=%5Bredacted%5D', 'the separators kept as written');
    // a long body is redacted from its head only (whole, a megabyte held the event loop ~0.5 s); a key
    // where the head ends is not cut in two, whatever side of the cap it falls on
    const longKey = `sk_live_${'Z9'.repeat(50)}`;
    for (const at of [BODY_CAP - 50, BODY_CAP + 900, BODY_CAP + 1000, BODY_CAP + 1020]) {
      const text = `a=${'b'.repeat(at)}&c=${longKey}&d=${'e'.repeat(1_000_000)}`;
      const stored = redactBody(text)!;
      assert.ok(!stored.includes('Z9Z9Z9'), `no part of the key (at ${at}): …${stored.slice(-200)}`);
      assert.match(stored, /…\[truncated \d+ characters\]$/);
      assert.ok(stored.length < BODY_CAP + 60);
      const json = redactBody({ a: 'b'.repeat(at), c: longKey, d: 'e'.repeat(1_000_000) })!;
      assert.ok(!json.includes('Z9Z9Z9') && json.length < BODY_CAP + 60, json.slice(-200));
    }
    // card numbers by their shape and check digit, wherever they are; other digit runs kept
    assert.equal(
      redactBody({
        metadata: { ref: '4000 0566 5566 5556', n: 4242424242424242, order: '4242424242424241', at: 1700000000004, at2: '1700000000004' },
        note: 'pay 5555-5555-5555-4444 now',
      }),
      '{"metadata":{"ref":"[card:****5556]","n":"[card:****4242]","order":"4242424242424241","at":1700000000004,"at2":"1700000000004"},"note":"pay [card:****4444] now"}',
    );
    assert.equal(redactPath('/v1/customers?email=x&metadata[c]=4242424242424242'), '/v1/customers?email=x&metadata[c]=[card:****4242]');
    assert.equal(redactBody('description=a+4242+4242+4242+4242+b&id=cus_4242424242424242'), 'description=a+[card:****4242]+b&id=cus_4242424242424242');
    // next to other digits, as a JSON key; and what only looks like one (a date-time, an order number, a phone number) kept
    const cases: [string, string][] = [
      ['4242 4242 4242 4242 123', '[card:****4242] 123'],
      ['qty 2 378282246310005', 'qty 2 [card:****0005]'],
      ['3782 822463 10005 and 5555555555554444 12/28', '[card:****0005] and [card:****4444] 12/28'],
      ['order-2026-1207-00003', 'order-2026-1207-00003'],
      ['placed 20261207093000', 'placed 20261207093000'],
      ['+49 1512 3456704', '+49 1512 3456704'],
      ['2026 1207 0000 0001', '2026 1207 0000 0001'],
      // as people paste them: dots, tabs, no-break spaces; and an amount after one
      ['4242.4242.4242.4242', '[card:****4242]'],
      ['card\t4000\t0566\t5566\t5556', 'card\t[card:****5556]'],
      ['5555\u00a05555\u00a05555\u00a04444 exp 12/28', '[card:****4444] exp 12/28'],
      ['paid 4242424242424242.50', 'paid [card:****4242].50'],
      ['4242.4242 4242-4242', '4242.4242 4242-4242'], // separators mixed: not written as a card is
      ['version 2026.12.07.1', 'version 2026.12.07.1'],
      // typed with a Japanese or Chinese input method: full-width digits and spaces; the rest kept as written
      [
        'カード\uff14\uff12\uff14\uff12\u3000\uff14\uff12\uff14\uff12\u3000\uff14\uff12\uff14\uff12\u3000\uff14\uff12\uff14\uff12です',
        'カード[card:****4242]です',
      ],
      ['\uff13\uff17\uff18\uff12\uff18\uff12\uff12\uff14\uff16\uff13\uff11\uff10\uff10\uff10\uff15 x', '[card:****0005] x'],
      [
        '注文\uff12\uff10\uff12\uff16\uff11\uff12\uff10\uff17\uff10\uff19\uff13\uff10\uff10\uff10 4242424242424242',
        '注文\uff12\uff10\uff12\uff16\uff11\uff12\uff10\uff17\uff10\uff19\uff13\uff10\uff10\uff10 [card:****4242]',
      ],
    ];
    for (const [text, shown] of cases) assert.equal(maskSecrets(text), shown, text);
    assert.equal(
      redactBody({ metadata: { '4242424242424242': 'card', '5555 5555 5555 4444': 1 } }),
      '{"metadata":{"[card:****4242]":"card","[card:****4444]":1}}',
    );
  });
});
