// Calls held by an agent policy until a person decides. A held call is stored as it will be sent
// (method, path, encoded body, forwarded headers and its idempotency key; never a credential).
// Approving sends it once: the pending → approved step is one conditional UPDATE, so of two
// approvers (or two nodes) exactly one sends, with the call's original idempotency key, so a call
// sent again is applied once by the provider. The agent repeating its call with that key gets the
// provider's answer, kept on the approval. A call sent without an answer (`unconfirmed`; or cut off:
// its node died, `approved` past the sending lease) is sent again with its key when the agent repeats
// it, a person approves it again or the approval pass comes to it (approval-sweep.ts), only while the
// provider keeps the key (approval-terms.ts); a person who looked it up reconciles it. A call left
// undecided past its time is expired and never sent. The amount is counted when the call is approved,
// before it is sent, and taken back when nothing moved. `approval.requested` and `approval.resolved`
// webhooks tell the SaaS backend (`approval.resolved` again when an unconfirmed call settles).
import { and, desc, eq, gte, isNull, or, sql } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { agentTokens, approvals } from '../../store/schema.js';
import type { AccountCaller } from '../calls/caller.js';
import { newId } from '../ids.js';
import { type Actor, actorRef } from '../logs/actor.js';
import type { AuditService } from '../logs/audit.js';
import type { WebhookService } from '../webhooks/webhooks.js';
import {
  type ApprovalRow,
  approvalView,
  HELD_MAX_BYTES,
  hasNul,
  heldRefusal,
  inFlight,
  appliedUnanswered,
  isExpired,
  PENDING_MAX,
  pastItsTime,
  sameRequest,
  sendAgainUntil,
  stillWaiting,
  tooLateToSendAgain,
  unanswered,
  lastSending,
} from './approval-terms.js';
import type { GatedCall, GateOutcome } from './gate-types.js';
import { nothingMoved } from './stored-answer.js';
import { outcomeFields, sendHeld, spendAsAnswered } from './approval-send.js';
import { callDigest, type SpendLedger } from './spend.js';
import { keyScope } from '../calls/context-headers.js';

export interface HoldInput {
  call: GatedCall;
  spender: string;
  action: string;
  currency: string;
  amount: number;
  reason: string;
}

export class ApprovalService {
  /**
   * What a held call would move if sent now (the gate's reading, AgentGate.amountNow; set where the
   * services are wired, since the gate holds calls here): an approved call is sent only when that is
   * no more than the amount approved.
   */
  amountNow: ((a: ApprovalRow, actor: Actor) => Promise<{ amount: number; currency: string } | null>) | null = null;

  /**
   * @param sendingLeaseMs the longest an approved call takes to be sent and answered (its attempts,
   *   their backoff, a throttle wait): one still unanswered after it was cut off (its node died)
   */
  constructor(
    private readonly db: Db,
    private readonly calls: AccountCaller,
    private readonly webhooks: WebhookService,
    private readonly spend: SpendLedger,
    private readonly sendingLeaseMs: number,
    private readonly audit: AuditService,
  ) {}

  /** Approved, and its sending started longer than the lease ago without an answer: its node died sending it. */
  private cutOff(a: ApprovalRow): boolean {
    const since = a.sendingAt ?? a.resolvedAt;
    return a.status === 'approved' && since !== null && Date.now() - since.getTime() > this.sendingLeaseMs;
  }

  /** On a store only this process uses, at start: every approved call still being sent was cut off. */
  async cutOffAtStart(): Promise<void> {
    await this.db.update(approvals).set({ status: 'unconfirmed' }).where(eq(approvals.status, 'approved'));
  }

  /** An approval as the API and webhooks show it. */
  view(a: ApprovalRow) {
    return approvalView(a, this.cutOff(a));
  }

