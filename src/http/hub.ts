// The private /hub/* API used by Linkhub's Hub and by StackOne's @stackone/hub web component,
// authorised by a connect-session token in `x-hub-session-token`. CORS is enabled here only.
import cors from '@fastify/cors';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getIntegration, integrationFor, integrations, type IntegrationRow, logoPath } from '../connectors/registry.js';
import { REDACTED_PREFIX } from '../services/accounts/account-view.js';
import type { ConnectorDefinition } from '../connectors/types.js';
import type { Actor } from '../services/logs/actor.js';
import { fail } from '../errors/fail.js';
import type { WriteGuard } from '../services/accounts/accounts.js';
import type { ConnectSession } from '../services/accounts/sessions.js';
import type { RouteContext } from './context.js';
import { sendError } from './errors.js';
import { HubAccount, HubConnectorConfig, HubConnectors, HubLinkedAccount, HubSettings } from './hub-schemas.js';
import { errors } from './openapi/errors.js';
import { IdParams } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    hubSession: ConnectSession;
  }
}

const Credentials = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]), { maxProperties: 20 });
const HubAccountBody = Type.Object(
  { integration_id: Type.Optional(Type.String({ maxLength: 64 })), credentials: Credentials },
  { additionalProperties: false },
);

/** The connector's context credential as sent (undefined: not sent). */
const contextOf = (connector: ConnectorDefinition, credentials: Record<string, string | null>): unknown =>
  connector.context ? credentials[connector.context.key] : undefined;

/** The context field of the form, for connectors with one: optional, shown by the Hub only for keys that need it. */
const contextFields = (connector: ConnectorDefinition) => {
  const c = connector.context;
  if (!c) return [];
  const field = { key: c.key, label: c.label, type: 'text', required: false, readOnly: false, secret: false, placeholder: c.placeholder };
  return [{ ...field, description: c.guide, guide: { description: c.guide }, linkhub_context: true }];
};

const actor = (request: FastifyRequest): Actor => ({ type: 'hub_session', id: String(request.hubSession.id) });

