// The `linkhub` CLI as a process (node --import tsx src/cli.ts), on the store under test: master-key
// rotation end to end (an account linked under the old key is served with the new key alone after
// `master-key rotate`, run while a node serves: beside it on PostgreSQL, inside it through its admin
// socket on the embedded store), `master-key status`, a wrong key refused, `api-keys create|list|revoke`
// with a server running, seen over HTTP, usage errors exit 2, and no secret in any output.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { masterKeyId } from '../src/vault/master-key.js';
import { cli, cliOutputs as outputs } from './helpers/cli.js';
import {
  callApi,
  childStore,
  type ChildStore,
  killAllLinkhubProcesses,
  type LinkhubProcess,
  linkAccount,
  startLinkhubProcess,
  waitFor,
} from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
const stores: ChildStore[] = [];
/** Every secret of the run: none may appear in a CLI output (the created API key is checked apart). */
const secrets: string[] = [];

before(async () => {
  stripe = await startStripeStandin();
  secrets.push(stripe.keys.secretTest);
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const s of stores) await s.drop().catch(() => {});
  await stripe?.close();
});

const newKey = () => {
  const k = randomBytes(32).toString('base64');
  secrets.push(k, Buffer.from(k, 'base64').toString('hex'), Buffer.from(k, 'base64').toString('base64url'));
  return k;
};
const keyId = (k: string) => masterKeyId(Buffer.from(k, 'base64'));

async function newStore(): Promise<ChildStore> {
  const s = await childStore();
  stores.push(s);
  return s;
}

const serverKey = (p: LinkhubProcess) => {
  const key = /\blh_[A-Za-z0-9]{20,}\b/.exec(p.stdout())![0];
  secrets.push(key);
  return key;
};

async function proxied(p: LinkhubProcess, apiKey: string, accountId: string): Promise<number> {
  const r = await callApi(p.url, 'POST', '/unified/proxy', {
    key: apiKey,
    headers: { 'x-account-id': accountId },
    body: { url: 'https://api.stripe.com', path: '/v1/customers?limit=1' },
  });
  return r.status;
}

describe('linkhub master-key', () => {
  test('rotate: an account linked under the old key is served with the new key alone; status counts by key id', async () => {
    const store = await newStore();
    const [oldKey, nextKey] = [newKey(), newKey()];
    const env = { ...store.env, LINKHUB_STRIPE_API_BASE: stripe.url };
    const first = await startLinkhubProcess({ ...env, LINKHUB_MASTER_KEY: oldKey });
    const apiKey = serverKey(first);
    const account = await linkAccount(first.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'rot-1', origin_owner_name: 'Rot' });
    await first.stop();

    // every node rolled onto the new key, the old one kept for unwrapping
    const rolling = { ...env, LINKHUB_MASTER_KEY: nextKey, LINKHUB_MASTER_KEY_PREVIOUS: oldKey };
    const node = await startLinkhubProcess(rolling);
    assert.equal(await proxied(node, apiKey, account.id), 200);

    const before = await cli(rolling, 'master-key', 'status', '--json');
    assert.equal(before.code, 0, before.stderr);
    assert.deepEqual(JSON.parse(before.stdout).master_keys, [{ key_id: keyId(oldKey), data_keys: 1, role: 'previous' }]);
    // the node keeps serving through the rotation (on the embedded store the rotation runs inside it)
    let serving = true;
    let servedDuring = 0;
    const loop = async () => {
      for (; serving; servedDuring++) assert.equal(await proxied(node, apiKey, account.id), 200);
    };
    const calls = [loop()];
    const rotated = await cli(rolling, 'master-key', 'rotate', '--batch-size', '1');
    serving = false;
    await Promise.all(calls);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stderr, /re-wrapped 1\/1 data key/);
    assert.match(rotated.stdout, new RegExp(`Rotated: 1 data key\\(s\\) re-wrapped; all 1 are wrapped by the current master key ${keyId(nextKey)}`));
    const again = await cli(rolling, 'master-key', 'rotate');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to do/);
    assert.ok(servedDuring > 0, 'calls were served during the rotation');
    assert.equal(await proxied(node, apiKey, account.id), 200);
    if (store.kind === 'pglite') {
      // through the socket the command runs with the server's master key: another key here is refused
      const other = await cli({ ...env, LINKHUB_MASTER_KEY: newKey() }, 'master-key', 'rotate');
      assert.equal(other.code, 1);
      assert.match(
        other.stderr,
        new RegExp(
          `^linkhub: the command runs inside the server \\(PID ${node.child.pid}\\) with its master key ${keyId(nextKey)}, but LINKHUB_MASTER_KEY here is the key`,
        ),
      );
    }
    await node.stop();

    const status = await cli({ ...env, LINKHUB_MASTER_KEY: nextKey }, 'master-key', 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`${keyId(nextKey)}\\s+1\\s+current`));
    assert.match(status.stdout, /Every data key is wrapped by the current master key/);

    // PREVIOUS dropped: the new key alone decrypts the stored Stripe key
    const after = await startLinkhubProcess({ ...env, LINKHUB_MASTER_KEY: nextKey });
    try {
      stripe.clearLog();
      assert.equal(await proxied(after, apiKey, account.id), 200);
      assert.ok(
        stripe.log.some((e) => e.keyLast4 === stripe.keys.secretTest.slice(-4)),
        'the decrypted key reached Stripe',
      );
    } finally {
      await after.stop();
    }

    // a key that wraps nothing here: a clear refusal naming the key ids, nothing changed
    const wrong = newKey();
    const bad = await cli({ ...env, LINKHUB_MASTER_KEY: wrong, LINKHUB_MASTER_KEY_PREVIOUS: oldKey }, 'master-key', 'rotate');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`^linkhub: 1 data key\\(s\\) are wrapped by master key ${keyId(nextKey)}, which is neither LINKHUB_MASTER_KEY nor`));
    const badStatus = await cli({ ...env, LINKHUB_MASTER_KEY: wrong }, 'master-key', 'status');
    assert.equal(badStatus.code, 0);
    assert.match(badStatus.stdout, new RegExp(`${keyId(nextKey)}\\s+1\\s+not configured`));
    const malformed = await cli({ ...env, LINKHUB_MASTER_KEY: 'short' }, 'master-key', 'status');
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /^linkhub: configuration error: LINKHUB_MASTER_KEY must be 32 bytes/);
  });
});

