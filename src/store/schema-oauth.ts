// OAuth for MCP clients (src/services/oauth/): the clients that registered themselves (RFC 7591)
// and the one-time authorization codes. Part of the one schema (re-exported by schema.ts); no
// foreign keys, so this file needs nothing from schema.ts (a code lives minutes, a client is no
// project's).
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Public clients (no secret): PKCE proves the code's redeemer is the client that asked. */
export const oauthClients = pgTable('oauth_clients', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  redirectUris: text('redirect_uris').array().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Authorization codes, by SHA-256 of the code; used once (`used_at` set by one conditional update). */
export const oauthCodes = pgTable(
  'oauth_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    clientId: text('client_id').notNull(),
    redirectUri: text('redirect_uri').notNull(),
    codeChallenge: text('code_challenge').notNull(),
    projectId: text('project_id').notNull(),
    accountId: text('account_id').notNull(),
    /** `read_only` or `account` (the account's agent policy). */
    policy: text('policy').notNull(),
    resource: text('resource'),
    approvedBy: text('approved_by').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('oauth_codes_expires').on(t.expiresAt)],
);

/**
 * Refresh tokens, by SHA-256 of the token. Rotated: each is used once (`used_at`), and its use gives
 * the next one of the same family with a new access token. A used one presented again means it was
 * copied: the whole family is ended. `access_token_id` is the agent token issued with it.
 */
export const oauthRefreshTokens = pgTable(
  'oauth_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    family: text('family').notNull(),
    clientId: text('client_id').notNull(),
    projectId: text('project_id').notNull(),
    accountId: text('account_id').notNull(),
    policy: text('policy').notNull(),
    approvedBy: text('approved_by').notNull(),
    accessTokenId: text('access_token_id').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('oauth_refresh_tokens_family').on(t.family), index('oauth_refresh_tokens_expires').on(t.expiresAt)],
);

/**
 * Client registrations per client address in the current window (services/window-count.ts): open
 * registration is limited per address for the whole cluster, so that it cannot fill the store.
 */
export const oauthRegistrationWindows = pgTable('oauth_registration_windows', {
  client: text('client').primaryKey(),
  attempts: integer('attempts').notNull(),
  windowStartedAt: ts('window_started_at').notNull(),
});
