// The background pass that expires calls left undecided past their time (approval-terms.ts,
// APPROVAL_TTL_MS) and sends their `approval.resolved`, so a SaaS backend waiting on the webhook
// learns the call will never be sent. Until a pass writes it, such a call is already shown, listed and
// refused as expired: the pass only makes it final and tells. Every node runs it; each call is expired
// once (ApprovalService.expireStale).
import { Poller } from '../poller.js';
import type { ApprovalService } from './approvals.js';

export class ApprovalExpiry {
  private readonly loop: Poller;

  constructor(approvals: ApprovalService, pollMs: number, warn: (msg: string) => void) {
    this.loop = new Poller(
      'approval expiry pass',
      pollMs,
      async () => {
        // batch after batch until none is left (a store that was down for a week may hold many)
        while (!this.loop.stopped && (await approvals.expireStale()) > 0);
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
}
