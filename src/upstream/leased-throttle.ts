// The per-account throttle shared by several nodes. Tokens come from one bucket per key that every
// node draws from (a TokenSource: in Linkhub a row per account in PostgreSQL, refilled at the
// account's rate), leased a few at a time, so most calls take a token from the node's own lease with
// no round trip, and the calls of all nodes together never exceed the rate. A lease is used within
// LEASE_TTL_MS or dropped: a node cannot hoard tokens and spend them later as a burst.
// Same contract as Throttle (throttle.ts): undefined when a token is at hand, else a promise in FIFO
// order; ThrottleError at once when the queue is full or the wait would be too long.
import { performance } from 'node:perf_hooks';
import { ThrottleError } from './throttle.js';

export interface TokenSource {
  /** Takes up to `want` tokens of `key` (bucket of `burst`, refilled at `rate`/s); resolves with how many were granted. */
  take(key: string, rate: number, burst: number, want: number): Promise<number>;
}

/** What the upstream client needs of a throttle (Throttle and LeasedThrottle). */
export interface ThrottleLike {
  readonly defaultRate: number;
  acquire(key: string, rate?: number, burst?: number, signal?: AbortSignal): Promise<void> | undefined;
  close(): void;
}

export interface LeasedThrottleOptions {
  /** Waiters allowed per key before refusing (default 200). */
  maxQueue?: number;
  /** Longest wait accepted, ms (default 10 000). */
  maxWaitMs?: number;
  /** Share of a second's tokens leased at once (default 0.1: 2 of 25/s, 10 of 100/s). */
  leaseFraction?: number;
}

const LEASE_TTL_MS = 1_000;

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

class Lease {
  tokens = 0;
  leasedAt = 0;
  rate: number;
  queue: Waiter[] = [];
  fetching = false;
  constructor(rate: number) {
    this.rate = rate;
  }
}

export class LeasedThrottle implements ThrottleLike {
  readonly defaultRate = 25;
  private readonly maxQueue: number;
  private readonly maxWaitMs: number;
  private readonly leaseFraction: number;
  private readonly leases = new Map<string, Lease>();
  private closed = false;

  constructor(
    private readonly source: TokenSource,
    opts: LeasedThrottleOptions = {},
  ) {
    this.maxQueue = Math.max(0, Math.floor(opts.maxQueue ?? 200));
    this.maxWaitMs = Math.max(0, opts.maxWaitMs ?? 10_000);
    this.leaseFraction = opts.leaseFraction ?? 0.1;
  }

  acquire(key: string, rate: number = this.defaultRate, _burst?: number, signal?: AbortSignal): Promise<void> | undefined {
    if (this.closed) throw new ThrottleError('closed', 0, 'The upstream client is closed');
    let lease = this.leases.get(key);
    if (lease === undefined) {
      if (this.leases.size > 10_000) this.sweep();
      lease = new Lease(rate);
      this.leases.set(key, lease);
    }
    lease.rate = rate;
    if (lease.queue.length === 0 && lease.tokens >= 1 && performance.now() - lease.leasedAt < LEASE_TTL_MS) {
      lease.tokens -= 1;
      return undefined;
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waitMs = Math.ceil(((lease.queue.length + 1) / rate) * 1000);
    if (lease.queue.length >= this.maxQueue) {
      throw new ThrottleError(
        'queue_full',
        waitMs,
        `Too many requests queued for account ${key} (${lease.queue.length} waiting, limit ${this.maxQueue}); retry in about ${waitMs} ms`,
      );
    }
    if (waitMs > this.maxWaitMs) {
      throw new ThrottleError(
        'wait_too_long',
        waitMs,
        `Rate limit for account ${key} (${rate}/s): the wait of about ${waitMs} ms would exceed ${this.maxWaitMs} ms`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: null };
      if (signal) {
        w.onAbort = () => {
          const i = lease.queue.indexOf(w);
          if (i !== -1) lease.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      lease.queue.push(w);
      if (!lease.fetching) void this.fill(key, lease);
    });
  }

  /** Leases tokens for the waiters of `key` until they are all served (or the throttle closes). */
  private async fill(key: string, lease: Lease): Promise<void> {
    lease.fetching = true;
    try {
      while (lease.queue.length > 0 && !this.closed) {
        if (lease.tokens < 1 || performance.now() - lease.leasedAt >= LEASE_TTL_MS) {
          const want = Math.max(lease.queue.length, Math.floor(lease.rate * this.leaseFraction), 1);
          const granted = await this.source.take(key, lease.rate, Math.max(1, Math.floor(lease.rate / 2)), Math.min(want, Math.max(1, Math.ceil(lease.rate))));
          lease.tokens = granted;
          lease.leasedAt = performance.now();
          if (granted === 0) {
            // The shared bucket is empty: the next token exists in about 1/rate s.
            await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(1000 / lease.rate))));
            continue;
          }
        }
        while (lease.tokens >= 1 && lease.queue.length > 0) {
          const w = lease.queue.shift()!;
          lease.tokens -= 1;
          if (w.onAbort && w.signal) w.signal.removeEventListener('abort', w.onAbort);
          w.resolve();
        }
      }
    } catch (e) {
      // The store is out of reach: the waiters fail with its error rather than wait forever.
      for (const w of lease.queue.splice(0)) w.reject(e);
    } finally {
      lease.fetching = false;
    }
  }

  private sweep(): void {
    const now = performance.now();
    for (const [key, lease] of this.leases) if (!lease.fetching && lease.queue.length === 0 && now - lease.leasedAt >= LEASE_TTL_MS) this.leases.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const lease of this.leases.values()) {
      for (const w of lease.queue.splice(0)) w.reject(new ThrottleError('closed', 0, 'The upstream client is closed'));
    }
    this.leases.clear();
  }
}
