// The OpenAPI 3.1 document (@fastify/swagger, dynamic mode): top-level facts (info, tags with their
// descriptions, security schemes), component names taken from the schemas' $id, and documentation
// that must not become validation (see DocOnly).
import { OAuthErrorBody } from '../oauth-schemas.js';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { TSchema } from 'typebox';
import { DASHBOARD_COMPONENTS } from '../dashboard/schemas.js';
import { components } from '../schemas.js';
import { RESPONSE_COMPONENTS } from '../wire-schemas.js';
import { errorComponents } from './errors.js';
import { describeRoute } from './operations.js';

/**
 * Request parts documented but not validated by Fastify, merged into the route's schema only when
 * the document is built: e.g. /mcp's JSON-RPC body (the MCP SDK transport validates it and answers
 * in JSON-RPC's error shape) or the x-account-id header (read by the handler; a header schema
 * would cost every proxied call).
 */
export interface DocOnly {
  body?: TSchema;
  headers?: TSchema;
  querystring?: TSchema;
}

declare module 'fastify' {
  interface FastifySchema {
    docOnly?: DocOnly;
  }
}

export const TAGS = [
  { name: 'Connect sessions', description: 'StackOne-compatible: a short-lived token and Auth Link for one end user to link an account.' },
  { name: 'Accounts', description: "StackOne-compatible: linked accounts (the key itself never leaves the vault), plus Linkhub's live key test." },
  { name: 'Connectors', description: 'StackOne-compatible: connector metadata.' },
  { name: 'Proxy', description: "StackOne-compatible: a raw call to the account's provider, made with its key." },
  { name: 'Actions', description: 'StackOne-compatible: the action catalogue and action execution (RPC), plus action search.' },
  {
    name: 'MCP',
    description:
      'StackOne-compatible: the MCP server (Streamable HTTP, stateless, JSON answers) for one linked account per connection, or the accounts of an agent token.',
  },
  { name: 'Logs and audit', description: "Calls made with linked accounts' keys (StackOne's request logs) and Linkhub's append-only credential audit." },
  { name: 'Webhooks', description: 'Linkhub: webhook endpoints (signed deliveries of account events) and the delivery log.' },
  { name: 'API keys', description: 'Linkhub: the platform API keys of the project.' },
  { name: 'Agent tokens', description: 'Linkhub: credentials for AI agents, one or a few linked accounts each, under a policy (docs/agents.md).' },
  { name: 'Approvals', description: 'Linkhub: calls an agent policy held for a person to approve or deny, and to reconcile when sent without an answer.' },
  { name: 'Project', description: "Linkhub: the project's settings (which sites may frame its Auth Link page)." },
  { name: 'Hub', description: "The private API of the Hub (Linkhub's and StackOne's @stackone/hub web component), authorised by a connect-session token." },
  { name: 'Dashboard', description: "The dashboard's JSON API, authorised by its session cookie; state-changing calls need the x-linkhub-csrf: 1 header." },
  { name: 'Health', description: 'Liveness and store readiness, without authentication.' },
  {
    name: 'OAuth',
    description:
      "Linkhub: OAuth 2.1 for MCP clients (metadata, client registration, tokens); the access token is an agent token (docs/agents.md#oauth). Errors in OAuth's shape.",
  },
];

const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Linkhub API',
      version: '0.1.0',
      description:
        "Wire-compatible with StackOne's public API (connect sessions, accounts, connectors meta, proxy, actions, MCP, request logs, /hub/*), " +
        'plus Linkhub additions marked "Linkhub". Every error is `{statusCode, message, timestamp, code, …}`, its `code` one of the error catalogue\'s (docs/errors.md).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: TAGS,
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: "API key as username, empty password (StackOne's scheme)" },
        bearer: { type: 'http', scheme: 'bearer', description: 'The API key as a bearer token' },
        hubSession: { type: 'apiKey', in: 'header', name: 'x-hub-session-token', description: 'A connect-session token' },
        dashboardSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'linkhub_dashboard',
          description: 'The dashboard session cookie (POST /dashboard/api/session)',
        },
      },
    },
    security: [{ basic: [] }, { bearer: [] }],
  },
  // Components are named by their $id (LinkedAccount, Error404, …) instead of def-0, def-1.
  refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  transform: ({ schema, url }) => {
    if (!schema?.docOnly) return { schema, url };
    const { docOnly, ...rest } = schema;
    return { schema: { ...rest, ...docOnly } as FastifySchema, url };
  },
};

/** Registers the document machinery; call before any route is registered. */
export async function installOpenapi(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', describeRoute);
  await app.register(swagger, swaggerOptions);
  for (const schema of [...components(), ...errorComponents(), ...RESPONSE_COMPONENTS, ...DASHBOARD_COMPONENTS, OAuthErrorBody]) app.addSchema(schema);
}

/** The document as served: the server is this Linkhub's public URL (known only once it listens). */
export function openapiDocument(app: FastifyInstance, publicUrl: string) {
  return { ...app.swagger(), servers: [{ url: publicUrl, description: 'This Linkhub' }] };
}
