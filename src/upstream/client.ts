// The one way Linkhub calls an upstream API (link-time key test, proxy, actions, MCP):
// one keep-alive undici Pool per origin, the credential injected in the header the provider
// reads, an idempotency key on every POST when the provider takes one (the same key on every
// attempt), per-account throttling and the SDK retry rules (retry.ts). What differs between
// providers (header names, retry advice) arrives as UpstreamRules, built from the connector.
//
// Guarantees:
//   - The credential goes only into its header: a caller `authorization` (any case) or a caller
//     header of the credential's name is dropped, and no error message, property or log line
//     carries it.
//   - Redirects are never followed: undici 7 dropped `maxRedirections` from dispatch
//     options, and a bare Pool (no redirect interceptor composed, as here) returns a 3xx
//     as is. `path` must already be guarded (url-guard.ts); it is relative to the base root.
//   - Bodies are not parsed: the response body is returned as a Buffer.
//   - `timeoutMs` is each attempt's deadline, from dispatch to the answer's end (collect.ts: one
//     timer per request; undici's own timeouts count each gap, so a trickled answer never ended).
//     Throttle waits and backoff are extra.
// Hot path (token available, 2xx): no closures, one header array, one options object.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { ANSWER_OVER_BUDGET, type ByteBudget } from './byte-budget.js';
import { afterSending, collect } from './collect.js';
import { InFlightLimit } from './in-flight.js';
import { UpstreamRequestError, UpstreamUnavailableError, unavailableCode } from './errors.js';
import { DROPPED_REQUEST_HEADERS, droppedByPrefix } from './headers.js';
import { backoffDelay, errorCode, retryPolicy, shouldRetryError, shouldRetryResponse, type RetryPolicy } from './retry.js';
import { Throttle, ThrottleError } from './throttle.js';
import type { UpstreamClientOptions, UpstreamRequest, UpstreamResponse } from './types.js';
import type { ThrottleLike } from './leased-throttle.js';

interface Target {
  pool: Pool;
  origin: string;
  /** Base path without trailing slash ('' for a root base). */
  prefix: string;
}

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'DELETE']);
/** Failures where the request certainly never reached the server (safe to retry anything). */
const NEVER_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);
/** An answer that is not HTTP undici can read (a bad chunk size or status line, two lengths, an upgrade): the request was sent. */
const BAD_ANSWER = 'LINKHUB_BAD_ANSWER';
/** undici codes that are transport failures (besides errno-style `E…` codes). */
const UNDICI_NETWORK: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_INFO',
  ANSWER_OVER_BUDGET,
]);
/** An answer that came but was not kept (unreadable, too large, or no room in the node's budget): sent, so never retried. */
const DROPPED_ANSWER: ReadonlySet<string> = new Set(['UND_ERR_RES_EXCEEDED_MAX_SIZE', ANSWER_OVER_BUDGET, BAD_ANSWER]);

function isNetworkCode(code: string | null): code is string {
  // errno-style codes (ECONNRESET, EAI_AGAIN, …), not Node's programming errors (ERR_…).
  return code !== null && (UNDICI_NETWORK.has(code) || (code.charCodeAt(0) === 69 /* E */ && !code.startsWith('ERR_')));
}

export class UpstreamClient {
  private readonly targets = new Map<string, Target>();
  private readonly pools = new Map<string, Pool>();
  private readonly policy: RetryPolicy;
  private readonly throttle: ThrottleLike | null;
  private readonly inFlight: InFlightLimit | null;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly connections: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly budget: ByteBudget | null;
  private readonly userAgent: string | null;
  private readonly idemPrefix: string;
  private readonly random: () => number;
  private closed = false;

  constructor(opts: UpstreamClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? Math.min(this.timeoutMs, 10_000);
    this.connections = opts.connections ?? 32;
    this.keepAliveTimeoutMs = opts.keepAliveTimeoutMs ?? 10_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 32 * 1024 * 1024;
    this.budget = opts.bufferedBytes ?? null;
    this.policy = retryPolicy(opts.retry);
    const t = opts.throttle;
    this.throttle = t === false ? null : t !== undefined && 'acquire' in t ? t : new Throttle(t);
    this.inFlight = opts.inFlight === undefined ? null : new InFlightLimit(opts.inFlight);
    this.userAgent = opts.userAgent === undefined ? 'Linkhub/0.1' : opts.userAgent;
    this.idemPrefix = opts.idempotencyKeyPrefix ?? 'linkhub-';
    this.random = opts.random ?? Math.random;
  }

