// The one Postgres schema, served by PGlite (embedded) and PostgreSQL alike.
// Migrations in /migrations are generated from this file by `npm run db:generate`.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { HeldRequest } from './held-request.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const projects = pgTable('projects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  organizationId: integer('organization_id').notNull().default(1),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Origins allowed to frame the project's Auth Link page (CSP frame-ancestors, besides Linkhub's own). */
  allowedFrameOrigins: text('allowed_frame_origins').array().notNull().default(sql`'{}'::text[]`),
});

/** Platform API keys: only a SHA-256 of the secret part is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    hint: text('hint').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_secret_hash').on(t.secretHash)],
);

/** Data keys of the vault, each wrapped (encrypted) by the master key. */
export const vaultKeys = pgTable('vault_keys', {
  version: integer('version').primaryKey(),
  wrappedKey: text('wrapped_key').notNull(),
  masterKeyId: text('master_key_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const connectSessions = pgTable(
  'connect_sessions',
  {
    id: serial('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    tokenHash: text('token_hash').notNull(),
    originOwnerId: text('origin_owner_id').notNull(),
    originOwnerName: text('origin_owner_name').notNull(),
    originUsername: text('origin_username'),
    provider: text('provider'),
    categories: jsonb('categories').$type<string[] | null>(),
    accountId: text('account_id'),
    label: text('label'),
    metadata: jsonb('metadata').$type<Record<string, unknown> | null>(),
    type: text('type').$type<'production' | 'test'>().notNull().default('production'),
    multiple: boolean('multiple').notNull().default(false),
    integrationId: text('integration_id'),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** When an account was first linked (or its key replaced) through this session: its Auth Link then says "already used". */
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('connect_sessions_token_hash').on(t.tokenHash)],
);

export interface StatusReason {
  code: string;
  description: string;
  timestamp: string;
}

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    provider: text('provider').notNull(),
    status: text('status').notNull(),
    statusReasons: jsonb('status_reasons').$type<StatusReason[]>().notNull().default(sql`'[]'::jsonb`),
    originOwnerId: text('origin_owner_id').notNull(),
    originOwnerName: text('origin_owner_name').notNull(),
    originUsername: text('origin_username'),
    label: text('label'),
    metadata: jsonb('metadata').$type<Record<string, unknown> | null>(),
    environment: text('environment').$type<'production' | 'test'>().notNull(),
    keyType: text('key_type').$type<'secret' | 'restricted'>().notNull(),
    keyHint: text('key_hint').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    secretKeyVersion: integer('secret_key_version').notNull(),
    externalAccountId: text('external_account_id'),
    externalAccountName: text('external_account_name'),
    /** The connector's context for keys acting on several accounts (e.g. the account an organization key acts on); not secret. */
    context: text('context'),
    lastVerifiedAt: ts('last_verified_at'),
    /** When the scheduled re-verification is due (null: not scheduled yet, e.g. just linked or a new key). */
    nextVerifyAt: ts('next_verify_at'),
    /** Live tests in a row that could not reach the provider (reset by any verdict). */
    verifyFailures: integer('verify_failures').notNull().default(0),
    /** The account-wide agent policy: what agent tokens created without their own policy may do (null: anything). */
    agentPolicy: jsonb('agent_policy').$type<AgentPolicyData | null>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('accounts_project_created').on(t.projectId, t.createdAt, t.id),
    index('accounts_project_owner').on(t.projectId, t.originOwnerId),
    index('accounts_next_verify').on(t.nextVerifyAt),
  ],
);

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  projectId: text('project_id')
    .notNull()
    .references(() => projects.id),
  url: text('url').notNull(),
  secretCiphertext: text('secret_ciphertext').notNull(),
  secretKeyVersion: integer('secret_key_version').notNull(),
  secretHint: text('secret_hint').notNull(),
  events: jsonb('events').$type<string[]>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Durable outbox: one row per (event, endpoint), written in the transaction of the change. */
export const webhookOutbox = pgTable(
  'webhook_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lockedUntil: ts('locked_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [index('webhook_outbox_due').on(t.status, t.nextAttemptAt)],
);

/** One row per delivery attempt: the delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    outboxId: integer('outbox_id').notNull(),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('webhook_attempts_outbox').on(t.outboxId)],
);

/** Append-only record of every use of a decrypted credential. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id').notNull(),
    accountId: text('account_id').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome'),
    at: ts('at').notNull().defaultNow(),
  },
  // audit_events_at: the retention pass deletes by age (services/logs/retention.ts)
  (t) => [index('audit_events_account').on(t.accountId, t.at), index('audit_events_at').on(t.at)],
);

/** The dashboard's admin password: one row (id 1), an scrypt hash with its parameters. */
export const adminCredentials = pgTable('admin_credentials', {
  id: integer('id').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Dashboard sign-in attempts per client address, in the store so the limit holds across nodes: an
 * attempt is counted (atomically) before the password is checked, so concurrent guesses cannot
 * outrun it. A fixed window: `attempts` since `window_started_at`.
 */
export const signInAttempts = pgTable('sign_in_attempts', {
  client: text('client').primaryKey(),
  attempts: integer('attempts').notNull(),
  windowStartedAt: ts('window_started_at').notNull(),
});

/**
 * The per-account throttle shared by every node on PostgreSQL: a token bucket per key, refilled at
 * its rate when read; nodes lease a few tokens at a time (the SQL function linkhub_throttle_take,
 * created with this table), so the cluster never exceeds the rate whatever node the calls reach.
 */
export const throttleBuckets = pgTable('throttle_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Dashboard sign-in sessions: only a SHA-256 of the cookie value is kept. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('admin_sessions_expires').on(t.expiresAt)],
);

/**
 * The call log: every call Linkhub made to a provider on an account's behalf (proxy, rpc, MCP),
 * written in *segments* — rows of up to 1000 calls of one project, written every ~100 ms — so a call
 * costs a share of one row instead of a row and its index entries of its own (on the embedded
 * WebAssembly store a row costs ~5–10 µs of CPU; a call in a segment ~2 µs). Each call is also
 * the credential-audit record of that use of the key (append-only: UPDATE, DELETE and TRUNCATE
 * are refused by triggers, as on audit_events).
 *
 * `records` is a JSON array with one array per call, in the order given by
 * src/services/logs/call-records.ts (format 1): a call's id is `segment id * 4096 + its index`.
 * The other columns summarise the segment so reads can skip segments without decoding them.
 * Bodies are redacted and capped before they are stored; the credential never appears.
 */
export const callLogSegments = pgTable(
  'call_log_segments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id').notNull(),
    /** Encoding of `records` (1: see call-records.ts). */
    format: smallint('format').notNull(),
    count: integer('count').notNull(),
    firstAt: ts('first_at').notNull(),
    lastAt: ts('last_at').notNull(),
    /** Distinct accounts, actions and provider statuses (0 = no answer) of the calls, for pruning. */
    accountIds: text('account_ids').array().notNull(),
    actions: text('actions').array().notNull(),
    statuses: integer('statuses').array().notNull(),
    records: text('records').notNull(),
  },
  (t) => [
    index('call_log_segments_project_id').on(t.projectId, t.id),
    index('call_log_segments_account_ids').using('gin', t.accountIds),
    // the retention pass deletes segments whose last call is older than the retention
    index('call_log_segments_last_at').on(t.lastAt),
  ],
);

/**
 * Restricted-key permissions learnt from the provider's answers (a 403 naming `rak_…` = missing,
 * a successful action = granted), per account and key: rows of another key fingerprint are stale.
 */
export const accountPermissions = pgTable(
  'account_permissions',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** As the provider names it (e.g. rak_customer_read) */
    permission: text('permission').notNull(),
    granted: boolean('granted').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
    learntAt: ts('learnt_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.permission] })],
);

/**
 * What an agent may do with a linked account (validated by the AgentPolicy schema of
 * src/services/agents/policy-schema.ts; stored as given).
 */
export interface AgentPolicyData {
  read_only?: boolean;
  allow?: string[];
  deny?: string[];
  /** By lower-case currency: amounts in the currency's smallest unit. */
  money?: Record<string, { per_call?: number; per_day?: number; approval_above?: number }>;
}

/** Agent tokens (`lhat_…`): only a SHA-256 of the token is kept. */
export const agentTokens = pgTable(
  'agent_tokens',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    /** The account it was created on; `accountIds` holds it first, then the others it may act on. */
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    accountIds: text('account_ids').array().notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    hint: text('hint').notNull(),
    /** Its own policy; null: the account's agent policy applies (read at each call). */
    policy: jsonb('policy').$type<AgentPolicyData | null>(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('agent_tokens_secret_hash').on(t.secretHash), index('agent_tokens_account').on(t.accountId)],
);

/** Money moved by agents, per token (or per account for calls without one), for the rolling daily caps. */
export const agentSpend = pgTable(
  'agent_spend',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The token id; the cap of an account-wide policy counts the account's calls under `acc:<id>`. */
    spender: text('spender').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    at: ts('at').notNull().defaultNow(),
    /** SHA-256 of the call's idempotency key and request: a repeat (the same key, the same request) is counted once. */
    callDigest: text('call_digest'),
  },
  (t) => [index('agent_spend_spender_at').on(t.spender, t.currency, t.at)],
);

/** Calls held for a person's decision (a policy's approval threshold). */
export const approvals = pgTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    tokenId: text('token_id'),
    /** Whose daily totals the call counts in (the token, or `acc:<id>` under the account's policy). */
    spender: text('spender').notNull(),
    action: text('action'),
    /** pending → approved (being sent) → executed | failed | unconfirmed (sent, no answer: sent again, or reconciled to executed | failed); or denied, expired */
    status: text('status').notNull(),
    /** The held call: method, path, params, forwarded headers and its idempotency key (no credentials). */
    request: jsonb('request').$type<HeldRequest>().notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** When its latest sending started: an `approved` call still unanswered long after was cut off (a node died). */
    sendingAt: ts('sending_at'),
    /** The provider's answer to the executed call: status and body text. */
    resultStatus: integer('result_status'),
    resultBody: text('result_body'),
    /** The provider's request id of the approved call: the agent's repeat gets it back with the answer. */
    resultRequestId: text('result_request_id'),
    /** Sent without an answer, then settled by a person who looked it up at the provider (the status says what they found). */
    reconciledBy: text('reconciled_by'),
    reconciledAt: ts('reconciled_at'),
  },
  (t) => [index('approvals_project_status').on(t.projectId, t.status, t.createdAt)],
);

export type { HeldRequest } from './held-request.js';
export * from './schema-oauth.js';
