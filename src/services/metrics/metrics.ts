// What the services count (HTTP requests, upstream calls, throttling, verifications, webhook
// failures) for GET /metrics. Without LINKHUB_METRICS_TOKEN nobody can scrape, so nothing is kept:
// the hot path skips the counters (~2 % of the proxy's CPU in bench/proxy.ts) and prom-client is not
// even loaded (prometheus.ts, a start's time and memory: bench/start.ts).
import type { BuildInfo } from '../../build-info.js';
import type { Store } from '../../store/db.js';
import type { Metrics } from './types.js';

export type { Metrics, UpstreamFailure } from './types.js';

const nothing = () => {};

/** Counts nothing (no LINKHUB_METRICS_TOKEN, or a service built without metrics). */
export const NO_METRICS: Metrics = {
  httpRequest: nothing,
  upstreamCall: nothing,
  throttleWaited: nothing,
  throttleRejected: nothing,
  bufferRefused: nothing,
  verification: nothing,
  webhookDeliveryFailed: nothing,
  render: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: '' }),
};

/** This instance's metrics: a registry of its own (prom-client) when they can be scraped, else NO_METRICS. */
export async function createMetrics(build: BuildInfo, store: Store, scraped: boolean): Promise<Metrics> {
  if (!scraped) return NO_METRICS;
  const { PrometheusMetrics } = await import('./prometheus.js');
  return new PrometheusMetrics(build, store);
}
