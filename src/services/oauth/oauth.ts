// OAuth 2.1 for MCP clients (the MCP authorization specification): public clients register
// themselves (RFC 7591), a signed-in Dashboard user approves one account and a policy preset, and
// the client redeems the one-time code with its PKCE verifier (S256 only) for an agent token, which
// is the access token /mcp takes. Hand-written: it is Linkhub's own authorization server over its
// own agent tokens and Dashboard sign-in; no kept library plays that part. Errors are OAuthError
// (RFC 6749 codes), answered by the HTTP side as `{error, error_description}`.
import { createHash } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { oauthClients, oauthCodes } from '../../store/schema.js';
import type { AgentTokenService } from '../agents/tokens.js';
import { newId, randomBase62, sha256 } from '../ids.js';
import { type Actor, actorRef } from '../logs/actor.js';
import { countInWindow, forgetOldWindows } from '../window-count.js';
import { ClientCap, type ClientCapLimits } from './client-cap.js';
import { checkClientMetadata, type OAuthClient } from './client-metadata.js';
import type { ClientDocuments } from './client-documents.js';
import { OAuthError } from './oauth-error.js';
import { type IssuedTokens, RefreshTokens } from './refresh-tokens.js';

/** A code is redeemed within seconds by a real client; five minutes leaves room for a slow one. */
export const CODE_TTL_MS = 5 * 60_000;
export const POLICY_PRESETS = ['read_only', 'account'] as const;
export type PolicyPreset = (typeof POLICY_PRESETS)[number];

export { OAuthError };
export type { OAuthClient };
export { registeredRedirect } from './client-metadata.js';

/** Client registrations one address may make per window (an MCP client registers once per server). */
const REGISTRATIONS_PER_WINDOW = 100;
const REGISTRATION_WINDOW_MS = 10 * 60 * 1000;

/** The refresh token family a code's grant starts, named after the code (its hash) so a second redemption can end it. */
const familyOf = (codeHash: string): string => `orf_${sha256(`family:${codeHash}`).slice(0, 24)}`;

