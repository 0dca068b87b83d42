// OAuth for MCP clients (the MCP authorization specification, docs/agents.md#oauth): the metadata a
// client discovers from the 401 on /mcp (RFC 9728 protected resource, RFC 8414 authorization server),
// dynamic client registration (RFC 7591) and the token endpoint (authorization code + PKCE S256,
// issuing an agent token). The authorization page is oauth-authorize.ts. Errors here are OAuth's own
// `{error, error_description}`, which OAuth clients read, not Linkhub's error shape. Everything here
// is public and cookie-free, so any origin may read it (a browser-based MCP client discovers too).
import { clientBucket } from './client-bucket.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { fail } from '../errors/fail.js';
import { ourResource } from '../services/oauth/authorization-request.js';
import { OAuthError } from '../services/oauth/oauth.js';
import type { RouteContext } from './context.js';
import { AuthorizationServerMetadata, OAuthClientRegistered, OAuthErrorRef, OAuthTokenIssued, ProtectedResourceMetadata } from './oauth-schemas.js';

export const AUTHORIZE_PATH = '/dashboard/oauth/authorize';

/**
 * Body limit of the unauthenticated OAuth POSTs (registration, token, and the authorization pages'
 * sign-in and consent forms, oauth-authorize.ts): the app's 1 MiB let anyone have
 * Linkhub hold a megabyte per open connection (1,500 unfinished bodies took ~1.5 GB) and parse a
 * megabyte of nested JSON before the depth check. Client metadata with 10 redirect URIs of 2,000
 * characters (client-metadata.ts) is ~20 KB; a token request is under 1 KB.
 */
export const OAUTH_BODY_LIMIT = 64 * 1024;

/**
 * Form fields (application/x-www-form-urlencoded, what OAuth clients send to the token endpoint and
 * the authorization page posts) as an object. A repeated name is refused with a 400 (RFC 6749, section 3.1:
 * parameters must not be given more than once), not read as its first or last value.
 */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.hasOwn(out, k)) throw Object.assign(new Error(`${JSON.stringify(k.slice(0, 64))} is given more than once`), { statusCode: 400 });
    out[k] = v;
  }
  return out;
}

