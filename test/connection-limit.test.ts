// A node holds a bounded number of client connections (LINKHUB_HTTP_MAX_CONNECTIONS; by default half
// the open-files limit, at most 10,000). Without it, idle keep-alive connections took every file
// descriptor the process may open (19,870 of 20,000 in the resource attack pass): new clients timed
// out, and so would the node's own files and sockets. Past the bound a new connection is closed at
// once, and once connections end new ones are served again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultMaxConnections } from '../src/http/connection-limit.js';
import { useLinkhub } from './helpers/fixture.js';
import type { Linkhub } from './helpers/linkhub.js';
import { waitFor } from './helpers/process.js';

const MAX = 4;
let lh: Linkhub;
useLinkhub({ env: { LINKHUB_HTTP_MAX_CONNECTIONS: String(MAX) } }, (f) => {
  lh = f.lh;
});

/** Opens a connection and sends one keep-alive request: 'answered' (the connection stays open) or 'closed' without an answer. */
function visit(): Promise<{ socket: Socket; outcome: 'answered' | 'closed' }> {
  const u = new URL(lh.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    let text = '';
    socket.on('connect', () => socket.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`));
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (/^HTTP\/1\.1 200 /.test(text)) resolve({ socket, outcome: 'answered' });
    });
    socket.on('close', () => resolve({ socket, outcome: 'closed' }));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve({ socket, outcome: 'closed' });
      else reject(e);
    });
  });
}

describe('client connections', () => {
  test(`past ${MAX} at once a new connection is closed without an answer, and served again when others end`, async () => {
    const held: Socket[] = [];
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < MAX + 6; i++) {
        const v = await visit();
        held.push(v.socket);
        outcomes.push(v.outcome);
      }
      const answered = outcomes.filter((o) => o === 'answered').length;
      assert.ok(answered >= 1 && answered <= MAX, `at most ${MAX} held at once: ${outcomes.join(' ')}`);
      assert.equal(outcomes.slice(-6).filter((o) => o === 'answered').length, 0, 'the connections past the bound were closed');
      await waitFor('the refusal in the log', () => lh.logs.some((l) => /connection\(s\) closed at once: the node holds 4/.test(l)));
    } finally {
      for (const s of held) s.destroy();
    }
    await waitFor('a connection served again', async () => {
      const v = await visit();
      v.socket.destroy();
      return v.outcome === 'answered';
    });
  });

  test('the default bound is half the open-files limit, at most 10,000', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-'));
    try {
      const file = join(dir, 'limits');
      const limits = (soft: string) =>
        `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63704                63704                processes \nMax open files            ${soft}                 1048576              files     \n`;
      writeFileSync(file, limits('1024'));
      assert.equal(defaultMaxConnections(file), 512);
      writeFileSync(file, limits('1048576'));
      assert.equal(defaultMaxConnections(file), 10_000);
      writeFileSync(file, limits('unlimited'));
      assert.equal(defaultMaxConnections(file), 10_000);
      assert.equal(defaultMaxConnections(join(dir, 'missing')), 10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
