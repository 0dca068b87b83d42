// Linked accounts as the call path needs them: the row, the decrypted key as a ready credential,
// and the connector's call profile, cached in memory for ACCOUNT_TTL_MS (bounded, oldest evicted
// first). onAccountChanged(id) drops an entry at once on every node: AccountService calls it after
// every key change, test, edit and deletion, it publishes the change on the store's change feed,
// and a generation counter keeps a load that raced with a change out of the cache. revalidate()
// checks what is cached against the store (the fallback when a notification was lost).
import { inArray } from 'drizzle-orm';
//
// 412 policy: `active` and `error` accounts are callable. `error` stays callable on purpose: a
// restricted key lacking one permission still serves every other endpoint, and a key the provider
// refused once is re-judged on each call (a 2xx restores `active`). Any other status (inactive,
// suspended, expired, …) and accounts of a provider this Linkhub no longer serves answer 412
// without contacting the provider.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getConnector } from '../../connectors/registry.js';
import { fail } from '../../errors/fail.js';
import type { ChangeFeed } from '../../store/change-feed.js';
import type { Db } from '../../store/db.js';
import { accounts } from '../../store/schema.js';
import type { UpstreamCredential } from '../../upstream/index.js';
import type { Vault } from '../../vault/vault.js';
import type { AccountRow } from '../accounts/account-view.js';
import { contextHeaders } from './context-headers.js';
import type { CallProfile, CallProfiles } from './profiles.js';

export const ACCOUNT_TTL_MS = 60_000;
/** The change-feed topic of linked accounts. */
export const ACCOUNT_TOPIC = 'account';
export const ACCOUNT_CACHE_MAX = 5_000;
/** Statuses whose accounts may be called (see the 412 policy above). */
export const CALLABLE_STATUSES: ReadonlySet<string> = new Set(['active', 'error']);

export interface CachedAccount {
  readonly row: AccountRow;
  readonly profile: CallProfile;
  /** The decrypted key in the header the provider reads. Never logged, never returned. */
  readonly credential: UpstreamCredential;
  /** Headers every call of this account sends (its context, ConnectorContext), or null. */
  readonly headers: Readonly<Record<string, string>> | null;
  /** Identifies the stored key (hash of its ciphertext): learnt permissions belong to it. */
  readonly fingerprint: string;
  /** Requests/s towards the provider for this account (its environment's rate). */
  readonly rate: number;
  until: number;
  permissions: Map<string, boolean> | null;
}

export class AccountCache {
  private readonly cache = new Map<string, CachedAccount>();
  private readonly loading = new Map<string, Promise<CachedAccount>>();
  /** Bumped by onAccountChanged so a load racing with a change is not cached. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly profiles: CallProfiles,
    private readonly changes: ChangeFeed,
    private readonly ttlMs = ACCOUNT_TTL_MS,
    private readonly maxAccounts = ACCOUNT_CACHE_MAX,
  ) {
    changes.subscribe(ACCOUNT_TOPIC, this.forget);
    changes.onResync(() => {
      for (const id of [...this.cache.keys()]) this.forget(id);
    });
  }

  /** An account's key, status, details or existence changed here: forget it on every node. */
  readonly onAccountChanged = (accountId: string): void => {
    this.changes.publish(ACCOUNT_TOPIC, accountId);
  };

  /** Forget the cached key and row of an account on this node. */
  private readonly forget = (accountId: string): void => {
    this.cache.delete(accountId);
    this.generation.set(accountId, (this.generation.get(accountId) ?? 0) + 1);
    if (this.generation.size > this.maxAccounts * 2) this.generation.clear();
  };

  /** Drops the cached accounts whose row changed or went since they were loaded. */
  async revalidate(): Promise<void> {
    if (this.cache.size === 0) return;
    const ids = [...this.cache.keys()];
    const rows = await this.db.select({ id: accounts.id, updatedAt: accounts.updatedAt }).from(accounts).where(inArray(accounts.id, ids));
    const current = new Map(rows.map((r) => [r.id, r.updatedAt.getTime()]));
    for (const id of ids) {
      const entry = this.cache.get(id);
      if (entry !== undefined && current.get(id) !== entry.row.updatedAt.getTime()) this.forget(id);
    }
  }

  /** The cached account when it is fresh, the project's and callable (no promise on the hot path); else null: use resolve(). */
  cached(projectId: string, accountId: string): CachedAccount | null {
    const entry = this.cache.get(accountId);
    if (entry === undefined || entry.until <= Date.now() || entry.row.projectId !== projectId || !CALLABLE_STATUSES.has(entry.row.status)) return null;
    return entry;
  }

  /** The account with its decrypted key: 404 unknown (or another project's), 412 not callable. */
  async resolve(projectId: string, accountId: string): Promise<CachedAccount> {
    const entry = await this.fresh(accountId);
    const row = entry.row;
    if (row.projectId !== projectId) throw fail('account_not_found');
    if (!CALLABLE_STATUSES.has(row.status)) {
      throw fail('account_not_callable', { account: row.id, status: row.status }, { account_status: row.status });
    }
    return entry;
  }

  /** Like resolve() but without the 412 check (reading what is known needs no callable account). */
  async resolveAny(projectId: string, accountId: string): Promise<CachedAccount> {
    const entry = await this.fresh(accountId);
    if (entry.row.projectId !== projectId) throw fail('account_not_found');
    return entry;
  }

  private async fresh(accountId: string): Promise<CachedAccount> {
    const entry = this.cache.get(accountId);
    if (entry !== undefined && entry.until > Date.now()) return entry;
    if (entry !== undefined) this.cache.delete(accountId);
    return this.load(accountId);
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
    if (!row) throw fail('account_not_found');
    const connector = getConnector(row.provider);
    if (!connector) throw fail('integration_disabled', { account: row.id, provider: row.provider });
    const profile = this.profiles.get(connector);
    const key = this.vault.decrypt(row.secretCiphertext, row.id);
    const { header, prefix } = connector.api.credential;
    const entry: CachedAccount = {
      row,
      profile,
      credential: Object.freeze({ header, value: prefix + key, secret: key }),
      headers: row.context ? contextHeaders(connector, row.context) : null,
      fingerprint: createHash('sha256').update(row.secretCiphertext).digest('hex').slice(0, 16),
      rate: profile.rates[row.environment],
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

  clear(): void {
    this.cache.clear();
  }
}
