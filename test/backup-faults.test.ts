// `linkhub backup` under faults (the operations-under-faults pass). A backup killed while writing
// (kill -9) left its hidden temporary file beside the target for ever; now it is named for what it is
// (`.NAME.linkhub-HOST-PID-RANDOM.tmp`) and the next backup into the directory removes it, but never
// the temporary file of a backup still running (here: one stopped mid-write, which then finishes).
// A full disk said "ENOSPC: no space left on device, write", naming no file; now one line names the
// file and the full disk, exit 1, no temporary file left, the previous backup there intact (directly
// and through a serving server's admin socket).
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../src/paths.js';
import { readBackup } from '../src/services/backup/backup.js';
import { tmpfs, unmountAll } from './helpers/disk.js';
import { cli as runCli } from './helpers/cli.js';
import { linkedStore } from './helpers/linked-store.js';
import { childStore, killAllLinkhubProcesses, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
const dir = mkdtempSync(join(tmpdir(), 'linkhub-backup-faults-'));
const children: ChildProcess[] = [];

before(async () => {
  stripe = await startStripeStandin();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await killAllLinkhubProcesses();
  unmountAll();
  await stripe?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The temporary files of atomic writes in `d` (services/atomic-file.ts). */
const temporaries = (d: string) => readdirSync(d).filter((n) => /^\..*\.linkhub-[0-9a-f]{8}-\d+-[0-9a-f]{8}\.tmp$/.test(n));

/** `linkhub backup FILE` as a process of its own (so it can be stopped or killed mid-write). */
function backupProcess(env: Record<string, string>, file: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli.ts'), 'backup', file], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LINKHUB_LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Waits until `pid`'s temporary file for `file` appears in `d` (the backup is writing); its name. */
async function writing(d: string, file: string, pid: number): Promise<string> {
  const prefix = `.${file}.linkhub-`;
  for (let i = 0; i < 24_000; i++) {
    const t = temporaries(d).find((n) => n.startsWith(prefix) && n.includes(`-${pid}-`));
    if (t) return t;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no temporary file of PID ${pid} appeared`);
}

/** A data directory holding a store (started once), without an account. */
async function plainStore(): Promise<Record<string, string>> {
  const s = await childStore({ embedded: true });
  const p = await startLinkhubProcess(s.env);
  await p.stop();
  return s.env;
}

describe('linkhub backup under faults', () => {
  test('a backup killed mid-write leaves its temporary file; the next one removes it, never one a running backup writes', async () => {
    const x = await childStore({ embedded: true });
    await linkedStore(stripe, x.env);
    const y = await plainStore();
    const target = mkdtempSync(join(dir, 'target-'));

    // a backup stopped mid-write: its writer runs (stopped), so no other backup touches its file
    const stopped = backupProcess(x.env, join(target, 'x.tar.gz'));
    const held = await writing(target, 'x.tar.gz', stopped.child.pid!);
    stopped.child.kill('SIGSTOP');
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const live = join(target, `.z.tar.gz.linkhub-${host}-${process.pid}-0123abcd.tmp`); // this test process's own: running
    execFileSync('touch', [live]);

    // another one killed (-9) while writing: its temporary file stays, named for what it is
    const killed = backupProcess(y, join(target, 'y.tar.gz'));
    const left = await writing(target, 'y.tar.gz', killed.child.pid!);
    killed.child.kill('SIGKILL');
    await killed.exited;
    assert.ok(temporaries(target).includes(left), 'the killed backup left its temporary file');

    const next = await runCli(y, 'backup', join(target, 'y.tar.gz'));
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`^linkhub: removed ${join(target, left).replaceAll('.', '\\.')}, left by a backup killed while writing$`, 'm'));
    assert.deepEqual(temporaries(target).sort(), [held, live.slice(target.length + 1)].sort(), 'only the killed one removed');
    assert.equal((await readBackup(join(target, 'y.tar.gz'))).manifest.accounts, 0);

    stopped.child.kill('SIGCONT');
    assert.equal(await stopped.exited, 0, 'the stopped backup finished');
    assert.equal((await readBackup(join(target, 'x.tar.gz'))).manifest.accounts, 1);
    rmSync(live);
    assert.deepEqual(temporaries(target), []);
  });

  test('a full disk: one line naming the file and the full disk, exit 1, no temporary file, the previous backup intact', async () => {
    const env = await plainStore();
    const mount = tmpfs('64m', 'linkhub-backup-disk-');
    const file = join(mount, 'linkhub.tar.gz');
    const first = await runCli(env, 'backup', file);
    assert.equal(first.code, 0, first.stderr);
    const previous = readFileSync(file);
    // room for the backup there and half another one
    execFileSync('mount', ['-o', `remount,size=${Math.ceil((previous.length * 1.5) / 4096) * 4 + 64}k`, mount]);

    const direct = await runCli(env, 'backup', file);
    const server = await startLinkhubProcess(env);
    const served = await runCli(env, 'backup', file);
    await server.stop();
    for (const r of [direct, served]) {
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `linkhub: cannot write ${file}: the disk is full (no space left on device): free some space (ENOSPC); a file there before is unchanged\n`,
      );
      assert.deepEqual(readdirSync(mount), ['linkhub.tar.gz'], 'no temporary file left');
      assert.ok(readFileSync(file).equals(previous), 'the previous backup is intact');
    }
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await readBackup(file);
  });
});
