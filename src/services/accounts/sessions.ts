// Connect sessions: short-lived tokens that let one end user (origin owner) link or edit accounts
// through the Hub. Only a SHA-256 of the token is stored.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../store/db.js';
import { connectSessions } from '../../store/schema.js';
import { sha256 } from '../ids.js';

export type ConnectSession = typeof connectSessions.$inferSelect;

export interface SessionInput {
  originOwnerId: string;
  originOwnerName: string;
  originUsername: string | null;
  provider: string | null;
  categories: string[] | null;
  accountId: string | null;
  label: string | null;
  metadata: Record<string, unknown> | null;
  type: 'production' | 'test';
  multiple: boolean;
  integrationId: string | null;
  expiresIn: number;
}

export class SessionService {
  constructor(private readonly db: Db) {}

  async create(projectId: string, input: SessionInput): Promise<{ session: ConnectSession; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const { expiresIn, ...rest } = input;
    const [session] = await this.db
      .insert(connectSessions)
      .values({ projectId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + expiresIn * 1000), ...rest })
      .returning();
    return { session, token };
  }

  /**
   * Marks the session used (its Auth Link then says so instead of the form): the time it was taken, or
   * null when it was already used. A single-use session is taken this way inside its write's
   * transaction, so of writes arriving at once exactly one goes on (the others wait on the row, then
   * find it used), and a write that fails or a node that dies before the commit leaves it unused.
   */
  async claim(id: number, tx: Db | Tx = this.db): Promise<Date | null> {
    const at = new Date();
    const taken = await tx
      .update(connectSessions)
      .set({ usedAt: at })
      .where(and(eq(connectSessions.id, id), isNull(connectSessions.usedAt)))
      .returning({ id: connectSessions.id });
    return taken.length > 0 ? at : null;
  }

  /** The live session for a token, or null when unknown or expired. */
  async resolve(token: string | undefined | null): Promise<ConnectSession | null> {
    if (!token || token.length > 200) return null;
    const [session] = await this.db
      .select()
      .from(connectSessions)
      .where(eq(connectSessions.tokenHash, sha256(token)))
      .limit(1);
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return session;
  }
}
