// GET /healthz and GET /readyz of the real process, through HTTP: both name the version and the
// commit (none when run from source, as here: the compiled build is built-entry.test.ts), /readyz
// says "ready" only while the node is not shutting down. The store's failures (unreachable, a
// migration missing) are answered by the error catalogue's recipes (test/error-catalogue/) and,
// on PostgreSQL, by store-faults-postgres.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { projectRoot } from '../src/paths.js';
import { callApi, childStore, type ChildStore, killAllLinkhubProcesses, type LinkhubProcess, startLinkhubProcess } from './helpers/process.js';

const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

let store: ChildStore;
before(async () => {
  store = await childStore();
});
after(async () => {
  await killAllLinkhubProcesses();
  await store?.drop();
});

/** Opens a connection and sends `head` (an unfinished request); `finish` sends the rest and resolves with the status and the JSON body. */
async function halfSent(p: LinkhubProcess, head: string): Promise<{ finish(rest: string): Promise<{ status: number; body: any }> }> {
  const socket = connect(p.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return {
    async finish(rest) {
      socket.write(rest);
      await ended;
      const [headers, body] = text.split('\r\n\r\n');
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]), body: body ? JSON.parse(body) : null };
    },
  };
}

test('/healthz and /readyz: 200 with the store kind, the version and the commit (null: run from source)', async () => {
  const p = await startLinkhubProcess(store.env);
  try {
    const build = { store: store.kind, version, commit: null };
    const health = await callApi(p.url, 'GET', '/healthz');
    assert.equal(health.status, 200, health.text);
    assert.deepEqual(health.body, { status: 'ok', ...build });
    const ready = await callApi(p.url, 'GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.body, { status: 'ready', ...build });
  } finally {
    assert.deepEqual(await p.stop(), { code: 0, signal: null });
  }
});

test('during graceful shutdown /readyz answers 503 shutting_down in the error shape, then the process exits 0', async () => {
  const p = await startLinkhubProcess(store.env);
  assert.equal((await callApi(p.url, 'GET', '/readyz')).status, 200);
  // A request under way when SIGTERM comes (its headers not all sent) is on a busy connection,
  // which the drain waits for instead of closing it as idle; it is answered once shutdown has begun.
  const pending = await halfSent(p, 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  p.child.kill('SIGTERM');
  // Linkhub says so after it has begun draining: from then on nothing is answered "ready".
  for (let i = 0; i < 400 && !p.stdout().includes('shutting down'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(p.stdout(), /SIGTERM, shutting down/);
  const answer = await pending.finish('\r\n');
  assert.equal(answer.status, 503, JSON.stringify(answer));
  assert.equal(answer.body.statusCode, 503);
  assert.equal(answer.body.code, 'shutting_down');
  assert.equal(answer.body.retryable, true);
  assert.ok(Date.parse(answer.body.timestamp), 'timestamp in the error shape');
  assert.deepEqual(await p.exited, { code: 0, signal: null }, p.stderr());
});
