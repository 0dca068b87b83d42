// The API thread's handle on the embedded store running in its own thread (pglite-worker.ts).
// It offers the part of PGlite's client interface drizzle-orm uses (query, exec, transaction,
// close), plus `copy` for the request log's batched COPY, so drizzle runs on it unchanged.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';
import { StoreUnavailableError } from './failures.js';
import { RAW_TEXT_TYPES, type Reply, type Request, type SerializedError, type WorkerInit } from './pglite-protocol.js';

type Pending = { resolve(v: unknown): void; reject(e: Error): void };
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function toError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  Object.assign(err, e.props);
  return err;
}

/** A statement target: the database itself, or one open transaction on it. */
class Session {
  constructor(
    protected readonly thread: PgliteThread,
    protected readonly txId: number | null,
  ) {}

  /**
   * Functions cannot cross threads: the one `parsers` option supported is drizzle's (keep
   * RAW_TEXT_TYPES as text), which the worker applies itself. Anything else is refused.
   */
  async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    if (options.blob) throw new Error('use copy() for COPY FROM /dev/blob on the embedded store');
    if (options.serializers || (options.parsers && Object.keys(options.parsers).some((k) => !RAW_TEXT_TYPES.includes(Number(k))))) {
      throw new Error("the embedded store thread supports no custom parsers or serializers (only drizzle-orm's raw timestamps)");
    }
    return (await this.thread.call({
      op: 'query',
      txId: this.txId,
      sql,
      params,
      rowMode: options.rowMode ?? 'object',
      rawTimestamps: options.parsers !== undefined,
    })) as Results<T>;
  }

  async exec(sql: string): Promise<Results[]> {
    return (await this.thread.call({ op: 'exec', txId: this.txId, sql })) as Results[];
  }
}

class ThreadTransaction extends Session {
  closed = false;

  constructor(thread: PgliteThread, txId: number) {
    super(thread, txId);
  }

  async rollback(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.thread.call({ op: 'rollback', txId: this.txId! });
  }
}

/**
 * How long the thread may owe answers without giving any before it counts as stuck. PGlite runs one
 * statement at a time, so a single statement this long has held every request of the node anyway;
 * and a store that stopped answering (seen after a write-ahead log file could not be created on a
 * full disk: every later statement waited for ever, even once space returned) is only cured by
 * opening it again, which is a restart.
 */
export const STUCK_AFTER_MS = 120_000;

export interface ThreadOptions {
  /** Answers owed this long without one: the store is stuck (STUCK_AFTER_MS; tests shorten it). */
  stuckAfterMs?: number;
}

export class PgliteThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTx = 1;
  private failure: Error | null = null;
  private readonly root = new Session(this, null);
  /** Since when the thread owes an answer without having given one (its last answer, or the first call after none was owed). */
  private owingSince = 0;
  /** A snapshot reads the whole directory: it may rightly take long. */
  private snapshotting = 0;
  private readonly watchdog: NodeJS.Timeout;
  private readonly stuckListeners: ((reason: string) => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    stuckAfterMs: number,
  ) {
    this.watchdog = setInterval(() => this.check(stuckAfterMs), Math.min(5_000, Math.max(50, stuckAfterMs / 4)));
    this.watchdog.unref();
    worker.on('message', (m: Reply) => {
      this.owingSince = performance.now();
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(toError(m.error));
    });
    const fail = (e: Error) => {
      this.failure ??= new StoreUnavailableError(`The embedded store's thread stopped: ${e.message}`);
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  /** Called once if the store stops answering (then every call fails at once as store_unavailable). */
  onStuck(listener: (reason: string) => void): void {
    this.stuckListeners.push(listener);
  }

  private check(stuckAfterMs: number): void {
    // unwatched until the server listens (onStuck): a migration at start, or a CLI command, may rightly take long
    if (this.stuckListeners.length === 0 || this.failure || this.pending.size === 0 || this.snapshotting > 0) return;
    const silent = performance.now() - this.owingSince;
    if (silent < stuckAfterMs) return;
    const reason = `the embedded store has answered nothing for ${(silent / 1000).toFixed(silent < 10_000 ? 1 : 0)} s with ${this.pending.size} statement(s) waiting`;
    this.failure = new StoreUnavailableError(`The embedded store stopped answering: ${reason}`);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    clearInterval(this.watchdog);
    void this.worker.terminate();
    for (const l of this.stuckListeners) l(reason);
  }

  /** Starts the worker and opens PGlite in it (a data directory, in memory, or from a dump). */
  static async start(init: WorkerInit, opts: ThreadOptions = {}): Promise<PgliteThread> {
    const worker = spawn(init);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the embedded store's thread exited (code ${code}) while opening`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: { ready: boolean; error?: SerializedError }) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (m.ready) resolve();
        else {
          void worker.terminate();
          reject(toError(m.error!));
        }
      });
    });
    return new PgliteThread(worker, opts.stuckAfterMs ?? STUCK_AFTER_MS);
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.root.query<T>(sql, params, options);
  }

  exec(sql: string): Promise<Results[]> {
    return this.root.exec(sql);
  }

  call(msg: Call): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.owingSince = performance.now();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id } as Request);
    });
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const txId = this.nextTx++;
    await this.call({ op: 'begin', txId });
    const tx = new ThreadTransaction(this, txId);
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      await tx.rollback().catch(() => {});
      throw e;
    }
    if (!tx.closed) {
      tx.closed = true;
      await this.call({ op: 'commit', txId });
    }
    return result;
  }

  /** `COPY … FROM '/dev/blob'` statements, each with its data, in one transaction. */
  async copy(statements: { sql: string; data: string }[]): Promise<void> {
    await this.call({ op: 'copy', statements });
  }

  /**
   * A tar of the data directory as of one moment (PGlite's dumpDataDir after a checkpoint, taken
   * while no transaction is open): what `linkhub backup` keeps. Statements wait while it is read.
   */
  async snapshot(): Promise<Uint8Array> {
    this.snapshotting++;
    try {
      return (await this.call({ op: 'snapshot' })) as Uint8Array;
    } finally {
      this.snapshotting--;
    }
  }

  /** How many times the store has synced a file to the disk (pglite-durable-fs.ts); 0 in memory. */
  async syncs(): Promise<number> {
    return (await this.call({ op: 'syncs' })) as number;
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    if (!this.failure) await this.call({ op: 'close' }).catch(() => {});
    this.failure ??= new StoreUnavailableError('The embedded store is closed');
    await this.worker.terminate();
  }
}

/**
 * Compiled (dist/*.js): the worker file itself. Under tsx (tests, benches, scripts) a worker does
 * not inherit the TypeScript loader, so a one-line bootstrap registers it first.
 */
function spawn(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', here), { workerData: init });
  const entry = new URL('./pglite-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}