/** A Fastify body parser of such forms: a repeated name is the request's 400. */
export const formParser = (_request: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => {
  let parsed: Record<string, string>;
  try {
    parsed = parseForm(body as string);
  } catch (e) {
    done(e as Error);
    return;
  }
  done(null, parsed);
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const oauthRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { oauth, config } = ctx.services;
    const publicUrl = () => config.publicUrl;

    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, formParser);
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store');
      return payload;
    });
    const preflight = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type, authorization, mcp-protocol-version')
        .header('access-control-max-age', '600')
        .send();

    const oauthError = (reply: FastifyReply, e: OAuthError) => reply.code(e.status).send({ error: e.error, error_description: e.description });
    // Linkhub's own refusals before the handler (malformed JSON, hostile input) are 400s in OAuth's
    // shape here too; any other status goes on to the app's error handler.
    app.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
      if (err.statusCode !== 400 || !request.url.startsWith('/oauth/')) throw err;
      return oauthError(reply, new OAuthError('invalid_request', err.message ?? 'invalid request'));
    });

    // RFC 9728, section 3.3: `resource` is the URL the metadata was fetched for, less the well-known part
    // (the root form names the whole server, which the token endpoint also takes for /mcp)
    const resourceMetadata = (path: '' | '/mcp') => async () => ({
      resource: `${publicUrl()}${path}`,
      authorization_servers: [publicUrl()],
      bearer_methods_supported: ['header'],
      resource_name: 'Linkhub MCP',
      resource_documentation: `${publicUrl()}/docs`,
    });
    const prmSchema = (path: string) => ({
      schema: {
        summary: `Protected resource metadata of /mcp (RFC 9728)${path ? ', at the path-suffixed location' : ''}`,
        operationId: `oauth_get_protected_resource_metadata${path ? '_mcp' : ''}`,
        tags: ['OAuth'],
        security: [],
        response: { 200: ProtectedResourceMetadata },
      },
    });
    app.get('/.well-known/oauth-protected-resource', prmSchema(''), resourceMetadata(''));
    app.get('/.well-known/oauth-protected-resource/mcp', prmSchema('/mcp'), resourceMetadata('/mcp'));
    app.options('/.well-known/*', { schema: { hide: true } }, preflight);

    app.get(
      '/.well-known/oauth-authorization-server',
      {
        schema: {
          summary: 'Authorization server metadata (RFC 8414)',
          operationId: 'oauth_get_authorization_server_metadata',
          tags: ['OAuth'],
          security: [],
          response: { 200: AuthorizationServerMetadata },
        },
      },
      async () => ({
        issuer: publicUrl(),
        authorization_endpoint: `${publicUrl()}${AUTHORIZE_PATH}`,
        token_endpoint: `${publicUrl()}/oauth/token`,
        registration_endpoint: `${publicUrl()}/oauth/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        // the authorization answer names its issuer (iss), against mix-up attacks (RFC 9207)
        authorization_response_iss_parameter_supported: true,
        // a client may name itself by the URL of its metadata document instead of registering
        client_id_metadata_document_supported: oauth.takesClientDocuments,
        token_endpoint_auth_methods_supported: ['none'],
        protected_resources: [`${publicUrl()}/mcp`],
        service_documentation: `${publicUrl()}/docs`,
      }),
    );

    app.options('/oauth/register', { schema: { hide: true } }, preflight);
    app.post(
      '/oauth/register',
      {
        bodyLimit: OAUTH_BODY_LIMIT,
        schema: {
          summary: 'Dynamic client registration (RFC 7591): public clients, PKCE S256',
          description:
            'Takes client metadata (redirect_uris required: https, http on a loopback host, or an app scheme), at most 64 KiB. ' +
            'Errors: `{error, error_description}`.',
          operationId: 'oauth_register_client',
          tags: ['OAuth'],
          security: [],
          docOnly: {
            body: Type.Object({ redirect_uris: Type.Array(Type.String()), client_name: Type.Optional(Type.String()) }, { additionalProperties: true }),
          },
          response: { 201: OAuthClientRegistered, 400: OAuthErrorRef },
        },
      },
      async (request, reply) => {
        const wait = await oauth.takeRegistration(clientBucket(request.ip));
        // in OAuth's shape too (errors.ts), with Linkhub's fields and Retry-After
        if (wait > 0) throw fail('too_many_registrations', { seconds: Math.ceil(wait / 1000) }, { retry_after_ms: wait });
        const body = request.body;
        if (!body || typeof body !== 'object' || Array.isArray(body)) {
          return oauthError(reply, new OAuthError('invalid_client_metadata', 'the body must be a JSON object of client metadata'));
        }
        try {
          const client = await oauth.register(body as Record<string, unknown>);
          return reply.code(201).send({
            client_id: client.id,
            client_id_issued_at: Math.floor(Date.now() / 1000),
            client_name: client.name,
            redirect_uris: client.redirectUris,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          });
        } catch (e) {
          if (e instanceof OAuthError) return oauthError(reply, e);
          throw e;
        }
      },
    );

    app.options('/oauth/token', { schema: { hide: true } }, preflight);
    app.post(
      '/oauth/token',
      {
        bodyLimit: OAUTH_BODY_LIMIT,
        schema: {
          summary: 'Token endpoint: authorization_code with PKCE (S256), or refresh_token → an agent token (Bearer) for /mcp and a refresh token',
          description:
            'Form-encoded (or JSON): grant_type=authorization_code, code, code_verifier, client_id, redirect_uri, resource; or grant_type=refresh_token, ' +
            'refresh_token, client_id. The access token is an agent token (`lhat_…`) on the account and policy approved on the authorization page; ' +
            'the refresh token (`lhrt_…`) is used once and replaced by the one returned with it. At most 64 KiB. Errors: `{error, error_description}`.',
          operationId: 'oauth_create_token',
          tags: ['OAuth'],
          security: [],
          docOnly: {
            body: Type.Union([
              Type.Object({
                grant_type: Type.Literal('authorization_code'),
                code: Type.String(),
                code_verifier: Type.String(),
                client_id: Type.String(),
                redirect_uri: Type.Optional(Type.String()),
                resource: Type.Optional(Type.String()),
              }),
              Type.Object({ grant_type: Type.Literal('refresh_token'), refresh_token: Type.String(), client_id: Type.String() }),
            ]),
          },
          response: { 200: OAuthTokenIssued, 400: OAuthErrorRef, 401: OAuthErrorRef },
        },
      },
      async (request, reply) => {
        const f = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
        try {
          const grant = str(f.grant_type);
          const issued = (t: { accessToken: string; expiresIn: number; refreshToken: string }) =>
            reply
              .header('pragma', 'no-cache')
              .send({ access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn, refresh_token: t.refreshToken });
          if (grant === 'refresh_token') {
            const refreshToken = str(f.refresh_token);
            const clientId = str(f.client_id);
            if (!refreshToken || !clientId) throw new OAuthError('invalid_request', 'refresh_token and client_id are required');
            return issued(await oauth.refresh({ refreshToken, clientId }));
          }
          if (grant !== 'authorization_code') {
            throw new OAuthError(
              grant ? 'unsupported_grant_type' : 'invalid_request',
              grant ? `grant_type ${grant} is not supported` : 'grant_type is required',
            );
          }
          const code = str(f.code);
          const verifier = str(f.code_verifier);
          const clientId = str(f.client_id);
          if (!code || !verifier || !clientId) throw new OAuthError('invalid_request', 'code, code_verifier and client_id are required');
          if (!(await oauth.client(clientId))) throw new OAuthError('invalid_client', 'unknown client_id', 401);
          // another server's resource is refused before the code is spent (RFC 8707, section 2)
          const resource = ourResource(str(f.resource), publicUrl());
          if (resource === false) throw new OAuthError('invalid_target', `resource must be ${publicUrl()}/mcp`);
          return issued(await oauth.redeem({ code, clientId, verifier, redirectUri: str(f.redirect_uri), resource: resource ?? undefined }));
        } catch (e) {
          if (e instanceof OAuthError) return oauthError(reply, e);
          throw e;
        }
      },
    );
  };
