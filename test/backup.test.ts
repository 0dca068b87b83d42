// Backups, as an operator makes them. The embedded store: `linkhub backup` of a data directory with a
// linked account, `linkhub restore` into a new one, and a Linkhub process there serving the account
// with the same master key; restore refuses a data directory a server holds, a file that is not a
// backup (or is cut short), a store already there unless --force (and, with --force, one whose
// master key is not here: backup-keys.test.ts); a snapshot taken while
// transactions commit holds each whole. PostgreSQL: `backup` points at
// pg_dump (exit 2), and the README's pg_dump / pg_restore round trip is run for real.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { count } from 'drizzle-orm';
import { readBackup, writeBackup } from '../src/services/backup/backup.js';
import { openSnapshot, openStore } from '../src/store/db.js';
import { auditEvents } from '../src/store/schema.js';
import { masterKeyId } from '../src/vault/master-key.js';
import { cli as runCli } from './helpers/cli.js';
import { linkedStore, proxied } from './helpers/linked-store.js';
import { childStore, killAllLinkhubProcesses, startLinkhubProcess } from './helpers/process.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

/** The machine's PostgreSQL (node-svc machines and CI have it). */
const SERVER = process.env.LINKHUB_TEST_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let stripe: StripeStandin;
const databases: ScratchDatabase[] = [];
const dir = mkdtempSync(join(tmpdir(), 'linkhub-backup-test-'));

before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const d of databases) await d.drop().catch(() => {});
  await stripe?.close();
  rmSync(dir, { recursive: true, force: true }); // stores and backups of tens of MB
});

const storeWithAccount = (env: Record<string, string>) => linkedStore(stripe, env);

