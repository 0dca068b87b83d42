// GET /metrics: Prometheus's text format (src/services/metrics/), behind LINKHUB_METRICS_TOKEN as a
// Bearer token, compared in constant time. Without the token the route does not exist: 404
// route_not_found like any unknown path, and no request is timed. Outside the OpenAPI document
// (its answer is not JSON; it is for the operator's scraper, not API clients).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { fail } from '../errors/fail.js';
import type { Services } from '../services/index.js';
import { sendError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an Authorization header is `Bearer <token>`, without an early exit on the first differing byte. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Hashes of equal length: neither the token's length nor its bytes show in the timing.
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && m !== null;
}

/**
 * Installs the request timing hook and GET /metrics on the root instance, before the other routes
 * (a hook of the root reaches the plugins registered after it; one inside a plugin would not).
 */
export function installMetrics(app: FastifyInstance, services: Services): void {
  const token = services.config.metricsToken;
  if (token === null) return;
  const { metrics } = services;
  // Every answer, by the route's pattern (never the raw URL: no ids or keys in a label).
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.method, request.routeOptions.url ?? null, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!bearerMatches(request.headers.authorization, token)) return sendError(reply, fail('metrics_token_invalid'));
    const { contentType, text } = await metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });
}
