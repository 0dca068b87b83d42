// The one path by which Linkhub calls Stripe with a linked account's key: the proxy, the
// action executor (rpc) and the MCP server all go through `StripeCaller.send()`.
//
//   resolve(projectId, accountId)   the account row + decrypted key, cached in memory for
//                                   ACCOUNT_TTL_MS (bounded LRU); dropped at once by
//                                   onAccountChanged(id) (AccountService calls it after every
//                                   key change, test, edit and deletion). 404 unknown account
//                                   (or another project's), 412 when the account may not be used.
//   send(target, request)           per-account throttle (live/test rate from the key's mode),
//                                   UpstreamClient with retries (Idempotency-Key on every POST,
//                                   the same across retries), then the bookkeeping: one call-log
//                                   entry, which is also the credential-use audit record (encoded
//                                   here, written in batches), and what the answer teaches about
//                                   the account:
//                                     401  → the key was revoked/expired: status error +
//                                            status_reasons + `account.updated` webhook
//                                     403  → the `rak_…` permission Stripe names is recorded missing
//                                     2xx on an account in error for a 401 → active again
//
// 412 policy: `active` and `error` accounts are callable. `error` stays callable on purpose:
// a restricted key lacking one permission still serves every other endpoint, and a key that
// Stripe refused once is re-judged by Stripe on each call (a 2xx restores `active`). Any other
// status (inactive, suspended, archived, expired, disabled, …) and accounts of a provider
// Linkhub no longer serves answer 412 without contacting Stripe.
//
// Linkhub's own failures are thrown as ServiceError in the error shape:
//   ThrottleError            → 429 code rate_limited, retryable, retry_after_ms
//   UpstreamUnavailableError → 504 code provider_timeout / 502 code provider_unreachable, retryable
//   UpstreamRequestError     → 400 invalid_request / 503 closed / 500
// A provider answer (any status) is returned to the caller, who decides how to present it.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { getConnector } from '../../connectors/registry.js';
import type { Db } from '../../store/db.js';
import { accountPermissions, accounts } from '../../store/schema.js';
import {
  ThrottleError,
  UpstreamClient,
  UpstreamRequestError,
  UpstreamUnavailableError,
  type UpstreamMethod,
  type UpstreamResponse,
} from '../../upstream/index.js';
import type { Vault } from '../../vault/vault.js';
import type { AccountRow } from '../accounts/account-view.js';
import type { Actor } from '../logs/actor.js';
import { ServiceError } from '../../errors/service-error.js';
import type { CallRecord, CallSource, RequestLogService } from '../logs/request-log.js';
import { KeyVerdicts } from '../accounts/key-verdicts.js';
import type { WebhookService } from '../webhooks/webhooks.js';

export const ACCOUNT_TTL_MS = 60_000;
export const ACCOUNT_CACHE_MAX = 5_000;
/** Statuses whose accounts may be called (see the 412 policy above). */
export const CALLABLE_STATUSES: ReadonlySet<string> = new Set(['active', 'error']);
/** status_reasons codes set by a 401 (or the link-time test); a later 2xx clears them. */
const GRANT_HINT = 'In the Stripe Dashboard open Developers > API keys, edit the restricted key, grant that permission (Read or Write), save, and retry.';

/** Who is calling, for which account, and as what (for logs, audit and messages). */
export interface CallTarget {
  projectId: string;
  accountId: string;
  actor: Actor;
  source: CallSource;
  /** Action id (stripe_list_customers) for rpc/MCP; null for the proxy. */
  action: string | null;
}

export interface SendRequest {
  method: UpstreamMethod;
  /** Guarded target relative to the API root, with query string ('/v1/customers?limit=3'). */
  path: string;
  /** Headers to forward (already filtered); Authorization is always Linkhub's. */
  headers?: Record<string, string>;
  body?: string | null;
  contentType?: string;
  idempotencyKey?: string | null;
  /** Another base than config.stripeApiBase (e.g. files.stripe.com for file actions). */
  base?: string;
  /** What to show as the request body in the call log (redacted when recorded); default `body`. */
  logBody?: unknown;
  signal?: AbortSignal;
}

/** A parsed Stripe error envelope (FACTS §6), or null. */
export interface ProviderError {
  type: string | null;
  code: string | null;
  message: string | null;
  param: string | null;
}

export interface SendResult {
  response: UpstreamResponse;
  account: CachedAccount;
  /** Parsed error envelope for a non-2xx answer. */
  providerError: ProviderError | null;
  /** 401: Stripe refused the stored key; the account is now `error` (and a webhook is queued). */
  keyRejected: { code: 'invalid_key' | 'expired_key'; message: string } | null;
  /** 403: what Stripe says is missing. `permission` null = closed to restricted keys / not named. */
  forbidden: { permission: string | null; closedToRestrictedKeys: boolean; message: string } | null;
}

