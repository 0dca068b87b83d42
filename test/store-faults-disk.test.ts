// The embedded store's disk going wrong (issue 11, the embedded store), on a small tmpfs the test mounts (as root,
// as on the development machines and CI): a full disk at first start said "[object Object]", a
// read-only store "PGlite failed to initialize"; now one line names the directory and the reason and
// the exit code is non-zero. A disk that fills while Linkhub runs: writes answer 503
// store_unavailable in the error shape, nothing acknowledged is lost, and writes work again once
// space returns, without a restart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fill, tmpfs, unmountAll } from './helpers/disk.js';
import { basicAuth, callApi, killAllLinkhubProcesses, runLinkhubToExit, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  unmountAll();
  await stripe?.close();
});

/** The one stderr line of a refused start. */
function refusal(r: { code: number | null; signal: string | null; stderr: string; stdout: string }): string {
  assert.equal(r.signal, null, r.stderr);
  assert.notEqual(r.code, 0, 'non-zero exit code');
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('warning: LINKHUB_MASTER_KEY is not set'));
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\[object Object\]|^\s+at /m);
  return lines[0];
}

const keyOf = (stdout: string) => /\blh_[A-Za-z0-9]{20,}\b/.exec(stdout)![0];

type Refused = { status: number; body: any; retryAfter: string | null };

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Refused> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

/** One link through the public path; the account id when acknowledged (201), else the refusal. */
async function link(url: string, key: string, i: number): Promise<{ id: string } | Refused> {
  const owner = { origin_owner_id: `disk-${i}-${'o'.repeat(180)}`, origin_owner_name: 'n'.repeat(250), multiple: true };
  const s = await post(`${url}/connect_sessions`, { authorization: basicAuth(key) }, owner);
  if (s.status !== 201) return s;
  const r = await post(
    `${url}/hub/accounts`,
    { 'x-hub-session-token': s.body.token },
    {
      integration_id: 'stripe-test',
      credentials: { api_key: stripe.keys.secretTest },
    },
  );
  return r.status === 201 ? { id: r.body.id } : r;
}

describe('the embedded store on a bad disk', () => {
  test('disk full at first start: one line naming the directory and ENOSPC, exit non-zero', async () => {
    const dir = join(tmpfs('8m'), 'data');
    const line = refusal(await runLinkhubToExit({ LINKHUB_DATA_DIR: dir }, 120_000));
    assert.ok(line.includes(dir), line);
    assert.match(line, /full disk.*ENOSPC/);
  });

  test('read-only store: one line naming the directory and EROFS, exit non-zero; read-write again, every link is there', async () => {
    const mount = tmpfs('96m');
    const env = { LINKHUB_DATA_DIR: join(mount, 'data'), LINKHUB_STRIPE_API_BASE: stripe.url };
    const p = await startLinkhubProcess(env);
    const key = keyOf(p.stdout());
    const linked = await link(p.url, key, 0);
    assert.ok('id' in linked, JSON.stringify(linked));
    assert.deepEqual(await p.stop(), { code: 0, signal: null });

    execFileSync('mount', ['-o', 'remount,ro', mount]);
    const line = refusal(await runLinkhubToExit(env, 120_000));
    assert.ok(line.includes(env.LINKHUB_DATA_DIR), line);
    assert.match(line, /read-only file system.*EROFS/);

    execFileSync('mount', ['-o', 'remount,rw', mount]);
    const again = await startLinkhubProcess(env);
    try {
      const list = await callApi(again.url, 'GET', '/accounts', { auth: basicAuth(key) });
      assert.deepEqual(
        list.body.map((a: { id: string }) => a.id),
        [linked.id],
      );
    } finally {
      await again.stop();
    }
  });

  test('disk full while running: 503 store_unavailable in the error shape, nothing acknowledged lost, writes again once space returns', async (t) => {
    const mount = tmpfs('96m');
    const env = { LINKHUB_DATA_DIR: join(mount, 'data'), LINKHUB_STRIPE_API_BASE: stripe.url };
    const p = await startLinkhubProcess(env);
    const key = keyOf(p.stdout());
    const acknowledged: string[] = [];
    const first = await link(p.url, key, 0);
    assert.ok('id' in first, JSON.stringify(first));
    acknowledged.push(first.id);

    const filler = fill(mount);
    let refused: Refused | null = null;
    for (let i = 1; i <= 400 && !refused; i++) {
      const r = await link(p.url, key, i);
      if ('id' in r) acknowledged.push(r.id);
      else refused = r;
    }
    assert.ok(refused, 'a write was refused once the disk was full');
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'store_unavailable');
    assert.equal(refused.body.statusCode, 503);
    assert.ok(Date.parse(refused.body.timestamp));
    assert.match(refused.retryAfter ?? '', /^\d+$/, 'Retry-After');
    t.diagnostic(`${acknowledged.length} links acknowledged, then ${refused.status} ${refused.body.code}`);
    assert.equal((await callApi(p.url, 'GET', '/accounts', { key })).status, 200, 'reads still work');

    rmSync(filler);
    let recovered: { id: string } | null = null;
    for (let i = 0; i < 50 && !recovered; i++) {
      const r = await link(p.url, key, 1000 + i);
      if ('id' in r) recovered = r;
      else await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(recovered, 'writes work again once space returns, without a restart');
    acknowledged.push(recovered.id);

    // full again, and stopped while full (an operator restarting a stuck service): it still exits
    // within its shutdown bound, and the next start (with space again) has every acknowledged link
    const again = fill(mount);
    const stopped = Date.now();
    const exit = await p.stop();
    t.diagnostic(`stopped on a full disk: ${JSON.stringify(exit)} after ${Date.now() - stopped} ms`);
    assert.deepEqual(exit, { code: 0, signal: null }, p.stderr());
    assert.ok(Date.now() - stopped < 10_000, 'within the shutdown bound');
    rmSync(again);

    const restarted = await startLinkhubProcess(env);
    try {
      const list = await callApi(restarted.url, 'GET', '/accounts', { key });
      const ids = new Set(list.body.map((a: { id: string }) => a.id));
      const lost = acknowledged.filter((id) => !ids.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged links lost`);
    } finally {
      await restarted.stop();
    }
  });
});
