// /dashboard/api/*: the dashboard's JSON API over the services, authenticated by the dashboard
// session cookie (never by an API key), errors in the {statusCode, message, timestamp} shape.
import { clientBucket } from '../client-bucket.js';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { dashboardAccountView } from '../../services/accounts/account-view.js';
import { LinkhubError } from '../../errors/fail.js';
import { WEBHOOK_EVENTS } from '../../services/webhooks/webhooks.js';
import type { ConnectSession } from '../../services/accounts/sessions.js';
import type { RouteContext } from '../context.js';
import { apiKeyView, deliveryView, endpointView, WebhookEndpointCreate } from '../views.js';
import { DeliveryIdParams, Environment, Nullable } from '../schemas.js';
import { errors } from '../openapi/errors.js';
import { routeNotFound } from '../errors.js';
import { ApiKeyCreated, ApiKeyRevoked, DeliveryRetried, WebhookEndpointCreated } from '../wire-schemas.js';
import { AccountPage, AccountTested, AuthLink, SessionInfo, SignedIn, SignedOut } from './schemas.js';
import { dashboardAgentRoutes } from './agents.js';
import { dashboardLogRoutes } from './logs.js';
import { clearedCookie, csrfGuard, dashboardActor, requireAdmin, sessionCookie, sessionToken } from './session.js';

export const DEFAULT_LINK_EXPIRY_S = 7 * 24 * 60 * 60;

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
/** Bodyless calls validate as null; `{}` is accepted too. */
const NoBody = Nullable(Type.Object({}, { additionalProperties: false }));
const ExpiresIn = Type.Integer({ minimum: 60, maximum: 2_592_000, description: 'Seconds; default 7 days, at most 30 days' });

