// An account change commits whole or not at all, with its audit record: a PATCH that fails at any
// step leaves the old key and details; links of one owner arriving at once make one account (the
// others edit it); a deletion is audited. A database trigger makes one step fail on demand, so the
// failure happens inside the store, where a half-done change would stand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, linkAccount, type Linkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';
import type { StripeStandin } from './stripe-standin/index.js';

let lh: Linkhub;
let stripe: StripeStandin;
useLinkhub({}, (f) => {
  ({ lh, stripe } = f);
});

const REFUSED_LABEL = 'refused-by-the-test-trigger';

const newKey = () => stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });

async function auditActions(accountId: string): Promise<string[]> {
  const res = await lh.api('GET', `/audit?account_id=${accountId}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return (res.body.data as any[]).filter((e) => !e.action.startsWith('call.')).map((e) => e.action);
}

/** The last four characters of the key the stand-in received on a proxied call of the account. */
async function keySentFor(accountId: string): Promise<string | null | undefined> {
  stripe.clearLog();
  const res = await lh.api('POST', '/unified/proxy', { method: 'get', path: '/v1/customers?limit=1' }, { headers: { 'x-account-id': accountId } });
  assert.equal(res.status, 200, res.text);
  return stripe.log.at(-1)?.keyLast4;
}

describe('PATCH /accounts/{id} is one transaction', () => {
  before(async () => {
    const db = lh.services.store.db;
    await db.execute(
      sql.raw(`create function linkhub_test_refuse_label() returns trigger language plpgsql as $$
        begin
          if new.label = '${REFUSED_LABEL}' then raise exception 'refused by the test trigger'; end if;
          return new;
        end $$`),
    );
    await db.execute(sql.raw('create trigger linkhub_test_refuse_label before update on accounts for each row execute function linkhub_test_refuse_label()'));
  });
  after(async () => {
    await lh.services.store.db.execute(sql.raw('drop trigger linkhub_test_refuse_label on accounts'));
    await lh.services.store.db.execute(sql.raw('drop function linkhub_test_refuse_label()'));
  });

  test('a new key and details: a step that fails leaves the old key, details and audit; then both commit together', async () => {
    const oldKey = newKey();
    const id = (await linkAccount(lh, oldKey, { session: { label: 'before' } })).id;
    const before = (await lh.api('GET', `/accounts/${id}`)).body;
    const rotated = newKey();

    const failed = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: rotated }, label: REFUSED_LABEL, metadata: { plan: 'gold' } });
    assert.equal(failed.status, 500, failed.text);
    assert.equal(failed.body.statusCode, 500);
    assert.ok(!failed.text.includes(rotated) && !failed.text.includes(rotated.slice(8)), 'the key is not in the error');

    const after = (await lh.api('GET', `/accounts/${id}`)).body;
    assert.deepEqual(after, before, 'nothing of the failed PATCH stands');
    assert.equal(await keySentFor(id), oldKey.slice(-4), 'calls still use the old key');
    assert.deepEqual(await auditActions(id), ['link.create'], 'no rotation audited');

    const ok = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: rotated }, label: 'after', metadata: { plan: 'gold' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.label, 'after');
    assert.deepEqual(ok.body.metadata, { plan: 'gold' });
    assert.equal(await keySentFor(id), rotated.slice(-4));
    assert.deepEqual((await auditActions(id)).sort(), ['key.rotate', 'link.create']);
  });

  test('details alone: a failing update leaves them; no key rotation is audited for a details edit', async () => {
    const id = (await linkAccount(lh, newKey(), { session: { label: 'kept' } })).id;
    const failed = await lh.api('PATCH', `/accounts/${id}`, { label: REFUSED_LABEL });
    assert.equal(failed.status, 500, failed.text);
    assert.equal((await lh.api('GET', `/accounts/${id}`)).body.label, 'kept');
    const ok = await lh.api('PATCH', `/accounts/${id}`, { label: 'edited' });
    assert.equal(ok.body.label, 'edited');
    assert.deepEqual(await auditActions(id), ['link.create']);
  });
});

test('links of one owner at once make one account: the first creates it (201), the others edit it (200)', async () => {
  const owner = { origin_owner_id: 'owner-at-once', origin_owner_name: 'At Once Inc', multiple: false };
  const tokens = await Promise.all(Array.from({ length: 8 }, () => connectSession(lh, owner)));
  const keys = tokens.map(() => newKey());
  const answers = await Promise.all(
    tokens.map(({ token }, i) => lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: keys[i] } })),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201], answers.map((a) => a.text).join('\n'));
  const ids = new Set(answers.map((a) => a.body.id));
  assert.equal(ids.size, 1, 'every answer names the same account');
  const listed = await lh.api('GET', `/accounts?origin_owner_id=${owner.origin_owner_id}`);
  assert.deepEqual(
    (listed.body as any[]).map((a) => a.id),
    [...ids],
  );
  const id = [...ids][0];
  const actions = await auditActions(id);
  assert.deepEqual(actions.sort(), ['link.create', ...Array(7).fill('link.relink')]);
  assert.ok(keys.map((k) => k.slice(-4)).includes((await keySentFor(id))!), 'calls use one of the linked keys');
});

test('a deletion is audited with who deleted the account', async () => {
  const id = (await linkAccount(lh, newKey())).id;
  assert.equal((await lh.api('DELETE', `/accounts/${id}`)).status, 200);
  const res = await lh.api('GET', `/audit?account_id=${id}&limit=100`);
  const deletion = (res.body.data as any[]).find((e) => e.action === 'account.delete');
  assert.ok(deletion, res.text);
  assert.equal(deletion.actor_type, 'api_key');
});

test("a key replaced while the old one is being tested: the old key's verdict does not touch the account", async () => {
  const oldKey = newKey();
  const id = (await linkAccount(lh, oldKey)).id;
  stripe.world.setKeyStatus(oldKey, 'deleted');
  // the test's call with the old key is refused by Stripe, and the answer held back
  stripe.inject({ kind: 'delay', delayMs: 1_500, count: 1, pathPrefix: '/v1/customers' });
  const testing = lh.api('POST', `/accounts/${id}/test`);
  await waitFor('the held test call', () => stripe.log.some((e) => e.fault === 'delay'), 10_000, 5);
  const next = newKey();
  const patched = await lh.api('PATCH', `/accounts/${id}`, { credentials: { api_key: next } });
  assert.equal(patched.status, 200, patched.text);
  const tested = await testing;
  assert.equal(tested.status, 200, tested.text);
  assert.equal(tested.body.outcome, 'invalid_key', 'the old key was refused');
  const after = (await lh.api('GET', `/accounts/${id}`)).body;
  assert.equal(after.status, 'active', 'the new key stands');
  assert.equal(after.key_hint, next.slice(-4));
  assert.equal(await keySentFor(id), next.slice(-4));
});
