// Start-up of the real entry point (`node --import tsx src/main.ts`; the compiled one: built-entry.test.ts) as a child process:
// configuration validated from env vars, the default project and its API key on first start,
// the master key (generated for the embedded store, required with DATABASE_URL, checked against
// the store), and /readyz once ready. Runs on PGlite, or on a fresh PostgreSQL database when
// LINKHUB_TEST_STORE=postgres.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ConfigError, loadConfig } from '../src/config.js';
import {
  basicAuth,
  callApi,
  childStore,
  type ChildStore,
  killAllLinkhubProcesses,
  linkAccount,
  runLinkhubToExit,
  startLinkhubProcess,
} from './helpers/process.js';
import { testStoreKind } from './helpers/store.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

const KEY_BANNER = /default project's API key/;
const STACK_LINE = /^\s+at /m;

const nonEmptyLines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
const emptyDir = () => mkdtempSync(join(tmpdir(), 'linkhub-cfg-'));
const newMasterKey = () => randomBytes(32).toString('base64');

/** The API key printed on first start (the only lh_… token on stdout). */
function printedKey(stdout: string): string {
  const keys = stdout.match(/\blh_[A-Za-z0-9]{20,}\b/g) ?? [];
  assert.equal(keys.length, 1, `exactly one API key printed, once:\n${stdout}`);
  return keys[0];
}

/** A start-up refusal: exit code ≠ 0, exactly one non-empty stderr line naming `name`, no stack trace. */
function assertRefused(r: { code: number | null; signal: string | null; stdout: string; stderr: string }, name: string | RegExp): string {
  assert.equal(r.signal, null, `exited by itself (not killed): ${r.stderr}`);
  assert.notEqual(r.code, 0, 'non-zero exit code');
  const lines = nonEmptyLines(r.stderr);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  if (typeof name === 'string') assert.ok(lines[0].includes(name), `the line names ${name}: ${lines[0]}`);
  else assert.match(lines[0], name);
  assert.doesNotMatch(r.stderr + r.stdout, STACK_LINE, 'no stack trace');
  assert.doesNotMatch(r.stdout, /listening/i, 'never started serving');
  assert.doesNotMatch(r.stdout, KEY_BANNER);
  return lines[0];
}

let stripe: StripeStandin;
const stores: ChildStore[] = [];
async function newStore(opts: { embedded?: boolean } = {}): Promise<ChildStore> {
  const s = await childStore(opts);
  stores.push(s);
  return s;
}

before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const s of stores) await s.drop().catch(() => {});
  await stripe?.close();
});

