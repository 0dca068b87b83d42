// A cap on each key's requests under way at the provider on this node (key = linked account id).
// Why: every account shares one pool of connections per provider origin. Without a cap, one account
// whose calls the provider answers slowly (or trickles, up to each attempt's deadline) holds every
// connection, and the calls of every other account queue behind it for as long. With the cap under the
// pool's size, the rest of the pool stays free for the others.
// A request over the cap waits for a slot in FIFO order, as a throttle wait (bounded queue and wait);
// past either it is refused at once with ThrottleError('in_flight'), which Linkhub answers as its own 429.
// Cost model: take() returns undefined (no promise) while the key is under its cap; only waiters allocate.
// A key's entry lives while it has requests under way, so the map holds the busy keys only.
import { ThrottleError } from './throttle.js';

export interface InFlightOptions {
  /** Requests under way per key. */
  max: number;
  /** Waiters allowed per key before refusing (default 200). */
  maxQueue?: number;
  /** Longest wait for a slot, ms (default 10 000). */
  maxWaitMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout | null;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

class Slots {
  used = 1;
  queue: Waiter[] = [];
}

/** A waiter refused: what the caller is told to wait before trying again. */
const RETRY_AFTER_MS = 1_000;

export class InFlightLimit {
  readonly max: number;
  private readonly maxQueue: number;
  private readonly maxWaitMs: number;
  private readonly keys = new Map<string, Slots>();
  private closed = false;

  constructor(opts: InFlightOptions) {
    if (!Number.isInteger(opts.max) || opts.max < 1) throw new RangeError('in-flight max must be a positive integer');
    this.max = opts.max;
    this.maxQueue = opts.maxQueue ?? 200;
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
  }

  /** Requests of `key` under way (tests, metrics). */
  used(key: string): number {
    return this.keys.get(key)?.used ?? 0;
  }

  /** Takes a slot of `key`: undefined when one was free, else a promise resolved when one is handed over. */
  take(key: string, signal?: AbortSignal): Promise<void> | undefined {
    if (this.closed) throw new ThrottleError('closed', RETRY_AFTER_MS, 'Linkhub is shutting down');
    const s = this.keys.get(key);
    if (s === undefined) {
      this.keys.set(key, new Slots());
      return undefined;
    }
    if (s.used < this.max) {
      s.used++;
      return undefined;
    }
    if (s.queue.length >= this.maxQueue || this.maxWaitMs === 0) throw this.refusal();
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, timer: null, signal, onAbort: null };
      w.timer = setTimeout(() => this.drop(s, w, this.refusal()), this.maxWaitMs);
      if (signal !== undefined) {
        w.onAbort = () => this.drop(s, w, signal.reason);
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      s.queue.push(w);
    });
  }

  /** Gives back a slot of `key` taken by take(): handed to the first waiter, else freed. */
  release(key: string): void {
    const s = this.keys.get(key);
    if (s === undefined) return;
    const w = s.queue.shift();
    if (w !== undefined) {
      this.settle(w);
      w.resolve(); // the slot passes to it: `used` stays
      return;
    }
    if (--s.used === 0) this.keys.delete(key);
  }

  /** Refuses every waiter (shutdown); slots under way are given back by their requests. */
  close(): void {
    this.closed = true;
    for (const s of this.keys.values()) {
      for (const w of s.queue.splice(0)) {
        this.settle(w);
        w.reject(new ThrottleError('closed', RETRY_AFTER_MS, 'Linkhub is shutting down'));
      }
    }
  }

  private drop(s: Slots, w: Waiter, reason: unknown): void {
    const i = s.queue.indexOf(w);
    if (i === -1) return;
    s.queue.splice(i, 1);
    this.settle(w);
    w.reject(reason);
  }

  private settle(w: Waiter): void {
    if (w.timer !== null) clearTimeout(w.timer);
    if (w.onAbort !== null) w.signal?.removeEventListener('abort', w.onAbort);
  }

  private refusal(): ThrottleError {
    return new ThrottleError('in_flight', RETRY_AFTER_MS, `${this.max} calls of this account are already under way at the provider`);
  }
}
