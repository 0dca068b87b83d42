// The one path by which Linkhub calls a provider with a linked account's key: the proxy, the
// action executor (rpc) and the MCP server all go through `AccountCaller.send()`.
//
//   send(target, request)   per-account throttle (the rate of the account's environment),
//                           UpstreamClient with retries (an idempotency key on every POST, the same
//                           across retries), then the bookkeeping: one call-log entry, which is also
//                           the credential-use audit record (encoded here, written in batches), and
//                           what the answer teaches about the account, read by its connector:
//                             key rejected (401)  → status error + status_reasons + `account.updated`,
//                                                   once the connector's live test (a request Linkhub
//                                                   builds alone) confirms it: a 401 caused by what the
//                                                   caller sent (headers, an account header, path) is data
//                             missing permission  → the permission the provider names is recorded missing
//                             2xx on an account in error for a rejected key → active again
//
// Linkhub's own failures are thrown as catalogue errors (src/errors/catalogue/calls.ts):
//   ThrottleError            → 429 code rate_limited, retryable, retry_after_ms
//   UpstreamUnavailableError → 504 provider_timeout / 502 provider_unreachable or provider_bad_answer (sent) /
//                              503 provider_answer_dropped (sent; no room to buffer the answer), retryable
//   UpstreamRequestError     → 400 invalid_request / 503 shutting_down / 500 upstream_error
// A provider answer (any status) is returned to the caller, who decides how to present it.
import { performance } from 'node:perf_hooks';
import type { ConnectorDefinition, LiveTestOutcome, ProviderError } from '../../connectors/types.js';
import { renderMessage } from '../../errors/catalogue.js';
import { fail } from '../../errors/fail.js';
import type { ChangeFeed } from '../../store/change-feed.js';
import type { Db } from '../../store/db.js';
import {
  ThrottleError,
  type UpstreamClient,
  UpstreamRequestError,
  UpstreamUnavailableError,
  type UpstreamMethod,
  type UpstreamResponse,
} from '../../upstream/index.js';
import type { Vault } from '../../vault/vault.js';
import { KeyVerdicts } from '../accounts/key-verdicts.js';
import type { Actor } from '../logs/actor.js';
import type { CallRecord, CallSource, RequestLogService } from '../logs/request-log.js';
import type { RequestTrace } from '../logs/request-trace.js';
import { type Metrics, NO_METRICS, type UpstreamFailure } from '../metrics/metrics.js';
import type { WebhookService } from '../webhooks/webhooks.js';
import { AccountCache, type CachedAccount } from './account-cache.js';
import { refuseOtherContext } from './context-headers.js';
import { KeyKnowledgeBase, type KeyKnowledge } from './key-knowledge.js';
import type { CallProfiles } from './profiles.js';

/** The `reason` of a rate_limited refusal. */
const REFUSED_BECAUSE: Partial<Record<ThrottleError['reason'], string>> = {
  queue_full: 'the wait queue is full',
  wait_too_long: 'the wait would be too long',
  in_flight: 'too many of its calls are already under way at the provider',
};

/** The call log's `error` of an upstream failure without an answer, when not `unreachable`. */
const UNAVAILABLE: Partial<Record<UpstreamUnavailableError['code'], 'timeout' | 'bad_answer' | 'answer_dropped'>> = {
  timeout: 'timeout',
  bad_answer: 'bad_answer',
  // the answer came, but the node's budget of buffered bytes had no room for it: sent, maybe carried out
  over_budget: 'answer_dropped',
};

/** Who is calling, for which account, and as what (for logs, audit and messages). */
export interface CallTarget {
  projectId: string;
  accountId: string;
  actor: Actor;
  source: CallSource;
  /** Action id (`<connector>_<verb>_<resource>`) for rpc/MCP; null for the proxy. */
  action: string | null;
  /** The HTTP request this call serves: its traceparent goes upstream, its warnings to its log. */
  trace?: RequestTrace;
}

export interface SendRequest {
  method: UpstreamMethod;
  /** Guarded target relative to the API root, with query string ('/v1/customers?limit=3'). */
  path: string;
  /** Headers to forward (already filtered); the credential header is always Linkhub's. */
  headers?: Record<string, string>;
  /** Bytes for a body that is not text (a file upload through a native path). */
  body?: string | Buffer | null;
  contentType?: string;
  idempotencyKey?: string | null;
  /** Another base than the account's API root (an action served from another origin). */
  base?: string;
  /** What to show as the request body in the call log (redacted when recorded); default `body`. */
  logBody?: unknown;
  /** Per-attempt deadline, ms (default: the client's, LINKHUB_<KEY>_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Retries after the first attempt (default: the client's policy); 0: one attempt (a closed idle connection aside). */
  retries?: number;
  signal?: AbortSignal;
}

