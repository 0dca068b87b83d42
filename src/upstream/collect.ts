// One request through an undici Pool with its body buffered: what pool.request() + body.bytes()
// does, without a Readable stream, an AsyncResource and the extra promises per call (the client's
// hot path). Header names lowercased, repeated headers joined with ', '.
// Each request has a deadline for the whole exchange, answer included: undici's own timeouts count
// the wait for the headers and each gap between chunks, so an answer trickled a byte at a time, or a
// request queued behind busy connections, would never end. One timer per request: measured against
// one sweep over a set of the requests under way, it cost less (+2 against +5 µs CPU per request over
// the code before it, in a micro-benchmark of the client alone).
// The answer's bytes are counted against the node's budget of buffered bytes (byte-budget.ts) as they
// arrive and given back when the request settles; an answer the budget has no room for is ended
// there, as one over the largest answer is (the request was sent: never retried).
import { errors as undiciErrors, util as undiciUtil, type Dispatcher, type Pool } from 'undici';
import { AnswerOverBudgetError, type ByteBudget } from './byte-budget.js';

/** Failures that came after the request began to be written: it may have reached the provider. */
export const afterSending = new WeakSet<object>();

export interface Collected {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One request through pool.dispatch with a handler that buffers the body: what
 * pool.request() + body.bytes() does, without a Readable stream, an AsyncResource and the
 * extra promises per call. Header names lowercased, repeated headers joined with ', '.
 */
class CollectHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private abort: ((reason?: unknown) => void) | null = null;
  private readonly onAbort: (() => void) | null = null;
  /** undici began writing the request (onConnect): from then on it may reach the provider. */
  private sent = false;
  private settled = false;
  /** The deadline passed before undici took the request from its queue: refused when it does. */
  private expired: Error | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (r: Collected) => void,
    private readonly reject: (e: unknown) => void,
    private readonly signal: AbortSignal | null,
    deadlineMs: number,
    private readonly budget: ByteBudget | null,
  ) {
    if (signal !== null) {
      this.onAbort = () => this.abort?.(signal.reason);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.timer = setTimeout(this.expire, deadlineMs);
  }

  /** The deadline, told as undici's timeouts are: never sent (connect), no answer yet (headers), or mid-answer (body). */
  private readonly expire = (): void => {
    if (!this.sent) {
      this.expired = new undiciErrors.ConnectTimeoutError('Deadline passed before the request was sent');
      this.fail(this.expired);
    } else if (this.status === 0) this.abort?.(new undiciErrors.HeadersTimeoutError('Deadline passed before the answer began'));
    else this.abort?.(new undiciErrors.BodyTimeoutError('Deadline passed before the answer ended'));
  };

  onConnect(abort: (reason?: unknown) => void): void {
    if (this.expired !== null) abort(this.expired);
    else if (this.signal?.aborted) abort(this.signal.reason);
    else {
      this.abort = abort;
      this.sent = true;
    }
  }

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: wait for the final answer
    // RFC 9110 section 15: a status outside 100–599 is invalid (thrown here, undici aborts: an answer not HTTP)
    if (statusCode > 599) throw new Error(`status ${statusCode} is outside 100–599`);
    this.status = statusCode;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = undiciUtil.headerNameToString(raw[i]); // well-known names from a lookup tree, no string copy
      // toString() with no encoding is Buffer's UTF-8 fast path (no encoding lookup per value)
      const value = name === 'content-disposition' ? raw[i + 1].toString('latin1') : raw[i + 1].toString();
      const prev = h[name];
      h[name] = prev === undefined ? value : prev + ', ' + value;
    }
    this.headers = h;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.budget !== null && (this.settled || !this.budget.take(chunk.length))) {
      if (!this.settled) this.abort?.(new AnswerOverBudgetError());
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.done();
    // One chunk (the usual small answer): undici hands over a view of a buffer it does not reuse, so no copy.
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onError(err: unknown): void {
    if (this.sent && typeof err === 'object' && err !== null) afterSending.add(err);
    this.fail(err);
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.done();
    this.reject(err);
  }

  private done(): void {
    this.settled = true;
    clearTimeout(this.timer);
    // every byte counted was taken while unsettled: given back once, here
    if (this.budget !== null && this.size !== 0) this.budget.release(this.size);
    if (this.onAbort !== null) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

export function collect(
  pool: Pool,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
  deadlineMs: number,
  budget: ByteBudget | null = null,
): Promise<Collected> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    pool.dispatch(options, new CollectHandler(resolve, reject, signal ?? null, deadlineMs, budget) as unknown as Dispatcher.DispatchHandler);
  });
}
