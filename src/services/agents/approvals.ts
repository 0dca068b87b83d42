// Calls held by an agent policy until a person decides. A held call is stored as it will be sent
// (method, path, encoded body, forwarded headers and its idempotency key; never a credential).
// Approving sends it once: the pending → approved step is one conditional UPDATE, so of two
// approvers (or two nodes) exactly one sends, and it sends with the call's original idempotency
// key, so even a resend after a crash is applied once by the provider. The provider's answer is
// kept on the approval; the agent that repeats its call with the same Idempotency-Key gets it.
// `approval.requested` and `approval.resolved` webhooks tell the SaaS backend.
import { and, desc, eq, sql } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { approvals } from '../../store/schema.js';
import type { AccountCaller } from '../calls/caller.js';
import { newId } from '../ids.js';
import { type Actor, actorRef } from '../logs/actor.js';
import type { WebhookService } from '../webhooks/webhooks.js';
import type { GatedCall, GateOutcome } from './gate-types.js';
import { mayHaveBeenSent } from './stored-answer.js';
import type { SpendLedger } from './spend.js';

export type ApprovalRow = typeof approvals.$inferSelect;

export interface HoldInput {
  call: GatedCall;
  spender: string;
  action: string;
  currency: string;
  amount: number;
  reason: string;
}

/** An approval as the API and webhooks show it. */
export function approvalView(a: ApprovalRow) {
  return {
    id: a.id,
    account_id: a.accountId,
    agent_token_id: a.tokenId,
    action: a.action,
    status: a.status,
    amount: a.amount,
    currency: a.currency,
    reason: a.reason,
    request: {
      method: a.request.method,
      path: a.request.path,
      params: a.request.params,
      headers: a.request.headers,
      idempotency_key: a.request.idempotencyKey,
    },
    created_at: a.createdAt.toISOString(),
    resolved_at: a.resolvedAt?.toISOString() ?? null,
    resolved_by: a.resolvedBy,
    // the provider's answer stays with the agent that repeats its call; Linkhub's own reason not to send is shown
    result: a.resultStatus === null ? null : a.resultStatus === 0 ? { status: 0, error: a.resultBody ?? '' } : { status: a.resultStatus },
  };
}

/**
 * The refusal of a held call. It names the idempotency key the call is kept with (the caller's, or
 * the one Linkhub made): a caller that sent none (an SDK making a new key per call, an MCP tool call)
 * repeats the call with it to get the approved call's answer.
 */
const held = (a: ApprovalRow) => fail('approval_required', { reason: a.reason, approval: a.id }, { approval: a.id, idempotency_key: a.request.idempotencyKey });

/** Whether a value holds U+0000 in any string or key. */
const hasNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\0') : v !== null && typeof v === 'object' && Object.entries(v).some(([k, x]) => k.includes('\0') || hasNul(x));

export class ApprovalService {
  /**
   * What a held call would move if sent now (the gate's reading, AgentGate.amountNow; set where the
   * services are wired, since the gate holds calls here): an approved call is sent only when that is
   * no more than the amount approved.
   */
  amountNow: ((a: ApprovalRow, actor: Actor) => Promise<{ amount: number; currency: string } | null>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly calls: AccountCaller,
    private readonly webhooks: WebhookService,
    private readonly spend: SpendLedger,
  ) {}

  /** Stores the call as pending, sends `approval.requested`, and refuses the call with approval_required. */
  async hold(h: HoldInput): Promise<never> {
    const id = newId('apr', 20);
    const { call } = h;
    const request = call.held();
    // PostgreSQL's jsonb (where a held call is kept) cannot hold U+0000: refused, not a failed insert
    if (hasNul(request)) {
      throw fail('invalid_input', { field: 'body', problem: 'a call holding a NUL character (U+0000) cannot be held for approval' }, { field: 'body' });
    }
    const row = await this.db.transaction(async (tx) => {
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
      return r;
    });
    this.webhooks.onEnqueued();
    throw held(row);
  }

  private eventFields(a: ApprovalRow) {
    return { record_type: 'approval', record_id: a.id, account_id: a.accountId, data: approvalView(a) };
  }