export interface SendResult {
  response: UpstreamResponse;
  account: CachedAccount;
  /** Parsed error envelope for a non-2xx answer. */
  providerError: ProviderError | null;
  /** The provider refused the stored key; the account is now `error` (and a webhook is queued). */
  keyRejected: { code: 'invalid_key' | 'expired_key'; message: string } | null;
  /** What the provider says is missing. `permission` null = closed to restricted keys / not named. */
  forbidden: { permission: string | null; closedToRestrictedKeys: boolean; message: string } | null;
  /** The provider is rate-limiting the account. */
  rateLimited: boolean;
}

export interface AccountCallerOptions {
  /** Optional caller-facing failure logging (never receives secrets). */
  warn: (msg: string) => void;
  /** Where account changes are published to every node's cache. */
  changes: ChangeFeed;
  ttlMs?: number;
  maxAccounts?: number;
  /**
   * The connector's live test with a stored key (LiveTester.test): it confirms a 401 before the
   * account is put in error. Without it a 401 is taken at its word.
   */
  testKey?: (connector: ConnectorDefinition, key: string, context: string | null) => Promise<LiveTestOutcome>;
  /** Where calls are counted (GET /metrics); default a registry of its own that nobody reads. */
  metrics?: Metrics;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export class AccountCaller {
  readonly accounts: AccountCache;
  private readonly permissions: KeyKnowledgeBase;
  private readonly verdicts: KeyVerdicts;
  private readonly testKey: AccountCallerOptions['testKey'];
  private readonly metrics: Metrics;
  /** One confirmation of a 401 per stored key at a time, however many calls got it. */
  private readonly confirming = new Map<string, Promise<'invalid_key' | 'expired_key' | null>>();
  /** Requests to the provider under way: close() waits until each is recorded (a shutdown flushes the log after it). */
  private readonly sending = new Set<Promise<UpstreamResponse>>();

  constructor(
    db: Db,
    vault: Vault,
    webhooks: WebhookService,
    readonly upstream: UpstreamClient,
    readonly profiles: CallProfiles,
    private readonly log: RequestLogService,
    opts: AccountCallerOptions,
  ) {
    this.accounts = new AccountCache(db, vault, profiles, opts.changes, opts.ttlMs, opts.maxAccounts);
    this.permissions = new KeyKnowledgeBase(db, this.accounts, opts.warn);
    this.verdicts = new KeyVerdicts(db, webhooks, this.accounts.onAccountChanged, opts.warn);
    this.testKey = opts.testKey;
    this.metrics = opts.metrics ?? NO_METRICS;
  }

  /** Forget the cached key and row of an account (key replaced, tested, edited or deleted). */
  get onAccountChanged(): (accountId: string) => void {
    return this.accounts.onAccountChanged;
  }

  /** The cached account when it is fresh, the project's and callable; else null: use resolve(). */
  cached(projectId: string, accountId: string): CachedAccount | null {
    return this.accounts.cached(projectId, accountId);
  }

  /** The account with its decrypted key: 404 unknown (or another project's), 412 not callable. */
  resolve(projectId: string, accountId: string): Promise<CachedAccount> {
    return this.accounts.resolve(projectId, accountId);
  }

  /** What is known about an account's key (for GET /actions and MCP tools/list). */
  knowledge(projectId: string, accountId: string): Promise<KeyKnowledge> {
    return this.permissions.knowledge(projectId, accountId);
  }

  /** A successful call needing `permission`: remember it granted (restricted keys). */
  noteGranted(account: CachedAccount, permission: string): void {
    this.permissions.granted(account, permission);
  }

  /**
   * Sends one request with the account's key and does the bookkeeping. Resolves with the
   * provider's answer whatever its status; throws a LinkhubError for Linkhub's own failures.
   */
  async send(target: CallTarget, req: SendRequest, resolved?: CachedAccount): Promise<SendResult> {
    const account = resolved ?? (await this.resolve(target.projectId, target.accountId));
    const profile = account.profile;
    if (target.actor.type === 'agent_token') refuseOtherContext(profile.connector, account.row.context, req.headers);
    const at = new Date();
    const started = performance.now();
    let response: UpstreamResponse;
    const sending = this.upstream.request({
      base: req.base ?? profile.base,
      method: req.method,
      path: req.path,
      // the account's context headers, under the caller's own (a caller may name another context for one call)
      headers: account.headers === null ? req.headers : { ...account.headers, ...req.headers },
      credential: account.credential,
      rules: profile.rules,
      body: req.body ?? null,
      contentType: req.contentType,
      idempotencyKey: req.idempotencyKey ?? null,
      throttleKey: account.row.id,
      throttleRate: account.rate,
      traceparent: target.trace?.id,
      timeoutMs: req.timeoutMs,
      retries: req.retries,
      signal: req.signal,
    });
    this.sending.add(sending);
    try {
      response = await sending;
    } catch (err) {
      throw this.failure(target, account, req, err, at, performance.now() - started);
    } finally {
      this.sending.delete(sending);
    }

    const status = response.status;
    this.metrics.upstreamCall(profile.connector.key, status, response.attempts, response.durationMs / 1000);
    const result: SendResult = { response, account, providerError: null, keyRejected: null, forbidden: null, rateLimited: false };
    this.record(target, account, req, at, {
      status,
      error: null,
      durationMs: response.durationMs,
      attempts: response.attempts,
      requestId: response.requestId,
      idempotencyKey: response.idempotencyKey,
      body: response.body,
      type: response.headers['content-type'],
    });
    if (status >= 200 && status < 300) {
      if (account.row.status === 'error') await this.verdicts.recovered(account, target.trace);
      return result;
    }
    const verdict = profile.connector.api.readAnswer(status, response.body);
    result.providerError = verdict.error;
    const name = profile.connector.name;
    const rejected = verdict.kind === 'key_rejected' ? await this.confirmRejected(account, verdict.code) : null;
    if (rejected) {
      // The same words as the executor's 412, in the proxy's answer and the account's status reason.
      const message = renderMessage(rejected === 'expired_key' ? 'stored_key_expired' : 'stored_key_invalid', { provider: name, account: account.row.id });
      result.keyRejected = { code: rejected, message };
      await this.verdicts.rejected(account, rejected, message, target.trace);
    } else if (verdict.kind === 'missing_permission' && (account.row.keyType === 'restricted' || verdict.permission || verdict.closedToRestrictedKeys)) {
      // (a secret key lacks no permission: its 403 is the provider's own answer, passed on as it is)
      const { permission, closedToRestrictedKeys } = verdict;
      result.forbidden = { permission, closedToRestrictedKeys, message: verdict.error?.message ?? '' };
      if (permission && account.row.keyType === 'restricted') await this.permissions.learn(account, [[permission, false]], target.trace);
    } else if (verdict.kind === 'rate_limited') {
      result.rateLimited = true;
    }
    return result;
  }

  /**
   * A 401 on a call is only a verdict on the stored key when the key alone is refused too: the
   * caller's headers (1,000 of them made a Node server drop Authorization), a header naming another
   * account the key cannot act on, or a path can each draw a 401 from a key that works. The connector's live test
   * asks again with nothing of the caller's; only its invalid_key outcome confirms. Unreachable or
   * anything else: no verdict (the next 401 asks again).
   */
  private confirmRejected(account: CachedAccount, code: 'invalid_key' | 'expired_key'): Promise<'invalid_key' | 'expired_key' | null> {
    const testKey = this.testKey;
    // No test when there is nothing to decide: no tester, or the account already in error for this reason.
    const judged = account.row.status === 'error' && account.row.statusReasons.some((r) => r.code === code);
    if (!testKey || judged) return Promise.resolve(code);
    let p = this.confirming.get(account.fingerprint);
    if (!p) {
      p = testKey(account.profile.connector, account.credential.secret, account.row.context)
        .then((o) => (o.result === 'invalid_key' ? o.code : null))
        .catch(() => null)
        .finally(() => this.confirming.delete(account.fingerprint));
      this.confirming.set(account.fingerprint, p);
    }
    return p;
  }

  /** Logs a call refused before anything was sent (e.g. a URL outside the API): not an audit entry, the key was not used. */
  noteRefused(target: CallTarget, account: CachedAccount, method: string, path: string, error: string, body: unknown): void {
    this.record(target, account, { method: method as UpstreamMethod, path, logBody: body }, new Date(), {
      status: null,
      error,
      durationMs: 0,
      attempts: 0,
      requestId: null,
      idempotencyKey: null,
      body: null,
      type: undefined,
    });
  }

  private record(
    target: CallTarget,
    account: CachedAccount,
    req: SendRequest,
    at: Date,
    r: {
      status: number | null;
      error: string | null;
      durationMs: number;
      attempts: number;
      requestId: string | null;
      idempotencyKey: string | null;
      body: Buffer | null;
      type: string | undefined;
    },
  ): void {
    const rec: CallRecord = {
      projectId: target.projectId,
      accountId: account.row.id,
      provider: account.row.provider,
      source: target.source,
      actor: target.actor,
      action: target.action,
      method: req.method,
      path: req.path,
      status: r.status,
      error: r.error,
      durationMs: r.durationMs,
      attempts: r.attempts,
      providerRequestId: r.requestId,
      idempotencyKey: r.idempotencyKey,
      requestBody: req.logBody !== undefined ? req.logBody : (req.body ?? null),
      responseBody: r.body,
      responseType: r.type,
      at,
      credentialUsed: r.attempts > 0,
    };
    this.log.record(rec);
  }

  /** Records a failure without a provider answer and returns the LinkhubError to throw. */
  private failure(target: CallTarget, account: CachedAccount, req: SendRequest, err: unknown, at: Date, durationMs: number): unknown {
    const base = { durationMs, requestId: null, body: null, type: undefined, status: null };
    const name = account.profile.connector.name;
    const counted = (status: UpstreamFailure, attempts: number) =>
      this.metrics.upstreamCall(account.profile.connector.key, status, attempts, durationMs / 1000);
    if (err instanceof ThrottleError) {
      counted('throttled', 0);
      if (err.reason === 'in_flight') this.metrics.throttleRejected(err.reason); // the throttle's own refusals are counted by it
      this.record(target, account, req, at, { ...base, error: 'throttled', attempts: 0, idempotencyKey: null });
      if (err.reason === 'closed') return fail('shutting_down', {}, { retry_after_ms: err.retryAfterMs });
      return fail(
        'rate_limited',
        {
          account: account.row.id,
          provider: name,
          reason: REFUSED_BECAUSE[err.reason] ?? err.reason,
          seconds: Math.max(1, Math.ceil(err.retryAfterMs / 1000)),
        },
        { retry_after_ms: err.retryAfterMs },
      );
    }
    if (err instanceof UpstreamUnavailableError) {
      const what = UNAVAILABLE[err.code] ?? 'unreachable';
      counted(what === 'timeout' || what === 'unreachable' ? what : 'error', err.attempts);
      if (what === 'answer_dropped') this.metrics.bufferRefused('provider_answer');
      this.record(target, account, req, at, {
        ...base,
        error: what,
        attempts: err.attempts,
        idempotencyKey: err.idempotencyKey,
      });
      const params = {
        provider: name,
        attempts: plural(err.attempts, 'attempt'),
        cause: err.code,
        idempotency_hint: err.idempotencyKey ? ` Retry with Idempotency-Key ${err.idempotencyKey} to avoid a duplicate write.` : '',
      };
      const extra = { attempts: err.attempts, idempotency_key: err.idempotencyKey };
      if (what === 'answer_dropped') return fail('provider_answer_dropped', params, { reason: 'provider_answer', ...extra });
      return fail(what === 'timeout' ? 'provider_timeout' : what === 'bad_answer' ? 'provider_bad_answer' : 'provider_unreachable', params, extra);
    }
    if (err instanceof UpstreamRequestError) {
      counted('error', 0);
      this.record(target, account, req, at, { ...base, error: err.code, attempts: 0, idempotencyKey: null });
      if (err.code === 'invalid_request') return fail('invalid_request', { message: err.message });
      if (err.code === 'closed') return fail('shutting_down');
      return fail('upstream_error', { message: err.message });
    }
    if (req.signal?.aborted) this.record(target, account, req, at, { ...base, error: 'aborted', attempts: 0, idempotencyKey: null });
    return err;
  }

  /** Shutdown's cut: the calls still waiting on the provider end now, logged as cut off. */
  cut(): Promise<void> {
    return this.upstream.cut();
  }

  async close(): Promise<void> {
    await this.verdicts.settle();
    this.accounts.clear();
    await this.upstream.close();
    // the calls it waited for (or a cut ended) are recorded, in send(), before what waits here goes on to flush the log
    await Promise.allSettled([...this.sending]);
  }
}
