// What Linkhub has learnt about a restricted key's permissions from the provider's answers: a 403
// naming a permission records it missing, a successful action records its permission granted. The
// facts belong to the stored key (its fingerprint): a new key starts from nothing. GET /actions and
// MCP tools/list read them to mark what an account's key cannot do.
import { eq } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { accountPermissions } from '../../store/schema.js';
import { type RequestTrace, warnFor } from '../logs/request-trace.js';
import type { AccountCache, CachedAccount } from './account-cache.js';

/** What is known about the account's key: its type and the permissions learnt. */
export interface KeyKnowledge {
  accountId: string;
  provider: string;
  keyType: 'secret' | 'restricted';
  environment: 'production' | 'test';
  fingerprint: string;
  status: string;
  /** Permissions the provider refused (403). */
  missing: ReadonlySet<string>;
  /** Permissions shown to work (a successful call, or the link-time key test). */
  granted: ReadonlySet<string>;
}

export class KeyKnowledgeBase {
  constructor(
    private readonly db: Db,
    private readonly accounts: AccountCache,
    private readonly warn: (msg: string) => void,
  ) {}

  private async permissionMap(account: CachedAccount): Promise<Map<string, boolean>> {
    if (account.permissions) return account.permissions;
    const map = new Map<string, boolean>();
    const row = account.row;
    const tested = account.profile.connector.api.permissions.liveTest;
    if (row.keyType === 'restricted') {
      // The link-time key test needs one permission: it found it missing, or passed (verified).
      if (tested !== null) {
        if (row.statusReasons.some((r) => r.code === 'missing_permission')) map.set(tested, false);
        else if (row.lastVerifiedAt !== null) map.set(tested, true);
      }
      const rows = await this.db.select().from(accountPermissions).where(eq(accountPermissions.accountId, row.id));
      for (const r of rows) if (r.keyFingerprint === account.fingerprint) map.set(r.permission, r.granted);
    }
    account.permissions = map;
    return map;
  }

  /** Records what a call taught about the key's permissions (awaited for misses, which are rare). */
  async learn(account: CachedAccount, facts: [permission: string, granted: boolean][], trace?: RequestTrace): Promise<void> {
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
      warnFor(trace, this.warn)(`could not record permissions of account ${account.row.id}: ${(e as Error).message}`);
    }
  }

  /** A successful call of an action needing `permission`: it, and what it implies, are granted. */
  granted(account: CachedAccount, permission: string): void {
    if (account.row.keyType !== 'restricted') return;
    const facts: [string, boolean][] = [[permission, true]];
    const implied = account.profile.connector.api.permissions.implied(permission);
    if (implied) facts.push([implied, true]);
    this.learn(account, facts).catch(() => {}); // best effort, off the response path
  }

  /** What is known about an account's key (for GET /actions and MCP tools/list). */
  async knowledge(projectId: string, accountId: string): Promise<KeyKnowledge> {
    const account = await this.accounts.resolveAny(projectId, accountId);
    const map = await this.permissionMap(account);
    const missing = new Set<string>();
    const granted = new Set<string>();
    for (const [p, g] of map) (g ? granted : missing).add(p);
    const row = account.row;
    return {
      accountId: row.id,
      provider: row.provider,
      keyType: row.keyType,
      environment: row.environment,
      fingerprint: account.fingerprint,
      status: row.status,
      missing,
      granted,
    };
  }
}
