// The call log's storage (src/services/logs/request-log.ts, call-records.ts): calls are written in
// segments (one row per flushed batch of a project), found again by id, paged across segments,
// filtered with and without the segment summaries, cut at 1000 calls or ~4 MB, kept apart per
// project; the audit trail merges call entries with audit_events by time; and migration 0003
// moves the rows of the former request_logs table into segments without losing one.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsDir } from '../src/paths.js';
import { AuditService } from '../src/services/logs/audit.js';
import { SEGMENT_SPAN, type CallRecord } from '../src/services/logs/call-records.js';
import { RequestLogService } from '../src/services/logs/request-log.js';
import type { Db } from '../src/store/db.js';
import { openStore, storeFromPglite, type Store } from '../src/store/db.js';
import { createScratchDatabase } from './helpers/scratch-database.js';
import { createTestStore, testStoreKind, type TestStore } from './helpers/store.js';
import { localChangeFeed } from '../src/store/change-feed.js';

const rows = async <T>(db: Db, q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { rows: T[] }).rows;

let i = 0;
function call(over: Partial<CallRecord> = {}): CallRecord {
  i++;
  return {
    projectId: 'default',
    accountId: 'acc_a',
    provider: 'stripe',
    source: 'proxy',
    actor: { type: 'api_key', id: 'key_1' },
    action: null,
    method: 'GET',
    path: `/v1/customers?limit=${i}`,
    status: 200,
    error: null,
    durationMs: 1.25,
    attempts: 1,
    providerRequestId: `req_${i}`,
    idempotencyKey: null,
    requestBody: null,
    responseBody: null,
    responseType: 'application/json',
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    credentialUsed: true,
    ...over,
  };
}