  /**
   * Stores the call as pending, sends `approval.requested`, and refuses the call with approval_required.
   * Calls with one idempotency key held at once (an agent retrying, on several nodes) make one approval:
   * the key is locked while it is looked up and stored, and the later calls are its repeats.
   */
  async hold(h: HoldInput): Promise<GateOutcome> {
    const id = newId('apr', 20);
    const { call } = h;
    const connector = call.account.profile.connector;
    const kept = connector.api.idempotency?.keptMs;
    const held = { ...call.held(), scope: keyScope(connector, call.account.row.id, call.headers) };
    const request = kept === undefined ? held : { ...held, keyKeptMs: kept };
    // PostgreSQL's jsonb (where a held call is kept) cannot hold U+0000: refused, not a failed insert
    if (hasNul(request)) {
      throw fail('invalid_input', { field: 'body', problem: 'a call holding a NUL character (U+0000) cannot be held for approval' }, { field: 'body' });
    }
    // a person reads a held call whole, and lists of them go to the Dashboard and webhooks
    const size = Buffer.byteLength(JSON.stringify(request));
    if (size > HELD_MAX_BYTES) throw fail('held_call_too_large', { limit: HELD_MAX_BYTES, size });
    const accountId = call.account.row.id;
    const row = await this.db.transaction(async (tx) => {
      // one agent's holds one at a time: its idempotency keys are looked up, and its pending calls counted, alone
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`approval:${h.spender}`}))`);
      const [earlier] = await tx
        .select()
        .from(approvals)
        .where(this.byKey(accountId, h.spender, request.idempotencyKey))
        .limit(1);
      if (earlier) return { earlier, created: null };
      const [waiting] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(approvals)
        .where(and(eq(approvals.spender, h.spender), stillWaiting()));
      if ((waiting?.n ?? 0) >= PENDING_MAX) throw fail('approvals_pending_limit', { count: PENDING_MAX });
      const [r] = await tx
        .insert(approvals)
        .values({
          id,
          projectId: call.target.projectId,
          accountId: call.account.row.id,
          tokenId: call.principal.tokenId,
          spender: h.spender,
          action: h.action,
          status: 'pending',
          request,
          currency: h.currency,
          amount: h.amount,
          reason: h.reason,
        })
        .returning();
      await this.webhooks.enqueueEvent(tx, r.projectId, 'approval.requested', this.eventFields(r));
      return { earlier: null, created: r };
    });
    if (row.earlier) return this.repeated(row.earlier, call);
    this.webhooks.onEnqueued();
    throw heldRefusal(row.created);
  }

  /** The fields of an approval's webhook event. */
  eventFields(a: ApprovalRow) {
    return { record_type: 'approval', record_id: a.id, account_id: a.accountId, data: this.view(a) };
  }

  private byKey(accountId: string, spender: string, key: string) {
    return and(eq(approvals.accountId, accountId), eq(approvals.spender, spender), sql`${approvals.request}->>'idempotencyKey' = ${key}`);
  }

  /** The approval an earlier call with this idempotency key created, if any. */
  async findByKey(accountId: string, spender: string, key: string): Promise<ApprovalRow | null> {
    const rows = await this.db
      .select()
      .from(approvals)
      .where(this.byKey(accountId, spender, key))
      .orderBy(desc(approvals.createdAt))
      .limit(1);
    return rows[0] ?? null;
  }

  /**
   * What a call repeated with a held call's idempotency key gets: refused when it is another request;
   * else the approved call's answer (sent again first when it was sent without one), or the refusal
   * that still holds.
   */
  async repeated(a: ApprovalRow, call: GatedCall): Promise<GateOutcome> {
    // on another account (a header naming a connected account) the key names another call: not this one's answer
    const now = { ...call.held(), scope: keyScope(call.account.profile.connector, call.account.row.id, call.headers) };
    if (!sameRequest(a.request, now)) {
      throw fail('idempotency_key_reused', {
        key: a.request.idempotencyKey,
        first: `${a.request.method} ${a.request.path.split('?')[0]}${sameRequest(a.request, { ...now, scope: undefined }) ? ' on another account' : ''}, held as approval ${a.id}`,
      });
    }
    if (isExpired(a)) {
      throw fail(
        'policy_denied',
        { reason: `approval ${a.id} expired undecided, and the call was not sent: to ask again, make the call with a new Idempotency-Key` },
        { reason_code: 'approval_expired' },
      );
    }
    if (a.status === 'unconfirmed' || this.cutOff(a)) a = await this.sendAgain(a, call.target.actor);
    if (a.status === 'executed' && a.resultStatus === null) throw appliedUnanswered(a);
    // sent: the provider's answer, a refusal of its own (a declined card) as much as a success
    if ((a.status === 'executed' || a.status === 'failed') && a.resultStatus !== null && a.resultStatus > 0) {
      return { kind: 'answered', status: a.resultStatus, body: a.resultBody ?? '', requestId: a.resultRequestId, idempotencyKey: a.request.idempotencyKey };
    }
    if (a.status === 'denied') throw fail('policy_denied', { reason: `approval ${a.id} was denied` }, { reason_code: 'approval_denied' });
    if (a.status === 'failed') {
      throw fail(
        'policy_denied',
        { reason: `approval ${a.id} was given but the call was ${a.resultBody ?? 'not sent'}` },
        { reason_code: 'approval_not_sent' },
      );
    }
    if (a.status === 'approved') throw inFlight(a, 'is being sent');
    if (a.status === 'unconfirmed') throw inFlight(a, `was sent without an answer (${a.resultBody ?? 'none came'})`);
    throw heldRefusal(a);
  }

  /**
   * Sends an unconfirmed (or cut-off) approved call again with its idempotency key: taken by one
   * conditional UPDATE, so one sender at a time; another's sending under way is left to it.
   */
  async sendAgain(a: ApprovalRow, actor: Actor): Promise<ApprovalRow> {
    return (await this.sendAgainIfFree(a, actor)) ?? (await this.findById(a.id)) ?? a;
  }

  /** sendAgain, or null when another sender had taken the call (nothing was sent). */
  async sendAgainIfFree(a: ApprovalRow, actor: Actor): Promise<ApprovalRow | null> {
    const until = sendAgainUntil(a);
    if (until !== null && Date.now() > until.getTime()) throw tooLateToSendAgain(a, until);
    const [taken] = await this.db
      .update(approvals)
      .set({ status: 'approved', sendingAt: new Date() })
      .where(and(eq(approvals.id, a.id), unanswered(this.sendingLeaseMs)))
      .returning();
    if (!taken) return null;
    const { row: done, mine } = await this.execute(taken, actor, true);
    // told when it settles, by the sending that settled it: one again without an answer leaves it unconfirmed
    if (mine && done.status !== 'unconfirmed' && done.status !== 'approved') await this.resolved(done);
    return done;
  }

  private async findById(id: string): Promise<ApprovalRow | null> {
    const [row] = await this.db.select().from(approvals).where(eq(approvals.id, id));
    return row ?? null;
  }

  private async resolved(a: ApprovalRow): Promise<void> {
    await this.db.transaction((tx) => this.webhooks.enqueueEvent(tx, a.projectId, 'approval.resolved', this.eventFields(a)));
    this.webhooks.onEnqueued();
  }

  async list(projectId: string, opts: { status?: string; accountId?: string; limit?: number }) {
    const conds = [eq(approvals.projectId, projectId)];
    // listed as shown: an approved call cut off while it was sent is unconfirmed
    if (opts.status === 'unconfirmed') {
      conds.push(unanswered(this.sendingLeaseMs)!);
    } else if (opts.status === 'approved') {
      conds.push(eq(approvals.status, 'approved'), gte(lastSending(), new Date(Date.now() - this.sendingLeaseMs)));
    } else if (opts.status === 'pending') {
      conds.push(stillWaiting()!);
    } else if (opts.status === 'expired') {
      conds.push(or(eq(approvals.status, 'expired'), pastItsTime())!);
    } else if (opts.status) conds.push(eq(approvals.status, opts.status));
    if (opts.accountId) conds.push(eq(approvals.accountId, opts.accountId));
    return this.db
      .select()
      .from(approvals)
      .where(and(...conds))
      .orderBy(desc(approvals.createdAt))
      .limit(Math.min(opts.limit ?? 50, 200));
  }

  async get(projectId: string, id: string): Promise<ApprovalRow> {
    const [row] = await this.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.id, id), eq(approvals.projectId, projectId)));
    if (!row) throw fail('approval_not_found');
    return row;
  }

  /**
   * Decides a pending approval; approving sends the held call (once) and keeps the provider's answer.
   * Approving an unconfirmed one again sends it again (with its idempotency key).
   */
  async resolve(projectId: string, id: string, decision: 'approve' | 'deny', actor: Actor): Promise<ApprovalRow> {
    const by = actorRef(actor);
    if (decision === 'approve') await this.refuseRevokedToken(await this.get(projectId, id));
    const at = new Date();
    // the decision is audited under whoever made it, with it or not at all
    const taken = await this.db.transaction(async (tx) => {
      const [t] = await tx
        .update(approvals)
        .set({ status: decision === 'approve' ? 'approved' : 'denied', resolvedAt: at, resolvedBy: by, sendingAt: decision === 'approve' ? at : null })
        .where(and(eq(approvals.id, id), eq(approvals.projectId, projectId), stillWaiting()))
        .returning();
      if (t) await this.audit.record(projectId, t.accountId, actor, decision === 'approve' ? 'approval.approved' : 'approval.denied', id, tx);
      return t;
    });
    if (!taken) {
      const current = await this.get(projectId, id);
      if (decision === 'approve' && (current.status === 'unconfirmed' || this.cutOff(current))) {
        const again = await this.sendAgain(current, actor);
        if (again.status !== 'approved') return again;
      }
      throw fail('approval_not_pending', { approval: id, status: this.view(current).status });
    }
    const { row: done, mine } = decision === 'approve' ? await this.execute(taken, actor) : { row: taken, mine: true };
    if (mine) await this.resolved(done);
    return done;
  }

  /**
   * A person settles a call sent without an answer from what they found at the provider (by its
   * idempotency key): `applied` is executed, `not_applied` failed, and its amount is taken back off the
   * day's total, in one transaction with its approval.resolved. Never sent again after. A sending under
   * way (within its lease) is left to finish; one past it whose node died answers nothing, so the
   * person's word stands, and one that was only slow replaces it with the provider's answer.
   */
  async reconcile(projectId: string, id: string, outcome: 'applied' | 'not_applied', actor: Actor): Promise<ApprovalRow> {
    const applied = outcome === 'applied';
    const taken = await this.db.transaction(async (tx) => {
      const [t] = await tx
        .update(approvals)
        .set({
          status: applied ? 'executed' : 'failed',
          resultStatus: applied ? null : 0,
          resultBody: applied ? null : 'not applied at the provider, as a person found reconciling it',
          reconciledBy: actorRef(actor),
          reconciledAt: new Date(),
          sendingAt: null, // a sending still alive meanwhile loses its claim: its answer, if one comes, replaces this (execute)
        })
        .where(and(eq(approvals.id, id), eq(approvals.projectId, projectId), unanswered(this.sendingLeaseMs)))
        .returning();
      if (!t) return null;
      // kept here even if the provider's late answer replaces this reading on the approval (execute)
      await this.audit.record(projectId, t.accountId, actor, `approval.reconciled:${outcome}`, id, tx);
      if (!applied && t.currency !== 'unknown') await this.spend.forget(t.spender, t.currency, callDigest(t.request.idempotencyKey, t.request), tx);
      await this.webhooks.enqueueEvent(tx, t.projectId, 'approval.resolved', this.eventFields(t));
      return t;
    });
    if (!taken) throw fail('approval_not_unconfirmed', { approval: id, status: this.view(await this.get(projectId, id)).status });
    this.webhooks.onEnqueued();
    return taken;
  }

  /** A pending call asked for by a token revoked since is not sent: whoever revoked it stopped that agent. */
  private async refuseRevokedToken(a: ApprovalRow): Promise<void> {
    if (a.status !== 'pending' || a.tokenId === null) return;
    const [t] = await this.db.select({ revokedAt: agentTokens.revokedAt }).from(agentTokens).where(eq(agentTokens.id, a.tokenId));
    if (t?.revokedAt) throw fail('approval_token_revoked', { approval: a.id, token: a.tokenId });
  }

  /**
   * Sends an approved call and keeps the outcome. Its amount is counted before it is sent, once: a node
   * dying while it sends leaves it counted, one dying before leaves it to the next sending. A sending of a
   * call not yet counted first checks what it would move now (grownSince); one already counted is the
   * same call with its key again, neither judged nor counted again. Taken back if nothing moved.
   */
  private async execute(a: ApprovalRow, actor: Actor, again = false): Promise<{ row: ApprovalRow; mine: boolean }> {
    const digest = callDigest(a.request.idempotencyKey, a.request);
    const measured = a.currency !== 'unknown';
    const sentBefore = measured && (await this.spend.counted(a.spender, a.currency, digest));
    const refusal = sentBefore ? null : await this.grownSince(a, actor);
    const r = measured && !sentBefore && !refusal ? await this.spend.reserve(a.spender, a.currency, a.amount, undefined, digest) : null;
    const counted = r?.ok ? r.id : null;
    const sent = refusal ? { status: 0, body: refusal, requestId: null } : await sendHeld(this.calls, a, actor);
    if (counted !== null && !sent.indeterminate && nothingMoved(sent.status)) await this.spend.release(counted);
    const fields = outcomeFields(sent, again && refusal === null);
    const [row] = await this.db
      .update(approvals)
      .set(fields)
      // still this sending's: another that took it over meanwhile (past the lease) keeps its outcome
      .where(and(eq(approvals.id, a.id), a.sendingAt === null ? isNull(approvals.sendingAt) : eq(approvals.sendingAt, a.sendingAt)))
      .returning();
    if (row) return { row, mine: true };
    const current = (await this.findById(a.id)) ?? a;
    // A person reconciled it while this sending was still alive (past its lease: a paused node, clocks
    // apart). The provider's answer is what happened: it replaces their reading, and the day follows it.
    if (current.reconciledAt === null || !fields.resultStatus) return { row: current, mine: false };
    const [answered] = await this.db
      .update(approvals)
      .set({ ...fields, reconciledAt: null, reconciledBy: null })
      .where(and(eq(approvals.id, a.id), eq(approvals.status, current.status), eq(approvals.reconciledAt, current.reconciledAt)))
      .returning();
    if (!answered) return { row: (await this.findById(a.id)) ?? current, mine: false };
    await spendAsAnswered(this.spend, answered);
    return { row: answered, mine: true };
  }

  /** Why an approved call is not sent: what it would move now is more than (or other than) what was approved; null: send it. */
  private async grownSince(a: ApprovalRow, actor: Actor): Promise<string | null> {
    if (a.currency === 'unknown' || !this.amountNow) return null; // approved without an amount: nothing to hold it to
    let now: { amount: number; currency: string } | null;
    try {
      now = await this.amountNow(a, actor);
    } catch {
      now = null;
    }
    if (now && now.currency === a.currency && now.amount <= a.amount) return null;
    const moves = now ? `it would now move ${now.amount} ${now.currency}` : 'its amount can no longer be told';
    return `not sent: ${moves}, not the ${a.amount} ${a.currency} approved (the object it acts on changed since it was held); the agent must ask again`;
  }
}
