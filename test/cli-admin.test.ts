// The `linkhub` commands with a server running, as processes: on the embedded store they run inside
// the server through its admin socket (owner-only, mode 0600, removed at shutdown, a stale one after
// kill -9 handled; only the registry's commands with fitting arguments), on PostgreSQL beside it.
// `accounts list` never shows a key; `accounts verify` turns an account whose key was revoked at the
// provider (the stand-in) to `error` with its webhook and audit record, exit codes as documented;
// `doctor` passes on a healthy setup and fails naming an unreachable API or a bad configuration.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cli, cliOnTerminal, cliOutputs } from './helpers/cli.js';
import { callApi, type ChildStore, childStore, killAllLinkhubProcesses, linkAccount, startLinkhubProcess, waitFor } from './helpers/process.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let receiver: WebhookReceiver;
const stores: ChildStore[] = [];
const secrets: string[] = [];

before(async () => {
  stripe = await startStripeStandin();
  receiver = await startWebhookReceiver();
});
after(async () => {
  await killAllLinkhubProcesses();
  for (const s of stores) await s.drop().catch(() => {});
  await stripe?.close();
  receiver?.server.close();
});

async function setup(opts: { embedded?: boolean; env?: Record<string, string> } = {}) {
  const store = await childStore(opts);
  stores.push(store);
  const env = {
    ...store.env,
    LINKHUB_MASTER_KEY: store.env.LINKHUB_MASTER_KEY ?? randomBytes(32).toString('base64'),
    LINKHUB_STRIPE_API_BASE: stripe.url,
    LINKHUB_VERIFY_INTERVAL: 'off', // only the CLI tests keys here
    ...opts.env,
  };
  secrets.push(env.LINKHUB_MASTER_KEY);
  const server = await startLinkhubProcess(env);
  const apiKey = /\blh_[A-Za-z0-9]{20,}\b/.exec(server.stdout())![0];
  secrets.push(apiKey);
  return { store, env, server, apiKey };
}

/** Sends one raw request line to the admin socket and returns the reply lines. */
function rawRequest(path: string, line: string): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const conn = connect(path);
    let text = '';
    conn.setEncoding('utf8').on('data', (d: string) => (text += d));
    conn.on('error', reject);
    conn.on('close', () =>
      resolve(
        text
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      ),
    );
    conn.write(`${line}\n`);
  });
}

test('admin socket (embedded store): mode 0600, owner only; only the registry commands; removed at shutdown; a stale one after kill -9 is handled', async () => {
  const { store, env, server } = await setup({ embedded: true });
  const path = join(store.dataDir, 'linkhub.sock');
  const st = lstatSync(path);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.uid, process.getuid!());

  for (const [line, message] of [
    ['{"command":"constructor","args":{},"masterKeyId":null}', /does not run the command "constructor"/],
    ['{"command":"api-keys list","args":{"project":"default","sql":"drop"},"masterKeyId":null}', /invalid arguments/],
    ['{"command":"api-keys revoke","args":{"project":1,"id":"x"},"masterKeyId":null}', /invalid arguments: \/project/],
    ['not json', /not a command/],
  ] as const) {
    const replies = await rawRequest(path, line);
    assert.equal(replies.length, 1, line);
    assert.equal(replies[0].t, 'exit');
    assert.equal(replies[0].code, 2, line);
    assert.match(replies[0].error, message);
  }

  const doctor = await cli(env, 'doctor');
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, new RegExp(`^ok {4}a running server \\(PID ${server.child.pid}\\) holds the data directory`, 'm'));

  // killed: the socket file stays behind; a command then opens the store itself
  await server.kill9();
  assert.ok(lstatSync(path).isSocket(), 'the stale socket is still there');
  const offline = await cli(env, 'api-keys', 'list', '--json');
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(JSON.parse(offline.stdout).data.length, 1);
  // a new server replaces the stale socket and serves commands through it
  const again = await startLinkhubProcess(env);
  const through = await cli(env, 'doctor');
  assert.match(through.stdout, new RegExp(`PID ${again.child.pid}\\) holds the data directory`));
  assert.equal((await again.stop()).code, 0);
  assert.equal(lstatSync(path, { throwIfNoEntry: false }), undefined, 'removed at shutdown');
});