export const dashboardApiRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { services } = ctx;
    const { adminAuth, accounts, apiKeys, webhooks, sessions, config } = services;
    const project = () => services.defaultProject;
    const secure = () => config.publicUrl.startsWith('https:');
    const authenticate = requireAdmin(adminAuth);
    const csrf = csrfGuard(() => config.publicUrl);

    // Nothing here may be cached or framed.
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
      return payload;
    });

    const authLink = (token: string) => `${config.publicUrl}/link?token=${encodeURIComponent(token)}`;
    const linkView = (s: ConnectSession, token: string) => ({
      token,
      auth_link_url: authLink(token),
      expires_at: s.expiresAt.toISOString(),
      origin_owner_id: s.originOwnerId,
      origin_owner_name: s.originOwnerName,
      origin_username: s.originUsername,
      account_id: s.accountId,
      type: s.type,
    });

    // ---- sign-in / sign-out -------------------------------------------------------------------

    app.post(
      '/dashboard/api/session',
      {
        schema: {
          summary: 'Sign in with the admin password (sets the session cookie)',
          security: [],
          body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
          response: { 200: SignedIn, ...errors(401, 429) },
        },
        onRequest: csrf,
      },
      async (request, reply) => {
        try {
          const { token, session } = await adminAuth.signIn(request.body.password, clientBucket(request.ip));
          reply.header('set-cookie', sessionCookie(token, Math.floor(adminAuth.sessionTtlMs / 1000), secure()));
          return { signed_in: true, expires_at: session.expiresAt.toISOString() };
        } catch (e) {
          if (e instanceof LinkhubError && e.entry === 'too_many_sign_in_attempts') reply.header('retry-after', String(e.extra.retry_after));
          throw e;
        }
      },
    );

    // Everything below needs the session cookie (checked first: no cookie is a 401 whatever else is wrong).
    await app.register(async (instance) => {
      const authed = instance.withTypeProvider<TypeBoxTypeProvider>();
      authed.addHook('onRequest', authenticate);
      authed.addHook('onRequest', csrf);

      authed.get(
        '/dashboard/api/session',
        { schema: { summary: 'The signed-in session', response: { 200: SessionInfo, ...errors(401) } } },
        async (request) => ({
          signed_in: true,
          expires_at: request.adminSession.expiresAt.toISOString(),
          project: { id: project().id, name: project().name },
          public_url: config.publicUrl,
          webhook_events: WEBHOOK_EVENTS,
        }),
      );

      authed.delete(
        '/dashboard/api/session',
        { schema: { summary: 'Sign out', body: NoBody, response: { 200: SignedOut, ...errors(401) } } },
        async (request, reply) => {
          await adminAuth.signOut(sessionToken(request));
          reply.header('set-cookie', clearedCookie(secure()));
          return { signed_in: false };
        },
      );

      // ---- accounts -----------------------------------------------------------------------------

      authed.get(
        '/dashboard/api/accounts',
        {
          schema: {
            summary: 'Linked accounts, newest first (keyset paging with cursor)',
            response: { 200: AccountPage, ...errors(400, 401) },
            querystring: Type.Object(
              {
                owner: Type.Optional(Type.String({ maxLength: 255 })),
                environment: Type.Optional(Environment),
                status: Type.Optional(Type.String({ maxLength: 32 })),
                search: Type.Optional(Type.String({ maxLength: 200 })),
                cursor: Type.Optional(Type.String({ maxLength: 1000 })),
                limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => {
          const q = request.query;
          const page = await accounts.listKeyset(
            project().id,
            {
              originOwnerId: q.owner || undefined,
              environment: q.environment,
              status: q.status ? [q.status] : undefined,
              search: q.search?.trim() || undefined,
            },
            { cursor: q.cursor || null, limit: q.limit ?? 25 },
          );
          return { data: page.rows.map(dashboardAccountView), next_cursor: page.nextCursor };
        },
      );

      authed.get(
        '/dashboard/api/accounts/:id',
        { schema: { summary: 'One linked account', params: Id, response: { 200: Type.Ref('DashboardAccount'), ...errors(401, 404) } } },
        async (request) => dashboardAccountView(await accounts.get(project().id, request.params.id)),
      );

      const testSchema = { summary: 'Run the live key test now', params: Id, body: NoBody, response: { 200: AccountTested, ...errors(401, 404) } };
      authed.post('/dashboard/api/accounts/:id/test', { schema: testSchema }, async (request) => {
        const { account, outcome } = await accounts.test(project().id, dashboardActor(request), request.params.id, { traceparent: request.id });
        return {
          outcome: outcome.result === 'invalid_key' ? outcome.code : outcome.result,
          ok: outcome.result === 'ok',
          message: outcome.result === 'ok' ? 'The key works.' : outcome.message,
          permission: outcome.result === 'missing_permission' ? outcome.permission : null,
          account: dashboardAccountView(account),
        };
      });

      const deleteSchema = {
        summary: 'Delete a linked account (its key is erased)',
        params: Id,
        body: NoBody,
        response: { 200: Type.Ref('DashboardAccount'), ...errors(401, 404) },
      };
      authed.delete('/dashboard/api/accounts/:id', { schema: deleteSchema }, async (request) =>
        dashboardAccountView(await accounts.delete(project().id, dashboardActor(request), request.params.id)),
      );

      authed.post(
        '/dashboard/api/accounts/:id/relink',
        {
          schema: {
            summary: "A new Auth Link to replace this account's key",
            params: Id,
            body: Nullable(Type.Object({ expires_in: Type.Optional(ExpiresIn) }, { additionalProperties: false })),
            response: { 201: AuthLink, ...errors(401, 404) },
          },
        },
        async (request, reply) => {
          const a = await accounts.get(project().id, request.params.id);
          const { session, token } = await sessions.create(project().id, {
            originOwnerId: a.originOwnerId,
            originOwnerName: a.originOwnerName,
            originUsername: a.originUsername,
            provider: a.provider,
            categories: null,
            accountId: a.id,
            label: a.label,
            metadata: null,
            type: a.environment,
            multiple: false,
            integrationId: null,
            expiresIn: request.body?.expires_in ?? DEFAULT_LINK_EXPIRY_S,
          });
          return reply.code(201).send(linkView(session, token));
        },
      );

      authed.post(
        '/dashboard/api/connect_sessions',
        {
          schema: {
            summary: 'A new Auth Link for an end user to link an account',
            response: { 201: AuthLink, ...errors(401) },
            body: Type.Object(
              {
                origin_owner_id: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
                origin_owner_name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
                origin_username: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
                type: Type.Optional(Environment),
                expires_in: Type.Optional(ExpiresIn),
                label: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
                multiple: Type.Optional(Type.Boolean()),
              },
              { additionalProperties: false },
            ),
          },
        },
        async (request, reply) => {
          const b = request.body;
          const { session, token } = await sessions.create(project().id, {
            originOwnerId: b.origin_owner_id.trim(),
            originOwnerName: b.origin_owner_name.trim(),
            originUsername: b.origin_username?.trim() || null,
            provider: null,
            categories: null,
            accountId: null,
            label: b.label?.trim() || null,
            metadata: null,
            type: b.type ?? 'production',
            multiple: b.multiple ?? false,
            integrationId: null,
            expiresIn: b.expires_in ?? DEFAULT_LINK_EXPIRY_S,
          });
          return reply.code(201).send(linkView(session, token));
        },
      );

      // ---- API keys -----------------------------------------------------------------------------

      authed.get(
        '/dashboard/api/api_keys',
        { schema: { summary: 'API keys, newest first', response: { 200: Type.Array(Type.Ref('ApiKey')), ...errors(401) } } },
        async () => (await apiKeys.list(project().id)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map(apiKeyView),
      );

      authed.post(
        '/dashboard/api/api_keys',
        {
          schema: {
            summary: 'Create an API key; the key is returned once',
            body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }) }, { additionalProperties: false }),
            response: { 201: ApiKeyCreated, ...errors(401) },
          },
        },
        async (request, reply) => {
          const name = request.body.name.trim();
          const created = await apiKeys.create(project().id, name);
          return reply.code(201).send({ id: created.id, name, key: created.key, hint: created.hint });
        },
      );

      authed.delete(
        '/dashboard/api/api_keys/:id',
        { schema: { summary: 'Revoke an API key', params: Id, body: NoBody, response: { 200: ApiKeyRevoked, ...errors(401, 404) } } },
        async (request) => {
          await apiKeys.revoke(project().id, request.params.id);
          return { id: request.params.id, revoked: true };
        },
      );

      // ---- webhooks -----------------------------------------------------------------------------

      authed.get(
        '/dashboard/api/webhooks',
        { schema: { summary: 'Webhook endpoints, newest first', response: { 200: Type.Array(Type.Ref('WebhookEndpoint')), ...errors(401) } } },
        async () => (await webhooks.listEndpoints(project().id)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map(endpointView),
      );

      authed.post(
        '/dashboard/api/webhooks',
        {
          schema: {
            summary: 'Add a webhook endpoint; the signing secret is returned once',
            body: WebhookEndpointCreate,
            response: { 201: WebhookEndpointCreated, ...errors(401) },
          },
        },
        async (request, reply) => {
          const { endpoint, secret } = await webhooks.createEndpoint(project().id, request.body);
          return reply.code(201).send({ ...endpointView(endpoint), secret });
        },
      );

      const removeSchema = {
        summary: 'Remove a webhook endpoint',
        params: Id,
        body: NoBody,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errors(401, 404) },
      };
      authed.delete('/dashboard/api/webhooks/:id', { schema: removeSchema }, async (request) =>
        endpointView(await webhooks.deleteEndpoint(project().id, request.params.id)),
      );

      authed.get(
        '/dashboard/api/webhooks/deliveries',
        {
          schema: {
            summary: 'Recent deliveries with every attempt',
            response: { 200: Type.Array(Type.Ref('WebhookDelivery')), ...errors(401) },
            querystring: Type.Object(
              { endpoint_id: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
              { additionalProperties: false },
            ),
          },
        },
        async (request) => {
          const rows = await webhooks.deliveries(project().id, { endpointId: request.query.endpoint_id, limit: request.query.limit ?? 50 });
          return rows.map(deliveryView);
        },
      );

      authed.post(
        '/dashboard/api/webhooks/deliveries/:id/retry',
        {
          schema: {
            summary: 'Deliver again now',
            params: DeliveryIdParams,
            body: NoBody,
            response: { 200: DeliveryRetried, ...errors(401, 404) },
          },
        },
        async (request) => {
          await webhooks.retry(project().id, request.params.id);
          return { id: request.params.id, status: 'pending' };
        },
      );

      // ---- request logs and audit (logs.ts) --------------------------------------------------------

      await authed.register(dashboardLogRoutes(ctx));
      await authed.register(dashboardAgentRoutes(ctx));

      // Unknown /dashboard/api/* paths: a JSON 404 (after the cookie check), not the SPA page.
      authed.all('/dashboard/api/*', { schema: { hide: true } }, async (request) => {
        throw routeNotFound(request);
      });
    });
  };
