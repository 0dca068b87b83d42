// Buffers rows in memory and writes them in batches: a call pushes a row (no I/O) and the
// writer flushes every `intervalMs` or at `maxBatch` rows; a failed flush keeps its rows and
// retries (bounded), and `close()` drains everything.
const noop = (): void => {};

export interface BatchWriterOptions {
  /** Flush at most this long after the first buffered row (default 100 ms). */
  intervalMs?: number;
  /** Flush at once when this many rows are buffered (default 100). */
  maxBatch?: number;
  /** Rows per INSERT statement (default 500). */
  maxStatementRows?: number;
  /** Rows kept for retry after failures before the oldest are dropped (default 50 000). */
  maxBuffered?: number;
}

/** Buffers rows and inserts them in batches; `close()` flushes what is left. */
export class BatchWriter<T> {
  private buf: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
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
    this.intervalMs = opts.intervalMs ?? 100;
    this.maxBatch = opts.maxBatch ?? 100;
    this.maxStatementRows = opts.maxStatementRows ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 50_000;
  }

  get pending(): number {
    return this.buf.length;
  }

  push(row: T): void {
    this.buf.push(row);
    if (this.flushing !== null) return; // the running flush re-arms when it ends
    if (this.buf.length >= this.maxBatch) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.flush().catch(noop);
    } else if (this.timer === null) {
      this.arm(this.closed ? 0 : this.intervalMs);
    }
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref?.();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.flush().catch(noop);
  };

  /** Writes everything buffered now (waits for a running flush first). Rejects if the store failed. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing.catch(noop);
    if (this.buf.length === 0) return;
    const rows = this.buf;
    this.buf = [];
    let failed = false;
    this.flushing = this.write(rows).catch((e: unknown) => {
      failed = true;
      throw e;
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
      if (this.buf.length > 0 && this.timer === null && !this.closed) {
        this.arm(failed ? 1000 : this.buf.length >= this.maxBatch ? 0 : this.intervalMs);
      }
    }
  }

  private async write(rows: T[]): Promise<void> {
    for (let i = 0; i < rows.length; i += this.maxStatementRows) {
      const chunk = rows.slice(i, i + this.maxStatementRows);
      try {
        await this.insert(chunk);
      } catch (e) {
        if (chunk.length > 1 && (await this.rowByRow(chunk))) continue;
        // The store is failing: keep the rest for a later flush (bounded).
        this.buf = rows.slice(i).concat(this.buf);
        if (this.buf.length > this.maxBuffered) {
          const drop = this.buf.length - this.maxBuffered;
          this.buf.splice(0, drop);
          this.dropped += drop;
        }
        this.warn(`${this.name}: writing ${chunk.length} rows failed (${(e as Error).message.slice(0, 200)}); ${this.buf.length} kept for retry`);
        throw e;
      }
    }
  }

  /**
   * After a failed batch: one row at a time, so a single unwritable row cannot block the rest.
   * Returns false (nothing dropped) when no row at all could be written (the store is down).
   */
  private async rowByRow(chunk: T[]): Promise<boolean> {
    const failed: T[] = [];
    let lastErr: unknown = null;
    for (const row of chunk) {
      try {
        await this.insert([row]);
      } catch (e) {
        failed.push(row);
        lastErr = e;
      }
    }
    if (failed.length === chunk.length) return false;
    if (failed.length) {
      this.dropped += failed.length;
      this.warn(`${this.name}: dropped ${failed.length} unwritable row(s): ${(lastErr as Error).message.slice(0, 200)}`);
    }
    return true;
  }

  /** Stops the timer and writes every buffered row (retrying once after a failure). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (let attempt = 0; attempt < 3 && (this.buf.length > 0 || this.flushing !== null); attempt++) {
      try {
        await this.flush();
      } catch {
        /* warned; try again */
      }
    }
  }
}
