// The background pass over approvals, on every node (each call is taken by one conditional UPDATE, so
// a cluster settles each once):
//   - calls left undecided past their time (approval-terms.ts, APPROVAL_TTL_MS) are written `expired`
//     and their `approval.resolved` sent, so a SaaS backend waiting on the webhook learns the call will
//     never be sent. Until then such a call is already shown, listed and refused as expired: the pass
//     only makes it final and tells.
//   - approved calls that got no answer (unconfirmed, or cut off while being sent) are sent again with
//     their idempotency key, so an approval ends executed or failed without anyone asking: after 5
//     minutes, then after as long again as they have been waiting (at most an hour between two), and
//     only while the provider keeps the key (sendAgainUntil). The agent's repeat or a person's approval
//     still sends one at once.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { connectors } from '../../connectors/registry.js';
import type { Db } from '../../store/db.js';
import { accounts, approvals } from '../../store/schema.js';
import { type Actor, actorRef } from '../logs/actor.js';
import { Poller } from '../poller.js';
import type { WebhookService } from '../webhooks/webhooks.js';
import { lastSending, pastItsTime, SEND_AGAIN_MARGIN_MS, unanswered } from './approval-terms.js';
import type { ApprovalService } from './approvals.js';

/** Who sends an approved call again when nobody asked. */
export const SWEEP_ACTOR: Actor = { type: 'system', id: 'approvals' };
/** The first automatic sending again waits this long after the last one; later ones as long as the call has waited, up to an hour. */
const FIRST_WAIT = "interval '5 minutes'";
const LONGEST_WAIT = "interval '1 hour'";

export class ApprovalSweep {
  private readonly loop: Poller;

  /**
   * @param sendingLeaseMs the longest a sending takes (ApprovalService's): an `approved` call unanswered
   *   longer was cut off
   */
  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookService,
    private readonly approvals: ApprovalService,
    private readonly sendingLeaseMs: number,
    pollMs: number,
    private readonly warn: (msg: string) => void,
  ) {
    this.loop = new Poller(
      'approval pass',
      pollMs,
      async () => {
        // batch after batch until none is left (a store that was down for a week may hold many)
        while (!this.loop.stopped && (await this.expireStale()) > 0);
        if (!this.loop.stopped) await this.sendAgainUnanswered(20, () => this.loop.stopped);
      },
      warn,
    );
  }

  start(): void {
    if (this.loop.stopped) this.loop.start();
  }

  /** Runs a pass now (or right after the one under way). */
  kick(): void {
    this.loop.kick();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Gives calls held before the provider's key lifetime was recorded on them their account's connector's,
   * so that they too are sent again only within it. Run at start; a second run changes nothing.
   */
  async recordKeyLifetimes(): Promise<void> {
    for (const c of connectors()) {
      const kept = c.api.idempotency?.keptMs;
      if (kept === undefined) continue;
      const ofConnector = this.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.provider, c.key));
      await this.db
        .update(approvals)
        .set({ request: sql`${approvals.request} || jsonb_build_object('keyKeptMs', ${kept}::bigint)` })
        .where(and(sql`not (${approvals.request} ? 'keyKeptMs')`, inArray(approvals.accountId, ofConnector)));
    }
  }

  /** Writes up to `batch` pending calls past their time as `expired` (resolved then, by this pass), with their webhooks; how many. */
  async expireStale(batch = 200): Promise<number> {
    const done = await this.db.transaction(async (tx) => {
      const stale = tx.select({ id: approvals.id }).from(approvals).where(pastItsTime()).limit(batch);
      const rows = await tx
        .update(approvals)
        .set({ status: 'expired', resolvedAt: new Date(), resolvedBy: actorRef(SWEEP_ACTOR) })
        .where(and(sql`${approvals.id} in ${stale}`, eq(approvals.status, 'pending')))
        .returning();
      for (const r of rows) await this.webhooks.enqueueEvent(tx, r.projectId, 'approval.resolved', this.approvals.eventFields(r));
      return rows.length;
    });
    if (done > 0) this.webhooks.onEnqueued();
    return done;
  }

  /**
   * Sends again up to `batch` approved calls without an answer whose wait is over, while their key is
   * kept; how many it sent (one another node took first is left to it, and not counted). `stopping`:
   * the server is closing (the rest is left to the next pass).
   */
  async sendAgainUnanswered(batch = 20, stopping: () => boolean = () => false): Promise<number> {
    const since = lastSending();
    const due = await this.db
      .select()
      .from(approvals)
      .where(
        and(
          unanswered(this.sendingLeaseMs),
          sql`${since} < now() - least(${sql.raw(LONGEST_WAIT)}, greatest(${sql.raw(FIRST_WAIT)}, ${since} - ${approvals.resolvedAt}))`,
          // only a call whose key the provider still keeps (one held before its lifetime was recorded: on demand only)
          sql`${approvals.resolvedAt} + ((${approvals.request}->>'keyKeptMs')::bigint - ${SEND_AGAIN_MARGIN_MS}) * interval '1 millisecond' > now()`,
        ),
      )
      .orderBy(since)
      .limit(batch);
    let sent = 0;
    for (const a of due) {
      if (stopping()) break;
      try {
        if (await this.approvals.sendAgainIfFree(a, SWEEP_ACTOR)) sent++;
      } catch (e) {
        // another node's sending under way, or the key's time ran out meanwhile: the next pass sees
        this.warn(`approval ${a.id} was not sent again: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return sent;
  }
}