  /** The approval an earlier call with this idempotency key created, if any. */
  async findByKey(accountId: string, spender: string, key: string): Promise<ApprovalRow | null> {
    const rows = await this.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.accountId, accountId), eq(approvals.spender, spender), sql`${approvals.request}->>'idempotencyKey' = ${key}`))
      .orderBy(desc(approvals.createdAt))
      .limit(1);
    return rows[0] ?? null;
  }

  /** What a repeated call gets: the approved call's answer, or the refusal that still holds. */
  answerFor(a: ApprovalRow): GateOutcome {
    // sent: the provider's answer, a refusal of its own (a declined card) as much as a success
    if ((a.status === 'executed' || a.status === 'failed') && a.resultStatus !== null && a.resultStatus > 0) {
      return { kind: 'answered', status: a.resultStatus, body: a.resultBody ?? '', requestId: a.resultRequestId };
    }
    if (a.status === 'denied') throw fail('policy_denied', { reason: `approval ${a.id} was denied` }, { reason_code: 'approval_denied' });
    if (a.status === 'failed') {
      throw fail(
        'policy_denied',
        { reason: `approval ${a.id} was given but the call was ${a.resultBody ?? 'not sent'}` },
        { reason_code: 'approval_not_sent' },
      );
    }
    throw held(a);
  }

  async list(projectId: string, opts: { status?: string; accountId?: string; limit?: number }) {
    const conds = [eq(approvals.projectId, projectId)];
    if (opts.status) conds.push(eq(approvals.status, opts.status));
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

  /** Decides a pending approval; approving sends the held call (once) and keeps the provider's answer. */
  async resolve(projectId: string, id: string, decision: 'approve' | 'deny', actor: Actor): Promise<ApprovalRow> {
    const by = actorRef(actor);
    const [taken] = await this.db
      .update(approvals)
      .set({ status: decision === 'approve' ? 'approved' : 'denied', resolvedAt: new Date(), resolvedBy: by })
      .where(and(eq(approvals.id, id), eq(approvals.projectId, projectId), eq(approvals.status, 'pending')))
      .returning();
    if (!taken) {
      const current = await this.get(projectId, id);
      throw fail('approval_not_pending', { approval: id, status: current.status });
    }
    let done = taken;
    if (decision === 'approve') done = await this.execute(taken, actor);
    await this.db.transaction((tx) => this.webhooks.enqueueEvent(tx, projectId, 'approval.resolved', this.eventFields(done)));
    this.webhooks.onEnqueued();
    return done;
  }

  private async execute(a: ApprovalRow, actor: Actor): Promise<ApprovalRow> {
    const refusal = await this.grownSince(a, actor);
    const { status, body, requestId, indeterminate } = refusal ? { status: 0, body: refusal, requestId: null } : await this.send(a, actor);
    // counted unless nothing moved (not sent, or refused): a 5xx or no answer may have moved it
    const mayHaveMoved = indeterminate === true || (status !== 0 && !(status >= 400 && status < 500));
    if (mayHaveMoved && a.currency !== 'unknown') await this.spend.record(a.spender, a.currency, a.amount);
    const [row] = await this.db
      .update(approvals)
      .set({ status: status >= 200 && status < 300 ? 'executed' : 'failed', resultStatus: status, resultBody: body, resultRequestId: requestId })
      .where(eq(approvals.id, a.id))
      .returning();
    return row;
  }

  /** Sends the approved call as it was held: the provider's status, body and request id (status 0: it could not be sent). */
  private async send(a: ApprovalRow, actor: Actor): Promise<{ status: number; body: string; requestId: string | null; indeterminate?: boolean }> {
    const req = a.request;
    try {
      const r = await this.calls.send(
        { projectId: a.projectId, accountId: a.accountId, actor, source: 'approval', action: a.action },
        {
          method: req.method as 'POST',
          path: req.path,
          headers: req.headers,
          body: req.body,
          contentType: req.contentType ?? undefined,
          idempotencyKey: req.idempotencyKey,
          logBody: req.params,
        },
      );
      return {
        status: r.response.status,
        body: r.response.body.toString('utf8'),
        requestId: r.response.requestId,
        indeterminate: r.response.earlierIndeterminate === true,
      };
    } catch (e) {
      // Linkhub could not send it, or got no answer it could read: the approval says so (and the
      // amount counts unless nothing left for the provider)
      return { status: 0, body: e instanceof Error ? e.message : String(e), requestId: null, indeterminate: mayHaveBeenSent(e) };
    }
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
