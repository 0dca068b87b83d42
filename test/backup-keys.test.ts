// linkhub restore --force of a backup whose master key is not here: before, the store there was replaced
// (exit 0, a warning after the fact) and the server then refused to start on it, the store its own key
// opened gone. Now the restore is refused before anything changes, naming the key it needs; with that
// key configured as a previous one, or carried by the backup, it replaces the store.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { masterKeyId } from '../src/vault/master-key.js';
import { cli as runCli } from './helpers/cli.js';
import { linkedStore, proxied } from './helpers/linked-store.js';
import { childStore, killAllLinkhubProcesses, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
const dir = mkdtempSync(join(tmpdir(), 'linkhub-backup-keys-test-'));

before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  await stripe?.close();
  rmSync(dir, { recursive: true, force: true });
});

const storeWithAccount = (env: Record<string, string>) => linkedStore(stripe, env);

/** The id of the master key generated into `dataDir`, and the key itself (base64). */
function generatedKey(dataDir: string): { id: string; base64: string } {
  const base64 = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
  return { id: masterKeyId(Buffer.from(base64, 'base64')), base64 };
}

describe('restore --force of a backup whose master key is not here', () => {
  test('is refused before the store there is replaced; with the key configured (or carried by the backup) it replaces it', async () => {
    const x = await childStore({ embedded: true });
    const fromX = await storeWithAccount(x.env);
    const y = await childStore({ embedded: true });
    const fromY = await storeWithAccount(y.env);
    const other = join(dir, 'other.tar.gz');
    assert.equal((await runCli(y.env, 'backup', other)).code, 0);
    const yKey = generatedKey(y.dataDir);
    assert.notEqual(generatedKey(x.dataDir).id, yKey.id);

    const refused = await runCli(x.env, 'restore', '--force', other);
    assert.equal(refused.code, 1, refused.stdout);
    assert.equal(refused.stdout, '');
    assert.match(
      refused.stderr,
      new RegExp(
        `^linkhub: .*other\\.tar\\.gz needs the master key with id ${yKey.id}, which this configuration does not hold \\(nothing was changed\\): .*LINKHUB_MASTER_KEY_PREVIOUS \\(or LINKHUB_MASTER_KEY\\).* or restore into an empty LINKHUB_DATA_DIR\\n$`,
      ),
    );
    assert.deepEqual(
      readdirSync(x.dataDir).filter((f) => /before-restore|restoring/.test(f)),
      [],
    );
    const kept = await startLinkhubProcess({ ...x.env, LINKHUB_STRIPE_API_BASE: stripe.url });
    assert.equal(await proxied(kept, fromX.apiKey, fromX.accountId), 200, 'the store there still serves its account');
    await kept.stop();

    // the key configured as a previous one: replaced, and served
    const withKey = { ...x.env, LINKHUB_MASTER_KEY_PREVIOUS: yKey.base64 };
    const forced = await runCli(withKey, 'restore', '--force', other);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /replacing the store that was there/);
    assert.doesNotMatch(forced.stderr, /master key/);
    const server = await startLinkhubProcess({ ...withKey, LINKHUB_STRIPE_API_BASE: stripe.url });
    assert.equal(await proxied(server, fromY.apiKey, fromY.accountId), 200, 'the restored account is served with the previous key');
    await server.stop();

    // a backup that carries its master.key brings the key it needs
    const carrying = join(dir, 'other-with-key.tar.gz');
    assert.equal((await runCli(y.env, 'backup', '--include-master-key', carrying)).code, 0);
    const brought = await runCli(x.env, 'restore', '--force', carrying);
    assert.equal(brought.code, 0, brought.stderr);
    assert.doesNotMatch(brought.stderr, /master key/);
    assert.equal(generatedKey(x.dataDir).id, yKey.id);
  });
});
