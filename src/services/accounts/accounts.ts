// Linked accounts: linking by key (rules, live test, encrypted store, webhook), key rotation in
// place, on-demand tests, reads, edits and deletion. Every change and its webhook event commit together.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { getConnector } from '../../connectors/registry.js';
import type { ConnectorDefinition, EnvironmentKey, LiveTestOutcome } from '../../connectors/types.js';
import type { Db, Tx } from '../../store/db.js';
import { accounts, agentTokens, type AgentPolicyData, type StatusReason } from '../../store/schema.js';
import type { Vault } from '../../vault/vault.js';
import { type AccountFilter, type KeysetPage, listAccountsKeyset, listAccountsPage } from './account-queries.js';
import { type AccountRow, accountView } from './account-view.js';

export type { AccountFilter } from './account-queries.js';
import type { Actor } from '../logs/actor.js';
import type { AuditService } from '../logs/audit.js';
import { fail, type LinkhubError } from '../../errors/fail.js';
import { newId } from '../ids.js';
import type { LiveTester } from './live-tester.js';
import { keyFields } from './key-fields.js';
import type { WebhookService } from '../webhooks/webhooks.js';

export interface LinkInput {
  provider: string;
  environment: EnvironmentKey;
  rawKey: unknown;
  /** The connector's context credential sent with the key (e.g. the account an organization key acts on). */
  rawContext?: unknown;
  originOwnerId: string;
  originOwnerName: string;
  originUsername: string | null;
  label: string | null;
  metadata: Record<string, unknown> | null;
  /** true: always a new account; false: an existing account of the same owner, provider and environment gets the new key. */
  multiple: boolean;
  /** The environments the user could choose (a test-only session offers one): key-rule messages suggest only these. */
  offered?: readonly EnvironmentKey[];
  /** Run first in the write's transaction (e.g. taking a single-use session): throwing writes nothing. */
  guard?: WriteGuard;
}

/** A step of an account write's transaction: it commits with the write or not at all (a crash undoes both). */
export type WriteGuard = (tx: Tx) => Promise<void>;

export interface DetailsPatch {
  originOwnerId?: string;
  originOwnerName?: string;
  originUsername?: string;
  label?: string;
  metadata?: Record<string, unknown>;
}

/** A live test that failed: 422 for a key the provider refused, 502 when it could not be reached (key rules refuse with 400 before). */
function failure(outcome: Exclude<LiveTestOutcome, { result: 'ok' }>): LinkhubError {
  const message = outcome.message; // the connector's words, shown by the Hub as well
  switch (outcome.result) {
    case 'invalid_key':
      return fail(outcome.code, { message }, { provider_response: outcome.providerMessage });
    case 'missing_permission':
      return fail('missing_permission', { message }, { permission: outcome.permission, provider_response: outcome.providerMessage });
    case 'unreachable':
      return fail('live_test_unreachable', { message }, { provider_status: outcome.providerStatus });
  }
}

export interface TestOptions {
  /** Through the account's per-account throttle (scheduled re-verification; an on-demand test has a user waiting). */
  throttled?: boolean;
  /**
   * After this many unverified results in a row (provider unreachable, 5xx, 429), status `error` with a
   * `provider_unreachable` reason (scheduled re-verification); without it an unverified result changes nothing.
   */
  unreachableLimit?: number;
  /** The W3C traceparent of the request asking for the test (sent to the provider when it takes one). */
  traceparent?: string;
}

/**
 * Status `error` once the provider could not be reached `limit` times in a row. Why not keep `active`:
 * the status promises a key verified recently, and after several scheduled checks (hours to days apart)
 * that failed nobody knows whether it still works; the reason says so in plain words, calls are not
 * refused for it, and the next successful test or call restores `active`.
 */
function unverifiedStatus(
  connector: ConnectorDefinition,
  outcome: LiveTestOutcome,
  account: Pick<AccountRow, 'status' | 'verifyFailures'>,
  limit: number | undefined,
): { status: string; reasons: StatusReason[] } | null {
  // an account already in error keeps the verdict it has (a revoked key stays revoked while the provider is down)
  const failures = account.verifyFailures;
  if (outcome.result !== 'unreachable' || limit === undefined || failures < limit || account.status === 'error') return null;
  const last = outcome.providerStatus === null ? 'no answer' : `HTTP ${outcome.providerStatus}`;
  const description = `Linkhub could not reach ${connector.name} to verify this key ${failures} times in a row (last: ${last}). The key may still work; Linkhub keeps checking.`;
  return { status: 'error', reasons: [{ code: 'provider_unreachable', description, timestamp: new Date().toISOString() }] };
}

