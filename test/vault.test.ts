// The vault as stored: AES-256-GCM with a random IV per value, the owner's id as associated data,
// a key version on every ciphertext, data keys wrapped by the master key, and no secret in clear
// anywhere in the database. Checked through HTTP and raw SQL, and the format re-derived with node:crypto.
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { useLinkhub } from './helpers/fixture.js';
import { connectSession, linkAccount, type Linkhub } from './helpers/linkhub.js';
import type { StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let lh: Linkhub;

useLinkhub({}, (f) => {
  ({ lh, stripe } = f);
});

async function rows(query: ReturnType<typeof sql>): Promise<Record<string, any>[]> {
  const result = await lh.services.store.db.execute(query);
  return (result as unknown as { rows: Record<string, any>[] }).rows;
}

const link = async (apiKey: string, session: Record<string, unknown> = {}): Promise<string> => (await linkAccount(lh, apiKey, { session })).id;

async function storedSecret(id: string): Promise<{ secret_ciphertext: string; secret_key_version: number }> {
  const [row] = await rows(sql`SELECT secret_ciphertext, secret_key_version FROM accounts WHERE id = ${id}`);
  assert.ok(row, `account ${id} is in the database`);
  return { secret_ciphertext: row.secret_ciphertext, secret_key_version: Number(row.secret_key_version) };
}

/** AES-256-GCM open of "<iv>.<ct>.<tag>" (base64url parts), done here independently of src/vault. */
function gcmOpen(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, ct, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

const SEALED_V1 = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/;

describe('ciphertexts', () => {
  test('the same key linked twice gives two different ciphertexts (random IV); each records key version 1 and decrypts', async () => {
    const key = stripe.keys.secretTest;
    const a = await link(key, { origin_owner_id: 'iv-a', origin_owner_name: 'IV A' });
    const b = await link(key, { origin_owner_id: 'iv-b', origin_owner_name: 'IV B' });
    const sa = await storedSecret(a);
    const sb = await storedSecret(b);
    for (const s of [sa, sb]) {
      assert.match(s.secret_ciphertext, SEALED_V1, 'v1.<96-bit iv>.<ciphertext>.<128-bit tag>');
      assert.equal(s.secret_key_version, 1);
    }
    assert.notEqual(sa.secret_ciphertext, sb.secret_ciphertext);
    const ivA = SEALED_V1.exec(sa.secret_ciphertext)![1];
    const ivB = SEALED_V1.exec(sb.secret_ciphertext)![1];
    assert.notEqual(ivA, ivB, 'a fresh IV per value');
    // GCM: ciphertext length = plaintext length (no padding), and yet the bytes differ
    assert.equal(Buffer.from(SEALED_V1.exec(sa.secret_ciphertext)![2], 'base64url').length, key.length);

    for (const id of [a, b]) {
      stripe.clearLog();
      const tested = await lh.api('POST', `/accounts/${id}/test`);
      assert.equal(tested.status, 200, tested.text);
      assert.equal(tested.body.outcome, 'ok');
      assert.ok(stripe.log.length > 0);
      assert.ok(
        stripe.log.every((e) => e.keyLast4 === key.slice(-4)),
        'the stored key was decrypted and used',
      );
    }
  });

  test('relinking the same key to the same account re-encrypts it with a new IV, still v1', async () => {
    const owner = { origin_owner_id: 'iv-re', origin_owner_name: 'IV Re', multiple: false };
    const id = await link(stripe.keys.restrictedTest, owner);
    const first = await storedSecret(id);
    const { token } = await connectSession(lh, owner);
    const again = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.restrictedTest } });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.id, id);
    const second = await storedSecret(id);
    assert.match(second.secret_ciphertext, SEALED_V1);
    assert.equal(second.secret_key_version, 1);
    assert.notEqual(second.secret_ciphertext, first.secret_ciphertext);
  });

  test('webhook signing secrets are sealed the same way (v1, version column)', async () => {
    const created = await lh.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook' });
    assert.equal(created.status, 201, created.text);
    const [row] = await rows(sql`SELECT secret_ciphertext, secret_key_version FROM webhook_endpoints WHERE id = ${created.body.id}`);
    assert.match(row.secret_ciphertext, SEALED_V1);
    assert.equal(Number(row.secret_key_version), 1);
    assert.ok(!row.secret_ciphertext.includes(created.body.secret));
    assert.equal((await lh.api('DELETE', `/webhooks/${created.body.id}`)).status, 200);
  });
});

