// Scheduled re-verification (LINKHUB_VERIFY_INTERVAL): every linked account's key is tested live
// again about once per interval, so a key revoked or stripped of a permission at the provider shows
// as `error` before a call fails. Each node polls; a due account is claimed by moving its
// next_verify_at one jittered interval ahead in the claiming statement (FOR UPDATE SKIP LOCKED), so
// across a cluster each account is tested once per interval, by whichever node claimed it. A node
// that dies after claiming only delays that account to its next turn. The test itself is the
// on-demand one (AccountService.test) by the `system` actor, through the account's throttle.
import { eq, sql } from 'drizzle-orm';
import { LinkhubError } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { accounts } from '../../store/schema.js';
import type { Actor } from '../logs/actor.js';
import type { LiveTestOutcome } from '../../connectors/types.js';
import type { AccountRow } from './account-view.js';
import type { AccountService } from './accounts.js';
import { Poller } from '../poller.js';

export interface VerifierOptions {
  /** Time between two verifications of an account, ms (jittered by up to 10 % either way). */
  intervalMs: number;
  /** How often a node looks for due accounts, ms. */
  pollMs: number;
  /** Accounts claimed (and tested at once) per statement. */
  batch: number;
  /** Unverified results in a row before the status turns `error` (see AccountService.test). */
  unreachableLimit: number;
}

/** Who the audit log names for scheduled tests (the Dashboard shows actor type `system` as "Linkhub"). */
export const VERIFIER_ACTOR: Actor = { type: 'system', id: 'verifier' };

/** Unverified results in a row (provider unreachable) before the status turns `error`. */
export const UNREACHABLE_LIMIT = 3;

/** The poll period for an interval: a tenth of it, between 50 ms and a minute. */
export function verifyPollMs(intervalMs: number): number {
  return Math.min(60_000, Math.max(50, Math.round(intervalMs / 10)));
}

export class Verifier {
  private readonly loop: Poller;

  constructor(
    private readonly db: Db,
    private readonly accountService: AccountService,
    private readonly opts: VerifierOptions,
    private readonly warn: (msg: string) => void,
    /** Counts each verification's result (GET /metrics). */
    private readonly counted: (result: string) => void = () => {},
  ) {
    this.loop = new Poller('account verification pass', opts.pollMs, () => this.pass(), warn);
  }

  start(): void {
    if (this.opts.intervalMs <= 0 || !this.loop.stopped) return;
    this.loop.start();
  }

  /** Claims nothing more; the tests under way finish. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async pass(): Promise<void> {
    await this.schedule();
    for (;;) {
      if (this.loop.stopped) return;
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((a) => this.verify(a)));
    }
  }

  /** `interval` seconds times a factor in [from, from + 0.2): the jitter spreads accounts linked together. */
  private jittered(from: number) {
    return sql`make_interval(secs => ${this.opts.intervalMs / 1000} * (${from} + 0.2 * random()))`;
  }

  /** Accounts without a date (just linked, a new key, or linked before this version): one interval after their last test. */
  private async schedule(): Promise<void> {
    await this.db.execute(sql`
      UPDATE accounts SET next_verify_at = coalesce(last_verified_at, created_at) + ${this.jittered(0.9)}
      WHERE next_verify_at IS NULL`);
  }

  private async claim(): Promise<{ id: string; projectId: string }[]> {
    const result = await this.db.execute(sql`
      UPDATE accounts SET next_verify_at = now() + ${this.jittered(0.9)}
      WHERE id IN (
        SELECT id FROM accounts WHERE next_verify_at <= now()
        ORDER BY next_verify_at LIMIT ${this.opts.batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, project_id`);
    return (result as unknown as { rows: { id: string; project_id: string }[] }).rows.map((r) => ({ id: r.id, projectId: r.project_id }));
  }

  private async verify(a: { id: string; projectId: string }): Promise<void> {
    try {
      await this.verifyNow(a, VERIFIER_ACTOR);
    } catch (e) {
      this.counted('error');
      this.warn(`verifying account ${a.id} failed: ${(e as Error).message}`);
    }
  }

  /**
   * Tests one account's key now, by the scheduled verification's rules (`linkhub accounts verify`
   * too): status, audit record by `actor`, account.updated when the status changes. Null when the
   * account was deleted meanwhile.
   */
  async verifyNow(a: { id: string; projectId: string }, actor: Actor): Promise<{ account: AccountRow; outcome: LiveTestOutcome } | null> {
    let tested: { account: AccountRow; outcome: LiveTestOutcome };
    try {
      tested = await this.accountService.test(a.projectId, actor, a.id, { throttled: true, unreachableLimit: this.opts.unreachableLimit });
    } catch (e) {
      if (e instanceof LinkhubError && e.entry === 'account_not_found') return null; // deleted meanwhile
      throw e;
    }
    this.counted(tested.outcome.result);
    // Not verified: try again after a quarter of the interval rather than a whole one, so that an
    // outage reaches the limit (or ends) within the interval.
    if (tested.outcome.result === 'unreachable') {
      await this.db
        .update(accounts)
        .set({ nextVerifyAt: sql`least(${accounts.nextVerifyAt}, now() + ${this.jittered(0.15)})` })
        .where(eq(accounts.id, a.id));
    }
    return tested;
  }
}
