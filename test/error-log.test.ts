// What the server log keeps of an unexpected error: a failed query is logged as its SQL and its
// driver's cause, never its parameters (a caller's body, a request held for approval); a client
// that resets its connection mid-body is no store failure. Through the app's real error handler,
// logger and store (PGlite or PostgreSQL) and a real socket.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandling } from '../src/http/errors.js';
import { loggerOptions } from '../src/http/logger.js';
import type { Store } from '../src/store/db.js';
import { createTestStore, type TestStore } from './helpers/store.js';

const MARKER = 'held-body-p4ram-m4rker';
const lines: string[] = [];
let app: FastifyInstance;
let made: TestStore;
let store: Store;

before(async () => {
  made = await createTestStore();
  store = await made.open();
  app = Fastify({ logger: loggerOptions('info', { write: (line: string) => void lines.push(line) }) });
  installErrorHandling(app);
  // jsonb cannot hold U+0000: the query fails in the database with the parameter in drizzle's message
  app.get('/fails', async () => store.db.execute(sql`select ${JSON.stringify({ body: MARKER, nul: '\u0000' })}::jsonb`));
  app.get('/throws', async () => {
    throw new Error(`plain failure ${MARKER}`);
  });
  app.post('/takes', async (request) => ({ got: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await store.close();
  await made.drop();
});

test('a failed query: answered 500 internal_error, logged as its SQL and cause without its parameters', async () => {
  const res = await app.inject({ method: 'GET', url: '/fails' });
  assert.equal(res.statusCode, 500);
  assert.equal(res.json().code, 'internal_error');
  assert.ok(!res.body.includes(MARKER));
  const logged = lines.find((l) => l.includes('unhandled error'));
  assert.ok(logged, lines.join('\n'));
  const err = JSON.parse(logged).err;
  assert.match(err.message, /^Failed query: select \$1::jsonb$/);
  assert.ok(err.cause, 'the driver’s cause is kept');
  assert.match(err.stack, /^ {4}at /, 'the stack’s frames, not its head');
  assert.ok(!logged.includes(MARKER), 'no parameter in the log');
});

test('any other unexpected error keeps its message and stack in the log', async () => {
  lines.length = 0;
  const res = await app.inject({ method: 'GET', url: '/throws' });
  assert.equal(res.statusCode, 500);
  assert.ok(!res.body.includes(MARKER));
  const err = JSON.parse(lines.find((l) => l.includes('unhandled error'))!).err;
  assert.equal(err.message, `plain failure ${MARKER}`);
});

test('a client that goes away mid-body is no store failure: no error logged, nothing answered 503', async () => {
  lines.length = 0;
  const { port } = app.server.address() as { port: number };
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /takes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  // the server sees the reset on its next turn; its log line for the request comes after
  const done = () => lines.some((l) => l.includes('"url":"/takes"'));
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(done(), 'the request’s line was written (after any error line of its own)');
  const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; res?: { statusCode: number } });
  assert.deepEqual(
    logged.filter((l) => l.level >= 50),
    [],
    'nothing at error level',
  );
  assert.ok(!lines.some((l) => l.includes('store_unavailable') || l.includes('"statusCode":503')), lines.join('\n'));
});
