// Rate limits and fault injection (docs/stripe.md#rate-limits, #stand-in-rate-limits-and-faults).
// Token buckets per (account, mode): a global bucket (live 100/s, test 25/s), an optional
// per-endpoint bucket and a search bucket (20/s). Each bucket holds one second's worth of
// tokens. Faults make the next N requests (optionally under a path prefix) fail on purpose.
import { performance } from 'node:perf_hooks';

export interface RateLimitConfig {
  /** Global requests per second per live-mode account (default 100). */
  live?: number;
  /** Global requests per second per test-mode account (default 25). */
  test?: number;
  /** Requests per second per endpoint (route template); off unless given (Stripe applies 25/s to some named endpoints). */
  perEndpoint?: number;
  /** Search requests per second (default 20). */
  search?: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  private cfg: { live: number; test: number; perEndpoint?: number; search: number } | null = null;
  private readonly buckets = new Map<string, Bucket>();

  constructor(cfg: false | RateLimitConfig | undefined) {
    this.set(cfg ?? false);
  }

  get config(): Readonly<{ live: number; test: number; perEndpoint?: number; search: number }> | null {
    return this.cfg;
  }

  /** `false` switches limits off; an object switches them on (missing fields take Stripe's defaults). */
  set(cfg: false | RateLimitConfig): void {
    this.buckets.clear();
    this.cfg = cfg === false ? null : { live: cfg.live ?? 100, test: cfg.test ?? 25, perEndpoint: cfg.perEndpoint, search: cfg.search ?? 20 };
  }

  /** Takes one token from every bucket that applies; false (nothing taken) when one is empty. */
  take(account: string, mode: 'live' | 'test', template: string, search: boolean): boolean {
    const cfg = this.cfg;
    if (!cfg) return true;
    const now = performance.now();
    const scope = account + '|' + mode;
    const global = this.refill(scope, mode === 'live' ? cfg.live : cfg.test, now);
    const endpoint = cfg.perEndpoint ? this.refill(scope + '|' + template, cfg.perEndpoint, now) : null;
    const srch = search ? this.refill(scope + '|search', cfg.search, now) : null;
    if (global.tokens < 1 || (endpoint && endpoint.tokens < 1) || (srch && srch.tokens < 1)) return false;
    global.tokens -= 1;
    if (endpoint) endpoint.tokens -= 1;
    if (srch) srch.tokens -= 1;
    return true;
  }

  private refill(key: string, rate: number, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rate, last: now };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.last) * rate) / 1000);
    b.last = now;
    return b;
  }
}

/**
 * Besides Stripe's own failures: 'reset' closes the connection; 'malformed' answers two different
 * Content-Lengths (not HTTP a client may read); 'bad_status' answers status 999; 'drip' sends a 200's
 * headers, then a byte every 200 ms until the client goes (each gap under any per-chunk timeout).
 */
export type FaultKind = 'lock_timeout' | '500' | '503' | '409' | 'reset' | 'delay' | 'malformed' | 'bad_status' | 'drip';

export interface FaultSpec {
  kind: FaultKind;
  /** How many requests it applies to (default 1). */
  count?: number;
  /** For 'delay': milliseconds added before the request is handled. */
  delayMs?: number;
  /** Only requests whose path starts with this (e.g. '/v1/customers'). */
  pathPrefix?: string;
}

export interface ActiveFault {
  kind: FaultKind;
  delayMs: number;
}

export class Faults {
  private readonly queue: { kind: FaultKind; remaining: number; delayMs: number; pathPrefix: string }[] = [];

  get pending(): number {
    return this.queue.reduce((n, f) => n + f.remaining, 0);
  }

  inject(f: FaultSpec): void {
    const count = f.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error('fault count must be a positive integer');
    this.queue.push({ kind: f.kind, remaining: count, delayMs: f.delayMs ?? 0, pathPrefix: f.pathPrefix ?? '' });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for a request to `path`, if one is queued for it (consumed in injection order). */
  take(path: string): ActiveFault | undefined {
    if (this.queue.length === 0) return undefined;
    for (let i = 0; i < this.queue.length; i++) {
      const f = this.queue[i];
      if (!path.startsWith(f.pathPrefix)) continue;
      if (--f.remaining === 0) this.queue.splice(i, 1);
      return { kind: f.kind, delayMs: f.delayMs };
    }
    return undefined;
  }
}