export interface CachedAccount {
  readonly row: AccountRow;
  /** The decrypted key. Never logged, never returned. */
  readonly key: string;
  /** Identifies the stored key (hash of its ciphertext): learnt permissions belong to it. */
  readonly fingerprint: string;
  until: number;
  permissions: Map<string, boolean> | null;
}

/** What is known about the account's key: its type and the `rak_…` permissions learnt. */
export interface KeyKnowledge {
  accountId: string;
  keyType: 'secret' | 'restricted';
  environment: 'production' | 'test';
  fingerprint: string;
  status: string;
  /** rak_… permissions Stripe refused (403). */
  missing: ReadonlySet<string>;
  /** rak_… permissions shown to work (a successful call, or the link-time key test). */
  granted: ReadonlySet<string>;
}

export function parseProviderError(body: Buffer): ProviderError | null {
  if (body.length === 0 || body.length > 1_000_000) return null;
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: Record<string, unknown> } | null)?.error;
    if (!e || typeof e !== 'object') return null;
    const s = (v: unknown) => (typeof v === 'string' ? v : null);
    return { type: s(e.type), code: s(e.code), message: s(e.message), param: s(e.param) };
  } catch {
    return null;
  }
}

/** `Having the 'rak_customer_read' permission would allow …` → rak_customer_read */
export function permissionFromStripeMessage(message: string | null | undefined): string | null {
  return /'(rak_[a-z0-9_]+)'/.exec(message ?? '')?.[1] ?? null;
}

export function grantHint(permission: string | null): string {
  return permission ? `Grant '${permission}': ${GRANT_HINT}` : GRANT_HINT;
}

export interface StripeCallerOptions {
  base: string;
  /** Optional caller-facing failure logging (never receives secrets). */
  warn: (msg: string) => void;
  ttlMs?: number;
  maxAccounts?: number;
}

export class StripeCaller {
  private readonly cache = new Map<string, CachedAccount>();
  private readonly loading = new Map<string, Promise<CachedAccount>>();
  private readonly verdicts: KeyVerdicts;
  private readonly ttlMs: number;
  private readonly maxAccounts: number;
  /** Bumped by onAccountChanged so a load racing with a change is not cached. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    webhooks: WebhookService,
    readonly upstream: UpstreamClient,
    private readonly log: RequestLogService,
    private readonly opts: StripeCallerOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? ACCOUNT_TTL_MS;
    this.maxAccounts = opts.maxAccounts ?? ACCOUNT_CACHE_MAX;
    this.verdicts = new KeyVerdicts(db, webhooks, this.onAccountChanged, opts.warn);
  }

  get base(): string {
    return this.opts.base;
  }

  /** Forget the cached key and row of an account (key replaced, tested, edited or deleted). */
  readonly onAccountChanged = (accountId: string): void => {
    this.cache.delete(accountId);
    this.generation.set(accountId, (this.generation.get(accountId) ?? 0) + 1);
    if (this.generation.size > this.maxAccounts * 2) this.generation.clear();
  };

  /** The cached account when it is fresh, the project's and callable (no promise on the hot path); else null: use resolve(). */
  cached(projectId: string, accountId: string): CachedAccount | null {
    const entry = this.cache.get(accountId);
    if (entry === undefined || entry.until <= Date.now() || entry.row.projectId !== projectId || !CALLABLE_STATUSES.has(entry.row.status)) return null;
    return entry;
  }

  /** The account with its decrypted key: 404 unknown (or another project's), 412 not callable. */
  async resolve(projectId: string, accountId: string): Promise<CachedAccount> {
    const now = Date.now();
    let entry = this.cache.get(accountId);
    if (entry === undefined || entry.until <= now) {
      if (entry !== undefined) this.cache.delete(accountId);
      entry = await this.load(accountId);
    }
    const row = entry.row;
    if (row.projectId !== projectId) throw new ServiceError(404, 'Account not found');
    if (!CALLABLE_STATUSES.has(row.status)) {
      throw new ServiceError(412, `Account ${row.id} is ${row.status}: it cannot be used until it is re-linked or re-enabled`, {
        code: 'account_not_callable',
        account_status: row.status,
      });
    }
    return entry;
  }

