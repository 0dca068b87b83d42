// Buffers rows in memory and writes them in batches: a call pushes a row (no I/O) and the writer
// starts a write `intervalMs` after the oldest buffered row, or at once at `maxBatch` rows. Rows in
// the buffer are what a kill -9 loses, so the time a row can wait is what the call log promises
// (README): the interval plus one write. Hence up to `maxWrites` writes run at once, so a slow write
// never holds back the next batch (with one write at a time, a row arriving during a write waited
// for it, then a full interval, then its own write). A failed write puts its rows back at the front
// (bounded) and writes pause for RETRY_MS; `close()` drains everything. Writes running at once may
// end in any order: rows are written once each, not necessarily in push order.
import { isStoreUnavailable } from '../../store/failures.js';

const noop = (): void => {};
/** Pause of the writes after a failed one (the store is likely down: do not hammer it). */
const RETRY_MS = 1000;

export interface BatchWriterOptions {
  /** Start a write at most this long after the oldest buffered row (default 50 ms). */
  intervalMs?: number;
  /** Start a write at once when this many rows are buffered (default 100). */
  maxBatch?: number;
  /** Writes running at once at most (default 4); a batch due while all run waits for one to end. */
  maxWrites?: number;
  /** Rows per INSERT statement (default 500). */
  maxStatementRows?: number;
  /** Rows kept for retry after failures before the oldest are dropped (default 50 000). */
  maxBuffered?: number;
}

/** Buffers rows and inserts them in batches; `close()` flushes what is left. */
export class BatchWriter<T> {
  private buf: T[] = [];
  /** When the oldest buffered row was pushed (performance.now()). */
  private oldestAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly writes = new Set<Promise<void>>();
  /** No write starts by itself before this moment (after a failure). */
  private pausedUntil = 0;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly maxWrites: number;
  private readonly maxStatementRows: number;
  private readonly maxBuffered: number;
  /** Rows dropped because the store kept failing (visible for tests and health). */
  dropped = 0;

  constructor(
    private readonly name: string,
    private readonly insert: (rows: T[]) => Promise<void>,
    private readonly warn: (msg: string) => void,
    opts: BatchWriterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 50;
    this.maxBatch = opts.maxBatch ?? 100;
    this.maxWrites = opts.maxWrites ?? 4;
    this.maxStatementRows = opts.maxStatementRows ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 50_000;
  }

  get pending(): number {
    return this.buf.length;
  }

  push(row: T): void {
    if (this.buf.length === 0) this.oldestAt = performance.now();
    this.buf.push(row);
    this.schedule();
  }

  /** Starts a write now if one is due and allowed, else sets the timer for when it will be. */
  private schedule(): void {
    if (this.buf.length === 0) return;
    const now = performance.now();
    const due = this.closed || this.buf.length >= this.maxBatch ? now : this.oldestAt + this.intervalMs;
    const at = Math.max(due, this.pausedUntil);
    if (at <= now) {
      // all writes busy: the first to end calls schedule() again
      if (this.writes.size < this.maxWrites) this.start();
      return;
    }
    if (this.timer !== null) return;
    this.timer = setTimeout(this.onTimer, at - now);
    this.timer.unref?.();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.schedule();
  };

  /** Writes everything buffered as one write, in the background; the promise settles when it ends. */
  private start(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buf;
    this.buf = [];
    const w = this.write(rows).finally(() => {
      this.writes.delete(w);
      this.schedule(); // rows that came (or came back) meanwhile
    });
    this.writes.add(w);
    w.catch(noop);
    return w;
  }

  /**
   * Read-your-writes: resolves once every row pushed before the call is written. Waits for the writes
   * running now and writes what is buffered; rejects if the store failed (the rows stay buffered).
   */
  async flush(): Promise<void> {
    const waits = [...this.writes];
    if (this.buf.length > 0) waits.push(this.start());
    const results = await Promise.allSettled(waits);
    // A failed write put its rows back: one more try now, so success means they are written.
    if (results.some((r) => r.status === 'rejected') && this.buf.length > 0) await this.start();
  }

  private async write(rows: T[]): Promise<void> {
    for (let i = 0; i < rows.length; i += this.maxStatementRows) {
      const chunk = rows.slice(i, i + this.maxStatementRows);
      try {
        await this.insert(chunk);
      } catch (e) {
        const kept = chunk.length > 1 && !isStoreUnavailable(e) ? await this.rowByRow(chunk) : chunk;
        if (kept.length === 0) continue;
        // The store is failing: keep the rest for a later write (bounded), and pause the writes.
        if (this.buf.length === 0) this.oldestAt = performance.now();
        this.buf = kept.concat(rows.slice(i + chunk.length), this.buf);
        if (this.buf.length > this.maxBuffered) {
          const drop = this.buf.length - this.maxBuffered;
          this.buf.splice(0, drop);
          this.dropped += drop;
        }
        this.pausedUntil = performance.now() + RETRY_MS;
        this.warn(`${this.name}: writing ${chunk.length} rows failed (${(e as Error).message.slice(0, 200)}); ${this.buf.length} kept for retry`);
        throw e;
      }
    }
  }

  /**
   * After a failed batch: one row at a time, so a single unwritable row cannot block the rest. Returns
   * the rows to keep for a later write: from the first that failed because the store is unavailable
   * (it may come back during the pass: rows tried before then are not unwritable), or all of them when
   * none could be written. Rows refused for themselves are dropped.
   */
  private async rowByRow(chunk: T[]): Promise<T[]> {
    let refused = 0;
    let lastErr: unknown = null;
    let kept: T[] = [];
    for (const [i, row] of chunk.entries()) {
      try {
        await this.insert([row]);
      } catch (e) {
        if (isStoreUnavailable(e)) {
          kept = chunk.slice(i);
          break;
        }
        refused++;
        lastErr = e;
      }
    }
    if (refused === chunk.length) return chunk;
    if (refused) {
      this.dropped += refused;
      this.warn(`${this.name}: dropped ${refused} unwritable row(s): ${(lastErr as Error).message.slice(0, 200)}`);
    }
    return kept;
  }

  /** Stops the timer and writes every buffered row (trying up to three times after failures). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 3 && (this.buf.length > 0 || this.writes.size > 0); attempt++) {
      try {
        await this.flush();
      } catch {
        /* warned; try again */
      }
    }
  }
}
