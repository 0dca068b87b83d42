// Webhook endpoints and the durable outbox. Events are written to the outbox inside the
// transaction of the change they describe, so a committed change always has its event.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../store/db.js';
import { webhookAttempts, webhookEndpoints, webhookOutbox } from '../../store/schema.js';
import type { Vault } from '../../vault/vault.js';
import type { AccountView } from '../accounts/account-view.js';
import { fail } from '../../errors/fail.js';
import { newId } from '../ids.js';

export const WEBHOOK_EVENTS = ['account.created', 'account.updated', 'account.deleted', 'approval.requested', 'approval.resolved'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

export class WebhookService {
  /** Called after a transaction that enqueued events commits, to deliver without waiting for the poll. */
  onEnqueued: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
  ) {}

  async createEndpoint(projectId: string, input: { url: string; events?: string[]; secret?: string; id?: string }) {
    const id = input.id ?? newId('whe', 16);
    const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    const sealed = this.vault.encrypt(secret, id);
    const [row] = await this.db
      .insert(webhookEndpoints)
      .values({
        id,
        projectId,
        url: input.url,
        events: input.events?.length ? input.events : [...WEBHOOK_EVENTS],
        secretCiphertext: sealed.ciphertext,
        secretKeyVersion: sealed.version,
        secretHint: secret.slice(-4),
      })
      .onConflictDoUpdate({
        target: webhookEndpoints.id,
        set: {
          url: input.url,
          events: input.events?.length ? input.events : [...WEBHOOK_EVENTS],
          secretCiphertext: sealed.ciphertext,
          secretKeyVersion: sealed.version,
          secretHint: secret.slice(-4),
          enabled: true,
        },
      })
      .returning();
    return { endpoint: row, secret };
  }

  /** The endpoint of LINKHUB_WEBHOOK_URL / LINKHUB_WEBHOOK_SECRET. Keeps its secret across restarts
   * unless a new one is given; returns a secret it generated (to print once), else null. */
  async configureEnvEndpoint(projectId: string, url: string | null, secret: string | null): Promise<string | null> {
    const id = 'whe_env';
    const [existing] = await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!url) {
      if (existing?.enabled) await this.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, id));
      return null;
    }
    if (existing && !secret) {
      // the configured endpoint hears every event, including those added by later versions
      await this.db
        .update(webhookEndpoints)
        .set({ url, enabled: true, events: [...WEBHOOK_EVENTS] })
        .where(eq(webhookEndpoints.id, id));
      return null;
    }
    const created = await this.createEndpoint(projectId, { id, url, secret: secret ?? undefined });
    return secret ? null : created.secret;
  }

  listEndpoints(projectId: string) {
    return this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.projectId, projectId));
  }

  async deleteEndpoint(projectId: string, id: string) {
    const rows = await this.db
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.projectId, projectId)))
      .returning();
    if (!rows[0]) throw fail('webhook_endpoint_not_found');
    return rows[0];
  }

  endpointSecret(endpoint: WebhookEndpoint): string {
    return this.vault.decrypt(endpoint.secretCiphertext, endpoint.id);
  }

  /** Writes one outbox row per subscribed endpoint, in the caller's transaction. */
  async enqueue(tx: Tx, projectId: string, event: WebhookEvent, account: AccountView): Promise<void> {
    await this.enqueueEvent(tx, projectId, event, {
      record_type: 'account',
      record_id: account.id,
      account_id: account.id,
      provider: account.provider,
      origin_owner_id: account.origin_owner_id,
      origin_owner_name: account.origin_owner_name,
      origin_username: account.origin_username,
      setup_information: { user_id: account.origin_owner_id },
      data: account,
    });
  }

  /** An event about another record than an account (an approval): `fields` follow the event's common ones. */
  async enqueueEvent(tx: Tx, projectId: string, event: WebhookEvent, fields: Record<string, unknown>): Promise<void> {
    const endpoints = await tx
      .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.enabled, true)));
    const targets = endpoints.filter((e) => e.events.includes(event));
    if (targets.length === 0) return;
    const eventId = newId('evt', 20);
    const now = new Date().toISOString();
    const body = JSON.stringify({ id: eventId, event, type: event, event_date: now, sent_at: now, project_id: projectId, ...fields });
    await tx.insert(webhookOutbox).values(targets.map((t) => ({ projectId, endpointId: t.id, eventId, eventType: event, body })));
  }

  async deliveries(projectId: string, opts: { endpointId?: string; limit?: number }) {
    const where = opts.endpointId
      ? and(eq(webhookOutbox.projectId, projectId), eq(webhookOutbox.endpointId, opts.endpointId))
      : eq(webhookOutbox.projectId, projectId);
    const rows = await this.db
      .select()
      .from(webhookOutbox)
      .where(where)
      .orderBy(desc(webhookOutbox.id))
      .limit(Math.min(opts.limit ?? 50, 200));
    const attempts = rows.length
      ? await this.db
          .select()
          .from(webhookAttempts)
          .where(
            inArray(
              webhookAttempts.outboxId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(webhookAttempts.id)
      : [];
    return rows.map((r) => ({ ...r, attemptLog: attempts.filter((a) => a.outboxId === r.id) }));
  }

  /** Makes a failed delivery due again now. */
  async retry(projectId: string, outboxId: number) {
    const rows = await this.db
      .update(webhookOutbox)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, lockedUntil: null })
      .where(and(eq(webhookOutbox.id, outboxId), eq(webhookOutbox.projectId, projectId)))
      .returning({ id: webhookOutbox.id });
    if (!rows[0]) throw fail('webhook_delivery_not_found');
    this.onEnqueued();
  }
}