/** An embedded store with a generated master.key, a server running on it and one linked account. */
async function embeddedWithKeyFile() {
  const store = await childStore({ embedded: true });
  const env = { ...store.env, LINKHUB_STRIPE_API_BASE: stripe.url };
  const file = join(store.dataDir, 'master.key');
  const keyOf = () => readFileSync(file, 'utf8').trim();
  const server = await startLinkhubProcess(env);
  const apiKey = serverKey(server);
  const account = await linkAccount(server.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'file-1', origin_owner_name: 'File' });
  return { env, file, keyOf, server, apiKey, account };
}

test('embedded store with a generated master.key: rotate writes a new key file (old kept until done), resumes after a kill', async () => {
  const { env, file, keyOf, server: first, apiKey, account } = await embeddedWithKeyFile();
  await first.stop();
  const old = keyOf();
  secrets.push(old);

  // as a rotation killed after writing the new key and before re-wrapping: the server still opens
  const interrupted = newKey();
  writeFileSync(`${file}.previous`, `${old}\n`, { mode: 0o600 });
  writeFileSync(file, `${interrupted}\n`, { mode: 0o600 });
  const during = await startLinkhubProcess(env);
  assert.equal(await proxied(during, apiKey, account.id), 200);
  await during.stop();
  const resumed = await cli(env, 'master-key', 'rotate');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /Resuming the rotation/);
  assert.equal(keyOf(), interrupted, 'no other key generated');
  assert.ok(!existsSync(`${file}.previous`), 'the old key file goes once every data key is re-wrapped');

  // a plain rotation: a new key file, mode 0600; the old one gone at the end
  const rotated = await cli(env, 'master-key', 'rotate');
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stderr, /Wrote a new master key to .*master\.key, the old one kept as .*master\.key\.previous/);
  const fresh = keyOf();
  secrets.push(fresh);
  assert.notEqual(fresh, interrupted);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(!existsSync(`${file}.previous`));
  assert.match(rotated.stdout, new RegExp(`all 1 are wrapped by the current master key ${keyId(fresh)}`));
  // the status names where the current key is: the file, not an environment variable
  const status = await cli(env, 'master-key', 'status');
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`^${keyId(fresh)} +1 +current \\(.*master\\.key\\)$`, 'm'));
  const after = await startLinkhubProcess(env);
  try {
    assert.equal(await proxied(after, apiKey, account.id), 200, 'the stored Stripe key decrypts under the new master.key');
  } finally {
    await after.stop();
  }
});