test('accounts list never shows a key; accounts verify turns a key revoked at the provider to error, with its webhook and audit; exit codes', async () => {
  const { env, server, apiKey } = await setup();
  assert.equal((await callApi(server.url, 'POST', '/webhooks', { key: apiKey, body: { url: receiver.url } })).status, 201);
  const keys = [0, 1].map(() => stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id }));
  secrets.push(...keys);
  const [a, b] = [
    await linkAccount(server.url, apiKey, keys[0], { origin_owner_id: 'cust-a', origin_owner_name: 'Alpha' }),
    await linkAccount(server.url, apiKey, keys[1], { origin_owner_id: 'cust-b', origin_owner_name: 'Beta' }),
  ];

  const listed = await cli(env, 'accounts', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout).data;
  assert.deepEqual(
    rows.map((r: any) => [r.id, r.status, r.origin_owner_name]).sort(),
    [
      [a.id, 'active', 'Alpha'],
      [b.id, 'active', 'Beta'],
    ].sort(),
  );
  for (const k of keys) assert.ok(!listed.stdout.includes(k));
  assert.ok(
    rows.every((r: any) => !('key_hint' in r) && !('credentials' in r)),
    'not even the last characters of a key',
  );
  const table = await cli(env, 'accounts', 'list');
  assert.match(table.stdout, /^ID\s+PROVIDER\s+END USER\s+STATUS\s+LAST VERIFIED$/m);
  assert.match(table.stdout, new RegExp(`^${a.id}\\s+stripe \\(test\\)\\s+Alpha \\(cust-a\\)\\s+active\\s+\\d{4}-`, 'm'));

  const all = await cli(env, 'accounts', 'verify', '--all');
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /^verified 2\/2 account\(s\)$/m, 'plain progress lines when stderr is not a terminal');
  assert.match(all.stdout, new RegExp(`^${b.id}\\s+active\\s+the key works$`, 'm'));
  const onTerminal = await cliOnTerminal(env, 'accounts', 'verify', '--all');
  assert.equal(onTerminal.code, 0, onTerminal.stdout);
  assert.match(onTerminal.stdout, /verified \u2588+ 2\/2 account\(s\)/, 'a progress bar on a terminal');
  assert.doesNotMatch(onTerminal.stdout, /^verified 1\/2/m);

  stripe.world.setKeyStatus(keys[0], 'deleted');
  const revoked = await cli(env, 'accounts', 'verify', a.id);
  assert.equal(revoked.code, 1, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`^${a.id}\\s+error\\s+invalid_key: `, 'm'));
  assert.match(revoked.stderr, new RegExp(`^linkhub: 1 of 1 account\\(s\\) are not active or could not be verified: ${a.id}\\n$`));
  assert.equal((await callApi(server.url, 'GET', `/accounts/${a.id}`, { key: apiKey })).body.status, 'error');
  const event = await waitFor('the account.updated webhook', () =>
    receiver.events.find((e) => e.event === 'account.updated' && e.account_id === a.id && e.data?.status === 'error'),
  );
  assert.equal(event.data.status_reasons[0].code, 'invalid_key');
  const audit = await callApi(server.url, 'GET', `/audit?account_id=${a.id}&limit=50`, { key: apiKey });
  assert.ok(audit.body.data.some((e: any) => e.action === 'key.test' && e.outcome === 'invalid_key' && e.actor_type === 'system' && e.actor_id === 'cli'));

  const errors = await cli(env, 'accounts', 'list', '--status', 'error');
  assert.match(errors.stdout, new RegExp(a.id));
  assert.doesNotMatch(errors.stdout, new RegExp(b.id));
  const again = await cli(env, 'accounts', 'verify', '--all');
  assert.equal(again.code, 1, 'one account is not active');
  assert.match(again.stdout, new RegExp(`^${b.id}\\s+active\\s+the key works$`, 'm'));

  const missing = await cli(env, 'accounts', 'verify', 'acc_nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^linkhub: there is no account acc_nope in project default\n$/);
  for (const args of [
    ['accounts', 'verify'],
    ['accounts', 'verify', a.id, '--all'],
    ['accounts', 'list', '--status', 'bogus'],
  ]) {
    const usage = await cli(env, ...args);
    assert.equal(usage.code, 2, args.join(' '));
  }
  await server.stop();
});

test('doctor: passes on a healthy setup; fails naming an unreachable API, and a configuration that does not load', async () => {
  const { store, env, server } = await setup({ env: { LINKHUB_VERIFY_INTERVAL: '24h' } });
  const healthy = await cli(env, 'doctor');
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  assert.doesNotMatch(healthy.stdout, /^(fail|warn)/m);
  assert.match(healthy.stdout, /^ok {4}the store answers and has every migration$/m);
  assert.match(healthy.stdout, /^ok {4}the master key [0-9a-f]{16} \(LINKHUB_MASTER_KEY\) unwraps the store's 1 data key\(s\)$/m);
  assert.match(healthy.stdout, new RegExp(`^ok {4}Stripe API ${stripe.url} answers \\(HTTP \\d+ in \\d+ ms\\)$`, 'm'));
  assert.match(healthy.stdout, /^No problem found\.$/m);

  // an API that closes every connection: the check fails, naming it (on the embedded store with the server stopped, so the CLI's configuration applies)
  const refusing = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  if (store.kind === 'pglite') await server.stop();
  try {
    const unreachable = await cli({ ...env, LINKHUB_STRIPE_API_BASE: base }, 'doctor');
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stdout, new RegExp(`^fail  Stripe API ${base} is unreachable \\(`, 'm'));
    assert.equal(unreachable.stdout.match(/^fail/gm)?.length, 1);
    assert.match(unreachable.stderr, /^linkhub: doctor: 1 check\(s\) failed, 0 warning\(s\)\n$/);
  } finally {
    refusing.close();
  }
  const badConfig = await cli({ ...env, LINKHUB_MASTER_KEY: 'short' }, 'doctor');
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stdout, /^fail {2}the configuration does not load: LINKHUB_MASTER_KEY must be 32 bytes/);
  if (store.kind === 'postgres') await server.stop();
});

test('no secret (master keys, Stripe keys, API keys) in any CLI output', () => {
  assert.ok(cliOutputs.length > 10);
  for (const out of cliOutputs) for (const s of secrets) assert.ok(!out.includes(s), `a secret (…${s.slice(-4)}) in a CLI output`);
});