  private load(accountId: string): Promise<CachedAccount> {
    let p = this.loading.get(accountId);
    if (p === undefined) {
      const gen = this.generation.get(accountId) ?? 0;
      p = this.fetch(accountId, gen).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, p);
    }
    return p;
  }

  private async fetch(accountId: string, gen: number): Promise<CachedAccount> {
    const [row] = await this.db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
    if (!row) throw new ServiceError(404, 'Account not found');
    if (!getConnector(row.provider)) {
      throw new ServiceError(412, `Account ${row.id}: provider "${row.provider}" is not enabled on this Linkhub`, { code: 'integration_disabled' });
    }
    const entry: CachedAccount = {
      row,
      key: this.vault.decrypt(row.secretCiphertext, row.id),
      fingerprint: createHash('sha256').update(row.secretCiphertext).digest('hex').slice(0, 16),
      until: Date.now() + this.ttlMs,
      permissions: null,
    };
    if ((this.generation.get(accountId) ?? 0) === gen) {
      if (this.cache.size >= this.maxAccounts) {
        // Evict the oldest insertion (Map order); entries are re-inserted on reload.
        this.cache.delete(this.cache.keys().next().value!);
      }
      this.cache.set(accountId, entry);
    }
    return entry;
  }

  /**
   * Sends one request with the account's key and does the bookkeeping. Resolves with the
   * provider's answer whatever its status; throws ServiceError for Linkhub's own failures.
   */
  async send(target: CallTarget, req: SendRequest, resolved?: CachedAccount): Promise<SendResult> {
    const account = resolved ?? (await this.resolve(target.projectId, target.accountId));
    const at = new Date();
    const started = performance.now();
    let response: UpstreamResponse;
    try {
      response = await this.upstream.request({
        base: req.base ?? this.opts.base,
        method: req.method,
        path: req.path,
        headers: req.headers,
        bearer: account.key,
        body: req.body ?? null,
        contentType: req.contentType,
        idempotencyKey: req.idempotencyKey ?? null,
        throttleKey: account.row.id,
        signal: req.signal,
      });
    } catch (err) {
      throw this.failure(target, account, req, err, at, performance.now() - started);
    }

    const status = response.status;
    const ok = status >= 200 && status < 300;
    const result: SendResult = { response, account, providerError: null, keyRejected: null, forbidden: null };
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
    if (ok) {
      if (account.row.status === 'error') await this.verdicts.recovered(account);
      return result;
    }
    const pe = parseProviderError(response.body);
    result.providerError = pe;
    if (status === 401) {
      const code = pe?.code === 'api_key_expired' ? 'expired_key' : 'invalid_key';
      const message =
        code === 'expired_key'
          ? 'Stripe says the stored key has expired or was rolled. The account is now in error: link a current key (Hub edit mode or PATCH /accounts/{id}).'
          : 'Stripe rejected the stored key (revoked or deleted). The account is now in error: link a current key (Hub edit mode or PATCH /accounts/{id}).';
      result.keyRejected = { code, message };
      await this.verdicts.rejected(account, code, message);
    } else if (status === 403) {
      const permission = permissionFromStripeMessage(pe?.message);
      const closed = /not available for use by restricted keys/.test(pe?.message ?? '');
      result.forbidden = { permission, closedToRestrictedKeys: closed, message: pe?.message ?? '' };
      if (permission && account.row.keyType === 'restricted') await this.learn(account, [[permission, false]]);
    }
    return result;
  }

  /** Logs a call refused before anything was sent (e.g. a URL outside Stripe): not an audit entry, the key was not used. */
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
    r: { status: number | null; error: string | null; durationMs: number; attempts: number; requestId: string | null; idempotencyKey: string | null; body: Buffer | null; type: string | undefined },
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

  /** Records a failure without a provider answer and returns the ServiceError to throw. */
  private failure(target: CallTarget, account: CachedAccount, req: SendRequest, err: unknown, at: Date, durationMs: number): unknown {
    const base = { durationMs, requestId: null, body: null, type: undefined, status: null };
    if (err instanceof ThrottleError) {
      this.record(target, account, req, at, { ...base, error: 'throttled', attempts: 0, idempotencyKey: null });
      const retryAfter = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
      return new ServiceError(
        err.reason === 'closed' ? 503 : 429,
        err.reason === 'closed'
          ? 'Linkhub is shutting down: retry shortly'
          : `Too many requests for account ${account.row.id}: Linkhub keeps each account under Stripe's rate limit (${err.reason === 'queue_full' ? 'the wait queue is full' : 'the wait would be too long'}). Retry in about ${retryAfter} s.`,
        { code: err.reason === 'closed' ? 'shutting_down' : 'rate_limited', retryable: true, retry_after_ms: err.retryAfterMs },
      );
    }
    if (err instanceof UpstreamUnavailableError) {
      this.record(target, account, req, at, { ...base, error: err.code === 'timeout' ? 'timeout' : 'unreachable', attempts: err.attempts, idempotencyKey: err.idempotencyKey });
      const timeout = err.code === 'timeout';
      return new ServiceError(
        timeout ? 504 : 502,
        `Stripe ${timeout ? 'did not answer in time' : 'could not be reached'} after ${err.attempts} attempt${err.attempts === 1 ? '' : 's'} (${err.code}).` +
          (err.idempotencyKey ? ` Retry with Idempotency-Key ${err.idempotencyKey} to avoid a duplicate write.` : ''),
        { code: timeout ? 'provider_timeout' : 'provider_unreachable', retryable: true, attempts: err.attempts, idempotency_key: err.idempotencyKey },
      );
    }
    if (err instanceof UpstreamRequestError) {
      this.record(target, account, req, at, { ...base, error: err.code, attempts: 0, idempotencyKey: null });
      if (err.code === 'invalid_request') return new ServiceError(400, err.message, { code: 'invalid_request' });
      if (err.code === 'closed') return new ServiceError(503, 'Linkhub is shutting down: retry shortly', { code: 'shutting_down', retryable: true });
      return new ServiceError(500, err.message, { code: 'upstream_error' });
    }
    if (req.signal?.aborted) this.record(target, account, req, at, { ...base, error: 'aborted', attempts: 0, idempotencyKey: null });
    return err;
  }

  // ------------------------------------------------------------ learnt permissions

  private async permissionMap(account: CachedAccount): Promise<Map<string, boolean>> {
    if (account.permissions) return account.permissions;
    const map = new Map<string, boolean>();
    const row = account.row;
    if (row.keyType === 'restricted') {
      // The link-time key test reads customers: it passed (verified) or named rak_customer_read missing.
      if (row.statusReasons.some((r) => r.code === 'missing_permission')) map.set('rak_customer_read', false);
      else if (row.lastVerifiedAt !== null) map.set('rak_customer_read', true);
      const rows = await this.db.select().from(accountPermissions).where(eq(accountPermissions.accountId, row.id));
      for (const r of rows) if (r.keyFingerprint === account.fingerprint) map.set(r.permission, r.granted);
    }
    account.permissions = map;
    return map;
  }

  /** Records what a call taught about the key's permissions (awaited for misses, which are rare). */
  async learn(account: CachedAccount, facts: [permission: string, granted: boolean][]): Promise<void> {
    if (account.row.keyType !== 'restricted') return;
    try {
      const map = await this.permissionMap(account);
      const fresh = facts.filter(([p, g]) => map.get(p) !== g);
      if (fresh.length === 0) return;
      for (const [p, g] of fresh) map.set(p, g);
      for (const [permission, granted] of fresh) {
        await this.db
          .insert(accountPermissions)
          .values({ accountId: account.row.id, permission, granted, keyFingerprint: account.fingerprint, learntAt: new Date() })
          .onConflictDoUpdate({
            target: [accountPermissions.accountId, accountPermissions.permission],
            set: { granted, keyFingerprint: account.fingerprint, learntAt: new Date() },
          });
      }
    } catch (e) {
      // Best effort: the account may have been deleted meanwhile (foreign key), or the store is closing.
      this.opts.warn(`could not record permissions of account ${account.row.id}: ${(e as Error).message}`);
    }
  }

  /** What is known about an account's key (for GET /actions and MCP tools/list). */
  async knowledge(projectId: string, accountId: string): Promise<KeyKnowledge> {
    const account = await this.resolveAny(projectId, accountId);
    const map = await this.permissionMap(account);
    const missing = new Set<string>();
    const granted = new Set<string>();
    for (const [p, g] of map) (g ? granted : missing).add(p);
    return { accountId: account.row.id, keyType: account.row.keyType, environment: account.row.environment, fingerprint: account.fingerprint, status: account.row.status, missing, granted };
  }

  /** Like resolve() but without the 412 check (reading what is known needs no callable account). */
  private async resolveAny(projectId: string, accountId: string): Promise<CachedAccount> {
    try {
      return await this.resolve(projectId, accountId);
    } catch (e) {
      if (e instanceof ServiceError && e.statusCode === 412 && e.extra.code === 'account_not_callable') {
        const entry = this.cache.get(accountId) ?? (await this.load(accountId));
        if (entry.row.projectId === projectId) return entry;
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.verdicts.settle();
    this.cache.clear();
    await this.upstream.close();
  }
}
