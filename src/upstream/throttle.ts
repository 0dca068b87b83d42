// Per-key token buckets (key = linked account id) keeping Linkhub under a provider's per-account
// limits (its connector's rateLimits) instead of collecting 429s. Each key has `rate` tokens/s and holds at
// most `burst`; without a token a caller waits in a bounded FIFO queue. A caller is refused
// at once with `ThrottleError` when the queue is full or its wait would exceed `maxWaitMs`
// (the HTTP layer turns that into Linkhub's own 429).
//
// Cost model: `acquire()` returns `undefined` (no promise, no allocation) when a token is
// available; only waiting callers allocate. One timer per key exists only while someone
// waits. Buckets of idle keys (no waiters, refilled to full, so dropping them loses
// nothing) are swept when the map grows, so it stays proportional to the busy keys.
//
// The default burst is half the rate: providers' own buckets typically hold one second's worth, so
// starting below it leaves slack for network jitter bunching requests on arrival.
import { performance } from 'node:perf_hooks';

export interface ThrottleOptions {
  /** Requests per second when `acquire` is given no rate (default 25). */
  rate?: number;
  /** Bucket size in requests; default `max(1, floor(rate * burstRatio))`. */
  burst?: number;
  /** Default burst as a fraction of the rate (default 0.5). */
  burstRatio?: number;
  /** Waiters allowed per key before refusing (default 200). */
  maxQueue?: number;
  /** Longest wait accepted, in ms; a caller who would wait longer is refused (default 10 000). */
  maxWaitMs?: number;
}

/** in_flight: the account's cap on calls under way at the provider (in-flight.ts). */
export type ThrottleErrorReason = 'queue_full' | 'wait_too_long' | 'in_flight' | 'closed';

export class ThrottleError extends Error {
  override readonly name = 'ThrottleError';
  constructor(
    readonly reason: ThrottleErrorReason,
    /** Suggested delay before trying again, in ms. */
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
  }
}

class Waiter {
  next: Waiter | null = null;
  done = false;
  onAbort: (() => void) | null = null;
  constructor(
    readonly resolve: () => void,
    readonly reject: (e: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}
}

class Bucket {
  head: Waiter | null = null;
  tail: Waiter | null = null;
  /** Live (not aborted) waiters in the queue. */
  waiting = 0;
  timer: NodeJS.Timeout | null = null;
  constructor(
    public tokens: number,
    public last: number,
    public rate: number,
    public burst: number,
  ) {}
}

const EPSILON = 1e-9;
const MIN_SWEEP = 1024;
/** Also sweep on a new key when the last sweep is this old (keeps idle keys from lingering). */
const SWEEP_EVERY_MS = 60_000;

export class Throttle {
  readonly defaultRate: number;
  readonly maxQueue: number;
  readonly maxWaitMs: number;
  private readonly fixedBurst: number | undefined;
  private readonly burstRatio: number;
  private readonly buckets = new Map<string, Bucket>();
  private sweepAt = MIN_SWEEP;
  private lastSweep = performance.now();
  private closed = false;

  constructor(opts: ThrottleOptions = {}) {
    this.defaultRate = positive(opts.rate ?? 25, 'rate');
    this.fixedBurst = opts.burst === undefined ? undefined : positive(opts.burst, 'burst');
    this.burstRatio = positive(opts.burstRatio ?? 0.5, 'burstRatio');
    this.maxQueue = Math.max(0, Math.floor(opts.maxQueue ?? 200));
    this.maxWaitMs = Math.max(0, opts.maxWaitMs ?? 10_000);
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Callers waiting for `key` (0 when unknown). */
  waiting(key: string): number {
    return this.buckets.get(key)?.waiting ?? 0;
  }

  private burstFor(rate: number, burst: number | undefined): number {
    return burst ?? this.fixedBurst ?? Math.max(1, Math.floor(rate * this.burstRatio));
  }

  /**
   * Takes a token for `key`. Returns `undefined` when one was available (the fast path),
   * else a promise that resolves when the caller's turn comes (FIFO) or rejects with the
   * signal's reason on abort. Throws `ThrottleError` synchronously when the queue is full
   * or the wait would exceed `maxWaitMs`.
   */
  acquire(key: string, rate: number = this.defaultRate, burst?: number, signal?: AbortSignal): Promise<void> | undefined {
    if (this.closed) throw new ThrottleError('closed', 0, 'The upstream client is closed');
    const now = performance.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.sweepAt || (now - this.lastSweep > SWEEP_EVERY_MS && this.buckets.size > 64)) this.sweep(now);
      const cap = this.burstFor(rate, burst);
      b = new Bucket(cap, now, rate, cap);
      this.buckets.set(key, b);
    } else {
      if (b.rate !== rate || (burst !== undefined && b.burst !== burst)) {
        b.rate = rate;
        b.burst = this.burstFor(rate, burst);
      }
      refill(b, now);
    }
    if (b.waiting === 0 && b.tokens >= 1 - EPSILON) {
      b.tokens -= 1;
      return undefined;
    }
    return this.enqueue(key, b, signal);
  }