describe('associated data: a ciphertext is bound to its account', () => {
  test("another account's ciphertext copied onto a row does not decrypt: a clear error, and the other key is never used", async () => {
    const victim = await link(stripe.keys.restrictedTest, { origin_owner_id: 'aad-victim', origin_owner_name: 'Victim' });
    const attacker = await link(stripe.keys.otherAccountSecretTest, { origin_owner_id: 'aad-attacker', origin_owner_name: 'Attacker' });
    const victimSecret = await storedSecret(victim);
    await lh.services.store.db.execute(sql`UPDATE accounts SET secret_ciphertext = ${victimSecret.secret_ciphertext} WHERE id = ${attacker}`);

    stripe.clearLog();
    const res = await lh.api('POST', `/accounts/${attacker}/test`);
    assert.equal(stripe.log.length, 0, 'Stripe was not called: no key came out of the vault');
    assert.equal(res.status, 500, res.text);
    assert.equal(res.body.statusCode, 500);
    assert.ok(Date.parse(res.body.timestamp), 'error shape has a timestamp');
    assert.equal(res.body.code, 'secret_undecryptable');
    assert.match(res.body.message, /cannot be decrypted/);
    assert.ok(!res.text.includes(stripe.keys.restrictedTest) && !res.text.includes(stripe.keys.otherAccountSecretTest));

    // reads of the tampered account still work (they never decrypt), and the victim is unaffected
    const read = await lh.api('GET', `/accounts/${attacker}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'active', 'a failed decryption does not rewrite the account');
    const ok = await lh.api('POST', `/accounts/${victim}/test`);
    assert.equal(ok.body.outcome, 'ok');
    assert.ok(stripe.log.every((e) => e.keyLast4 === stripe.keys.restrictedTest.slice(-4)));
  });

  test('a flipped ciphertext byte or an unknown key version is the same clear error', async () => {
    const id = await link(stripe.keys.secretTest, { origin_owner_id: 'aad-flip', origin_owner_name: 'Flip' });
    const { secret_ciphertext } = await storedSecret(id);
    const [, iv, ct, tag] = SEALED_V1.exec(secret_ciphertext)!;
    const bytes = Buffer.from(ct, 'base64url');
    bytes[0] ^= 1;
    for (const tampered of [`v1.${iv}.${bytes.toString('base64url')}.${tag}`, `v7.${iv}.${ct}.${tag}`]) {
      await lh.services.store.db.execute(sql`UPDATE accounts SET secret_ciphertext = ${tampered} WHERE id = ${id}`);
      stripe.clearLog();
      const res = await lh.api('POST', `/accounts/${id}/test`);
      assert.equal(res.status, 500, res.text);
      assert.equal(res.body.code, 'secret_undecryptable');
      assert.match(res.body.message, /cannot be decrypted/);
      assert.equal(stripe.log.length, 0);
    }
    // the original value put back decrypts again
    await lh.services.store.db.execute(sql`UPDATE accounts SET secret_ciphertext = ${secret_ciphertext} WHERE id = ${id}`);
    assert.equal((await lh.api('POST', `/accounts/${id}/test`)).body.outcome, 'ok');
  });
});

describe('at rest', () => {
  test('no table holds a Stripe key, webhook secret, API key, master key or data key in clear', async () => {
    const keys = [stripe.keys.secretTest, stripe.keys.restrictedLive, stripe.keys.otherAccountSecretTest];
    const ids = [
      await link(keys[0], { origin_owner_id: 'rest-1', origin_owner_name: 'Rest 1' }),
      (
        await (async () => {
          const { token } = await connectSession(lh, { origin_owner_id: 'rest-2', origin_owner_name: 'Rest 2', multiple: true });
          const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-production', credentials: { api_key: keys[1] } });
          assert.equal(res.status, 201, res.text);
          return res.body;
        })()
      ).id as string,
      await link(keys[2], { origin_owner_id: 'rest-3', origin_owner_name: 'Rest 3' }),
    ];
    // leave traces in the other tables too: a test (audit), a rotation, a webhook endpoint and its outbox
    assert.equal((await lh.api('POST', `/accounts/${ids[0]}/test`)).body.outcome, 'ok');
    const hook = await lh.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/rest' });
    assert.equal(hook.status, 201);
    const rotated = await lh.api('PATCH', `/accounts/${ids[2]}`, { credentials: { api_key: stripe.keys.restrictedTestCustomerWrite } });
    assert.equal(rotated.status, 200, rotated.text);
    keys.push(stripe.keys.restrictedTestCustomerWrite);

    // the data key, unwrapped here from vault_keys with the master key (AAD "linkhub data key v1")
    const vaultRows = await rows(sql`SELECT version, wrapped_key, master_key_id FROM vault_keys ORDER BY version`);
    assert.equal(vaultRows.length, 1);
    const masterKey = Buffer.from(lh.masterKey, 'base64');
    const dataKey = gcmOpen(masterKey, vaultRows[0].wrapped_key, 'linkhub data key v1');
    assert.equal(dataKey.length, 32);

    const tables = await rows(sql`
      SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
    const names = tables.map((t) => `${t.table_schema}.${t.table_name}`);
    for (const t of ['accounts', 'vault_keys', 'webhook_endpoints', 'webhook_outbox', 'audit_events', 'api_keys', 'connect_sessions', 'projects']) {
      assert.ok(names.includes(`public.${t}`), `${t} is among the tables searched (${names.join(', ')})`);
    }
    let dump = '';
    for (const t of tables) {
      const all = await rows(sql.raw(`SELECT * FROM "${t.table_schema}"."${t.table_name}"`));
      dump += JSON.stringify(all);
    }
    assert.ok(dump.includes(ids[0]) && dump.includes(hook.body.id), 'the dump holds the rows just written');
    assert.ok(!dump.includes('whsec_'), 'no webhook secret (whsec_…) in clear');

    const forbidden: [string, string][] = [
      ['the Linkhub API key', lh.apiKey],
      ['the webhook secret', hook.body.secret],
      ['the master key (base64)', lh.masterKey],
      ['the master key (hex)', masterKey.toString('hex')],
      ['the data key (base64)', dataKey.toString('base64')],
      ['the data key (base64url)', dataKey.toString('base64url')],
      ['the data key (hex)', dataKey.toString('hex')],
    ];
    for (const k of keys) {
      forbidden.push([`Stripe key …${k.slice(-4)}`, k], [`the middle of Stripe key …${k.slice(-4)}`, k.slice(8, -4)]);
    }
    for (const [what, value] of forbidden) assert.ok(!dump.includes(value), `${what} is not in the database`);

    // envelope: each value is sealed by the data key with its account id as AAD, not by the master key
    const stored = await storedSecret(ids[2]);
    const sealed = stored.secret_ciphertext.slice('v1.'.length);
    assert.equal(gcmOpen(dataKey, sealed, ids[2]).toString(), stripe.keys.restrictedTestCustomerWrite, 'rotated key is the one stored');
    assert.throws(() => gcmOpen(masterKey, sealed, ids[2]), 'values are not sealed with the master key directly');
    assert.throws(() => gcmOpen(dataKey, sealed, ids[0]), 'another id as AAD fails');
    // the wrapped data key is not the data key in any encoding, and the master key id is not the master key
    const wrapped = vaultRows[0].wrapped_key as string;
    for (const enc of ['base64', 'base64url', 'hex'] as const) assert.ok(!wrapped.includes(dataKey.toString(enc)));
    assert.match(vaultRows[0].master_key_id, /^[0-9a-f]{16}$/);
    assert.ok(!masterKey.toString('hex').includes(vaultRows[0].master_key_id));
  });
});
