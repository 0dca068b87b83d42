// Starting the embedded store on a full disk when the store's files are there but its first writes
// are not (the disk filled after a first start copied the store template, issue 11's neighbour in
// store-faults-disk.test.ts): the start failed with drizzle's "Failed query: insert into vault_keys …"
// and its parameters (the wrapped data key) over two lines. Now one line names the data directory and
// says the disk is full (no space left on device), exit 1. On a small tmpfs the test mounts (root, as
// in store-faults-disk.test.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from '../src/store/db.js';
import { fill, tmpfs, unmountAll } from './helpers/disk.js';
import { killAllLinkhubProcesses, runLinkhubToExit } from './helpers/process.js';

const scratch = mkdtempSync(join(tmpdir(), 'linkhub-start-full-'));
after(async () => {
  await killAllLinkhubProcesses();
  unmountAll();
  rmSync(scratch, { recursive: true, force: true });
});

/** Fills the file system of `dir` but `leave` bytes. */
function fillBut(dir: string, leave: number): void {
  const spacer = join(dir, 'spacer');
  writeFileSync(spacer, Buffer.alloc(leave));
  fill(dir);
  rmSync(spacer);
}

describe('the embedded store started on a full disk', () => {
  test("a new store's first writes refused: one line naming the data directory and the full disk, exit 1", async () => {
    // a migrated store with nothing in it yet: what a first start copies from the template
    const made = join(scratch, 'made');
    await (await openStore({ databaseUrl: null, pgliteDir: made })).close();
    const mount = tmpfs('80m', 'linkhub-start-disk-');
    const dataDir = join(mount, 'data');
    mkdirSync(dataDir);
    cpSync(join(made, 'pgdata'), join(dataDir, 'pgdata'), { recursive: true });
    fillBut(mount, 8192); // room for the lock, not for the first rows

    const r = await runLinkhubToExit({ LINKHUB_DATA_DIR: dataDir, LINKHUB_MASTER_KEY: randomBytes(32).toString('base64') }, 120_000);
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      `linkhub: failed to start: the data directory ${dataDir} is on a full disk (no space left on device): free some space, then start Linkhub again (ENOSPC)\n`,
    );
  });
});