describe('configuration by environment variables is validated at start', { concurrency: 3 }, () => {
  // the entry point itself, for the variables named in the issue
  const cases: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LINKHUB_MASTER_KEY', 'short'],
    ['DATABASE_URL', 'notaurl'],
    ['LINKHUB_STRIPE_API_BASE', 'ftp://x'],
    ['LINKHUB_WEBHOOK_URL', 'nope'],
  ];
  for (const [name, value] of cases) {
    test(`${name}=${JSON.stringify(value)} stops start-up with one line naming ${name}`, async () => {
      const dataDir = emptyDir();
      const r = await runLinkhubToExit({ LINKHUB_DATA_DIR: dataDir, [name]: value }, 60_000);
      assertRefused(r, name);
      assert.match(r.stderr, /configuration error/);
      assert.deepEqual(readdirSync(dataDir), [], 'nothing was created before the configuration was accepted');
    });
  }

  // the same validation for every other variable, through loadConfig (what main() calls first)
  test('every other variable: a bad value is a ConfigError naming it, on one line', () => {
    const more: [string, string][] = [
      ['LINKHUB_MASTER_KEY', randomBytes(16).toString('base64')],
      ['LINKHUB_MASTER_KEY', '!'.repeat(44)],
      ['DATABASE_URL', 'mysql://db.example/linkhub'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['LINKHUB_PUBLIC_URL', 'localhost:3000'],
      ['LINKHUB_PUBLIC_URL', 'ftp://example.com'],
      ['LINKHUB_PUBLIC_URL', 'https://example.com/linkhub'], // served at the root of its host only
      ['LINKHUB_PUBLIC_URL', 'https://example.com/?x=1'],
      ['LINKHUB_PUBLIC_URL', 'https://user:pw@example.com'],
      ['LINKHUB_ADMIN_PASSWORD', 'short'],
      ['LINKHUB_API_KEY', 'short key'],
      ['LINKHUB_WEBHOOK_URL', 'ftp://hooks.example'],
      ['LINKHUB_WEBHOOK_URL', 'https://hooks:pw@hooks.example/in'], // stored and listed in clear: deliveries are signed instead
      ['LINKHUB_WEBHOOK_TIMEOUT_MS', '50'],
      ['LINKHUB_WEBHOOK_SECRET', 'too-short'],
      ['LINKHUB_ORGANIZATION_ID_TYPE', 'float'],
      ['LINKHUB_LOG_LEVEL', 'loud'],
      ['LINKHUB_STRIPE_TIMEOUT_MS', '10s'],
      ['LINKHUB_STRIPE_TIMEOUT_MS', '99'],
      ['LINKHUB_WEBHOOK_RETRY_BASE_MS', '1'],
      ['LINKHUB_METRICS_TOKEN', 'too-short'],
      ['LINKHUB_METRICS_TOKEN', 'long enough but with spaces'],
      ['HOST', 'bad host!'],
      ['HOST', 'http://0.0.0.0'],
    ];
    for (const [name, value] of more) {
      assert.throws(
        () => loadConfig({ LINKHUB_DATA_DIR: emptyDir(), [name]: value }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(name) && !e.message.includes('\n'),
        `${name}=${JSON.stringify(value)}`,
      );
    }
    // and the defaults are valid on their own
    assert.equal(loadConfig({ LINKHUB_DATA_DIR: emptyDir() }).port, 3000);
  });

  test('a port in use: one line naming HOST and PORT', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    try {
      const port = (holder.address() as AddressInfo).port;
      const r = await runLinkhubToExit({ LINKHUB_DATA_DIR: emptyDir(), PORT: String(port) }, 60_000);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`failed to start: cannot listen on HOST=127\\.0\\.0\\.1 PORT=${port}: .*EADDRINUSE`));
    } finally {
      holder.close();
    }
  });

  test('DATABASE_URL without LINKHUB_MASTER_KEY is refused, naming LINKHUB_MASTER_KEY', async () => {
    const store = testStoreKind === 'postgres' ? await newStore() : null;
    const databaseUrl = store?.databaseUrl ?? 'postgres://linkhub@127.0.0.1:1/linkhub';
    const dataDir = emptyDir();
    const r = await runLinkhubToExit({ LINKHUB_DATA_DIR: dataDir, DATABASE_URL: databaseUrl }, 60_000);
    assertRefused(r, 'LINKHUB_MASTER_KEY');
    assert.ok(!existsSync(join(dataDir, 'master.key')), 'no master key is generated for PostgreSQL');
    if (store) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        const { rows } = await c.query(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema')`,
        );
        assert.equal(rows[0].n, 0, 'the database was not touched (not even migrated)');
      } finally {
        await c.end();
      }
    }
  });
});

describe('first start, default project and API key', () => {
  test('an empty store gets the default project and a key printed once; a second start prints none; the key works, a wrong one is 401', async () => {
    const store = await newStore();
    const first = await startLinkhubProcess(store.env);
    let key: string;
    try {
      const health = await callApi(first.url, 'GET', '/healthz');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'ok');
      assert.equal(health.body.store, store.kind);

      assert.match(first.stdout(), KEY_BANNER);
      key = printedKey(first.stdout());
      assert.ok(!first.stderr().includes(key), 'the key is not on stderr');
      assert.match(first.stdout(), new RegExp(`listening on http://127\\.0\\.0\\.1:${first.port} \\(store: ${store.kind}`));

      const ok = await callApi(first.url, 'GET', '/accounts', { key });
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body, []);
      const bearer = await callApi(first.url, 'GET', '/accounts', { auth: `Bearer ${key}` });
      assert.equal(bearer.status, 200);

      for (const auth of [basicAuth(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), basicAuth('lh_' + 'x'.repeat(40)), undefined]) {
        const bad = await callApi(first.url, 'GET', '/accounts', { auth });
        assert.equal(bad.status, 401);
        assert.equal(bad.body.statusCode, 401);
        assert.equal(typeof bad.body.message, 'string');
        assert.ok(Date.parse(bad.body.timestamp), 'timestamp in the error shape');
      }
    } finally {
      const exit = await first.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, 'SIGTERM shuts down cleanly');
    }

    // behind a proxy: where it listens, and the public URL it is reached at
    const second = await startLinkhubProcess({ ...store.env, LINKHUB_PUBLIC_URL: 'https://linkhub.example.com' });
    try {
      assert.match(second.stdout(), new RegExp(`listening on http://127\\.0\\.0\\.1:${second.port}, reached at https://linkhub\\.example\\.com \\(store:`));
      assert.doesNotMatch(second.stdout(), KEY_BANNER);
      assert.doesNotMatch(second.stdout(), /shown only this once/, 'nothing else is generated again either');
      assert.doesNotMatch(second.stdout() + second.stderr(), /\blh_[A-Za-z0-9]{20,}/, 'no key printed on the second start');
      assert.equal((await callApi(second.url, 'GET', '/accounts', { key })).status, 200, 'the first key still works');
      const keys = await callApi(second.url, 'GET', '/api_keys', { key });
      assert.equal(keys.status, 200, keys.text);
      assert.equal(keys.body.length, 1, 'no second default key was created');
    } finally {
      await second.stop();
    }
  });

  test('with LINKHUB_API_KEY nothing is printed and that key works', async () => {
    const store = await newStore();
    const given = `lh_given_${randomBytes(24).toString('base64url')}`;
    const p = await startLinkhubProcess({ ...store.env, LINKHUB_API_KEY: given });
    try {
      assert.doesNotMatch(p.stdout(), KEY_BANNER);
      assert.ok(!(p.stdout() + p.stderr()).includes(given), 'the given key is not echoed');
      assert.doesNotMatch(p.stdout(), /\blh_[A-Za-z0-9]{20,}/);
      const ok = await callApi(p.url, 'GET', '/accounts', { key: given });
      assert.equal(ok.status, 200, ok.text);
      const bad = await callApi(p.url, 'GET', '/accounts', { key: `lh_other_${randomBytes(24).toString('base64url')}` });
      assert.equal(bad.status, 401);
      assert.equal(bad.body.statusCode, 401);
    } finally {
      await p.stop();
    }
  });
});

