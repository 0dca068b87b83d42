// The dashboard's sign-in: one admin password (from LINKHUB_ADMIN_PASSWORD, or generated once and
// printed), stored only as an scrypt hash; sessions are random cookie values stored as SHA-256
// digests with an expiry; sign-in attempts are limited per client address across every node (the
// count lives in the store and is taken before the password is checked, so concurrent guesses on
// one or several nodes cannot outrun it).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../../store/db.js';
import { adminCredentials, adminSessions, signInAttempts } from '../../store/schema.js';
import { fail } from '../../errors/fail.js';
import { randomBase62, sha256 } from '../ids.js';
import { countInWindow, forgetOldWindows } from '../window-count.js';

const SCRYPT = { N: 1 << 15, r: 8, p: 1, keyLen: 32, saltLen: 16 };
const MAXMEM = 64 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64url); the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLen);
  const key = await scrypt(password.normalize('NFC'), salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: MAXMEM });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (!N || !r || !p || expected.length === 0) return false;
  const key = await scrypt(password.normalize('NFC'), salt, expected.length, { N, r, p, maxmem: MAXMEM });
  return timingSafeEqual(key, expected);
}

export interface AdminSession {
  /** SHA-256 of the cookie value; also names the session in the audit log (first characters). */
  idHash: string;
  expiresAt: Date;
}

export interface AdminAuthOptions {
  sessionTtlMs?: number;
  maxFailures?: number;
  failureWindowMs?: number;
}

export class AdminAuthService {
  readonly sessionTtlMs: number;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;

  constructor(
    private readonly db: Db,
    opts: AdminAuthOptions = {},
  ) {
    this.sessionTtlMs = opts.sessionTtlMs ?? 12 * 60 * 60 * 1000;
    this.maxFailures = opts.maxFailures ?? 5;
    this.failureWindowMs = opts.failureWindowMs ?? 5 * 60 * 1000;
  }

  /**
   * At start-up. A configured password replaces a different stored one (and ends every session);
   * with none configured and none stored, a password is generated and returned once to be printed.
   */
  async ensurePassword(configured: string | null): Promise<string | null> {
    const [row] = await this.db.select().from(adminCredentials).where(eq(adminCredentials.id, 1)).limit(1);
    if (configured !== null) {
      if (row && (await verifyPassword(configured, row.passwordHash))) return null;
      await this.setPassword(configured);
      return null;
    }
    if (row) return null;
    const generated = randomBase62(24);
    const hash = await hashPassword(generated);
    const inserted = await this.db.insert(adminCredentials).values({ id: 1, passwordHash: hash }).onConflictDoNothing().returning();
    return inserted[0] ? generated : null; // another instance won the race: its password stands
  }

  async setPassword(password: string): Promise<void> {
    const hash = await hashPassword(password);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      await tx
        .insert(adminCredentials)
        .values({ id: 1, passwordHash: hash, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: adminCredentials.id, set: { passwordHash: hash, updatedAt: now } });
      await tx.delete(adminSessions);
    });
  }

  /** Checks the password; on success a new session and the cookie value (returned only here). */
  async signIn(password: string, client: string): Promise<{ token: string; session: AdminSession }> {
    const { count: attempt, windowEnds } = await countInWindow(this.db, 'sign_in_attempts', client, this.failureWindowMs);
    const now = Date.now();
    if (attempt > this.maxFailures) {
      const retryAfter = Math.max(1, Math.ceil((windowEnds - now) / 1000));
      // Old windows of other addresses are dropped now and then (here: only when someone is refused).
      await forgetOldWindows(this.db, 'sign_in_attempts', this.failureWindowMs);
      throw fail('too_many_sign_in_attempts', { wait: formatWait(retryAfter) }, { retry_after: retryAfter });
    }
    const [row] = await this.db.select().from(adminCredentials).where(eq(adminCredentials.id, 1)).limit(1);
    const ok = row ? await verifyPassword(password, row.passwordHash) : false;
    if (!ok) throw fail('wrong_password');
    await this.db.delete(signInAttempts).where(eq(signInAttempts.client, client));
    const token = randomBytes(32).toString('base64url');
    const session: AdminSession = { idHash: sha256(token), expiresAt: new Date(now + this.sessionTtlMs) };
    await this.db.delete(adminSessions).where(lt(adminSessions.expiresAt, new Date(now)));
    await this.db.insert(adminSessions).values({ idHash: session.idHash, expiresAt: session.expiresAt });
    return { token, session };
  }

  /** The live session for a cookie value, or null. */
  async resolve(token: string | null | undefined): Promise<AdminSession | null> {
    if (!token || token.length > 100) return null;
    const [row] = await this.db
      .select()
      .from(adminSessions)
      .where(eq(adminSessions.idHash, sha256(token)))
      .limit(1);
    if (!row || row.expiresAt.getTime() <= Date.now()) return null;
    return { idHash: row.idHash, expiresAt: row.expiresAt };
  }

  async signOut(token: string | null | undefined): Promise<void> {
    if (!token || token.length > 100) return;
    await this.db.delete(adminSessions).where(eq(adminSessions.idHash, sha256(token)));
  }
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}