describe('linkhub backup and restore (embedded store)', () => {
  test('a backup restored into a new data directory serves the account with the same master key; refusals change nothing', async () => {
    const source = await childStore({ embedded: true });
    const { apiKey, accountId } = await storeWithAccount(source.env);
    const keyFile = join(source.dataDir, 'master.key');
    const file = join(dir, 'linkhub.tar.gz');

    const made = await runCli(source.env, 'backup', file);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^Backed up the embedded store in .*: 1 account\(s\), [\d.]+ MB/);
    const id = masterKeyId(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
    assert.match(made.stderr, new RegExp(`does not hold the master key its secrets need \\(master key id ${id}\\)`));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const tar = gunzipSync(readFileSync(file));
    assert.ok(!tar.includes(stripe.keys.secretTest), 'the provider key is stored encrypted only');
    assert.ok(!tar.includes(readFileSync(keyFile, 'utf8').trim()), 'the master key stays out');

    // into a new data directory: restored, and told which master key it needs
    const target = mkdtempSync(join(dir, 'restored-'));
    const env = { LINKHUB_DATA_DIR: target, LINKHUB_STRIPE_API_BASE: stripe.url };
    const restored = await runCli(env, 'restore', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /^Restored .* \(taken .*, 1 account\(s\)\) into /);
    assert.match(restored.stderr, new RegExp(`need the master key with id ${id}, which is not here`));
    copyFileSync(keyFile, join(target, 'master.key'));
    const server = await startLinkhubProcess(env);
    assert.equal(await proxied(server, apiKey, accountId), 200, 'the restored account is served with its decrypted key');

    // while it serves: a backup through the server's admin socket, and its calls exported (flushed first)
    const live = join(dir, 'live.tar.gz');
    const whileServing = await runCli(env, 'backup', live);
    assert.equal(whileServing.code, 0, whileServing.stderr);
    assert.match(whileServing.stdout, new RegExp(`while the server \\(PID ${server.child.pid}\\) served`));
    assert.equal((await readBackup(live)).manifest.accounts, 1);
    const exported = await runCli(env, 'logs', 'export', '--since', '1h', '--kind', 'requests', '--format', 'ndjson');
    assert.equal(exported.code, 0, exported.stderr);
    const calls = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; account_id?: string });
    assert.ok(calls.length >= 1 && calls.every((c) => c.kind === 'request'), exported.stdout);

    // a data directory a server holds: refused, naming it and the server's PID
    const held = await runCli(env, 'restore', file);
    assert.equal(held.code, 1);
    assert.match(
      held.stderr,
      new RegExp(
        `^linkhub: a running Linkhub server \\(PID ${server.child.pid}\\) holds .*: stop it, run \`linkhub restore\`, then start it again \\(nothing was changed\\)`,
      ),
    );
    await server.stop();

    // a store already there: refused without --force, replaced with it
    const full = await runCli(env, 'restore', file);
    assert.equal(full.code, 1);
    assert.match(full.stderr, /already holds a store \(nothing was changed\): .* pass --force/);
    const forced = await runCli(env, 'restore', '--force', file);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /replacing the store that was there/);
    assert.doesNotMatch(forced.stderr, /master key/, 'the master.key there opens it');
    const keys = await runCli(env, 'api-keys', 'list', '--json');
    assert.equal(JSON.parse(keys.stdout).data.length, 1, keys.stderr);

    // files that are not backups: refused before anything is touched
    const empty = join(dir, 'never-created');
    const bad: [string, Buffer, RegExp][] = [
      ['text.txt', Buffer.from('hello\n'), /is not a Linkhub backup: it is not gzip-compressed/],
      ['cut.tar.gz', readFileSync(file).subarray(0, 100_000), /is not a Linkhub backup: it is not gzip-compressed \(or is cut short\)/],
      ['other.tar.gz', gzipSync(Buffer.alloc(4096, 7)), /is not a Linkhub backup: it is not a tar archive/],
    ];
    for (const [name, bytes, message] of bad) {
      writeFileSync(join(dir, name), bytes);
      const r = await runCli({ LINKHUB_DATA_DIR: empty }, 'restore', join(dir, name));
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /nothing was changed/);
    }
    assert.equal(existsSync(empty), false);
    for (const r of [made, restored, whileServing, exported, held, full, forced]) assert.ok(!(r.stdout + r.stderr).includes(stripe.keys.secretTest));
  });

  test('--include-master-key: the restored directory gets the master.key (mode 0600) that opens its data keys', async () => {
    const source = await childStore({ embedded: true });
    await storeWithAccount(source.env);
    const file = join(dir, 'with-key.tar.gz');
    const made = await runCli(source.env, 'backup', '--include-master-key', file);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /holds the master key .* keep it as safe as the key itself/);

    const target = join(dir, 'with-key');
    const restored = await runCli({ LINKHUB_DATA_DIR: target }, 'restore', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.doesNotMatch(restored.stderr, /master key/);
    assert.deepEqual(readFileSync(join(target, 'master.key')), readFileSync(join(source.dataDir, 'master.key')));
    assert.equal(statSync(join(target, 'master.key')).mode & 0o777, 0o600);
    const status = await runCli({ LINKHUB_DATA_DIR: target }, 'master-key', 'status', '--json');
    assert.equal(JSON.parse(status.stdout).master_keys[0].role, 'current', status.stderr);

    const withEnvKey = await runCli({ ...source.env, LINKHUB_MASTER_KEY: randomBytes(32).toString('base64') }, 'backup', '--include-master-key', file);
    assert.equal(withEnvKey.code, 2);
    assert.match(withEnvKey.stderr, /LINKHUB_MASTER_KEY is set/);
  });
});

describe('a restore interrupted at any step (a kill, a power cut)', () => {
  test('the next process finds the store before it until the new store takes its place, and the new one after', async () => {
    // what is restored: store X (its backup brings its master.key); what is there: store Y, with its own key
    const x = await childStore({ embedded: true });
    const fromX = await storeWithAccount(x.env);
    const file = join(dir, 'interrupted.tar.gz');
    assert.equal((await runCli(x.env, 'backup', '--include-master-key', file)).code, 0);
    const y = await childStore({ embedded: true });
    const fromY = await storeWithAccount(y.env);
    const ready = join(dir, 'ready'); // the new store as the restore has it just before the swap
    assert.equal((await runCli({ LINKHUB_DATA_DIR: ready }, 'restore', file)).code, 0);

    const mv = (d: string, from: string, to: string) => renameSync(join(d, from), join(d, to));
    // the restore's steps (services/backup/restore.ts), each the last one done before the interruption
    const steps: [string, (d: string) => void][] = [
      ['its store unpacked beside', (d) => cpSync(join(ready, 'pgdata'), join(d, 'pgdata.restoring'), { recursive: true })],
      ['the key file moved aside', (d) => mv(d, 'master.key', 'master.key.before-restore')],
      ['the store moved aside', (d) => mv(d, 'pgdata', 'pgdata.before-restore')],
      ["the backup's key file written", (d) => copyFileSync(join(ready, 'master.key'), join(d, 'master.key'))],
      ['the new store in place', (d) => mv(d, 'pgdata.restoring', 'pgdata')],
    ];
    for (let n = 1; n <= steps.length; n++) {
      const d = mkdtempSync(join(dir, `interrupted-${n}-`));
      cpSync(y.dataDir, d, { recursive: true });
      for (const [, step] of steps.slice(0, n)) step(d);
      const happened = n === steps.length;
      const list = await runCli({ LINKHUB_DATA_DIR: d }, 'accounts', 'list', '--json');
      const what = `interrupted after: ${steps[n - 1][0]}`;
      assert.equal(list.code, 0, `${what}: ${list.stderr}`);
      assert.match(list.stderr, happened ? /had finished: what it replaced is removed/ : /interrupted before/, what);
      const ids = (JSON.parse(list.stdout).data as { id: string }[]).map((a) => a.id);
      assert.deepEqual(ids, [happened ? fromX.accountId : fromY.accountId], what);
      const key = readFileSync(join(happened ? x.dataDir : y.dataDir, 'master.key'));
      assert.deepEqual(readFileSync(join(d, 'master.key')), key, `${what}: the key that opens that store`);
      assert.deepEqual(
        readdirSync(d).filter((f) => /before-restore|restoring/.test(f)),
        [],
        `${what}: nothing left over`,
      );
    }
  });
});

