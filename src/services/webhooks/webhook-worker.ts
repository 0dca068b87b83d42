// Delivers the webhook outbox: claims due rows (a lease, so a crash only delays them), POSTs the
// stored raw body signed with x-stackone-signature, logs every attempt, retries with backoff.
// Up to `batch` deliveries run at once, each on its own: a slow receiver holds one place for at most
// `timeoutMs` (the whole attempt, answer included), never the others' deliveries.
import { createHmac } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { request } from 'undici';
import type { Db } from '../../store/db.js';
import { webhookAttempts, webhookEndpoints, webhookOutbox } from '../../store/schema.js';
import type { Metrics } from '../metrics/metrics.js';
import { Poller } from '../poller.js';
import type { WebhookService } from './webhooks.js';

export interface WebhookWorkerOptions {
  pollMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  /** The deadline of one attempt, from the request's start to the end of the receiver's answer. */
  timeoutMs: number;
  /** Deliveries in flight at most. */
  batch: number;
}

/** What a receiver may answer that is read (and dropped); past it the connection is closed. */
const ANSWER_LIMIT = 64 * 1024;

type OutboxRow = typeof webhookOutbox.$inferSelect;

export function signWebhook(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64url');
}

export class WebhookWorker {
  private readonly loop: Poller;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by cut(): deliveries under way end at once and are left for the next pass (not counted). */
  private stopping = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookService,
    private readonly opts: WebhookWorkerOptions,
    private readonly warn: (msg: string) => void,
    /** Where failed attempts are counted (GET /metrics). */
    private readonly metrics: Metrics | null = null,
  ) {
    this.loop = new Poller('webhook delivery pass', opts.pollMs, () => this.pass(), warn);
  }

  start(): void {
    this.stopping = new AbortController();
    this.loop.start();
  }

  /** Picks no new delivery; those under way end (each within its deadline). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  /** Picks no new delivery and cuts those under way: the next pass, on any node, sends them again. */
  async cut(): Promise<void> {
    this.stopping.abort();
    await this.stop();
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    this.loop.kick();
  }

  /** Claims due rows while there is room and starts each; a delivery that ends runs the next pass. */
  private async pass(): Promise<void> {
    while (!this.loop.stopped) {
      const room = this.opts.batch - this.inFlight.size;
      if (room <= 0) return;
      const claimed = await this.claim(room);
      for (const row of claimed) this.begin(row);
      if (claimed.length < room) return;
    }
  }

  private begin(row: OutboxRow): void {
    const delivery: Promise<void> = this.deliver(row)
      .catch((e: unknown) => this.warn(`webhook delivery ${row.id} not recorded (its lease will expire): ${(e as Error).message}`))
      .finally(() => {
        this.inFlight.delete(delivery);
        this.loop.kick();
      });
    this.inFlight.add(delivery);
  }

  private async claim(limit: number): Promise<OutboxRow[]> {
    const leaseSeconds = Math.ceil(this.opts.timeoutMs / 1000) + 5; // the attempt's deadline, then its record
    const result = await this.db.execute(sql`
      UPDATE webhook_outbox SET locked_until = now() + make_interval(secs => ${leaseSeconds})
      WHERE id IN (
        SELECT id FROM webhook_outbox
        WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    const ids = (result as unknown as { rows: { id: number | string }[] }).rows.map((r) => Number(r.id));
    if (ids.length === 0) return [];
    return this.db.select().from(webhookOutbox).where(inArray(webhookOutbox.id, ids));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const attempt = row.attempts + 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const [endpoint] = await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.endpointId));
    if (!endpoint?.enabled) {
      error = 'endpoint deleted or disabled';
    } else {
      const deadline = AbortSignal.timeout(this.opts.timeoutMs);
      const signal = AbortSignal.any([deadline, this.stopping.signal]);
      try {
        const res = await request(endpoint.url, {
          method: 'POST',
          body: row.body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Linkhub-Webhooks/1',
            'x-stackone-signature': signWebhook(this.webhooks.endpointSecret(endpoint), row.body),
            'x-linkhub-event-id': row.eventId,
            'x-linkhub-event': row.eventType,
            'x-linkhub-delivery-id': String(row.id),
            'x-linkhub-delivery-attempt': String(attempt),
          },
          headersTimeout: this.opts.timeoutMs,
          bodyTimeout: this.opts.timeoutMs,
          maxRedirections: 0,
          signal,
        } as Parameters<typeof request>[1]);
        statusCode = res.statusCode;
        if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
        await res.body.dump({ limit: ANSWER_LIMIT, signal });
      } catch (e) {
        if (this.stopping.signal.aborted) return this.leave(row);
        error = deadline.aborted
          ? `no whole answer within ${this.opts.timeoutMs} ms`
          : ((e as { code?: string }).code ?? (e as Error).message ?? 'network error').slice(0, 200);
      }
    }
    const durationMs = Date.now() - started;
    const done = error === null;
    const giveUp = !done && (attempt >= this.opts.maxAttempts || !endpoint || !endpoint.enabled);
    if (!done) this.metrics?.webhookDeliveryFailed(giveUp);
    const backoff = Math.min(this.opts.retryBaseMs * 2 ** (attempt - 1), 3_600_000) * (0.8 + Math.random() * 0.4);
    await this.db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({ outboxId: row.id, attempt, statusCode, error, durationMs });
      await tx
        .update(webhookOutbox)
        .set({
          attempts: attempt,
          status: done ? 'delivered' : giveUp ? 'failed' : 'pending',
          deliveredAt: done ? new Date() : null,
          nextAttemptAt: done || giveUp ? undefined : new Date(Date.now() + backoff),
          lockedUntil: null,
          lastStatusCode: statusCode,
          lastError: error,
        })
        .where(eq(webhookOutbox.id, row.id));
    });
  }

  /** A delivery cut by cut(): sent again by the next pass on any node, without counting an attempt. */
  private async leave(row: OutboxRow): Promise<void> {
    await this.db.update(webhookOutbox).set({ lockedUntil: null }).where(eq(webhookOutbox.id, row.id));
  }
}