/** The PKCE S256 challenge of a verifier (RFC 7636: BASE64URL(SHA256(verifier))). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export interface Approval {
  client: OAuthClient;
  redirectUri: string;
  codeChallenge: string;
  projectId: string;
  accountId: string;
  policy: PolicyPreset;
  resource: string | null;
  actor: Actor;
}

export class OAuthService {
  private readonly refreshTokens: RefreshTokens;
  /** The cluster-wide cap on registered clients never used, and their lifetime (client-cap.ts). */
  readonly clientCap: ClientCap;

  constructor(
    private readonly db: Db,
    tokens: AgentTokenService,
    /** Clients named by the URL of their metadata document; null: none are taken. */
    private readonly documents: ClientDocuments | null,
    private readonly now: () => number = Date.now,
    clientLimits: Partial<ClientCapLimits> = {},
  ) {
    this.refreshTokens = new RefreshTokens(db, tokens, now);
    this.clientCap = new ClientCap(db, now, clientLimits);
  }

  /**
   * Counts one registration from a client address: 0 while it is within REGISTRATIONS_PER_WINDOW, else
   * the ms until its window ends. Registration needs no credential (RFC 7591 open registration), so it is
   * limited per address, for the whole cluster (the count is in the store), that it cannot fill the
   * store (RFC 7591, section 5).
   */
  async takeRegistration(client: string): Promise<number> {
    const { count, windowEnds } = await countInWindow(this.db, 'oauth_registration_windows', client, REGISTRATION_WINDOW_MS);
    if (count === 1) await forgetOldWindows(this.db, 'oauth_registration_windows', REGISTRATION_WINDOW_MS); // a new window: drop the ones over
    return count > REGISTRATIONS_PER_WINDOW ? Math.max(1, windowEnds - this.now()) : 0;
  }

  /**
   * RFC 7591 registration of a public client (token_endpoint_auth_method none). Registration is open:
   * clients that never got a code or a token go after a day, and are capped for the whole cluster
   * (429 oauth_clients_full past it), so registrations alone cannot fill the store (the HTTP side also
   * limits them per address).
   */
  async register(metadata: Record<string, unknown>): Promise<OAuthClient> {
    const client = { id: newId('oc', 24), ...checkClientMetadata(metadata) };
    await this.clientCap.admit();
    await this.db.insert(oauthClients).values(client);
    return client;
  }

  /** Whether clients may name themselves by the URL of their metadata document (the server's metadata says so). */
  get takesClientDocuments(): boolean {
    return this.documents !== null;
  }

  /**
   * A client by its id: a registered one, or one whose id is the URL of its metadata document
   * (client-documents.ts); that one throws OAuthError when its document cannot be used, saying why.
   */
  async client(id: string): Promise<OAuthClient | null> {
    if (id.startsWith('https://')) return this.documents ? this.documents.client(id) : null;
    if (!id || id.length > 100) return null;
    const [row] = await this.db.select().from(oauthClients).where(eq(oauthClients.id, id)).limit(1);
    return row ? { id: row.id, name: row.name, redirectUris: row.redirectUris } : null;
  }

  /** The one-time code of an approval (only its SHA-256 is stored); expired codes are swept on the way. */
  async issueCode(a: Approval): Promise<string> {
    const code = randomBase62(43);
    const now = this.now();
    await this.db.delete(oauthCodes).where(lt(oauthCodes.expiresAt, new Date(now - CODE_TTL_MS)));
    await this.db.insert(oauthCodes).values({
      codeHash: sha256(code),
      clientId: a.client.id,
      redirectUri: a.redirectUri,
      codeChallenge: a.codeChallenge,
      projectId: a.projectId,
      accountId: a.accountId,
      policy: a.policy,
      resource: a.resource,
      approvedBy: actorRef(a.actor),
      expiresAt: new Date(now + CODE_TTL_MS),
    });
    this.clientCap.used();
    return code;
  }

  /**
   * authorization_code grant: the code is spent by one conditional update (a second redemption, even
   * at once on another node, finds it used), then checked against the client, redirect URI and PKCE
   * verifier; a match issues an agent token on the approved account under the approved preset, and a
   * refresh token.
   */
  async redeem(input: {
    code: string;
    clientId: string;
    redirectUri: string | undefined;
    verifier: string;
    resource: string | undefined;
  }): Promise<IssuedTokens> {
    const now = new Date(this.now());
    const codeHash = sha256(input.code);
    const [row] = await this.db
      .update(oauthCodes)
      .set({ usedAt: now })
      .where(and(eq(oauthCodes.codeHash, codeHash), isNull(oauthCodes.usedAt), gt(oauthCodes.expiresAt, now)))
      .returning();
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    if (!row) {
      // a code redeemed twice was seen by someone else: the grant it gave ends (RFC 6749, section 4.1.2)
      const [seen] = await this.db.select({ usedAt: oauthCodes.usedAt }).from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash)).limit(1);
      if (seen?.usedAt) await this.refreshTokens.endFamily(familyOf(codeHash));
      throw invalid('the code is unknown, expired or already used');
    }
    if (row.clientId !== input.clientId) throw invalid('the code was issued to another client');
    if (input.redirectUri !== undefined && input.redirectUri !== row.redirectUri) throw invalid('redirect_uri differs from the authorization request');
    // RFC 7636, section 4.1: 43 to 128 unreserved characters
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(input.verifier)) throw invalid('code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~');
    if (s256(input.verifier) !== row.codeChallenge) throw invalid('code_verifier does not match the code_challenge');
    if (input.resource !== undefined && row.resource !== null && input.resource !== row.resource)
      throw invalid('resource differs from the authorization request');
    const client = await this.client(row.clientId);
    return this.refreshTokens.issue({ ...row, clientName: client?.name ?? row.clientId }, familyOf(codeHash));
  }

  /** refresh_token grant (refresh-tokens.ts): the next access and refresh tokens, for the client they were issued to. */
  async refresh(input: { refreshToken: string; clientId: string }): Promise<IssuedTokens> {
    const client = await this.client(input.clientId);
    if (!client) throw new OAuthError('invalid_client', 'unknown client_id', 401);
    return this.refreshTokens.refresh(input.refreshToken, client);
  }
}
