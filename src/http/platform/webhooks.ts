// Linkhub's webhook configuration API: endpoints (signing secret shown once) and the delivery log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteContext } from '../context.js';
import { deliveryView, endpointView, WebhookEndpointCreate } from '../views.js';
import { errors } from '../openapi/errors.js';
import { DeliveryIdParams, IdParams } from '../schemas.js';
import { DeliveryRetried, WebhookEndpointCreated } from '../wire-schemas.js';

export const webhookRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { webhooks } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    const tags = ['Webhooks'];

    app.get(
      '/webhooks',
      { schema: { summary: 'List webhook endpoints', tags, response: { 200: Type.Array(Type.Ref('WebhookEndpoint')), ...errors(401) } } },
      async (request) => (await webhooks.listEndpoints(request.principal.project.id)).map(endpointView),
    );

    app.post(
      '/webhooks',
      {
        schema: {
          summary: 'Add a webhook endpoint; the signing secret is returned once',
          tags,
          body: WebhookEndpointCreate,
          response: { 201: WebhookEndpointCreated, ...errors(400, 401) },
        },
      },
      async (request, reply) => {
        const { endpoint, secret } = await webhooks.createEndpoint(request.principal.project.id, request.body);
        return reply.code(201).send({ ...endpointView(endpoint), secret });
      },
    );

    app.delete(
      '/webhooks/:id',
      { schema: { summary: 'Remove a webhook endpoint', tags, params: IdParams, response: { 200: Type.Ref('WebhookEndpoint'), ...errors(401, 404) } } },
      async (request) => endpointView(await webhooks.deleteEndpoint(request.principal.project.id, request.params.id)),
    );

    app.get(
      '/webhooks/deliveries',
      {
        schema: {
          summary: 'Recent deliveries with every attempt',
          tags,
          querystring: Type.Object({ endpoint_id: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
          response: { 200: Type.Array(Type.Ref('WebhookDelivery')), ...errors(400, 401) },
        },
      },
      async (request) => {
        const rows = await webhooks.deliveries(request.principal.project.id, { endpointId: request.query.endpoint_id, limit: request.query.limit });
        return rows.map(deliveryView);
      },
    );

    app.post(
      '/webhooks/deliveries/:id/retry',
      {
        schema: {
          summary: 'Deliver again now',
          tags,
          params: DeliveryIdParams,
          response: { 200: DeliveryRetried, ...errors(401, 404) },
        },
      },
      async (request) => {
        await webhooks.retry(request.principal.project.id, request.params.id);
        return { id: request.params.id, status: 'pending' };
      },
    );
  };
