// Agent tokens (`lhat_…`): a credential an AI agent holds instead of the platform API key. It acts on
// the linked accounts it names (usually one) under a policy, and is stored as a SHA-256 digest only.
// Like API keys, verified tokens are cached briefly; a revocation reaches every node's cache through
// the change feed, and revalidate() (the cluster check) catches a lost notification.
import { and, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import type { ChangeFeed } from '../../store/change-feed.js';
import type { Db } from '../../store/db.js';
import { accounts, agentTokens, type AgentPolicyData } from '../../store/schema.js';
import { newId, randomBase62, sameDigest, sha256 } from '../ids.js';
import { ACCOUNT_TOPIC } from '../calls/account-cache.js';
import { type Actor, actorRef } from '../logs/actor.js';
import type { AuditService } from '../logs/audit.js';

export interface AgentPrincipal {
  tokenId: string;
  projectId: string;
  /** The accounts it may act on; the first is the one it was created on. */
  accountIds: readonly string[];
  /** Its own policy; null: the account's agent policy applies. */
  policy: AgentPolicyData | null;
  /** Epoch ms, or null: never. */
  expiresAt: number | null;
}

export interface NewAgentToken {
  name: string;
  /** Seconds; null/undefined: never expires. */
  expiresIn?: number | null;
  policy?: AgentPolicyData | null;
  alsoAccounts?: readonly string[];
}

/**
 * What one account may hold (docs/agents.md#agent-tokens). Live tokens (neither revoked nor expired)
 * created on an account are capped: an integration making a token per agent run would otherwise
 * grow the store and every list without bound. A policy is capped in size (its JSON), and the list
 * of an account's tokens is bounded: every live token (at most listLive), and the listEnded most
 * recently revoked or expired within endedListedMs.
 */
export interface AgentTokenLimits {
  liveTokensPerAccount: number;
  policyBytes: number;
  listLive: number;
  listEnded: number;
  endedListedMs: number;
}

export const AGENT_TOKEN_LIMITS: Readonly<AgentTokenLimits> = {
  liveTokensPerAccount: 100,
  policyBytes: 32 * 1024,
  listLive: 500,
  listEnded: 50,
  endedListedMs: 30 * 24 * 60 * 60 * 1000,
};

/** Refuses (400) a policy whose JSON is over `max` bytes: it is stored with each token and listed with it. */
export function checkPolicySize(policy: unknown, max: number): void {
  if (policy === null || policy === undefined) return;
  const size = Buffer.byteLength(JSON.stringify(policy));
  if (size > max) throw fail('invalid_input', { field: 'policy', problem: `is ${size} bytes as JSON; at most ${max}` }, { field: 'policy' });
}

const CACHE_MS = 5_000;
const TOPIC = 'agent_token';
export const AGENT_TOKEN_PREFIX = 'lhat_';

type Cached = { principal: AgentPrincipal | null; until: number };

export const isAgentToken = (s: string): boolean => s.startsWith(AGENT_TOKEN_PREFIX);

export class AgentTokenService {
  /** By the presented token (in memory only): a repeat call skips hashing it. */
  private readonly cache = new Map<string, Cached>();
  private readonly lastUsedWrites = new Map<string, number>();
  /** The caps (AGENT_TOKEN_LIMITS unless given; tests lower them). */
  readonly limits: AgentTokenLimits;

  constructor(
    private readonly db: Db,
    private readonly changes: ChangeFeed,
    /** Every token made or revoked, whoever asked (the API, the Dashboard, an OAuth approval), is audited with the change. */
    private readonly audit: AuditService,
    private readonly now: () => number = Date.now,
    limits: Partial<AgentTokenLimits> = {},
  ) {
    this.limits = { ...AGENT_TOKEN_LIMITS, ...limits };
    changes.subscribe(TOPIC, (id) => this.forget(new Set([id])));
    // a token goes with the account it was made on (deleted with it): read again after any change of an account it names
    changes.subscribe(ACCOUNT_TOPIC, (accountId) => {
      for (const [k, v] of this.cache) if (v.principal?.accountIds.includes(accountId)) this.cache.delete(k);
    });
    changes.onResync(() => this.cache.clear());
  }

  private forget(ids: ReadonlySet<string>): void {
    for (const [k, v] of this.cache) if (v.principal && ids.has(v.principal.tokenId)) this.cache.delete(k);
  }

  /** Drops cached tokens revoked (or deleted with their account) since they were read. */
  async revalidate(): Promise<void> {
    const ids = new Set<string>();
    for (const v of this.cache.values()) if (v.principal) ids.add(v.principal.tokenId);
    if (ids.size === 0) return;
    const live = await this.db
      .select({ id: agentTokens.id })
      .from(agentTokens)
      .where(and(inArray(agentTokens.id, [...ids]), isNull(agentTokens.revokedAt)));
    for (const r of live) ids.delete(r.id);
    if (ids.size) this.forget(ids);
  }

  /**
   * Makes a token, refused (409 agent_token_limit) when the account already has liveTokensPerAccount
   * live tokens made on it. The count is taken inside the insert's transaction with the account's row
   * locked (FOR NO KEY UPDATE), so concurrent creates on one account, on any node, are counted one
   * after the other and cannot pass the cap. `replaces`: an OAuth refresh, whose new token replaces
   * its grant's previous one (revoked right after): not refused by the cap.
   */
  async create(projectId: string, accountId: string, input: NewAgentToken, actor: Actor, opts: { replaces?: string } = {}) {
    checkPolicySize(input.policy, this.limits.policyBytes);
    const others = [...new Set(input.alsoAccounts ?? [])].filter((id) => id !== accountId);
    const wanted = [accountId, ...others];
    const found = await this.db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(inArray(accounts.id, wanted), eq(accounts.projectId, projectId)));
    const known = new Set(found.map((r) => r.id));
    if (!known.has(accountId)) throw fail('account_not_found');
    const missing = others.find((id) => !known.has(id));
    if (missing)
      throw fail('invalid_input', { field: 'also_accounts', problem: `names ${missing}, which is no account of this project` }, { field: 'also_accounts' });
    const token = `${AGENT_TOKEN_PREFIX}${randomBase62(40)}`;
    const id = newId('at', 16);
    const expiresAt = input.expiresIn ? new Date(this.now() + input.expiresIn * 1000) : null;
    const row = await this.db.transaction(async (tx) => {
      const [locked] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('no key update');
      if (!locked) throw fail('account_not_found');
      if (!opts.replaces) {
        const [{ live }] = await tx
          .select({ live: sql<number>`count(*)::int` })
          .from(agentTokens)
          .where(and(eq(agentTokens.accountId, accountId), this.isLive()));
        const limit = this.limits.liveTokensPerAccount;
        if (Number(live) >= limit) throw fail('agent_token_limit', { account: accountId, limit }, { limit });
      }
      const [made] = await tx
        .insert(agentTokens)
        .values({
          id,
          projectId,
          accountId,
          accountIds: wanted,
          name: input.name,
          secretHash: sha256(token),
          hint: token.slice(-4),
          policy: input.policy ?? null,
          createdBy: actorRef(actor),
          expiresAt,
        })
        .returning();
      await this.audit.record(projectId, accountId, actor, 'agent_token.created', id, tx);
      return made;
    });
    return { row, token };
  }

  /** Neither revoked nor expired. */
  private isLive() {
    const now = new Date(this.now());
    return and(isNull(agentTokens.revokedAt), or(isNull(agentTokens.expiresAt), gt(agentTokens.expiresAt, now)));
  }

  /**
   * The account's tokens (those created on it, and those that may also act on it), newest first:
   * every live one (at most listLive), and the listEnded most recently revoked or expired within
   * endedListedMs (older ones stay in the store, for the audit trail, but are not listed).
   */
  async list(projectId: string, accountId: string) {
    const { listLive, listEnded, endedListedMs } = this.limits;
    const now = new Date(this.now());
    const since = new Date(this.now() - endedListedMs);
    const mine = and(eq(agentTokens.projectId, projectId), sql`${accountId} = any(${agentTokens.accountIds})`);
    const live = await this.db.select().from(agentTokens).where(and(mine, this.isLive())).orderBy(desc(agentTokens.createdAt)).limit(listLive);
    const endedAt = sql`coalesce(${agentTokens.revokedAt}, ${agentTokens.expiresAt})`;
    const ended = await this.db
      .select()
      .from(agentTokens)
      .where(
        and(mine, or(gt(agentTokens.revokedAt, since), and(isNull(agentTokens.revokedAt), lte(agentTokens.expiresAt, now), gt(agentTokens.expiresAt, since)))),
      )
      .orderBy(desc(endedAt))
      .limit(listEnded);
    return [...live, ...ended].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  }

  async revoke(projectId: string, accountId: string, tokenId: string, actor: Actor) {
    const rows = await this.db.transaction(async (tx) => {
      const changed = await tx
        .update(agentTokens)
        .set({ revokedAt: new Date(this.now()) })
        .where(
          and(
            eq(agentTokens.id, tokenId),
            eq(agentTokens.projectId, projectId),
            sql`${accountId} = any(${agentTokens.accountIds})`,
            isNull(agentTokens.revokedAt),
          ),
        )
        .returning();
      if (changed[0]) await this.audit.record(projectId, changed[0].accountId, actor, 'agent_token.revoked', tokenId, tx);
      return changed;
    });
    if (!rows[0]) throw fail('agent_token_not_found');
    this.changes.publish(TOPIC, tokenId);
    return rows[0];
  }

  /** Whether a token exists and nobody revoked it (expired or not). */
  async unrevoked(tokenId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: agentTokens.id })
      .from(agentTokens)
      .where(and(eq(agentTokens.id, tokenId), isNull(agentTokens.revokedAt)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * The principal of a token verified within the last seconds, without a promise (the hot path): null
   * when it is known bad (unknown, revoked or expired), undefined when not known: use verify().
   */
  cached(presented: string): AgentPrincipal | null | undefined {
    const hit = this.cache.get(presented);
    if (hit === undefined) return undefined;
    const now = this.now();
    return hit.until > now ? this.usable(hit.principal, now) : undefined;
  }

  /** The principal of a presented token, or null (unknown, revoked or expired). */
  async verify(presented: string): Promise<AgentPrincipal | null> {
    const known = this.cached(presented);
    if (known !== undefined) return known;
    const digest = sha256(presented);
    const rows = await this.db
      .select()
      .from(agentTokens)
      .where(and(eq(agentTokens.secretHash, digest), isNull(agentTokens.revokedAt)))
      .limit(1);
    const row = rows[0];
    const principal =
      row && sameDigest(row.secretHash, digest)
        ? { tokenId: row.id, projectId: row.projectId, accountIds: row.accountIds, policy: row.policy ?? null, expiresAt: row.expiresAt?.getTime() ?? null }
        : null;
    const now = this.now();
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(presented, { principal, until: now + CACHE_MS });
    return this.usable(principal, now);
  }

  private usable(principal: AgentPrincipal | null, now: number): AgentPrincipal | null {
    if (!principal || (principal.expiresAt !== null && principal.expiresAt <= now)) return null;
    this.touch(principal.tokenId, now);
    return principal;
  }

  /** Records last use at most once a minute per token, off the request path. */
  private touch(id: string, now: number): void {
    if ((this.lastUsedWrites.get(id) ?? 0) > now - 60_000) return;
    this.lastUsedWrites.set(id, now);
    this.db
      .update(agentTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(agentTokens.id, id))
      .catch(() => {});
  }
}

/** Which of the token's accounts a call acts on: the one named, else its only one (400 when it has several). */
export function pickAccount(p: AgentPrincipal, named: string | undefined, where: string): string {
  if (named) {
    // repeated only when it is an account id: a caller may put anything there, a secret too, and the refusal is logged
    if (!p.accountIds.includes(named))
      throw fail('agent_account_refused', { account: /^acc_[A-Za-z0-9]{1,60}$/.test(named) ? named : '(a value that is no account id)' });
    return named;
  }
  if (p.accountIds.length === 1) return p.accountIds[0];
  throw fail('agent_account_required', { count: p.accountIds.length, where }, { accounts: p.accountIds });
}
