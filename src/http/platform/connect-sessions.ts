// POST /connect_sessions and POST /connect_sessions/authenticate (StackOne wire contract).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getConnector, getIntegration } from '../../connectors/registry.js';
import type { ConnectSession } from '../../services/accounts/sessions.js';
import { fail } from '../../errors/fail.js';
import type { RouteContext } from '../context.js';
import { sendError } from '../errors.js';
import { errors } from '../openapi/errors.js';
import { ConnectSessionCreate, ConnectSessionView } from '../schemas.js';
import { organizationIdType } from './client-quirks.js';

export function sessionView(s: ConnectSession, organizationId: number, orgType: 'string' | 'number') {
  return {
    id: s.id,
    organization_id: orgType === 'number' ? organizationId : String(organizationId),
    project_id: s.projectId,
    origin_owner_id: s.originOwnerId,
    origin_owner_name: s.originOwnerName,
    origin_username: s.originUsername,
    provider: s.provider,
    categories: s.categories,
    account_id: s.accountId,
    label: s.label,
    metadata: s.metadata,
    type: s.type,
    integration_id: s.integrationId,
    external_trigger_token: null,
    created_at: s.createdAt.toISOString(),
    expires_at: s.expiresAt.toISOString(),
  };
}

export const connectSessionRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { services } = ctx;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing

    app.post(
      '/connect_sessions',
      {
        schema: {
          summary: 'Create a connect session (token and Auth Link) for one end user',
          tags: ['Connect sessions'],
          body: ConnectSessionCreate,
          response: {
            ...errors(400, 401, 404),
            201: Type.Object({ ...ConnectSessionView.properties, token: Type.String(), auth_link_url: Type.String() }, { additionalProperties: true }),
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const project = request.principal.project;
        if (b.provider && !getConnector(b.provider)) throw fail('unknown_provider', { provider: b.provider });
        if (b.integration_id) {
          const row = getIntegration(b.integration_id);
          if (!row || (b.provider && row.connector.key !== b.provider)) throw fail('unknown_integration', { integration: b.integration_id });
        }
        if (b.account_id) await services.accounts.get(project.id, b.account_id);
        const { session, token } = await services.sessions.create(project.id, {
          originOwnerId: b.origin_owner_id,
          originOwnerName: b.origin_owner_name,
          originUsername: b.origin_username ?? null,
          provider: b.provider ?? null,
          categories: b.categories ?? null,
          accountId: b.account_id ?? null,
          label: b.label ?? null,
          metadata: b.metadata ?? null,
          type: b.type ?? 'production',
          multiple: b.multiple ?? false,
          integrationId: b.integration_id ?? null,
          expiresIn: b.expires_in ?? 1800,
        });
        const view = sessionView(session, project.organizationId, organizationIdType(request.headers['user-agent'], services.config.organizationIdType));
        return reply.code(201).send({
          ...view,
          token,
          auth_link_url: `${services.config.publicUrl}/link?token=${encodeURIComponent(token)}`,
        });
      },
    );

    app.post(
      '/connect_sessions/authenticate',
      {
        schema: {
          summary: 'Check a connect-session token and return its session',
          tags: ['Connect sessions'],
          body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { ...errors(400, 401), 201: ConnectSessionView },
        },
      },
      async (request, reply) => {
        const session = await services.sessions.resolve(request.body.token);
        if (!session || session.projectId !== request.principal.project.id) {
          return sendError(reply, fail('connect_session_token_invalid'));
        }
        return reply
          .code(201)
          .send(
            sessionView(
              session,
              request.principal.project.organizationId,
              organizationIdType(request.headers['user-agent'], services.config.organizationIdType),
            ),
          );
      },
    );
  };
