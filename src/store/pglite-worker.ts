// The embedded store's own thread: PGlite (Postgres compiled to WebAssembly) runs every statement
// synchronously on the thread that owns it, so it lives here and the API thread only posts SQL
// and receives rows (src/store/pglite-thread.ts). A batch of call-log segments, a slow query or
// a checkpoint then never stalls HTTP handling.
//
// Protocol (one message per call, answered by id): query, exec, copy (COPY … FROM '/dev/blob'
// statements in one transaction), begin / commit / rollback (a transaction held open across
// messages; PGlite's own lock makes other statements wait for it, as in-process), close.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { RAW_TEXT_TYPES, type Reply, type Request, type SerializedError, type WorkerInit } from './pglite-protocol.js';
import { DURABLE_SETTINGS, DurableNodeFS } from './pglite-durable-fs.js';
import { PGLITE_SETTINGS } from './pglite-settings.js';

/** drizzle-orm's parsers for its queries: timestamps, dates and intervals stay text. */
const RAW = (v: string) => v;
const RAW_PARSERS = Object.fromEntries(RAW_TEXT_TYPES.map((t) => [t, RAW]));

/**
 * PGlite's file system layer (Emscripten) throws `ErrnoError {errno}` objects, not Errors, with
 * Emscripten's own numbering: without this they reached the operator as "[object Object]".
 */
const EMSCRIPTEN_ERRNO: Record<number, [code: string, text: string]> = {
  2: ['EACCES', 'permission denied'],
  19: ['EDQUOT', 'disk quota exceeded'],
  22: ['EFBIG', 'file too large'],
  29: ['EIO', 'input/output error'],
  44: ['ENOENT', 'no such file or directory'],
  51: ['ENOSPC', 'no space left on device'],
  54: ['ENOTDIR', 'not a directory'],
  63: ['EPERM', 'operation not permitted'],
  69: ['EROFS', 'read-only file system'],
};

function fromErrno(e: unknown): Error | null {
  if (!e || typeof e !== 'object' || (e as { name?: unknown }).name !== 'ErrnoError') return null;
  const errno = (e as { errno?: unknown }).errno;
  const [code, text] = (typeof errno === 'number' && EMSCRIPTEN_ERRNO[errno]) || ['EIO', `file system error ${String(errno)}`];
  return Object.assign(new Error(text), { code });
}

function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : (fromErrno(e) ?? new Error(String(e)));
  const props: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(err)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') props[k] = v;
  return { message: err.message, name: err.name, props };
}

const plain = (r: Results) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows });

/** PGlite's own start parameters and Linkhub's settings (pglite-settings.ts); on disk, syncs that reach it. */
const START_PARAMS = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS];

interface OpenTx {
  tx: Transaction;
  finish(commit: boolean, replyId: number): void;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  const fs = init.dataDir ? new DurableNodeFS(init.dataDir) : null;
  const db = await PGlite.create({
    ...(fs ? { fs, startParams: [...START_PARAMS, ...DURABLE_SETTINGS] } : { startParams: START_PARAMS }),
    ...(init.loadDataDir ? { loadDataDir: new Blob([init.loadDataDir]) } : {}),
  });
  const txs = new Map<number, OpenTx>();
  const reply = (m: Reply) => port.postMessage(m);
  const target = (txId: number | null) => {
    if (txId === null) return db;
    const t = txs.get(txId);
    if (!t) throw new Error('transaction is no longer open');
    return t.tx;
  };
  const ROLLBACK = Symbol('rollback');
  const NO_REPLY = Symbol('no reply');

  async function handle(m: Request): Promise<unknown> {
    switch (m.op) {
      case 'query':
        return plain(await target(m.txId).query(m.sql, m.params, { rowMode: m.rowMode, parsers: m.rawTimestamps ? RAW_PARSERS : undefined }));
      case 'exec':
        return (await target(m.txId).exec(m.sql)).map(plain);
      case 'copy':
        // One statement commits on its own; several share a transaction (all or nothing).
        if (m.statements.length === 1) await db.query(m.statements[0].sql, [], { blob: new Blob([m.statements[0].data]) });
        else {
          await db.transaction(async (tx) => {
            for (const s of m.statements) await tx.query(s.sql, [], { blob: new Blob([s.data]) });
          });
        }
        return undefined;
      case 'begin':
        return new Promise<void>((opened, failed) => {
          let replyTo = -1;
          db.transaction(
            (tx) =>
              new Promise<void>((commit, rollback) => {
                txs.set(m.txId, {
                  tx,
                  finish: (ok, id) => {
                    replyTo = id;
                    if (ok) commit();
                    else rollback(ROLLBACK);
                  },
                });
                opened();
              }),
          ).then(
            () => {
              txs.delete(m.txId);
              reply({ id: replyTo, ok: true });
            },
            (e: unknown) => {
              txs.delete(m.txId);
              if (replyTo === -1) failed(e);
              else if (e === ROLLBACK) reply({ id: replyTo, ok: true });
              else reply({ id: replyTo, ok: false, error: serializeError(e) });
            },
          );
        });
      case 'commit':
      case 'rollback': {
        const t = txs.get(m.txId);
        if (!t) throw new Error('transaction is no longer open');
        t.finish(m.op === 'commit', m.id);
        return NO_REPLY; // answered when PGlite has committed or rolled back
      }
      case 'snapshot': {
        // A checkpoint first, so a restored copy replays (almost) no WAL; then the files are read
        // while no transaction is open and none can begin (PGlite's transaction lock, which every
        // statement takes): a state the store passed through, as after a clean stop.
        await db.query('CHECKPOINT');
        const tar = await db._runExclusiveTransaction(() => db.dumpDataDir('none'));
        return new Uint8Array(await tar.arrayBuffer());
      }
      case 'syncs':
        return fs?.syncs ?? 0;
      case 'close':
        await db.close();
        return undefined;
    }
  }

  port.on('message', (m: Request) => {
    handle(m).then(
      (result) => {
        if (result === NO_REPLY) return;
        // a snapshot (tens of MB) moves to the API thread instead of being copied
        if (result instanceof Uint8Array) port.postMessage({ id: m.id, ok: true, result } satisfies Reply, [result.buffer as ArrayBuffer]);
        else reply({ id: m.id, ok: true, result });
      },
      (e: unknown) => reply({ id: m.id, ok: false, error: serializeError(e) }),
    );
  });
  port.postMessage({ ready: true });
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ ready: false, error: serializeError(e) });
});
