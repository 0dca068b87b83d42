// Log retention (LINKHUB_LOG_RETENTION_DAYS): call-log segments and audit events older than the
// retention are deleted in the background by a Linkhub process, in batches, and newer ones stay, as
// the logs API shows; `off` keeps everything; a bad value is a configuration error naming it.
// The old rows are written through the store while no Linkhub runs on it (the embedded store has
// one process at a time), with timestamps moved back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { openStore } from '../src/store/db.js';
import {
  callApi,
  childStore,
  type ChildStore,
  killAllLinkhubProcesses,
  linkAccount,
  runLinkhubToExit,
  startLinkhubProcess,
  waitFor,
} from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const DAY = 86_400_000;
const OLD_AUDIT = 1_100; // more than two batches of 500
const OLD_SEGMENT_COPIES = 45; // more than two batches of 20

let stripe: StripeStandin;
const stores: ChildStore[] = [];
const apiKey = `lh_${randomBytes(24).toString('hex')}`;

before(async () => {
  stripe = await startStripeStandin();
});

after(async () => {
  await killAllLinkhubProcesses();
  for (const s of stores) await s.drop();
  await stripe?.close();
});

const count = (rows: unknown) => Number((rows as { rows: { n: number | string }[] }).rows[0].n);

/** A store with a linked account and two calls (written by a Linkhub that then stops), plus old rows written directly. */
async function storeWithHistory(): Promise<{ store: ChildStore; accountId: string; env: Record<string, string> }> {
  const store = await childStore();
  stores.push(store);
  const env = { ...store.env, LINKHUB_API_KEY: apiKey, LINKHUB_STRIPE_API_BASE: stripe.url, LINKHUB_VERIFY_INTERVAL: 'off' };
  const node = await startLinkhubProcess({ ...env, LINKHUB_LOG_RETENTION_DAYS: 'off' });
  const { id: accountId } = await linkAccount(node.url, apiKey, stripe.keys.secretTest);
  for (const path of ['/v1/customers?limit=1', '/v1/customers/cus_none']) {
    const r = await callApi(node.url, 'POST', '/unified/proxy', { key: apiKey, headers: { 'x-account-id': accountId }, body: { method: 'get', path } });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal((await node.stop()).code, 0, node.stderr());

  const s = await openStore({ databaseUrl: store.databaseUrl, pgliteDir: store.dataDir });
  try {
    const db = s.db;
    assert.ok(count(await db.execute(sql`SELECT count(*) AS n FROM call_log_segments`)) >= 1, 'the calls were logged');
    // copies of the calls' segments 100 days back, and audit events of 100 and 20 days ago
    await db.execute(sql`
      INSERT INTO call_log_segments (project_id, format, count, first_at, last_at, account_ids, actions, statuses, records)
      SELECT project_id, format, count, first_at - interval '100 days', last_at - interval '100 days', account_ids, actions, statuses, records
      FROM call_log_segments, generate_series(1, ${OLD_SEGMENT_COPIES})`);
    await db.execute(sql`
      INSERT INTO audit_events (project_id, account_id, actor_type, actor_id, action, outcome, at)
      SELECT project_id, account_id, 'system', 'verifier', 'key.test', 'ok', now() - interval '100 days' - make_interval(secs => g)
      FROM audit_events, generate_series(1, ${OLD_AUDIT}) AS g WHERE action = 'link.create'`);
    await db.execute(sql`
      INSERT INTO audit_events (project_id, account_id, actor_type, actor_id, action, outcome, at)
      SELECT project_id, account_id, 'system', 'verifier', 'key.test', 'recent', now() - interval '20 days'
      FROM audit_events WHERE action = 'link.create'`);
  } finally {
    await s.close();
  }
  return { store, accountId, env };
}

const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function history(url: string, accountId: string) {
  const audit = await callApi(url, 'GET', `/audit?account_id=${accountId}&limit=1000`, { key: apiKey });
  const oldAudit = await callApi(url, 'GET', `/audit?account_id=${accountId}&until=${ago(50)}&limit=1000`, { key: apiKey });
  const calls = await callApi(url, 'GET', `/requests/logs?account_id=${accountId}&page_size=200`, { key: apiKey });
  const oldCalls = await callApi(url, 'GET', `/requests/logs?account_id=${accountId}&to=${ago(50)}&page_size=200`, { key: apiKey });
  for (const r of [audit, oldAudit, calls, oldCalls]) assert.equal(r.status, 200, r.text);
  return { audit: audit.body.data as any[], oldAudit: oldAudit.body.data.length, calls: calls.body.data as any[], oldCalls: oldCalls.body.data.length };
}

test('entries older than LINKHUB_LOG_RETENTION_DAYS (default 90) are deleted in the background; newer ones stay', async () => {
  const { accountId, env } = await storeWithHistory();
  const node = await startLinkhubProcess(env); // the default: 90 days
  await waitFor('the old entries gone', async () => {
    const h = await history(node.url, accountId);
    return h.oldAudit === 0 && h.oldCalls === 0;
  });
  // read again: the reads of one history() are not one snapshot, and the pass may have been deleting between them
  const pruned = await history(node.url, accountId);
  assert.equal(pruned.calls.length, 2, 'the two recent calls stay');
  const actions = pruned.audit.map((e) => `${e.action}:${e.outcome}`);
  assert.ok(actions.includes('link.create:ok'), actions.join());
  assert.ok(actions.includes('key.test:recent'), 'the 20-day-old event stays');
  assert.equal(actions.filter((a) => a.startsWith('call.')).length, 2);
  assert.equal(pruned.audit.length, 4, actions.join());
  assert.equal((await node.stop()).code, 0, node.stderr());
});

test('LINKHUB_LOG_RETENTION_DAYS=off keeps everything', async () => {
  const { accountId, env } = await storeWithHistory();
  const node = await startLinkhubProcess({ ...env, LINKHUB_LOG_RETENTION_DAYS: 'off' });
  const h = await history(node.url, accountId);
  assert.equal(h.oldAudit, 1000, 'the old events are still there (a page of 1000)');
  assert.ok(h.oldCalls >= 2 * OLD_SEGMENT_COPIES, `${h.oldCalls} old calls`);
  assert.equal((await node.stop()).code, 0, node.stderr());
});

test('a bad LINKHUB_LOG_RETENTION_DAYS is a configuration error naming it', async () => {
  for (const value of ['ninety', '-1', '1.5', '36501']) {
    const r = await runLinkhubToExit({ LINKHUB_DATA_DIR: '/nonexistent-never-created', LINKHUB_LOG_RETENTION_DAYS: value });
    assert.equal(r.code, 2, `${value}: ${r.stderr}`);
    assert.match(r.stderr, /configuration error: LINKHUB_LOG_RETENTION_DAYS must be a whole number/, value);
  }
});