  /** The pool and path prefix for a base URL (created on first use). */
  private target(base: string): Target {
    const hit = this.targets.get(base);
    if (hit !== undefined) return hit;
    if (this.closed) throw new UpstreamRequestError('closed', 'The upstream client is closed');
    let u: URL;
    try {
      u = new URL(base);
    } catch {
      throw new UpstreamRequestError('invalid_request', 'The upstream base URL is not a valid URL');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UpstreamRequestError('invalid_request', 'The upstream base URL must be http or https');
    let pool = this.pools.get(u.origin);
    if (pool === undefined) {
      pool = new Pool(u.origin, {
        connections: this.connections,
        pipelining: 1,
        keepAliveTimeout: this.keepAliveTimeoutMs,
        connectTimeout: this.connectTimeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        maxResponseSize: this.maxResponseBytes,
      });
      this.pools.set(u.origin, pool);
    }
    const t: Target = { pool, origin: u.origin, prefix: u.pathname.replace(/\/+$/, '') };
    this.targets.set(base, t);
    return t;
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const started = performance.now();
    if (this.closed) throw new UpstreamRequestError('closed', 'The upstream client is closed');
    const target = this.target(req.base);
    const method = req.method;
    if (typeof req.path !== 'string' || req.path.charCodeAt(0) !== 47 /* / */) {
      throw new UpstreamRequestError('invalid_request', 'The upstream path must start with /');
    }

    // Headers as a flat [name, value, …] array (undici's cheapest form).
    const headers: string[] = [];
    let callerIdem: string | null = null;
    let callerType: string | null = null;
    let hasAgent = false;
    const rules = req.rules;
    const idemHeader = rules.idempotencyHeader;
    const credential = req.credential;
    const trace = rules.traceparent ? req.traceparent : undefined;
    const src = req.headers;
    if (src !== undefined) {
      for (const k in src) {
        const v = src[k];
        if (typeof v !== 'string') continue;
        const name = k.toLowerCase();
        if (name === idemHeader) callerIdem = v;
        else if (name === 'content-type') callerType = v;
        else if (
          !DROPPED_REQUEST_HEADERS.has(name) &&
          !droppedByPrefix(name) &&
          name !== credential.header &&
          (trace === undefined || name !== 'traceparent')
        ) {
          if (name === 'user-agent') hasAgent = true;
          headers.push(name, v);
        }
      }
    }
    headers.push(credential.header, credential.value);
    if (trace !== undefined) headers.push('traceparent', trace);
    let idem: string | null = null;
    if (idemHeader !== null) {
      idem = req.idempotencyKey ?? callerIdem;
      if (idem !== null && idem.trim() === '') idem = null; // a blank key is none: the provider would not keep it
      if (idem === null && method === 'POST') idem = this.idemPrefix + randomUUID();
      if (idem !== null) headers.push(idemHeader, idem);
    }
    const body = req.body === undefined || req.body === null || req.body === '' ? null : req.body;
    if (body !== null) headers.push('content-type', req.contentType ?? callerType ?? 'application/x-www-form-urlencoded');
    if (!hasAgent && this.userAgent !== null) headers.push('user-agent', this.userAgent);

    const timeout = req.timeoutMs ?? this.timeoutMs;
    const options = {
      path: target.prefix === '' ? req.path : target.prefix + req.path,
      method,
      headers,
      body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    };
    const maxRetries = req.retries ?? this.policy.maxRetries;
    // POST/PATCH are retried only with an idempotency key (POST always has one).
    const replayable = idem !== null || IDEMPOTENT_METHODS.has(method);
    const throttleKey = req.throttleKey;
    const throttle = throttleKey === undefined ? null : this.throttle;
    const rate = throttle === null ? 0 : (req.throttleRate ?? throttle.defaultRate);
    const slots = throttleKey === undefined ? null : this.inFlight;

    let retries = 0;
    /** Attempts that undici took (a retry refused by the throttle or the shutdown is none). */
    let attempts = 0;
    let last: UpstreamResponse | null = null;
    let lastCode: string | null = null;
    let indeterminate = false;
    for (;;) {
      if (this.closed) {
        if (attempts === 0) throw new UpstreamRequestError('closed', 'The upstream client is closed');
        break; // shutting down between attempts: what the last attempt got
      }
      if (throttleKey !== undefined) {
        // A token of the account's rate, then one of its slots at the provider (in-flight.ts)
        try {
          const wait = throttle?.acquire(throttleKey, rate, undefined, req.signal);
          if (wait !== undefined) await wait;
          const slot = slots?.take(throttleKey, req.signal);
          if (slot !== undefined) await slot;
        } catch (err) {
          // Refused on a retry: report what the previous attempt got instead.
          if (retries === 0 || !(err instanceof ThrottleError)) throw err;
          break;
        }
      }
      attempts++;
      try {
        const res = await collect(target.pool, options, req.signal, timeout, this.budget);
        const rh = res.headers;
        const status = res.status;
        const buf = res.body;
        last = {
          status,
          headers: rh,
          body: buf,
          attempts,
          requestId: rules.requestIdHeader === null ? null : (rh[rules.requestIdHeader] ?? null),
          idempotencyKey: idem,
          durationMs: 0,
          earlierIndeterminate: indeterminate,
        };
        lastCode = null;
        if (
          !replayable ||
          !shouldRetryResponse(retries, maxRetries, status, rules.adviceHeader === null ? undefined : rh[rules.adviceHeader], buf, rules.transientAnswer)
        )
          break;
        if (status >= 500) indeterminate = true; // retried: the next answer may not say what this attempt did
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason ?? err;
        let code = errorCode(err);
        if (!isNetworkCode(code)) {
          // Before the request was written it never left: told as such. After, it may have reached the
          // provider (an answer undici could not read, a shutdown's cut): an attempt, not a retry.
          if (!afterSending.has(err as object)) {
            if (attempts === 1) throw this.requestError(err, code, credential.secret);
            attempts--;
            break; // a retry that could not be sent: what the earlier attempt got
          }
          code = code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED' ? 'UND_ERR_CLOSED' : BAD_ANSWER;
        }
        last = null;
        lastCode = code;
        if (!NEVER_SENT.has(code)) indeterminate = true;
        const retry = DROPPED_ANSWER.has(code) ? false : replayable || NEVER_SENT.has(code) ? shouldRetryError(this.policy, retries, maxRetries, err) : false;
        if (!retry || this.closed) break;
      } finally {
        slots?.release(throttleKey!);
      }
      retries++;
      await sleep(backoffDelay(this.policy, retries, this.random), undefined, req.signal ? { signal: req.signal } : undefined);
    }

    const durationMs = performance.now() - started;
    if (last !== null) {
      last.durationMs = durationMs;
      return last;
    }
    throw new UpstreamUnavailableError(unavailableCode(lastCode), lastCode, attempts, target.origin, idem, durationMs);
  }

  /** A non-transport failure, with a message that cannot carry the credential. */
  private requestError(err: unknown, code: string | null, secret: string): UpstreamRequestError {
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return new UpstreamRequestError('closed', 'The upstream client is closed', code);
    let msg = err instanceof Error ? err.message : String(err);
    if (secret !== '' && msg.includes(secret)) msg = msg.split(secret).join('[credential]');
    if (msg.length > 200) msg = msg.slice(0, 200) + '…';
    return new UpstreamRequestError(code === 'UND_ERR_INVALID_ARG' ? 'invalid_request' : 'internal', `The upstream request could not be sent: ${msg}`, code);
  }

  /** Closes every pool (waiting for requests in flight) and rejects throttle waiters. */
  async close(): Promise<void> {
    await this.end((p) => p.close());
  }

  /**
   * Ends the requests in flight at once (a shutdown's cut, when they outlast its bound; a close()
   * waiting for them then ends too): each is told as cut off, with its attempts and idempotency key
   * when it was sent, so it is logged before the exit.
   */
  async cut(): Promise<void> {
    await this.end((p) => p.destroy());
  }

  private async end(how: (p: Pool) => Promise<void>): Promise<void> {
    this.closed = true;
    this.throttle?.close();
    this.inFlight?.close();
    this.targets.clear();
    // a close() the cut overtakes rejects (the pool is destroyed): there is nothing more to wait for
    await Promise.all([...this.pools.values()].map((p) => how(p).catch(() => {})));
    this.pools.clear();
  }
}
