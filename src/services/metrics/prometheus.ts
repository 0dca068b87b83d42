// What GET /metrics shows, in Prometheus's text format (prom-client). This room owns the registry;
// nothing else imports prom-client, and metrics.ts loads this file only when LINKHUB_METRICS_TOKEN
// is set (nobody can scrape otherwise).
//
// One Metrics per createServices(), with its own Registry (never prom-client's global default), and
// handed to the services that count something (AccountCaller, WebhookWorker, the throttle) as a
// constructor argument rather than imported as a module singleton: several Linkhubs in one process
// (the tests, the cluster bench) then never share or collide over a metric, and a service built
// without one (a unit test) counts into a registry nobody reads.
//
// Labels are bounded and never secret: the route pattern (never the raw URL, so no ids or keys), the
// method, the status, the connector and the reason. No account, project or key id is a label.
//
// Gauges of the store (accounts by status, the webhook outbox) are read on scrape, two small grouped
// queries; a store that does not answer leaves them out of that scrape rather than failing it.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BuildInfo } from '../../build-info.js';
import type { Store } from '../../store/db.js';
import type { Metrics, UpstreamFailure } from './types.js';
import { readStoreGauges } from './store-gauges.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'linkhub_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'linkhub_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly upstreamCalls = new Counter({
    name: 'linkhub_upstream_calls_total',
    help: "Calls to a provider with a linked account's key, by connector and status (the HTTP status, or throttled, timeout, unreachable, error)",
    labelNames: ['connector', 'status'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'linkhub_upstream_call_duration_seconds',
    help: 'Time of a call to a provider, retries and throttle waits included, by connector',
    labelNames: ['connector'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly upstreamRetries = new Counter({
    name: 'linkhub_upstream_retries_total',
    help: 'Attempts after the first of a call to a provider, by connector',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });
  private readonly throttleWaits = new Histogram({
    name: 'linkhub_throttle_wait_seconds',
    help: "Waits for a token of an account's rate before calling its provider (calls that did not wait are not counted)",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly throttleRejections = new Counter({
    name: 'linkhub_throttle_rejections_total',
    help: "Calls Linkhub refused itself (429) rather than wait for a token or for one of the account's calls under way to end, by reason (queue_full, wait_too_long, in_flight, closed)",
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly bufferRefusals = new Counter({
    name: 'linkhub_buffer_refusals_total',
    help: 'Request bodies refused and provider answers dropped (503) because the node held LINKHUB_MAX_BUFFERED_BYTES already, by what (request_body, provider_answer)',
    labelNames: ['what'] as const,
    registers: [this.registry],
  });
  private readonly webhookFailures = new Counter({
    name: 'linkhub_webhook_delivery_failures_total',
    help: 'Webhook delivery attempts that failed, by whether it was the last one (final="true": the event is given up)',
    labelNames: ['final'] as const,
    registers: [this.registry],
  });

  private readonly verifications = new Counter({
    name: 'linkhub_verifications_total',
    help: 'Scheduled re-verifications of linked accounts, by result (ok, invalid_key, expired_key, missing_permission, unreachable, error)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor(build: BuildInfo, store?: Store) {
    new Gauge({
      name: 'linkhub_build_info',
      help: 'The running build: 1, labelled with its version and commit',
      labelNames: ['version', 'commit'] as const,
      registers: [this.registry],
    }).set({ version: build.version, commit: build.commit ?? 'unknown' }, 1);
    if (store) this.storeGauges(store);
  }

  /** One answered HTTP request; `route` is the route pattern, or null when no route matched. */
  httpRequest(method: string, route: string | null, status: number, seconds: number): void {
    const r = route ?? 'unmatched';
    this.httpRequests.inc({ method, route: r, status: String(status) });
    this.httpDuration.observe({ method, route: r }, seconds);
  }

  /** One call to a provider: its HTTP status or a failure without an answer. */
  upstreamCall(connector: string, status: number | UpstreamFailure, attempts: number, seconds: number): void {
    this.upstreamCalls.inc({ connector, status: String(status) });
    this.upstreamDuration.observe({ connector }, seconds);
    if (attempts > 1) this.upstreamRetries.inc({ connector }, attempts - 1);
  }

  throttleWaited(seconds: number): void {
    this.throttleWaits.observe(seconds);
  }

  throttleRejected(reason: string): void {
    this.throttleRejections.inc({ reason });
  }

  bufferRefused(what: 'request_body' | 'provider_answer'): void {
    this.bufferRefusals.inc({ what });
  }

  /** One scheduled re-verification and its result. */
  verification(result: string): void {
    this.verifications.inc({ result });
  }

  webhookDeliveryFailed(final: boolean): void {
    this.webhookFailures.inc({ final: String(final) });
  }

  /** The text of a scrape and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private storeGauges(store: Store): void {
    const registers = [this.registry];
    // prom-client collects every metric of a scrape at once: the three gauges share one read.
    let reading: Promise<void> | null = null;
    const collect = () => (reading ??= read().finally(() => setImmediate(() => (reading = null))));
    const accounts = new Gauge({
      name: 'linkhub_accounts',
      help: 'Linked accounts by connector and status (read from the store on scrape)',
      labelNames: ['connector', 'status'] as const,
      registers,
      collect,
    });
    const outboxPending = new Gauge({ name: 'linkhub_webhook_outbox_pending', help: 'Webhook events waiting for delivery', registers, collect });
    const outboxAge = new Gauge({
      name: 'linkhub_webhook_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest webhook event waiting for delivery (0 when none waits)',
      registers,
      collect,
    });
    const read = async () => {
      const g = await readStoreGauges(store.db).catch(() => null);
      accounts.reset();
      outboxPending.reset();
      outboxAge.reset();
      if (!g) return;
      for (const a of g.accounts) accounts.set({ connector: a.provider, status: a.status }, a.count);
      outboxPending.set(g.outbox.pending);
      outboxAge.set(g.outbox.oldestAgeSeconds);
    };

    if (store.kind !== 'postgres' || !store.poolStats) return;
    const poolStats = store.poolStats.bind(store);
    new Gauge({
      name: 'linkhub_db_pool_connections',
      help: 'PostgreSQL pool: connections open (total), idle, and queries waiting for one (waiting)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const s = poolStats();
        if (!s) return;
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    });
  }
}