describe('call log segments', () => {
  let ts: TestStore;
  let store: Store;
  let log: RequestLogService;
  let audit: AuditService;

  before(async () => {
    ts = await createTestStore();
    store = await ts.open();
    await store.db.execute(sql`insert into projects (id, name) values ('other', 'Other') on conflict do nothing`);
    // written on flush() only: a batch is what the tests write between two flushes (a slow machine
    // would otherwise start a write in the middle of a long loop of records, once the first is 50 ms old)
    log = new RequestLogService(store.db, 'all', () => {}, { intervalMs: 600_000 });
    audit = new AuditService(store.db, log);
  });
  after(async () => {
    await log?.close();
    await store?.close();
    await ts?.drop();
  });

  test('a flush writes one segment row per project; ids locate each call', async () => {
    const first = i + 1;
    for (let n = 0; n < 5; n++) log.record(call());
    log.record(call({ projectId: 'other', accountId: 'acc_other' }));
    await log.flush();
    const segs = await rows<{ id: string; project_id: string; count: number; account_ids: string[] }>(
      store.db,
      sql`select id, project_id, count, account_ids from call_log_segments order by id`,
    );
    assert.deepEqual(
      segs.map((s) => [s.project_id, s.count, s.account_ids]),
      [
        ['default', 5, ['acc_a']],
        ['other', 1, ['acc_other']],
      ],
    );
    const listed = await log.list('default', { limit: 10 });
    assert.deepEqual(
      listed.map((r) => r.path),
      [5, 4, 3, 2, 1].map((k) => `/v1/customers?limit=${first + k - 1}`),
    );
    assert.equal(Math.floor(listed[0].id / SEGMENT_SPAN), Number(segs[0].id));
    const one = await log.get('default', listed[2].id);
    assert.deepEqual(one, listed[2]);
    assert.equal(one.at.getTime(), Date.UTC(2026, 0, 1) + (first + 2) * 1000);
    assert.equal(one.durationMs, 1.25);
    assert.equal(one.audited, true);
    await assert.rejects(log.get('other', listed[2].id), /not found/i, 'another project cannot read it');
    await assert.rejects(log.get('default', listed[0].id + 1), /not found/i, 'an id past the segment end');
    assert.deepEqual(
      (await log.list('other', { limit: 10 })).map((r) => r.accountId),
      ['acc_other'],
    );
  });

  test('writes that overlap and end in any order still list newest first', async () => {
    // The first write's INSERT reaches the store 300 ms late (a slow pool connection); the second,
    // started meanwhile, lands first. Its calls are newer and must still list first.
    let slowFirst = true;
    const slow = new Proxy(store.db, {
      get(target, key) {
        const v = Reflect.get(target, key);
        if (key !== 'insert') return typeof v === 'function' ? v.bind(target) : v;
        return (table: Parameters<Db['insert']>[0]) => ({
          values: (rows: never) => {
            const q = target.insert(table).values(rows);
            if (!slowFirst) return q;
            slowFirst = false;
            return new Promise((r) => setTimeout(r, 300)).then(() => q);
          },
        });
      },
    });
    await store.db.execute(sql`insert into projects (id, name) values ('overlap', 'Overlap') on conflict do nothing`);
    const other = new RequestLogService(slow, 'all', () => {}, { intervalMs: 600_000 });
    const first = i + 1;
    const mine = () => call({ projectId: 'overlap', accountId: 'acc_overlap' });
    for (let n = 0; n < 3; n++) other.record(mine());
    const older = other.flush();
    for (let n = 0; n < 3; n++) other.record(mine());
    await Promise.all([older, other.flush()]);
    await other.close();
    const listed = await log.list('overlap', { limit: 10 });
    assert.deepEqual(
      listed.map((r) => r.path),
      [6, 5, 4, 3, 2, 1].map((k) => `/v1/customers?limit=${first + k - 1}`),
    );
  });

  test('paging and filters across many segments, with and without the segment summaries', async () => {
    // 30 segments of 20 calls; every 7th call fails on account acc_b with a 402 from rpc.
    const made: CallRecord[] = [];
    for (let s = 0; s < 30; s++) {
      for (let n = 0; n < 20; n++) {
        const k = s * 20 + n;
        const c = k % 7 === 0 ? call({ accountId: 'acc_b', status: 402, source: 'rpc', action: 'stripe_create_charge', method: 'POST' }) : call();
        made.push(c);
        log.record(c);
      }
      await log.flush();
    }
    const all: number[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await log.list('default', { limit: 45, beforeId });
      if (page.length === 0) break;
      all.push(...page.map((r) => r.id));
      beforeId = page[page.length - 1].id;
    }
    assert.equal(all.length, 600 + 5);
    assert.deepEqual(
      all,
      [...all].sort((a, b) => b - a),
      'newest first, no duplicates',
    );
    assert.equal(new Set(all).size, all.length);

    const failures = made.filter((c) => c.status === 402).reverse();
    const byAccount = await log.list('default', { accountIds: ['acc_b'], limit: 1000 });
    assert.deepEqual(
      byAccount.map((r) => r.providerRequestId),
      failures.map((c) => c.providerRequestId),
    );
    const byClass = await log.list('default', { statuses: ['4xx'], limit: 1000 });
    assert.equal(byClass.length, failures.length);
    assert.equal((await log.list('default', { statuses: [402, 500], limit: 1000 })).length, failures.length);
    assert.equal((await log.list('default', { statuses: [500], limit: 1000 })).length, 0);
    assert.equal((await log.list('default', { success: false, limit: 1000 })).length, failures.length);
    assert.equal((await log.list('default', { actions: ['stripe_create_charge'], sources: ['rpc'], methods: ['post'], limit: 1000 })).length, failures.length);
    assert.deepEqual(
      (await log.list('default', { providerRequestIds: [made[100].providerRequestId!], limit: 5 })).map((r) => r.path),
      [made[100].path],
    );
    const from = made[590].at;
    const to = made[595].at;
    assert.deepEqual(
      (await log.list('default', { from, to, limit: 100 })).map((r) => r.path),
      made
        .slice(590, 596)
        .reverse()
        .map((c) => c.path),
    );
    // A page of a filtered list continues after its cursor.
    const firstPage = await log.list('default', { accountIds: ['acc_b'], limit: 10 });
    const secondPage = await log.list('default', { accountIds: ['acc_b'], limit: 10, beforeId: firstPage[9].id });
    assert.deepEqual(
      [...firstPage, ...secondPage].map((r) => r.id),
      byAccount.slice(0, 20).map((r) => r.id),
    );
  });

  test('a segment is cut at 1000 calls and at ~4 MB of records', async () => {
    const before = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from call_log_segments`);
    for (let n = 0; n < 2500; n++) log.record(call({ accountId: 'acc_bulk' }));
    await log.flush();
    // ~8.4 KB per call (request and response bodies at their 4 KB cap): 1500 calls are ~12.6 MB, written
    // as three segments in two statements (one transaction on PGlite).
    const body = Buffer.from(JSON.stringify({ description: 'y'.repeat(4100) }));
    for (let n = 0; n < 1500; n++)
      log.record(call({ accountId: 'acc_big', method: 'POST', status: 400, requestBody: { description: 'x'.repeat(4100) }, responseBody: body }));
    await log.flush();
    const segs = await rows<{ count: number; chars: number; account_ids: string[] }>(
      store.db,
      sql`select count, length(records) as chars, account_ids from call_log_segments order by id offset ${before[0].n}`,
    );
    const bulk = segs.filter((s) => s.account_ids[0] === 'acc_bulk');
    const big = segs.filter((s) => s.account_ids[0] === 'acc_big');
    assert.deepEqual(
      bulk.map((s) => s.count),
      [1000, 1000, 500],
    );
    assert.equal(big.length, 3, JSON.stringify(big.map((s) => [s.count, s.chars])));
    assert.equal(
      big.reduce((n, s) => n + s.count, 0),
      1500,
    );
    assert.ok(
      big.every((s) => s.chars <= 4 * 1024 * 1024),
      'no segment over 4 MB',
    );
    assert.equal((await log.list('default', { accountIds: ['acc_bulk'], limit: 5000 })).length, 2500);
    assert.equal((await log.list('default', { accountIds: ['acc_big'], limit: 5000 })).length, 1500);
    const [last] = await log.list('default', { accountIds: ['acc_big'], limit: 1 });
    assert.match(last.requestBody!, /^\{"description":"x{4000,}…\[truncated \d+ characters\]$/);
    assert.match(last.responseBody!, /^\{"description":"y{4000,}/);
  });

  test('text that needs escaping survives the trip (quotes, backslashes, tabs, newlines, NUL, unicode)', async () => {
    const nasty = 'a "quoted" \\ back\\slash \t tab \n newline \r cr \u0000 nul é 日本 🎉 \u2028';
    log.record(call({ accountId: 'acc_"x\\', action: 'act\\"ion', error: nasty, requestBody: { note: nasty }, actor: { type: 'api_key', id: 'key\t\n' } }));
    await log.flush();
    const [r] = await log.list('default', { accountIds: ['acc_"x\\'], limit: 1 });
    assert.equal(r.error, nasty);
    assert.equal(r.action, 'act\\"ion');
    assert.equal(r.actorId, 'key\t\n');
    assert.deepEqual(JSON.parse(r.requestBody!), { note: nasty });
    assert.equal((await log.list('default', { actions: ['act\\"ion'], limit: 1 })).length, 1);
  });

  test('the audit trail merges audit_events and the audited calls by time; refused calls are not audited', async () => {
    const t0 = Date.now();
    log.record(call({ accountId: 'acc_audit', at: new Date(t0 - 3000) }));
    await audit.record('default', 'acc_audit', { type: 'dashboard', id: 'admin' }, 'key.test', 'ok');
    log.record(
      call({
        accountId: 'acc_audit',
        source: 'mcp',
        action: 'stripe_list_charges',
        status: null,
        error: 'timeout',
        attempts: 2,
        at: new Date(Date.now() + 1000),
      }),
    );
    log.record(call({ accountId: 'acc_audit', status: null, error: 'url_refused', attempts: 0, credentialUsed: false, at: new Date(Date.now() + 2000) }));
    await log.flush();
    const entries = await audit.list('default', { accountId: 'acc_audit' });
    assert.deepEqual(
      entries.map((e) => [e.action, e.outcome]),
      [
        ['call.mcp:stripe_list_charges', 'timeout'],
        ['key.test', 'ok'],
        ['call.proxy', '200'],
      ],
    );
    assert.match(entries[0].id, /^call_\d+$/);
    assert.equal(entries[0].requestLogId, Number(entries[0].id.slice(5)));
    assert.equal((await audit.list('default', { accountId: 'acc_audit', limit: 2 })).length, 2);
    assert.deepEqual(
      (await audit.list('default', { accountId: 'acc_audit', since: new Date(t0 + 500) })).map((e) => e.action),
      ['call.mcp:stripe_list_charges'],
    );
  });
});

describe('migration 0003: request_logs rows move into segments', () => {
  test('every logged call is kept, in order, readable by the new log; its audit stays in audit_events', async () => {
    // A migrations folder holding only 0000–0002 (the schema before the call log segments).
    const old = mkdtempSync(join(tmpdir(), 'linkhub-mig-'));
    mkdirSync(join(old, 'meta'));
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8'));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 2);
    writeFileSync(join(old, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) copyFileSync(join(migrationsDir, `${e.tag}.sql`), join(old, `${e.tag}.sql`));

    let store: Store;
    let drop = async () => {};
    let scratchUrl = '';
    let client: PGlite | null = null;
    let oldDb: Db;
    let pool: pg.Pool | null = null;
    if (testStoreKind === 'postgres') {
      const scratch = await createScratchDatabase(process.env.LINKHUB_TEST_DATABASE_URL!, 'linkhub_mig');
      drop = scratch.drop;
      scratchUrl = scratch.url;
      pool = new pg.Pool({ connectionString: scratch.url });
      oldDb = drizzlePg(pool) as unknown as Db;
      await migratePg(oldDb as never, { migrationsFolder: old });
      store = { db: oldDb, kind: 'postgres', changes: localChangeFeed(), exclusive: (fn) => fn(), close: async () => {} };
    } else {
      client = await PGlite.create();
      oldDb = drizzlePglite(client) as unknown as Db;
      await migratePglite(oldDb as never, { migrationsFolder: old });
      store = { db: oldDb, kind: 'pglite', changes: localChangeFeed(), exclusive: (fn) => fn(), close: async () => {} };
    }
    // 2500 calls of project default and 3 of project other, as the former writer stored them.
    await oldDb.execute(sql`
      insert into request_logs (project_id, account_id, provider, source, actor_type, actor_id, action, method, path, status, error, duration_ms, attempts,
        provider_request_id, idempotency_key, request_body, response_body, at)
      select case when g % 1000 = 0 then 'other' else 'default' end, 'acc_' || (g % 3), 'stripe', case when g % 2 = 0 then 'proxy' else 'rpc' end, 'api_key', 'key_1',
        case when g % 2 = 0 then null else 'stripe_list_customers' end, 'GET', '/v1/customers?n=' || g, case when g % 5 = 0 then null else 200 end,
        case when g % 5 = 0 then 'timeout' end, g / 10.0, 1, 'req_' || g, null, case when g = 7 then '{"a":"b\\c \"q\""}' end, null,
        timestamptz '2026-01-01T00:00:00Z' + g * interval '1 millisecond'
      from generate_series(1, 2503) g`);
    const total = await rows<{ n: number }>(oldDb, sql`select count(*)::int as n from request_logs`);
    assert.equal(total[0].n, 2503);

    // Now the real migrations (0003 applies) and the new log over them.
    if (client) store = await storeFromPglite(client);
    else {
      await pool!.end();
      store = await openStore({ databaseUrl: scratchUrl, pgliteDir: null });
    }
    try {
      const log = new RequestLogService(store.db, 'all', () => {});
      const all = await log.list('default', { limit: 5000 });
      assert.equal(all.length, 2503 - 2);
      assert.deepEqual(
        all.slice(0, 3).map((r) => r.path),
        ['/v1/customers?n=2503', '/v1/customers?n=2502', '/v1/customers?n=2501'],
      );
      assert.equal(all[all.length - 1].path, '/v1/customers?n=1');
      const seven = all.find((r) => r.path === '/v1/customers?n=7')!;
      assert.equal(seven.requestBody, '{"a":"b\\c "q""}');
      assert.equal(seven.action, 'stripe_list_customers');
      assert.equal(seven.durationMs, 0.7);
      assert.equal(seven.at.toISOString(), '2026-01-01T00:00:00.007Z');
      assert.equal(seven.audited, false, 'their audit entries are the audit_events rows written at the time');
      const timeouts = await log.list('default', { success: false, limit: 5000 });
      assert.ok(timeouts.length === 498 && timeouts.every((r) => r.status === null && r.error === 'timeout'), String(timeouts.length));
      assert.deepEqual(
        (await log.list('other', { limit: 10 })).map((r) => r.path),
        ['/v1/customers?n=2000', '/v1/customers?n=1000'],
      );
      assert.equal((await log.list('default', { accountIds: ['acc_1'], limit: 5000 })).length, all.filter((r) => r.accountId === 'acc_1').length);
      const segs = await rows<{ count: number }>(store.db, sql`select count from call_log_segments where project_id = 'default' order by id`);
      assert.deepEqual(
        segs.map((s) => s.count),
        [1000, 1000, 501],
      );
      const tables = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from information_schema.tables where table_name = 'request_logs'`);
      assert.equal(tables[0].n, 0, 'the former table is gone');
      await log.close();
    } finally {
      await store.close(); // closes the PGlite client too
      await drop();
    }
  });
});
