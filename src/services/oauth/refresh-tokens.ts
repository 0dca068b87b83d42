// Refresh tokens for MCP clients (OAuth 2.1 for public clients: rotated on every use). An approval
// gives a client an access token (an agent token) and a refresh token; the client trades the refresh
// token for a new pair before or after the access token expires, without the user. Each refresh token
// is used once, by one conditional update (two nodes cannot both honour it); a used one presented
// again was copied, so its whole family ends: every refresh token of it used, its live access token
// revoked. Revoking the access token (Dashboard, API) ends the grant too: the next refresh is refused.
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { LinkhubError } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { oauthRefreshTokens } from '../../store/schema.js';
import type { AgentTokenService } from '../agents/tokens.js';
import { newId, randomBase62, sha256 } from '../ids.js';
import { type Actor, actorFromRef } from '../logs/actor.js';
import { OAuthError } from './oauth-error.js';

/** An access token lasts a week; the client refreshes it without the user. */
export const ACCESS_TOKEN_TTL_S = 7 * 24 * 60 * 60;
/** A refresh token unused for 90 days expires; each use gives a new one with 90 days again. */
export const REFRESH_TOKEN_TTL_S = 90 * 24 * 60 * 60;
export const REFRESH_TOKEN_PREFIX = 'lhrt_';

/** What the user approved, carried from the code to every token of its family. */
export interface Grant {
  clientId: string;
  clientName: string;
  projectId: string;
  accountId: string;
  /** `read_only` or `account`. */
  policy: string;
  /** `<actor type>:<id>` of the Dashboard user who approved it. */
  approvedBy: string;
}

export interface IssuedTokens {
  accessToken: string;
  tokenId: string;
  expiresIn: number;
  refreshToken: string;
}

const OAUTH_SYSTEM: Actor = { type: 'system', id: 'oauth' };
/** The expiry of an ended family's refresh tokens: a mark no live token carries. */
const ENDED = new Date(0);

export class RefreshTokens {
  constructor(
    private readonly db: Db,
    private readonly tokens: AgentTokenService,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * An access token and a refresh token for a grant (a new family, or the next of `family`, whose new
   * access token `replaces` the previous one: a refresh is not refused by the account's token cap).
   */
  async issue(g: Grant, family: string = newId('orf', 20), replaces?: string): Promise<IssuedTokens> {
    let made: Awaited<ReturnType<AgentTokenService['create']>>;
    try {
      made = await this.tokens.create(
        g.projectId,
        g.accountId,
        { name: `OAuth: ${g.clientName}`, expiresIn: ACCESS_TOKEN_TTL_S, policy: g.policy === 'read_only' ? { read_only: true } : null },
        actorFromRef(g.approvedBy),
        { replaces },
      );
    } catch (e) {
      // the account was deleted since the approval
      if (e instanceof LinkhubError && e.entry === 'account_not_found') throw new OAuthError('invalid_grant', 'the approved account no longer exists');
      // the account has as many live agent tokens as it may (RFC 6749 has no closer code): the user frees one, then approves again
      if (e instanceof LinkhubError && e.entry === 'agent_token_limit')
        throw new OAuthError('invalid_grant', `${e.message}; revoke one in the Dashboard, then authorize this client again`);
      throw e;
    }
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomBase62(43)}`;
    const now = this.now();
    await this.db.delete(oauthRefreshTokens).where(lt(oauthRefreshTokens.expiresAt, new Date(now)));
    await this.db.insert(oauthRefreshTokens).values({
      tokenHash: sha256(refreshToken),
      family,
      clientId: g.clientId,
      projectId: g.projectId,
      accountId: g.accountId,
      policy: g.policy,
      approvedBy: g.approvedBy,
      accessTokenId: made.row.id,
      expiresAt: new Date(now + REFRESH_TOKEN_TTL_S * 1000),
    });
    return { accessToken: made.token, tokenId: made.row.id, expiresIn: ACCESS_TOKEN_TTL_S, refreshToken };
  }

  /** refresh_token grant: the next pair of the family, the previous access token revoked. */
  async refresh(presented: string, client: { id: string; name: string }): Promise<IssuedTokens> {
    const now = new Date(this.now());
    const t = oauthRefreshTokens;
    const hash = sha256(presented);
    const [row] = await this.db
      .update(t)
      .set({ usedAt: now })
      .where(and(eq(t.tokenHash, hash), eq(t.clientId, client.id), isNull(t.usedAt), gt(t.expiresAt, now)))
      .returning();
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    if (!row) {
      const [seen] = await this.db.select().from(t).where(eq(t.tokenHash, hash)).limit(1);
      if (seen && seen.clientId !== client.id) throw invalid('the refresh token was issued to another client');
      if (seen?.usedAt) await this.endFamily(seen.family);
      throw invalid('the refresh token is unknown, expired or already used');
    }
    // revoked by a person since: the grant is over
    if (!(await this.tokens.unrevoked(row.accessTokenId))) throw invalid('the access token of this grant was revoked');
    const next = await this.issue({ ...row, clientName: client.name }, row.family, row.accessTokenId);
    // While the new pair was made, a copy of the presented token may have ended the family (before the
    // new refresh token existed, so it was not among the rows ended), or a person may have revoked the
    // access token. Checked after the new pair exists: either ends the grant, the new pair with it.
    const [me] = await this.db.select({ expiresAt: t.expiresAt }).from(t).where(eq(t.tokenHash, hash)).limit(1);
    const ended = !me || me.expiresAt.getTime() === ENDED.getTime();
    if (ended || !(await this.revokeOwn(row.accountId, row.projectId, row.accessTokenId))) {
      await this.endFamily(row.family);
      throw invalid('the grant ended while it was refreshed (its access token revoked, or its refresh token used twice)');
    }
    return next;
  }

  /**
   * A copied refresh token (or code) was used: no token of its family works any more. Its rows are marked ended
   * (ENDED), first: a refresh under way reads the mark once its new pair exists, and ends that too.
   */
  async endFamily(family: string): Promise<void> {
    const t = oauthRefreshTokens;
    const rows = await this.db
      .update(t)
      .set({ usedAt: new Date(this.now()), expiresAt: ENDED })
      .where(eq(t.family, family))
      .returning();
    for (const r of rows) await this.revokeOwn(r.accountId, r.projectId, r.accessTokenId);
  }

  /**
   * Revokes an access token as Linkhub itself (a rotation, a replayed token), audited as `system:oauth`,
   * not as the approving user; false when someone else revoked it first.
   */
  private async revokeOwn(accountId: string, projectId: string, tokenId: string): Promise<boolean> {
    try {
      await this.tokens.revoke(projectId, accountId, tokenId, OAUTH_SYSTEM);
      return true;
    } catch (e) {
      if (e instanceof LinkhubError && e.entry === 'agent_token_not_found') return false;
      throw e;
    }
  }
}
