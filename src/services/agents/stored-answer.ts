// The provider's answer to an approved call, kept on its approval, given back as a call result to
// the agent repeating that call (no second call to the provider).
import { LinkhubError } from '../../errors/fail.js';
import type { CachedAccount } from '../calls/account-cache.js';
import type { SendResult } from '../calls/caller.js';
import type { GateOutcome } from './gate-types.js';

export function storedAnswer(account: CachedAccount, status: number, body: string, requestId: string | null, idempotencyKey: string | null): SendResult {
  // the provider's request id of the call that was sent, and the idempotency key it was sent with (the
  // provider echoes it: an SDK reads it back as the response's key), in the headers its clients read them from
  const { requestIdHeader: idHeader, idempotencyHeader: keyHeader } = account.profile.rules;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (idHeader && requestId) headers[idHeader] = requestId;
  if (keyHeader && idempotencyKey) headers[keyHeader] = idempotencyKey;
  return {
    response: {
      status,
      headers,
      body: Buffer.from(body),
      attempts: 0,
      requestId,
      idempotencyKey,
      durationMs: 0,
    },
    account,
    providerError: null,
    keyRejected: null,
    forbidden: null,
    rateLimited: false,
  };
}

/**
 * Whether a call's outcome moved nothing, so its amount is taken back off the day's total: not sent (0),
 * or refused by the provider (a 4xx, but a 409: a conflict with a request under way, such as the same
 * call sent twice at once, one of which goes through). A 5xx or a call sent without an answer (-1) may
 * have moved it: the provider calls such outcomes indeterminate.
 */
export const nothingMoved = (status: number): boolean => status === 0 || (status >= 400 && status < 500 && status !== 409);

/** Linkhub's own refusals before anything left for the provider: its throttle, a shutdown, a request it could not build. */
const NOT_SENT: ReadonlySet<string> = new Set(['rate_limited', 'shutting_down', 'invalid_request']);

/**
 * Whether a call that failed may have reached the provider, and moved money: anything but a refusal
 * before sending (a timeout, a cut connection, an answer Linkhub could not read).
 */
export const mayHaveBeenSent = (e: unknown): boolean => !(e instanceof LinkhubError && NOT_SENT.has(e.entry));

/**
 * Sends a call the agent gate let through, taking its amount back off the day's total when it does
 * not go through (the provider refused it, or it could not be sent); or gives the stored answer of
 * an approved call.
 */
export async function sendGated(gated: GateOutcome | null, account: CachedAccount, send: () => Promise<SendResult>): Promise<SendResult> {
  if (gated?.kind === 'answered') return storedAnswer(account, gated.status, gated.body, gated.requestId, gated.idempotencyKey);
  let r: SendResult;
  try {
    r = await send();
  } catch (e) {
    await gated?.settle(mayHaveBeenSent(e) ? -1 : 0);
    throw e;
  }
  await gated?.settle(r.response.earlierIndeterminate ? -1 : r.response.status);
  return r;
}
