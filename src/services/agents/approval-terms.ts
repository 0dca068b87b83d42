// What an approval may be and for how long, and how it is shown: the limits on held calls, how long a
// pending call waits for a decision, how long an approved call without an answer may be sent again,
// and the view the API, the Dashboard and webhooks share.
import { and, eq, gt, lt, lte, or, sql } from 'drizzle-orm';
import { fail } from '../../errors/fail.js';
import { approvals, type HeldRequest } from '../../store/schema.js';
import { maskSecrets, redactHeaders, redactPath, redactShown } from '../logs/redaction.js';

export type ApprovalRow = typeof approvals.$inferSelect;

/** The largest held call (its request as stored): far above any call a person reads before approving it. */
export const HELD_MAX_BYTES = 64 * 1024;
/** Calls one agent (token, or account under its policy) may have waiting for a decision. */
export const PENDING_MAX = 100;
/**
 * How long a held call waits for a decision: after it, it is `expired` and never sent. An agent's request
 * left a week is stale (the customer, the order, the reason moved on); the agent asks again if it still holds.
 */
export const APPROVAL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Kept between the provider's key lifetime and the last time a call without an answer is sent again:
 * more than a sending takes (its attempts and their waits), and room for the provider's clock.
 */
export const SEND_AGAIN_MARGIN_MS = 60 * 60 * 1000;

/** Pending calls held before this are expired. */
const expiredBefore = (now = Date.now()): Date => new Date(now - APPROVAL_TTL_MS);

/** In SQL: pending and still within its time (waiting for a decision). */
export const stillWaiting = () => and(eq(approvals.status, 'pending'), gt(approvals.createdAt, expiredBefore()));
/** In SQL: pending past its time (expired, not yet written so). */
export const pastItsTime = () => and(eq(approvals.status, 'pending'), lte(approvals.createdAt, expiredBefore()));

/** When an approved call's latest sending started (its approval, when it was sent once). */
export const lastSending = () => sql`coalesce(${approvals.sendingAt}, ${approvals.resolvedAt})`;
/**
 * In SQL: sent without an answer, `unconfirmed`, or `approved` with its sending started longer than
 * `leaseMs` ago (its node died sending it): shown, listed, sent again and reconciled alike.
 */
export const unanswered = (leaseMs: number) =>
  or(eq(approvals.status, 'unconfirmed'), and(eq(approvals.status, 'approved'), lt(lastSending(), new Date(Date.now() - leaseMs))));

/** When a pending call expires. */
export const expiresAt = (a: ApprovalRow): Date => new Date(a.createdAt.getTime() + APPROVAL_TTL_MS);

/** Expired: written so by the approval pass (approval-sweep.ts), or pending past its time (shown, listed and refused as such). */
export const isExpired = (a: ApprovalRow, now = Date.now()): boolean => a.status === 'expired' || (a.status === 'pending' && expiresAt(a).getTime() <= now);

/**
 * The last moment an approved call may be sent again with its key: its first sending (the approval) plus
 * what the provider keeps a key, less the margin. Null: the provider's key lifetime is not known.
 */
export function sendAgainUntil(a: ApprovalRow): Date | null {
  const kept = a.request.keyKeptMs;
  if (typeof kept !== 'number' || a.resolvedAt === null) return null;
  return new Date(a.resolvedAt.getTime() + kept - SEND_AGAIN_MARGIN_MS);
}

/** An approval as the API and webhooks show it; `cutOff`: approved, but its sending was cut off (shown as unconfirmed). */
export function approvalView(a: ApprovalRow, cutOff = false) {
  const status = cutOff ? 'unconfirmed' : isExpired(a) ? 'expired' : a.status;
  return {
    id: a.id,
    account_id: a.accountId,
    agent_token_id: a.tokenId,
    action: a.action,
    status,
    amount: a.amount,
    currency: a.currency,
    reason: a.reason,
    // redacted as the call log is (card numbers, keys): an approver decides on the call, not its secrets
    request: {
      method: a.request.method,
      path: redactPath(a.request.path),
      params: redactShown(a.request.params),
      headers: redactHeaders(a.request.headers),
      idempotency_key: maskSecrets(a.request.idempotencyKey),
    },
    created_at: a.createdAt.toISOString(),
    expires_at: a.status === 'pending' || a.status === 'expired' ? expiresAt(a).toISOString() : null,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
    resolved_by: a.resolvedBy,
    reconciled_at: a.reconciledAt?.toISOString() ?? null,
    reconciled_by: a.reconciledBy,
    send_again_until: status === 'unconfirmed' ? (sendAgainUntil(a)?.toISOString() ?? null) : null,
    // the provider's answer stays with the agent that repeats its call; Linkhub's own reason not to send is shown
    result: a.resultStatus === null ? null : a.resultStatus === 0 ? { status: 0, error: a.resultBody ?? '' } : { status: a.resultStatus },
  };
}

/**
 * The refusal of a held call. It names the idempotency key the call is kept with (the caller's, or
 * the one Linkhub made): a caller that sent none (an SDK making a new key per call, an MCP tool call)
 * repeats the call with it to get the approved call's answer.
 */
export const heldRefusal = (a: ApprovalRow) =>
  fail('approval_required', { reason: a.reason, approval: a.id }, { approval: a.id, idempotency_key: a.request.idempotencyKey });

/** An approved call whose answer is not there yet: being sent, or sent without an answer. */
export const inFlight = (a: ApprovalRow, state: string) =>
  fail('approval_in_flight', { approval: a.id, state }, { approval: a.id, idempotency_key: a.request.idempotencyKey });

/** An approved call without an answer, past the time it may be sent again: the provider may have forgotten its key. */
export const tooLateToSendAgain = (a: ApprovalRow, until: Date) =>
  fail(
    'approval_send_again_closed',
    { approval: a.id, until: until.toISOString(), hours: Math.round((a.request.keyKeptMs ?? 0) / 3_600_000) },
    { approval: a.id, idempotency_key: a.request.idempotencyKey },
  );

/** An approved call a person found applied at the provider: its answer never came, so there is none to give. */
export const appliedUnanswered = (a: ApprovalRow) =>
  fail('approval_applied_unanswered', { approval: a.id }, { approval: a.id, idempotency_key: a.request.idempotencyKey });

/** Whether a repeat is the held request: a key names one request (the provider refuses a key reused for another). */
/** The same call to the provider: method, path and body, and where its key counts (keyScope: a scope recorded on both must agree). */
export const sameRequest = (a: HeldRequest, b: HeldRequest): boolean =>
  a.method === b.method && a.path === b.path && (a.body ?? '') === (b.body ?? '') && (a.scope === undefined || b.scope === undefined || a.scope === b.scope);

/** Whether a value holds U+0000 in any string or key. */
export const hasNul = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('\0') : v !== null && typeof v === 'object' && Object.entries(v).some(([k, x]) => k.includes('\0') || hasNul(x));