describe('master key', () => {
  test('embedded store without LINKHUB_MASTER_KEY: master.key (0600) generated with a warning, reused on the next start; stored keys still decrypt', async () => {
    const store = await newStore({ embedded: true });
    const env = { LINKHUB_DATA_DIR: store.dataDir, LINKHUB_STRIPE_API_BASE: stripe.url };
    const file = join(store.dataDir, 'master.key');

    const first = await startLinkhubProcess(env);
    let accountId: string;
    let apiKey: string;
    let keyBytes: Buffer;
    try {
      assert.ok(existsSync(file), 'master.key was generated in the data dir');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      keyBytes = readFileSync(file);
      assert.equal(Buffer.from(keyBytes.toString('utf8').trim(), 'base64').length, 32);
      const warning = nonEmptyLines(first.stderr()).filter((l) => /warning/i.test(l));
      assert.equal(warning.length, 1, first.stderr());
      assert.ok(warning[0].includes('LINKHUB_MASTER_KEY') && warning[0].includes(file), warning[0]);
      assert.ok(!first.stderr().includes(keyBytes.toString('utf8').trim()), 'the master key itself is not printed');

      apiKey = printedKey(first.stdout());
      const linked = await linkAccount(first.url, apiKey, stripe.keys.restrictedTest, { origin_owner_id: 'mk-1', origin_owner_name: 'MK Co' });
      accountId = linked.id;
    } finally {
      await first.stop();
    }

    const second = await startLinkhubProcess(env);
    try {
      assert.equal(second.stderr().trim(), '', `no warning on the second start:\n${second.stderr()}`);
      assert.deepEqual(readFileSync(file), keyBytes, 'the same master key is reused');
      stripe.clearLog();
      const tested = await callApi(second.url, 'POST', `/accounts/${accountId}/test`, { key: apiKey });
      assert.equal(tested.status, 200, tested.text);
      assert.equal(tested.body.outcome, 'ok');
      assert.equal(tested.body.account.status, 'active');
      assert.ok(stripe.log.length > 0 && stripe.log.every((e) => e.keyLast4 === stripe.keys.restrictedTest.slice(-4)), 'the decrypted key was used');
    } finally {
      await second.stop();
    }

    // master.key lost: refused (a new key cannot open this store), with a clear message
    renameSync(file, file + '.bak');
    const lost = await runLinkhubToExit(env, 60_000);
    assertRefused(lost, /master\.key/);
    assert.ok(!existsSync(file), 'no replacement master.key was written next to the existing store');
    renameSync(file + '.bak', file);
    const third = await startLinkhubProcess(env);
    await third.stop();
  });

  test('a wrong master key for an existing store is refused with one clear line', async () => {
    const store = await newStore();
    const p = await startLinkhubProcess(store.env);
    await p.stop();
    const r = await runLinkhubToExit({ ...store.env, LINKHUB_MASTER_KEY: newMasterKey() }, 60_000);
    const line = assertRefused(r, 'LINKHUB_MASTER_KEY');
    assert.match(line, /master key does not match this store/);
    // the refusal changed nothing: the right key still starts
    const again = await startLinkhubProcess(store.env);
    assert.equal((await callApi(again.url, 'GET', '/healthz')).status, 200);
    await again.stop();
  });
});
