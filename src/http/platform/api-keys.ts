// Linkhub's API-key management: create (shown once), list (hint, last used), revoke.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteContext } from '../context.js';
import { apiKeyView } from '../views.js';
import { errors } from '../openapi/errors.js';
import { IdParams } from '../schemas.js';
import { ApiKeyCreated, ApiKeyRevoked } from '../wire-schemas.js';

export const apiKeyRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { apiKeys } = ctx.services;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    const tags = ['API keys'];

    app.get('/api_keys', { schema: { summary: 'List API keys', tags, response: { 200: Type.Array(Type.Ref('ApiKey')), ...errors(401) } } }, async (request) =>
      (await apiKeys.list(request.principal.project.id)).map(apiKeyView),
    );

    app.post(
      '/api_keys',
      {
        schema: {
          summary: 'Create an API key; the key is returned once',
          tags,
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
          response: { 201: ApiKeyCreated, ...errors(400, 401) },
        },
      },
      async (request, reply) => {
        const created = await apiKeys.create(request.principal.project.id, request.body.name);
        return reply.code(201).send({ id: created.id, name: request.body.name, key: created.key, hint: created.hint });
      },
    );

    app.delete(
      '/api_keys/:id',
      { schema: { summary: 'Revoke an API key', tags, params: IdParams, response: { 200: ApiKeyRevoked, ...errors(401, 404) } } },
      async (request) => {
        await apiKeys.revoke(request.principal.project.id, request.params.id);
        return { id: request.params.id, revoked: true };
      },
    );
  };
