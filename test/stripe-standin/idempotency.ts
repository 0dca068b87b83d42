// Idempotency-Key handling (docs/stripe.md#idempotency): a cache per (account, mode, key) of method,
// path, parameter hash, status, body and original request id; 24 h TTL. Entries are
// reserved while the request runs, so a concurrent duplicate gets 409.
import { createHash } from 'node:crypto';
import { errors } from './errors.js';
import { canonicalJson, type Params } from './form.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Oldest entries are dropped beyond this, so long benchmarks (the SDK keys every POST) stay bounded. */
export const MAX_IDEMPOTENCY_ENTRIES = 50_000;

interface Entry {
  method: string;
  path: string;
  hash: string;
  requestId: string;
  expires: number;
  done: boolean;
  status: number;
  json: string;
  headers: Record<string, string>;
}

export type Lookup =
  | { kind: 'fresh'; commit: (status: number, json: string, headers: Record<string, string>) => void; release: () => void }
  | { kind: 'replay'; status: number; json: string; headers: Record<string, string>; originalRequest: string };

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();
  private sinceSweep = 0;

  /** Number of stored (or in-flight) keys. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Looks `key` up for a request; throws the 400/409 StripeError for a too-long key, a key
   * in flight, or a mismatch of endpoint or parameters. `fresh` must be followed by
   * `commit` (store the response) or `release` (store nothing).
   */
  begin(scope: string, key: string, method: string, path: string, params: Params, requestId: string): Lookup {
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw errors.idempotencyKeyTooLong();
    const id = scope + '|' + key;
    const now = Date.now();
    const hash = createHash('sha256').update(canonicalJson(params)).digest('hex');
    const hit = this.entries.get(id);
    if (hit && hit.expires > now) {
      if (!hit.done) throw errors.idempotencyInUse();
      if (hit.path !== path || hit.method !== method) throw errors.idempotencyEndpoint(key, path, hit.path);
      if (hit.hash !== hash) throw errors.idempotencyParams(key);
      return { kind: 'replay', status: hit.status, json: hit.json, headers: hit.headers, originalRequest: hit.requestId };
    }
    const entry: Entry = { method, path, hash, requestId, expires: now + IDEMPOTENCY_TTL_MS, done: false, status: 0, json: '', headers: {} };
    this.entries.delete(id); // an expired entry: re-insert at the end (Map order = age)
    this.entries.set(id, entry);
    if (++this.sinceSweep >= 1000) this.sweep(now);
    if (this.entries.size > MAX_IDEMPOTENCY_ENTRIES) {
      for (const [k, e] of this.entries) {
        if (this.entries.size <= MAX_IDEMPOTENCY_ENTRIES) break;
        if (e.done) this.entries.delete(k);
      }
    }
    return {
      kind: 'fresh',
      commit: (status, json, headers) => {
        entry.done = true;
        entry.status = status;
        entry.json = json;
        entry.headers = headers;
      },
      release: () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    };
  }

  private sweep(now: number): void {
    this.sinceSweep = 0;
    for (const [k, e] of this.entries) if (e.expires <= now && e.done) this.entries.delete(k);
  }
}
