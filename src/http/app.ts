// Builds the Fastify application: validation, errors, OpenAPI, and one module per surface.
import { defaultMaxConnections, limitConnections } from './connection-limit.js';
import { oauthAuthorizeRoutes } from './oauth-authorize.js';
import { oauthRoutes } from './oauth.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { fail } from '../errors/fail.js';
import type { Services } from '../services/index.js';
import { apiKeyAuth } from './auth.js';
import type { RouteContext } from './context.js';
import { dashboardRoutes } from './dashboard/index.js';
import { codingProblem } from './body-coding.js';
import { installBodyBudget } from './body-budget.js';
import { originForm } from './request-target.js';
import { clientErrorHandler, installErrorHandling, installServerEdges, hostProblem, routerFailure, sendError } from './errors.js';
import { healthRoutes } from './health.js';
import { actionRoutes } from './actions.js';
import { hubRoutes } from './hub.js';
import { OneLinePerRequest } from './logger.js';
import { logRoutes } from './logs.js';
import { mcpRoutes } from './mcp.js';
import { installMetrics } from './metrics.js';
import { docsRoutes } from './openapi/docs-page.js';
import { installOpenapi, openapiDocument } from './openapi/document.js';
import { installSerializationCheck } from './openapi/serialization-check.js';
import { accountRoutes } from './platform/accounts.js';
import { agentTokenRoutes } from './platform/agent-tokens.js';
import { apiKeyRoutes } from './platform/api-keys.js';
import { approvalRoutes } from './platform/approvals.js';
import { connectSessionRoutes } from './platform/connect-sessions.js';
import { connectorMetaRoutes } from './platform/connectors-meta.js';
import { webhookRoutes } from './platform/webhooks.js';
import { nativeRoutes } from './native.js';
import { callerAuth } from './agent-auth.js';
import { proxyRoutes } from './proxy.js';
import { DeferredSchemas } from './lazy-compilers.js';
import { installValidation } from './validation.js';
import { childTraceparent } from '../upstream/trace-context.js';
import { webRoutes } from './web/index.js';

export const BODY_LIMIT = 1024 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route schema not yet compiled (they compile on first use: lazy-compilers.ts); returns how many. */
    compileDeferredSchemas(): number;
  }
}

/** The apps whose shutdown has begun: set by startDraining() or, at the latest, when close() starts. */
const drainingApps = new WeakSet<FastifyInstance>();

/**
 * Shutdown begins (main.ts, on SIGTERM or SIGINT, before close()): from now on GET /readyz answers
 * 503 and new requests get shutting_down. Synchronous, so that nothing answers "ready" after the
 * process has said it is shutting down.
 */
export function startDraining(app: FastifyInstance): void {
  drainingApps.add(app);
}

export interface AppOptions {
  /** Tests: fail any answer that a response schema would alter (openapi/serialization-check.ts). */
  checkSerialization?: boolean;
}