describe('the snapshot of a store that serves', () => {
  test('taken while transactions of two rows commit, it holds each transaction whole', async () => {
    const live = await openStore({ databaseUrl: null, pgliteDir: mkdtempSync(join(dir, 'live-')) });
    let writing = true;
    let committed = 0;
    const writers = [0, 1, 2].map(async (w) => {
      for (let i = 0; writing; i++) {
        await live.db.transaction(async (tx) => {
          for (const n of [1, 2])
            await tx
              .insert(auditEvents)
              .values({ projectId: 'p', accountId: `tx-${w}-${i}`, actorType: 't', actorId: 't', action: `step.${n}`, outcome: null });
        });
        committed++;
      }
    });
    while (committed < 20) await new Promise((r) => setTimeout(r, 5));
    const file = join(dir, 'live.tar.gz');
    await writeBackup(live, file);
    const atBackup = committed;
    writing = false;
    await Promise.all(writers);
    await live.close();

    const copy = await openSnapshot(join(mkdtempSync(join(dir, 'copy-')), 'pgdata'), (await readBackup(file)).pgdata);
    const groups = await copy.db.select({ accountId: auditEvents.accountId, n: count() }).from(auditEvents).groupBy(auditEvents.accountId);
    await copy.close();
    assert.ok(groups.length >= 20 && groups.length <= atBackup + 3, `${groups.length} transactions in the snapshot`);
    assert.deepEqual(
      groups.filter((g) => Number(g.n) !== 2),
      [],
      'no transaction cut in half',
    );
  });
});

describe('PostgreSQL: pg_dump and pg_restore', () => {
  test('linkhub backup points at pg_dump (exit 2), and the README round trip serves the account on the restored database', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const [first, second] = [await createScratchDatabase(SERVER, 'linkhub_dump'), await createScratchDatabase(SERVER, 'linkhub_restore')];
    databases.push(first, second);
    const env = (url: string) => ({ LINKHUB_DATA_DIR: mkdtempSync(join(dir, 'pg-')), DATABASE_URL: url, LINKHUB_MASTER_KEY: masterKey });

    const refused = await runCli(env(first.url), 'backup', join(dir, 'pg.tar.gz'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /pg_dump --format=custom --file=".*pg\.tar\.gz" "\$DATABASE_URL"/);
    assert.ok(!refused.stderr.includes(first.url), 'the URL (which may hold a password) is not printed');

    const { apiKey, accountId } = await storeWithAccount(env(first.url));
    const dump = join(dir, 'linkhub.dump');
    const dumped = spawnSync('/usr/bin/pg_dump', ['--format=custom', `--file=${dump}`, first.url], { encoding: 'utf8' });
    assert.equal(dumped.status, 0, dumped.stderr);
    const restored = spawnSync('/usr/bin/pg_restore', ['--no-owner', `--dbname=${second.url}`, dump], { encoding: 'utf8' });
    assert.equal(restored.status, 0, restored.stderr);

    const server = await startLinkhubProcess({ ...env(second.url), LINKHUB_STRIPE_API_BASE: stripe.url });
    assert.equal(await proxied(server, apiKey, accountId), 200, 'the restored database serves the account with the same master key');
    await server.stop();
  });
});