  private enqueue(key: string, b: Bucket, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waitMs = Math.ceil(((b.waiting + 1 - b.tokens) / b.rate) * 1000);
    if (b.waiting >= this.maxQueue) {
      throw new ThrottleError(
        'queue_full',
        waitMs,
        `Too many requests queued for account ${key} (${b.waiting} waiting, limit ${this.maxQueue}); retry in about ${waitMs} ms`,
      );
    }
    if (waitMs > this.maxWaitMs) {
      throw new ThrottleError(
        'wait_too_long',
        waitMs,
        `Rate limit for account ${key} (${b.rate}/s): the wait of about ${waitMs} ms would exceed ${this.maxWaitMs} ms`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      const w = new Waiter(resolve, reject, signal);
      if (signal) {
        w.onAbort = () => {
          if (w.done) return;
          w.done = true;
          b.waiting--;
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      if (b.tail) b.tail.next = w;
      else b.head = w;
      b.tail = w;
      b.waiting++;
      if (b.timer === null) this.schedule(b);
    });
  }

  private schedule(b: Bucket): void {
    const delay = Math.max(1, Math.ceil(((1 - b.tokens) / b.rate) * 1000));
    b.timer = setTimeout(this.onTimer, delay, b);
  }

  /** Timer callback (one bound function for all buckets; the bucket is the argument). */
  private readonly onTimer = (b: Bucket): void => {
    b.timer = null;
    refill(b, performance.now());
    while (b.head !== null) {
      const w = b.head;
      if (w.done) {
        b.head = w.next;
        continue;
      }
      if (b.tokens < 1 - EPSILON) break;
      b.tokens -= 1;
      b.head = w.next;
      w.done = true;
      b.waiting--;
      if (w.onAbort && w.signal) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
    if (b.head === null) b.tail = null;
    else if (!this.closed) this.schedule(b);
  };

  /** Drops buckets with no waiters that have refilled to full (dropping them loses nothing). */
  sweep(now: number = performance.now()): void {
    for (const [key, b] of this.buckets) {
      if (b.waiting !== 0 || b.timer !== null) continue;
      refill(b, now);
      if (b.tokens >= b.burst - EPSILON) this.buckets.delete(key);
    }
    this.sweepAt = Math.max(MIN_SWEEP, this.buckets.size * 2);
    this.lastSweep = now;
  }

  /** Rejects every waiter with ThrottleError('closed') and forgets all keys. */
  close(): void {
    this.closed = true;
    for (const b of this.buckets.values()) {
      if (b.timer) clearTimeout(b.timer);
      b.timer = null;
      for (let w = b.head; w !== null; w = w.next) {
        if (w.done) continue;
        w.done = true;
        if (w.onAbort && w.signal) w.signal.removeEventListener('abort', w.onAbort);
        w.reject(new ThrottleError('closed', 0, 'The upstream client is closed'));
      }
      b.head = b.tail = null;
      b.waiting = 0;
    }
    this.buckets.clear();
  }
}

function refill(b: Bucket, now: number): void {
  const elapsed = now - b.last;
  b.last = now;
  if (b.tokens < b.burst) {
    const t = b.tokens + (elapsed * b.rate) / 1000;
    b.tokens = Math.min(t, b.burst);
  } else if (b.tokens > b.burst) {
    b.tokens = b.burst; // the burst was lowered
  }
}

function positive(n: number, name: string): number {
  if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`throttle ${name} must be a positive number`);
  return n;
}
