// Request log for test assertions (docs/stripe.md#stand-in-request-log). Entries hold the masked
// key and its last four characters only; the full key is never stored.
import type { Params } from './form.js';

export interface RequestLogEntry {
  /** Arrival time, epoch milliseconds. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Params;
  /** Parsed form body (empty for GET). */
  body: Params;
  authScheme: 'bearer' | 'basic' | 'none';
  /** Stripe-style mask of the key sent (prefix, `*`s, last 4), or null without a key. */
  maskedKey: string | null;
  keyLast4: string | null;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  stripeAccount: string | null;
  stripeContext: string | null;
  /** The W3C `traceparent` header sent (Stripe ignores it; Linkhub sends its trace). */
  traceparent: string | null;
  /** HTTP status sent; 0 when the socket was reset without a response (or none was sent yet). */
  status: number;
  requestId: string | null;
  /** Fault injected into this request, if any. */
  fault?: string;
  /** True when the response was an idempotent replay. */
  replayed?: boolean;
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  constructor(public enabled = true) {}

  add(entry: RequestLogEntry): void {
    if (this.enabled) this.entries.push(entry);
  }

  /** Empties the log in place, so references to `entries` stay valid. */
  clear(): void {
    this.entries.length = 0;
  }
}
