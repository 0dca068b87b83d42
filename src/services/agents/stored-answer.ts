// The provider's answer to an approved call, kept on its approval, given back as a call result to
// the agent repeating that call (no second call to the provider).
import type { CachedAccount } from '../calls/account-cache.js';
import type { SendResult } from '../calls/caller.js';

export function storedAnswer(account: CachedAccount, status: number, body: string): SendResult {
  return {
    response: {
      status,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(body),
      attempts: 0,
      requestId: null,
      idempotencyKey: null,
      durationMs: 0,
    },
    account,
    providerError: null,
    keyRejected: null,
    forbidden: null,
    rateLimited: false,
  };
}
