// What the approval tests do to one Linkhub and its Stripe stand-in: agent tokens with a policy, charges
// and refunds through /v1 with an idempotency key, an approved refund left without an answer, and time
// moved by ageing an approval's rows in the store.
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { after } from 'node:test';
import type { StripeStandin } from '../stripe-standin/index.js';
import { useLinkhub } from './fixture.js';
import { type Linkhub, linkAccount } from './linkhub.js';
import { registerWebhookReceiver } from './webhook-receiver.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function approvalCalls(lh: Linkhub, stripe: StripeStandin, acc: string) {
  const sdk = () => new Stripe(stripe.keys.secretTest, stripe.sdkOptions());
  const c = {
    async newToken(policy: unknown): Promise<string> {
      const res = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'agent', policy });
      assert.equal(res.status, 201, res.text);
      return res.body.token;
    },
    charge: async (amount: number) => (await sdk().charges.create({ amount, currency: 'usd', source: 'tok_visa' })).id,
    refundsOf: async (ch: string) => (await sdk().refunds.list({ charge: ch })).data,
    /** A refund through Linkhub's /v1 with an agent token and an idempotency key. */
    async refund(token: string, key: string, body: string): Promise<{ status: number; body: any; headers: Headers }> {
      const res = await fetch(`${lh.url}/v1/refunds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
    /** The refunds Stripe received with this idempotency key. */
    posts: (key: string) => stripe.log.filter((e) => e.method === 'POST' && e.path === '/v1/refunds' && e.idempotencyKey === key),
    async rows(query: string): Promise<any[]> {
      const read = (await lh.services.store.db.execute(query)) as unknown as { rows?: any[] } & any[];
      return read.rows ?? read;
    },
    /** Moves an approval's times back by `ms` (as if that much time had passed since it was held, decided and sent). */
    async age(id: string, ms: number): Promise<void> {
      const by = `${Math.round(ms / 1000)} seconds`;
      await c.rows(
        `update approvals set created_at = created_at - interval '${by}', resolved_at = resolved_at - interval '${by}', sending_at = sending_at - interval '${by}' where id = '${id}'`,
      );
    },
    /**
     * A refund of 4000 held, approved, and sent without an answer: every attempt answered after the
     * timeout, Stripe applying the first meanwhile; or, `lost`, every connection cut before Stripe reads it.
     */
    async unanswered(key: string, o: { lost?: boolean; usd?: Record<string, number> } = {}): Promise<{ token: string; ch: string; id: string; approved: any }> {
      const token = await c.newToken({ money: { usd: { per_call: 100_000, approval_above: 1000, ...o.usd } } });
      const ch = await c.charge(9000);
      const id = (await c.refund(token, key, `charge=${ch}&amount=4000`)).body.error.approval as string;
      stripe.inject(o.lost ? { kind: 'reset', count: 10, pathPrefix: '/v1/refunds' } : { kind: 'delay', delayMs: 3000, count: 10, pathPrefix: '/v1/refunds' });
      const approved = await lh.api('POST', `/approvals/${id}/approve`);
      stripe.clearFaults();
      assert.equal(approved.body.status, 'unconfirmed', approved.text);
      return { token, ch, id, approved: approved.body };
    },
  };
  return c;
}

export interface ApprovalFixture {
  lh: Linkhub;
  stripe: StripeStandin;
  hooks: Awaited<ReturnType<typeof registerWebhookReceiver>>;
  c: ReturnType<typeof approvalCalls>;
}

/**
 * One Linkhub for a file of approval tests: an account linked, a webhook receiver, and the approval
 * pass's timer stopped (its steps run when a test says). By default a short upstream timeout, so that a
 * delayed Stripe leaves a call unanswered (Stripe's delay is seconds longer: undici's timers fire up to ~1 s late).
 */
export function useApprovalFixture(env: Record<string, string> = { LINKHUB_STRIPE_TIMEOUT_MS: '300', LINKHUB_THROTTLE_MAX_WAIT_MS: '1000' }): ApprovalFixture {
  const f = {} as ApprovalFixture;
  useLinkhub({ webhookPollMs: 20, env }, async (x) => {
    f.lh = x.lh;
    f.stripe = x.stripe;
    f.c = approvalCalls(x.lh, x.stripe, (await linkAccount(x.lh, x.stripe.keys.secretTest)).id);
    f.hooks = await registerWebhookReceiver(x.lh);
    await x.lh.services.approvalSweep.stop();
  });
  after(() => f.hooks?.stop());
  return f;
}
