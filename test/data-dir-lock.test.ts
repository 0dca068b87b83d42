// One Linkhub process per data directory (the embedded store): a second process on the same
// directory refuses to start, naming the directory and the holder's PID, instead of starting and
// silently losing acknowledged links (issue 11, the embedded store); a lock left by kill -9 is taken over at once;
// a holder in another PID namespace (another container on the same volume) is judged by its
// heartbeat, never by a PID that means nothing here. Real processes on PGlite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { callApi, childStore, type ChildStore, killAllLinkhubProcesses, linkAccount, runLinkhubToExit, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  await killAllLinkhubProcesses();
  await stripe?.close();
});

const embedded = async (): Promise<ChildStore & { env: Record<string, string> }> => {
  const s = await childStore({ embedded: true });
  return { ...s, env: { ...s.env, LINKHUB_STRIPE_API_BASE: stripe.url } };
};

/** The printed API key (first start only). */
const keyOf = (stdout: string) => /\blh_[A-Za-z0-9]{20,}\b/.exec(stdout)![0];

/** The one stderr line of a refused start. */
function refusal(r: { code: number | null; signal: string | null; stderr: string; stdout: string }): string {
  assert.equal(r.signal, null, r.stderr);
  assert.notEqual(r.code, 0, 'non-zero exit code');
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /listening/i);
  return lines[0];
}

describe('the data directory belongs to one process', () => {
  test('a second process on the same directory refuses, naming the directory and the PID; the first keeps every link', async () => {
    const store = await embedded();
    const first = await startLinkhubProcess(store.env);
    try {
      const key = keyOf(first.stdout());
      const linked = await linkAccount(first.url, key, stripe.keys.secretTest, { origin_owner_id: 'lock-1', origin_owner_name: 'Lock' });
      const second = await runLinkhubToExit(store.env, 60_000);
      const line = refusal(second);
      assert.ok(line.includes(store.dataDir), `names the directory: ${line}`);
      assert.ok(line.includes(`PID ${first.child.pid}`), `names the holder's PID: ${line}`);
      assert.match(line, /in use by another Linkhub process/);
      const got = await callApi(first.url, 'GET', `/accounts/${linked.id}`, { key });
      assert.equal(got.status, 200, 'the first process still serves its links');
    } finally {
      assert.deepEqual(await first.stop(), { code: 0, signal: null });
    }
    assert.ok(!existsSync(join(store.dataDir, 'linkhub.lock')), 'a clean stop frees the directory');
    const again = await startLinkhubProcess(store.env);
    await again.stop();
  });

  test('after kill -9 the next start takes the lock over at once and finds every acknowledged link', async () => {
    const store = await embedded();
    const first = await startLinkhubProcess(store.env);
    const key = keyOf(first.stdout());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await linkAccount(first.url, key, stripe.keys.secretTest, { origin_owner_id: `k9-${i}`, origin_owner_name: 'K9' })).id);
    }
    await first.kill9();
    const lockDir = join(store.dataDir, 'linkhub.lock');
    assert.ok(existsSync(lockDir), 'kill -9 left the lock behind');
    // Dated an hour ahead, the lock never looks stale: only recognising the dead PID can free it.
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(lockDir, later, later);
    const next = await startLinkhubProcess(store.env);
    try {
      const list = await callApi(next.url, 'GET', '/accounts', { key });
      assert.deepEqual(list.body.map((a: { id: string }) => a.id).sort(), [...ids].sort());
    } finally {
      await next.stop();
    }
  });

  test('a holder killed but not yet reaped (a zombie) holds nothing: the next start takes the lock at once', async () => {
    const store = await embedded();
    // a shell that starts a short sleep, then becomes a long one that never reaps it: the short one stays a zombie
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 120'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d).trim()))));
      const stat = () => readFileSync(`/proc/${pid}/stat`, 'utf8');
      const after = () =>
        stat()
          .slice(stat().lastIndexOf(')') + 2)
          .split(' ');
      for (let i = 0; after()[0] !== 'Z'; i++) {
        assert.ok(i < 200, 'the child became a zombie');
        await new Promise((r) => setTimeout(r, 25));
      }
      mkdirSync(join(store.dataDir, 'linkhub.lock'), { recursive: true });
      const owner = {
        pid,
        host: hostname(),
        since: new Date().toISOString(),
        boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        pidns: readlinkSync('/proc/self/ns/pid'),
        started: after()[19],
      };
      writeFileSync(join(store.dataDir, 'linkhub.pid'), JSON.stringify(owner));
      const p = await startLinkhubProcess(store.env);
      try {
        assert.equal(JSON.parse(readFileSync(join(store.dataDir, 'linkhub.pid'), 'utf8')).pid, p.child.pid);
      } finally {
        await p.stop();
      }
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('a holder in another PID namespace: refused while its heartbeat goes on, taken over once it stops', async () => {
    const store = await embedded();
    mkdirSync(store.dataDir, { recursive: true });
    const lockDir = join(store.dataDir, 'linkhub.lock');
    mkdirSync(lockDir);
    const foreign = { pid: 1, host: 'other-container', since: new Date().toISOString(), boot: 'another-boot', pidns: 'pid:[1]', started: '7' };
    writeFileSync(join(store.dataDir, 'linkhub.pid'), JSON.stringify(foreign));
    // the other container's heartbeat (PID 1 is alive here, but it is not that process)
    const beat = setInterval(() => utimesSync(lockDir, new Date(), new Date()), 500);
    try {
      const refused = await runLinkhubToExit(store.env, 60_000);
      const line = refusal(refused);
      assert.ok(line.includes('PID 1 on other-container'), line);
    } finally {
      clearInterval(beat);
    }
    // heartbeat stopped long ago (e.g. the container was killed): stale, taken over
    utimesSync(lockDir, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const p = await startLinkhubProcess(store.env);
    try {
      const owner = JSON.parse(readFileSync(join(store.dataDir, 'linkhub.pid'), 'utf8'));
      assert.equal(owner.pid, p.child.pid);
    } finally {
      await p.stop();
    }
  });

  test('a data directory that cannot be written: one line naming it and why, exit non-zero', async () => {
    const store = await embedded();
    const file = join(store.dataDir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runLinkhubToExit({ ...store.env, LINKHUB_DATA_DIR: file }, 60_000);
    const line = refusal(r);
    assert.ok(line.includes(file), line);
    assert.match(line, /is not a directory/);
  });
});
