// kill -9 in the middle of a link, on the real process and the store under test: the account and
// its link.create audit event commit in one transaction, so after a restart the account either does
// not exist (the link was never answered) or has its event. A trigger holds the audit insert of one
// owner's link, so the kill lands exactly between the account's write and its audit event.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { startStripeStandin } from './stripe-standin/index.js';
import { callApi, type ChildStore, childStore, killAllLinkhubProcesses, linkAccount, startLinkhubProcess, waitFor } from './helpers/process.js';

after(killAllLinkhubProcesses);

const HELD_OWNER = 'owner-killed-mid-link';

/** Runs SQL on a child's store while no Linkhub process holds it (the embedded store is one process's). */
async function onStore(store: ChildStore, statements: string[]): Promise<void> {
  if (store.databaseUrl) {
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
    return;
  }
  const db = await PGlite.create(join(store.dataDir, 'pgdata'));
  try {
    for (const s of statements) await db.exec(s);
  } finally {
    await db.close();
  }
}

/** A Stripe stand-in and a store for child processes, removed when the test ends. */
async function world(t: TestContext) {
  const stripe = await startStripeStandin();
  const store = await childStore();
  t.after(async () => {
    await stripe.close();
    await store.drop();
  });
  const apiKey = `lh_test_${randomBytes(24).toString('base64url')}`;
  return { stripe, store, apiKey, env: { ...store.env, LINKHUB_API_KEY: apiKey, LINKHUB_STRIPE_API_BASE: stripe.url } };
}

test('kill -9 between an account write and its audit event: after a restart no account lacks its link.create', { timeout: 300_000 }, async (t) => {
  const { stripe, store, apiKey, env } = await world(t);

  // First start: the schema exists; one ordinary link.
  const first = await startLinkhubProcess(env);
  const ordinary = (await linkAccount(first.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'owner-ordinary' })).id;
  assert.equal((await first.stop()).code, 0);

  await onStore(store, [
    `create function linkhub_test_hold_audit() returns trigger language plpgsql as $$
       begin
         if exists (select 1 from accounts where id = new.account_id and origin_owner_id = '${HELD_OWNER}') then perform pg_sleep(120); end if;
         return new;
       end $$`,
    'create trigger linkhub_test_hold_audit before insert on audit_events for each row execute function linkhub_test_hold_audit()',
  ]);

  const second = await startLinkhubProcess(env);
  stripe.clearLog();
  let answered = false;
  const link = linkAccount(second.url, apiKey, stripe.keys.secretTest, { origin_owner_id: HELD_OWNER }).then(
    () => (answered = true),
    () => {}, // the process is killed under it
  );
  // The live test reached Stripe; the account's write and the held audit insert follow at once.
  await waitFor('the live test of the held link', () => stripe.log.some((e) => e.path === '/v1/customers'), 60_000, 10);
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(answered, false, 'the held link is still in flight');
  assert.equal((await second.kill9()).signal, 'SIGKILL');
  await link;

  await onStore(store, ['drop trigger linkhub_test_hold_audit on audit_events', 'drop function linkhub_test_hold_audit()']);
  const third = await startLinkhubProcess(env);
  t.after(() => third.stop());
  const accounts = (await callApi(third.url, 'GET', '/accounts?page_size=100', { key: apiKey })).body as any[];
  const audit = (await callApi(third.url, 'GET', '/audit?limit=1000', { key: apiKey })).body.data as any[];
  const created = new Set(audit.filter((e) => e.action === 'link.create').map((e) => e.account_id));
  assert.ok(created.has(ordinary), 'the ordinary link is audited');
  assert.deepEqual(
    accounts.filter((a) => !created.has(a.id)).map((a) => `${a.id} (${a.origin_owner_id})`),
    [],
    'accounts without their link.create event',
  );
  assert.deepEqual(
    accounts.map((a) => a.origin_owner_id),
    ['owner-ordinary'],
    'the link killed before its answer left nothing',
  );
});

test('kill -9 while a single-use session links (its live test under way): after a restart the session still links', { timeout: 300_000 }, async (t) => {
  const { stripe, apiKey, env } = await world(t);
  const first = await startLinkhubProcess(env);
  const session = await callApi(first.url, 'POST', '/connect_sessions', {
    key: apiKey,
    body: { origin_owner_id: 'owner-single', origin_owner_name: 'Single' },
  });
  assert.equal(session.status, 201, session.text);
  const hub = (base: string, method: string, path: string, body?: unknown) =>
    callApi(base, method, path, { headers: { 'x-hub-session-token': session.body.token }, body });
  const link = { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } };

  stripe.inject({ kind: 'delay', delayMs: 60_000, count: 1, pathPrefix: '/v1/customers' }); // the live test hangs
  const killed = hub(first.url, 'POST', '/hub/accounts', link).catch(() => null); // the process is killed under it
  await waitFor('the live test of the link', () => stripe.log.some((e) => e.path === '/v1/customers'), 60_000, 10);
  assert.equal((await first.kill9()).signal, 'SIGKILL');
  await killed;
  stripe.clearFaults();

  const second = await startLinkhubProcess(env);
  t.after(() => second.stop());
  const settings = await hub(second.url, 'GET', '/hub/settings');
  assert.equal(settings.status, 200, settings.text);
  assert.equal(settings.body.linkhub_used_at, undefined, 'the session is not used: no account was linked through it');
  const linked = await hub(second.url, 'POST', '/hub/accounts', link);
  assert.equal(linked.status, 201, linked.text);
  const again = await hub(second.url, 'POST', '/hub/accounts', link);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.body.code, 'connect_session_used');
});
