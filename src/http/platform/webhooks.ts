// Linkhub's webhook configuration API: endpoints (signing secret shown once) and the delivery log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WEBHOOK_EVENTS, type WebhookEndpoint } from '../../services/webhooks.js';
import type { RouteContext } from '../context.js';
import { Created, errorResponses, IdParams } from '../schemas.js';

const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  enabled: e.enabled,
  secret_hint: e.secretHint,
  created_at: e.createdAt.toISOString(),
});

export const webhookRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { webhooks } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    const tags = ['Webhooks (Linkhub)'];

    app.get('/webhooks', { schema: { summary: 'List webhook endpoints', tags, response: errorResponses } }, async (request) =>
      (await webhooks.listEndpoints(request.principal.project.id)).map(endpointView),
    );

    app.post(
      '/webhooks',
      {
        schema: {
          summary: 'Add a webhook endpoint; the signing secret is returned once',
          tags,
          body: Type.Object(
            {
              url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
              events: Type.Optional(Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), { minItems: 1, uniqueItems: true })),
            },
            { additionalProperties: false },
          ),
          response: { ...errorResponses, 201: Created },
        },
      },
      async (request, reply) => {
        const { endpoint, secret } = await webhooks.createEndpoint(request.principal.project.id, request.body);
        return reply.code(201).send({ ...endpointView(endpoint), secret });
      },
    );

    app.delete('/webhooks/:id', { schema: { summary: 'Remove a webhook endpoint', tags, params: IdParams, response: errorResponses } }, async (request) =>
      endpointView(await webhooks.deleteEndpoint(request.principal.project.id, request.params.id)),
    );

    app.get(
      '/webhooks/deliveries',
      {
        schema: {
          summary: 'Recent deliveries with every attempt',
          tags,
          querystring: Type.Object({ endpoint_id: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
          response: errorResponses,
        },
      },
      async (request) => {
        const rows = await webhooks.deliveries(request.principal.project.id, { endpointId: request.query.endpoint_id, limit: request.query.limit });
        return rows.map((r) => ({
          id: r.id,
          endpoint_id: r.endpointId,
          event_id: r.eventId,
          event: r.eventType,
          status: r.status,
          attempts: r.attempts,
          last_status_code: r.lastStatusCode,
          last_error: r.lastError,
          next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
          created_at: r.createdAt.toISOString(),
          delivered_at: r.deliveredAt?.toISOString() ?? null,
          attempt_log: r.attemptLog.map((a) => ({ attempt: a.attempt, status_code: a.statusCode, error: a.error, duration_ms: a.durationMs, at: a.at.toISOString() })),
        }));
      },
    );

    app.post(
      '/webhooks/deliveries/:id/retry',
      { schema: { summary: 'Deliver again now', tags, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: errorResponses } },
      async (request) => {
        await webhooks.retry(request.principal.project.id, request.params.id);
        return { id: request.params.id, status: 'pending' };
      },
    );
  };
