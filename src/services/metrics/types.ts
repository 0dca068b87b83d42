// What the services count, whether it is kept (prometheus.ts) or not (metrics.ts: NO_METRICS).

/** An upstream call's outcome without a provider answer. */
export type UpstreamFailure = 'throttled' | 'timeout' | 'unreachable' | 'error';

export interface Metrics {
  /** One answered HTTP request; `route` is the route pattern, or null when no route matched. */
  httpRequest(method: string, route: string | null, status: number, seconds: number): void;
  /** One call to a provider: its HTTP status or a failure without an answer. */
  upstreamCall(connector: string, status: number | UpstreamFailure, attempts: number, seconds: number): void;
  throttleWaited(seconds: number): void;
  throttleRejected(reason: string): void;
  /** A request body refused or a provider answer dropped: the node's budget of buffered bytes was full (503). */
  bufferRefused(what: 'request_body' | 'provider_answer'): void;
  /** One scheduled re-verification and its result. */
  verification(result: string): void;
  webhookDeliveryFailed(final: boolean): void;
  /** The text of a scrape and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}
