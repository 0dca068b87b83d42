// Sending an approved call as it was held, and what its outcome makes of the approval and of the
// agent's day: the pieces of ApprovalService.execute that need no approval row lock.
import type { AccountCaller } from '../calls/caller.js';
import type { Actor } from '../logs/actor.js';
import type { ApprovalRow } from './approval-terms.js';
import { callDigest, type SpendLedger } from './spend.js';
import { mayHaveBeenSent, nothingMoved } from './stored-answer.js';

/** What a sending got: the provider's status, body and request id (status 0: it could not be sent). */
export interface Sent {
  status: number;
  body: string;
  requestId: string | null;
  indeterminate?: boolean;
}

/** Sends the approved call as it was held, with its idempotency key. */
export async function sendHeld(calls: AccountCaller, a: ApprovalRow, actor: Actor): Promise<Sent> {
  const req = a.request;
  try {
    const r = await calls.send(
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

/**
 * The approval's fields after a sending. No answer to a call that may have been sent, or its key still
 * in use by an earlier sending (a 409: only Linkhub sends with a held call's key): neither done nor
 * failed, it is sent again when asked. `resent`: a sending again that Linkhub refused before it left
 * (its throttle full, shutting down): an earlier sending may still have gone through, so it stays
 * unconfirmed, not failed.
 */
export function outcomeFields(s: Sent, resent: boolean) {
  const unconfirmed = s.status === 409 || (s.status === 0 && (s.indeterminate === true || resent));
  return {
    status: unconfirmed ? 'unconfirmed' : s.status >= 200 && s.status < 300 ? 'executed' : 'failed',
    resultStatus: unconfirmed ? null : s.status,
    resultBody: s.body,
    resultRequestId: s.requestId,
  };
}

/** Makes the day's total follow a settled call's provider answer: counted when it may have moved money, not when nothing did. */
export async function spendAsAnswered(spend: SpendLedger, a: ApprovalRow): Promise<void> {
  if (a.currency === 'unknown' || a.resultStatus === null) return;
  const digest = callDigest(a.request.idempotencyKey, a.request);
  // both by its digest: a call counted already is not counted again, and forgetting one not counted is nothing
  if (nothingMoved(a.resultStatus)) await spend.forget(a.spender, a.currency, digest);
  else await spend.reserve(a.spender, a.currency, a.amount, undefined, digest);
}