/** First key of the two-key advisory locks taken while linking (the second is the owner's hash). */
const OWNER_LOCK_SPACE = 0x4c48_4c31; // "LHL1"

function statusAfter(outcome: LiveTestOutcome): { status: string; reasons: StatusReason[] } | null {
  const timestamp = new Date().toISOString();
  switch (outcome.result) {
    case 'ok':
      return { status: 'active', reasons: [] };
    case 'invalid_key':
      return { status: 'error', reasons: [{ code: outcome.code, description: outcome.message, timestamp }] };
    case 'missing_permission':
      return { status: 'error', reasons: [{ code: 'missing_permission', description: outcome.message, timestamp }] };
    case 'unreachable':
      return null; // unverified: the stored status stands
  }
}

export class AccountService {
  /** Called with the account id after its key, status, details or existence changed (drops caches). */
  onAccountChanged: (id: string) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly webhooks: WebhookService,
    private readonly tester: LiveTester,
    private readonly audit: AuditService,
  ) {}

  private connector(provider: string): ConnectorDefinition {
    const c = getConnector(provider);
    if (!c) throw fail('unknown_provider', { provider });
    return c;
  }

  /** Key rules (with its context), then the live test; the normalised key and what the test learnt, or a LinkhubError. */
  private async verifyKey(
    connector: ConnectorDefinition,
    environment: EnvironmentKey,
    rawKey: unknown,
    rawContext?: unknown,
    offered?: readonly EnvironmentKey[],
  ) {
    const check = connector.checkKey(rawKey, environment, rawContext, offered);
    if (!check.ok) throw fail(check.code, { message: check.message });
    const outcome = await this.tester.test(connector, check.key, undefined, check.context ?? null);
    if (outcome.result !== 'ok') throw failure(outcome);
    return { check, outcome };
  }

  /**
   * Links a key. Without `multiple`, the newest account of the same owner (project, provider,
   * environment, owner id and name) gets the new key instead: the lookup and the write hold a
   * transaction-scoped advisory lock on that owner, so links of one owner arriving at once, through
   * one node or several, make one account and the others edit it.
   */
  async link(projectId: string, actor: Actor, input: LinkInput): Promise<{ account: AccountRow; created: boolean }> {
    const connector = this.connector(input.provider);
    const { check, outcome } = await this.verifyKey(connector, input.environment, input.rawKey, input.rawContext, input.offered);
    const result = await this.db.transaction(async (tx) => {
      await input.guard?.(tx);
      const existing = input.multiple ? undefined : await this.lockOwner(tx, projectId, input);
      if (existing) {
        const details = {
          originUsername: input.originUsername ?? existing.originUsername,
          label: input.label ?? existing.label,
          metadata: input.metadata && Object.keys(input.metadata).length ? input.metadata : existing.metadata,
        };
        const account = await this.write(tx, projectId, existing.id, { ...keyFields(this.vault, existing, check, outcome), ...details });
        await this.audit.record(projectId, account.id, actor, 'link.relink', 'ok', tx);
        return { account, created: false };
      }
      const id = newId('acc', 20);
      const now = new Date();
      const [row] = await tx
        .insert(accounts)
        .values({
          id,
          projectId,
          provider: input.provider,
          originOwnerId: input.originOwnerId,
          originOwnerName: input.originOwnerName,
          originUsername: input.originUsername,
          label: input.label,
          metadata: input.metadata,
          environment: input.environment,
          ...keyFields(this.vault, { id, externalAccountId: null, externalAccountName: null }, check, outcome),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.webhooks.enqueue(tx, projectId, 'account.created', accountView(row));
      await this.audit.record(projectId, id, actor, 'link.create', 'ok', tx);
      return { account: row, created: true };
    });
    this.committed(result.account.id);
    return result;
  }

  /** Waits for the owner's link lock (until this transaction ends); the owner's newest account, if any. */
  private async lockOwner(tx: Tx, projectId: string, o: LinkInput): Promise<AccountRow | undefined> {
    const owner = JSON.stringify([projectId, o.provider, o.environment, o.originOwnerId, o.originOwnerName]);
    await tx.execute(sql`select pg_advisory_xact_lock(${OWNER_LOCK_SPACE}, hashtext(${owner}))`);
    const [row] = await tx
      .select()
      .from(accounts)
      .where(
        and(
          eq(accounts.projectId, projectId),
          eq(accounts.provider, o.provider),
          eq(accounts.environment, o.environment),
          eq(accounts.originOwnerId, o.originOwnerId),
          eq(accounts.originOwnerName, o.originOwnerName),
        ),
      )
      .orderBy(desc(accounts.createdAt))
      .limit(1)
      .for('update');
    return row;
  }

  /** Tests a new key for an existing account and swaps it in atomically; on failure the old key stays. */
  async replaceKey(projectId: string, actor: Actor, id: string, rawKey: unknown, rawContext?: unknown, guard?: WriteGuard): Promise<AccountRow> {
    return this.update(projectId, actor, id, { rawKey, rawContext, guard });
  }

  /**
   * Edits an account: a new key (tested live first, outside the transaction) and details, in one
   * transaction with its webhook event and audit record: if any step fails, nothing changed.
   */
  async update(
    projectId: string,
    actor: Actor,
    id: string,
    change: { rawKey?: unknown; rawContext?: unknown; details?: DetailsPatch; guard?: WriteGuard },
  ): Promise<AccountRow> {
    const before = await this.get(projectId, id);
    const connector = this.connector(before.provider);
    // A new key without a context keeps the stored one when it needs one (rotating an organization key).
    const needed = typeof change.rawKey === 'string' && connector.context?.needed(change.rawKey) === true;
    const rawContext = change.rawContext ?? (needed ? before.context : undefined);
    const key = change.rawKey === undefined ? null : await this.verifyKey(connector, before.environment, change.rawKey, rawContext, [before.environment]); // an account keeps its environment
    const patch = change.details ?? {};
    if (!key && Object.values(patch).every((v) => v === undefined)) return before;
    const account = await this.db.transaction(async (tx) => {
      await change.guard?.(tx);
      // the row as it is now, locked: metadata merges with what concurrent edits left
      const [current] = await tx
        .select()
        .from(accounts)
        .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId)))
        .for('update');
      if (!current) throw fail('account_not_found');
      const set: Partial<AccountRow> = { ...(key ? keyFields(this.vault, current, key.check, key.outcome) : {}) };
      if (patch.originOwnerId !== undefined) set.originOwnerId = patch.originOwnerId;
      if (patch.originOwnerName !== undefined) set.originOwnerName = patch.originOwnerName;
      if (patch.originUsername !== undefined) set.originUsername = patch.originUsername;
      if (patch.label !== undefined) set.label = patch.label;
      if (patch.metadata !== undefined) set.metadata = { ...(current.metadata ?? {}), ...patch.metadata };
      const row = await this.write(tx, projectId, id, set);
      if (key) await this.audit.record(projectId, id, actor, 'key.rotate', 'ok', tx);
      return row;
    });
    this.committed(id);
    return account;
  }

  /** Sets what the account's agent tokens without a policy of their own may do (null: no limits). */
  async setAgentPolicy(projectId: string, id: string, policy: AgentPolicyData | null, actor: Actor): Promise<AccountRow> {
    const row = await this.db.transaction(async (tx) => {
      const r = await this.write(tx, projectId, id, { agentPolicy: policy });
      await this.audit.record(projectId, id, actor, 'agent_policy.set', policy ? 'set' : 'cleared', tx);
      return r;
    });
    this.committed(id);
    return row;
  }

  /** Updates the account (updated_at now) and enqueues account.updated, in the caller's transaction. */
  private async write(tx: Tx, projectId: string, id: string, set: Partial<AccountRow>): Promise<AccountRow> {
    const [row] = await tx
      .update(accounts)
      .set({ ...set, updatedAt: new Date() })
      .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId)))
      .returning();
    if (!row) throw fail('account_not_found');
    await this.webhooks.enqueue(tx, projectId, 'account.updated', accountView(row));
    return row;
  }

  /** After a committed change: deliver its webhook event now and drop cached copies of the account. */
  private committed(id: string): void {
    this.webhooks.onEnqueued();
    this.onAccountChanged(id);
  }

  /**
   * Runs the live test with the stored key now; updates status, last_verified_at and the count of
   * unverified results in a row, with its audit record (and account.updated when the status changes).
   */
  async test(projectId: string, actor: Actor, id: string, opts: TestOptions = {}): Promise<{ account: AccountRow; outcome: LiveTestOutcome }> {
    const current = await this.get(projectId, id);
    const key = this.vault.decrypt(current.secretCiphertext, current.id);
    const connector = this.connector(current.provider);
    const throttle = opts.throttled ? { accountId: id, environment: current.environment } : undefined;
    const outcome = await this.tester.test(connector, key, throttle, current.context, opts.traceparent);
    const now = new Date();
    const result = await this.db.transaction(async (tx) => {
      // Every verdict resets the count of unverified results in a row; an unverified one adds to it.
      // Only while the tested key is still the stored one: a key replaced during the test (a PATCH on
      // another node, a relink) must not get the old key's verdict.
      const [counted] = await tx
        .update(accounts)
        .set({ verifyFailures: outcome.result === 'unreachable' ? sql`${accounts.verifyFailures} + 1` : 0 })
        .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId), eq(accounts.secretCiphertext, current.secretCiphertext)))
        .returning();
      if (!counted) {
        const [replaced] = await tx
          .select()
          .from(accounts)
          .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId)));
        if (!replaced) throw fail('account_not_found');
        await this.audit.record(projectId, id, actor, 'key.test', outcome.result, tx);
        return { row: replaced, changed: false };
      }
      const next = statusAfter(outcome) ?? unverifiedStatus(connector, outcome, counted, opts.unreachableLimit);
      if (!next) {
        await this.audit.record(projectId, id, actor, 'key.test', outcome.result, tx);
        return { row: counted, changed: false };
      }
      const changed =
        next.status !== counted.status || JSON.stringify(next.reasons.map((r) => r.code)) !== JSON.stringify(counted.statusReasons.map((r) => r.code));
      const [row] = await tx
        .update(accounts)
        .set({
          status: next.status,
          statusReasons: next.reasons,
          ...(outcome.result === 'ok'
            ? {
                lastVerifiedAt: now,
                externalAccountId: outcome.externalAccountId ?? current.externalAccountId,
                externalAccountName: outcome.externalAccountName ?? current.externalAccountName,
              }
            : {}),
          ...(changed ? { updatedAt: now } : {}),
        })
        .where(eq(accounts.id, id))
        .returning();
      if (changed) await this.webhooks.enqueue(tx, projectId, 'account.updated', accountView(row));
      await this.audit.record(projectId, id, actor, 'key.test', outcome.result, tx);
      return { row, changed };
    });
    if (result.changed || outcome.result !== 'unreachable') this.committed(id);
    return { account: result.row, outcome };
  }

  async get(projectId: string, id: string): Promise<AccountRow> {
    const [row] = await this.db
      .select()
      .from(accounts)
      .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId)))
      .limit(1);
    if (!row) throw fail('account_not_found');
    return row;
  }

  /** Newest first; `page` is 1-based (the platform API). */
  list(projectId: string, f: AccountFilter, page: number, pageSize: number): Promise<AccountRow[]> {
    return listAccountsPage(this.db, projectId, f, page, pageSize);
  }

  /** Newest first, a page after `cursor` (the Dashboard): the same cost at any depth. */
  listKeyset(projectId: string, f: AccountFilter, opts: { cursor?: string | null; limit: number }): Promise<KeysetPage> {
    return listAccountsKeyset(this.db, projectId, f, opts);
  }

  /** Deletes the account (its key is erased) with its webhook event and audit record, in one transaction. */
  async delete(projectId: string, actor: Actor, id: string): Promise<AccountRow> {
    const account = await this.db.transaction(async (tx) => {
      const gone = await tx
        .select({ id: agentTokens.id })
        .from(agentTokens)
        .where(and(eq(agentTokens.accountId, id), eq(agentTokens.projectId, projectId), isNull(agentTokens.revokedAt)));
      const [row] = await tx
        .delete(accounts)
        .where(and(eq(accounts.id, id), eq(accounts.projectId, projectId)))
        .returning();
      if (!row) throw fail('account_not_found');
      await this.webhooks.enqueue(tx, projectId, 'account.deleted', accountView(row));
      await this.audit.record(projectId, id, actor, 'account.delete', 'ok', tx);
      // its agent tokens went with it (on delete cascade), those naming other accounts too: each in the audit trail
      for (const t of gone) await this.audit.record(projectId, id, actor, 'agent_token.revoked', t.id, tx);
      return row;
    });
    this.committed(id);
    return account;
  }
}
