// OAuth for MCP clients (src/services/oauth/): the clients that registered themselves (RFC 7591)
// and the one-time authorization codes. Part of the one schema (re-exported by schema.ts); no
// foreign keys, so this file needs nothing from schema.ts (a code lives minutes, a client is no
// project's).
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
