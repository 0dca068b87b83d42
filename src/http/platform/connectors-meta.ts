// GET /connectors/meta and /connectors/meta/{provider} (StackOne legacy meta, still called).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { connectors, getConnector, logoPath } from '../../connectors/registry.js';
import type { ConnectorDefinition } from '../../connectors/types.js';
import { fail } from '../../errors/fail.js';
import type { RouteContext } from '../context.js';
import { errors } from '../openapi/errors.js';

function meta(c: ConnectorDefinition, publicUrl: string) {
  return {
    provider: c.key,
    provider_name: c.name,
    category: c.category,
    models: {},
    active: true,
    resources: { images: { logo_url: publicUrl + logoPath(c), original_logo_horizontal_url: publicUrl + logoPath(c) } },
    environments: c.environments.map((e) => ({ key: e.key, name: e.label, description: e.description })),
  };
}

export const connectorMetaRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const publicUrl = ctx.services.config.publicUrl;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    const querystring = Type.Object({ include: Type.Optional(Type.String()) }, { additionalProperties: true });
    app.get(
      '/connectors/meta',
      {
        schema: {
          summary: 'List connectors (bare array)',
          tags: ['Connectors'],
          querystring,
          response: { 200: Type.Array(Type.Ref('ConnectorMeta')), ...errors(401) },
        },
      },
      async () => connectors().map((c) => meta(c, publicUrl)),
    );
    app.get(
      '/connectors/meta/:provider',
      {
        schema: {
          summary: 'One connector',
          tags: ['Connectors'],
          querystring,
          params: Type.Object({ provider: Type.String() }),
          response: { 200: Type.Ref('ConnectorMeta'), ...errors(401, 404) },
        },
      },
      async (request) => {
        const c = getConnector(request.params.provider);
        if (!c) throw fail('connector_not_found');
        return meta(c, publicUrl);
      },
    );
  };