export async function buildApp(services: Services, logger: FastifyServerOptions['logger'], options: AppOptions = {}): Promise<FastifyInstance> {
  const { httpHeadersTimeoutMs, httpRequestTimeoutMs, httpKeepAliveTimeoutMs } = services.config;
  const deferred = new DeferredSchemas();
  const app = Fastify({
    logger,
    // One line per request, at its end (logger.ts).
    logController: new OneLinePerRequest(),
    // The request id is the W3C traceparent of Linkhub's span (upstream/trace-context.ts): every log
    // line of the request carries it as reqId, the answer as x-request-id, upstream calls as traceparent.
    genReqId: (req) => childTraceparent(req.headers.traceparent),
    bodyLimit: BODY_LIMIT,
    // the client's address as the trusted proxies in front say it (LINKHUB_TRUST_PROXY); by default the connection's
    trustProxy: services.config.trustProxy,
    // A client that trickles its headers or body is cut off (408 in the error shape, errors.ts);
    // Node checks the timeouts every connectionsCheckingInterval, so that is a fraction of them.
    requestTimeout: httpRequestTimeoutMs,
    keepAliveTimeout: httpKeepAliveTimeoutMs,
    http: {
      headersTimeout: httpHeadersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(httpHeadersTimeoutMs / 4))),
      requireHostHeader: false,
    },
    // The 503 while closing is Linkhub's own (the onRequest hook below), in the error shape.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Router-level failures (over-long path parameter, malformed URL encoding) in the error shape too.
    frameworkErrors: (err, _request, reply) => sendError(reply, routerFailure(err)),
    // What Node's HTTP parser refuses (malformed request, headers too large, timeout) too.
    clientErrorHandler,
    // A target in absolute form (`GET http://host/v1/…`) is served as its path, its host as Host.
    rewriteUrl: originForm,
    // Schemas are compiled on each route's first request, not at start (lazy-compilers.ts).
    schemaController: deferred.schemaController(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  installValidation(app, deferred);
  app.decorate('compileDeferredSchemas', () => deferred.compileAll());
  installErrorHandling(app);
  installServerEdges(app.server);
  limitConnections(app.server, services.config.httpMaxConnections ?? defaultMaxConnections(), (msg) => app.log.warn(msg));
  // From the start of shutdown (startDraining, at the latest close()): requests still arriving on open connections get 503 shutting_down
  // and every answer closes its connection, so that no keep-alive connection outlives the drain.
  const closing = () => drainingApps.has(app);
  app.addHook('preClose', (done) => {
    startDraining(app);
    done();
  });
  // Request bodies count against the node's budget of buffered bytes until their answer is sent (body-budget.ts).
  const releaseBody = installBodyBudget(app, services.bufferedBytes, services.metrics);
  app.addHook('onSend', (request, reply, payload, done) => {
    releaseBody(request);
    if (closing()) reply.header('connection', 'close');
    done(null, payload);
  });
  // Every answer names its request id. A body-less request may still say content-type:
  // application/json (the Hub does on GET): no body then.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (closing()) return void sendError(reply.header('connection', 'close'), fail('shutting_down'));
    const noHost = hostProblem(request);
    if (noHost) return void sendError(reply.header('connection', 'close'), noHost);
    const h = request.headers;
    if ((h['content-length'] === '0' || (h['content-length'] === undefined && h['transfer-encoding'] === undefined)) && h['content-type']) {
      delete h['content-type'];
    }
    // a compressed body is refused (body-coding.ts), here rather than in a hook of its own: one more
    // hook costs every request, and a header says nothing about who sends it
    if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) {
      const coding = codingProblem(h);
      if (coding) return void sendError(reply, fail('unsupported_content_encoding', { encoding: coding }));
    }
    done();
  });

  if (options.checkSerialization) installSerializationCheck(app);
  await installOpenapi(app);
  installMetrics(app, services);

  const requireApiKey = apiKeyAuth(services.apiKeys);
  const ctx: RouteContext = { services, requireApiKey, requireCaller: callerAuth(requireApiKey, services.agentTokens) };
  await app.register(healthRoutes(ctx));
  await app.register(connectSessionRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(connectorMetaRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(apiKeyRoutes(ctx));
  await app.register(agentTokenRoutes(ctx));
  await app.register(approvalRoutes(ctx));
  await app.register(hubRoutes(ctx), { prefix: '/hub' });
  await app.register(mcpRoutes(ctx));
  await app.register(oauthRoutes(ctx));
  await app.register(oauthAuthorizeRoutes(ctx));
  await app.register(proxyRoutes(ctx));
  await app.register(nativeRoutes(ctx));
  await app.register(actionRoutes(ctx));
  await app.register(logRoutes(ctx));
  await app.register(webRoutes(ctx));
  await app.register(dashboardRoutes(ctx));
  await app.register(docsRoutes);

  app.get('/openapi.json', { schema: { hide: true } }, async () => openapiDocument(app, services.config.publicUrl));
  return app;
}