export const hubRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { sessions, accounts, config } = ctx.services;

    await app.register(cors, {
      origin: '*',
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['content-type', 'x-hub-session-token', 'x-hub-version'],
      maxAge: 600,
      // an OPTIONS without preflight headers is answered like a preflight instead of a text/plain 400
      strictPreflight: false,
    });

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = request.headers['x-hub-session-token'];
      const session = await sessions.resolve(typeof token === 'string' ? token : null);
      if (!session) return sendError(reply, fail('hub_session_invalid'));
      request.hubSession = session;
    });

    /** The integration rows this session may use. */
    async function rowsFor(session: ConnectSession): Promise<IntegrationRow[]> {
      if (session.accountId) {
        const account = await accounts.get(session.projectId, session.accountId);
        const row = integrationFor(account.provider, account.environment);
        return row ? [row] : [];
      }
      return integrations().filter(
        (r) =>
          (!session.provider || r.connector.key === session.provider) &&
          (!session.integrationId || r.id === session.integrationId) &&
          // type "test" limits the Hub to test rows; "production" (the SDK's default, always sent) offers both
          (session.type !== 'test' || r.environment.key === 'test'),
      );
    }

    async function allowedRow(session: ConnectSession, integrationId: string | undefined): Promise<IntegrationRow> {
      const rows = await rowsFor(session);
      const row = integrationId ? rows.find((r) => r.id === integrationId) : rows.length === 1 ? rows[0] : undefined;
      if (!row) {
        throw integrationId
          ? fail('integration_not_available', { integration: integrationId })
          : fail('invalid_input', { field: 'integration_id', problem: 'is required' }, { field: 'integration_id' });
      }
      return row;
    }

    const integrationView = (r: IntegrationRow) => ({
      integration_id: r.id,
      provider: r.connector.key,
      name: r.environment.name,
      type: r.connector.category,
      version: '1',
      active: true,
      authentication_config_key: r.connector.authConfigKey,
      environment: r.environment.key,
      logo_url: config.publicUrl + logoPath(r.connector),
      environment_label: r.environment.label,
      description: r.environment.description,
    });

    app.get('/settings', { schema: { summary: "The session's settings for the Hub", response: { 200: HubSettings, ...errors(401) } } }, async (request) => ({
      enabled_features: [],
      ...(request.hubSession.accountId ? { existing_account_id: request.hubSession.accountId } : {}),
      origin_owner_name: request.hubSession.originOwnerName,
      expires_at: request.hubSession.expiresAt.toISOString(),
      ...(request.hubSession.usedAt ? { linkhub_used_at: request.hubSession.usedAt.toISOString() } : {}),
    }));

    app.get(
      '/connectors',
      {
        schema: {
          summary: 'The integrations this session may link',
          querystring: Type.Object({ provider: Type.Optional(Type.String()) }, { additionalProperties: true }),
          response: { 200: HubConnectors, ...errors(401, 404) },
        },
      },
      async (request) => {
        const rows = (await rowsFor(request.hubSession)).filter((r) => !request.query.provider || r.connector.key === request.query.provider);
        return { integrations: rows.map(integrationView), external_trigger_token: null };
      },
    );

    const connectorSchema = {
      summary: "One integration's form: fields, notices, assets",
      params: Type.Object({ integration_id: Type.String({ maxLength: 64 }) }),
      response: { 200: HubConnectorConfig, ...errors(401, 404) },
    };
    app.get('/connectors/:integration_id', { schema: connectorSchema }, async (request) => {
      const rows = await rowsFor(request.hubSession);
      const row = rows.find((r) => r.id === request.params.integration_id);
      if (!row) throw fail(getIntegration(request.params.integration_id) ? 'integration_not_in_session' : 'integration_not_found');
      const { connector, environment } = row;
      const f = connector.field;
      return {
        config: {
          key: connector.key,
          name: environment.name,
          type: 'custom',
          environment: { key: environment.key, label: environment.label, description: environment.description },
          configFields: [
            {
              key: f.key,
              label: f.label,
              type: f.type,
              required: f.required,
              readOnly: false,
              secret: f.secret,
              placeholder: environment.placeholder,
              description: f.guide,
              tooltip: f.tooltip,
              guide: { description: f.guide, tooltip: f.tooltip },
              validation: {
                type: 'html-pattern',
                pattern: environment.pattern,
                error: `Paste a ${environment.label} key: ${environment.placeholder}`,
              },
            },
            ...contextFields(connector),
          ],
          configNotices: connector.notices,
          assets: { icon: config.publicUrl + logoPath(connector) },
          support: { link: connector.supportLink, description: f.guide },
        },
        hub_settings: { configured_webhook_events: {}, project_settings: {} },
      };
    });

    app.get(
      '/accounts/:id',
      { schema: { summary: 'The account this session re-links', params: IdParams, response: { 200: HubAccount, ...errors(401, 404) } } },
      async (request) => {
        const s = request.hubSession;
        if (s.accountId !== request.params.id) throw fail('account_not_found');
        const a = await accounts.get(s.projectId, s.accountId);
        const row = integrationFor(a.provider, a.environment);
        return {
          secureId: a.id,
          provider: a.provider,
          integrationId: row?.id ?? null,
          version: '1',
          authConfigKey: row?.connector.authConfigKey ?? 'api_key',
          environment: a.environment,
          setupInformation: {},
          secrets: { [row?.connector.field.key ?? 'api_key']: REDACTED_PREFIX + a.keyHint },
          // Linkhub additions for its own Hub
          keyType: a.keyType,
          keyHint: a.keyHint,
          status: a.status,
          accountName: a.externalAccountName,
          context: a.context,
        };
      },
    );

    const linked = (a: {
      id: string;
      provider: string;
      environment: string;
      keyType: string;
      keyHint: string;
      externalAccountId: string | null;
      externalAccountName: string | null;
      context: string | null;
    }) => ({
      id: a.id,
      provider: a.provider,
      environment: a.environment,
      key_type: a.keyType,
      key_hint: a.keyHint,
      account_id: a.externalAccountId,
      account_name: a.externalAccountName,
      context: a.context,
    });

    /**
     * A write a session makes once (a link, a key replacement) takes the session in the write's own
     * transaction: of writes arriving at once (a forwarded link racing its user) one commits and the
     * others get 409; a refused key, a failed write or a node dying mid-link leaves it usable.
     */
    function once(s: ConnectSession): WriteGuard {
      if (s.usedAt) throw fail('connect_session_used'); // known used: no live test for nothing
      return async (tx) => {
        if (!(await sessions.claim(s.id, tx))) throw fail('connect_session_used');
      };
    }

    const linkSchema = {
      summary: "Link an account with a key (tested live first); in a re-link session, replace the account's key",
      body: HubAccountBody,
      response: { 200: HubLinkedAccount, 201: HubLinkedAccount, ...errors(400, 401, 404, 422, 502) },
    };
    app.post('/accounts', { schema: linkSchema }, async (request, reply) => {
      const s = request.hubSession;
      const row = await allowedRow(s, request.body.integration_id);
      const key = request.body.credentials[row.connector.field.key];
      const context = contextOf(row.connector, request.body.credentials);
      const accountId = s.accountId;
      if (accountId) {
        const account = await accounts.replaceKey(s.projectId, actor(request), accountId, key, context, once(s));
        return reply.code(200).send(linked(account));
      }
      const offered = [...new Set((await rowsFor(s)).filter((r) => r.connector.key === row.connector.key).map((r) => r.environment.key))];
      // a session with `multiple` links account after account (each a new one): used, never spent
      const { account, created } = await accounts.link(s.projectId, actor(request), {
        provider: row.connector.key,
        environment: row.environment.key,
        rawKey: key,
        rawContext: context,
        originOwnerId: s.originOwnerId,
        originOwnerName: s.originOwnerName,
        originUsername: s.originUsername,
        label: s.label,
        metadata: s.metadata,
        multiple: s.multiple,
        offered,
        guard: s.multiple ? undefined : once(s),
      });
      if (s.multiple) await sessions.claim(s.id);
      return reply.code(created ? 201 : 200).send(linked(account));
    });

    const patchSchema = {
      summary: 'Replace the key of the account this session re-links (a redacted or empty key changes nothing)',
      params: IdParams,
      body: HubAccountBody,
      response: { 200: HubLinkedAccount, ...errors(400, 401, 404, 422, 502) },
    };
    app.patch('/accounts/:id', { schema: patchSchema }, async (request) => {
      const s = request.hubSession;
      if (s.accountId !== request.params.id) throw fail('account_not_found');
      const account = await accounts.get(s.projectId, s.accountId);
      // The environment is fixed per account: integration_id is ignored (the official Hub may send the other row's).
      const row = integrationFor(account.provider, account.environment);
      const key = request.body.credentials[row?.connector.field.key ?? 'api_key'];
      if (key === undefined || key === null || key === '' || key.startsWith(REDACTED_PREFIX)) return linked(account);
      const context = row ? contextOf(row.connector, request.body.credentials) : undefined;
      return linked(await accounts.replaceKey(s.projectId, actor(request), account.id, key, context, once(s)));
    });

    // OAuth connection attempts do not exist for API-key connectors (docs/stackone-compat.md#hub-endpoints: 404 until an OAuth connector exists).
    app.all('/connection_attempts', { schema: { hide: true } }, async (_request, reply) => sendError(reply, fail('oauth_not_configured')));
    app.all('/connection_attempts/:id', { schema: { hide: true } }, async (_request, reply) => sendError(reply, fail('oauth_not_configured')));
  };