test('embedded store with a generated master.key: rotate through the running server; it keeps encrypting, and after a restart the new key alone opens everything', async () => {
  const { env, file, keyOf, server, apiKey, account: before } = await embeddedWithKeyFile();
  const old = keyOf();
  secrets.push(old);
  const rotated = await cli(env, 'master-key', 'rotate');
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stderr, /Wrote a new master key to .*master\.key/);
  const fresh = keyOf();
  secrets.push(fresh);
  assert.notEqual(fresh, old);
  assert.ok(!existsSync(`${file}.previous`), 'every data key re-wrapped: the old key file is gone');
  assert.match(rotated.stdout, new RegExp(`all 1 are wrapped by the current master key ${keyId(fresh)}`));
  // the server keeps its data keys (only their wrapping changed): it still decrypts and encrypts
  assert.equal(await proxied(server, apiKey, before.id), 200);
  const afterwards = await linkAccount(server.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'sock-2', origin_owner_name: 'After' });
  assert.equal(await proxied(server, apiKey, afterwards.id), 200);
  await server.stop();
  const restarted = await startLinkhubProcess(env);
  try {
    for (const a of [before, afterwards]) assert.equal(await proxied(restarted, apiKey, a.id), 200, 'decrypted under the new master.key alone');
  } finally {
    await restarted.stop();
  }
});

describe('linkhub api-keys', () => {
  test('create prints the key once and it works over HTTP; list shows its end only; revoke makes it 401', async () => {
    const store = await newStore();
    const env = { ...store.env, LINKHUB_MASTER_KEY: store.env.LINKHUB_MASTER_KEY ?? newKey() };
    // with a server running: on the embedded store the commands run inside it (its admin socket), on PostgreSQL beside it
    const server = await startLinkhubProcess(env);
    serverKey(server);
    const created = await cli(env, 'api-keys', 'create', '--name', 'ci runner');
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^lh_[A-Za-z0-9]{40}$/, 'stdout is the key alone');
    const id = /Created API key (key_\w+) \("ci runner"\) in project default/.exec(created.stderr)![1];
    assert.ok(!created.stderr.includes(key));
    const listed = await cli(env, 'api-keys', 'list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(key), 'list never shows a key');
    const row = JSON.parse(listed.stdout).data.find((r: { id: string }) => r.id === id);
    assert.deepEqual([row.name, row.hint, row.revoked_at], ['ci runner', key.slice(-4), null]);
    const table = await cli(env, 'api-keys', 'list');
    assert.match(table.stdout, new RegExp(`${id}\\s+ci runner\\s+${key.slice(-4)}\\s.*active`));
    assert.equal((await callApi(server.url, 'GET', '/accounts', { key })).status, 200, 'the created key works');
    const revoked = await cli(env, 'api-keys', 'revoke', id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked API key ${id}`));
    const twice = await cli(env, 'api-keys', 'revoke', id);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, new RegExp(`^linkhub: there is no active API key ${id} in project default\\n$`));
    const noProject = await cli(env, 'api-keys', 'list', '--project', 'nope');
    assert.equal(noProject.code, 1);
    assert.match(noProject.stderr, /there is no project "nope" \(projects: default\)/);
    await waitFor('the revoked key refused', async () => (await callApi(server.url, 'GET', '/accounts', { key })).status === 401, 10_000, 100);
    await server.stop();
  });

  test('usage errors exit 2 with the usage on stderr; help exits 0', async () => {
    for (const args of [
      ['api-keys', 'revoke'],
      ['master-key', 'bogus'],
      ['api-keys', 'list', '--bogus'],
      ['master-key', 'rotate', '--batch-size', '0'],
    ]) {
      const r = await cli({}, ...args);
      assert.equal(r.code, 2, `linkhub ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /Usage: linkhub /);
    }
    const help = await cli({}, 'master-key', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /rotate/);
    assert.match(help.stdout, /status/);
    // `help` takes the command's whole name, and says when there is no such command
    const nested = await cli({}, 'help', 'master-key', 'rotate');
    assert.equal(nested.code, 0);
    assert.match(nested.stdout, /^Usage: linkhub master-key rotate/);
    assert.match(nested.stdout, /--batch-size/);
    const unknown = await cli({}, 'help', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^linkhub: unknown command 'nope'\nUsage: linkhub /);
  });
});

test('no secret (master keys, the Stripe key, API keys) in any CLI output', () => {
  assert.ok(outputs.length > 10);
  for (const out of outputs) for (const s of secrets) assert.ok(!out.includes(s), `a secret (…${s.slice(-4)}) in a CLI output`);
});
