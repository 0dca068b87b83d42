// Response schemas of the platform API (and of the dashboard API where it shows the same views).
// Fastify serialises a response with its schema (fast-json-stringify): a property missing here is
// dropped and a value of another type is coerced. So each schema states every field its view
// (views.ts, log-views.ts, …) returns, with the view's own nullability; shapes that are open by
// nature (the provider's data, metadata, action metadata) say additionalProperties: true.
import { Type, type TProperties, type TSchema } from 'typebox';
import { TOOL_MODE_NAMES } from '../services/actions/mcp-tools.js';
import { PARAM_STYLES } from '../services/actions/param-styles.js';
import { AgentPolicy, AgentToken, Approval } from './platform/agent-schemas.js';
import { Nullable } from './schemas.js';

export const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Nullable(DateTime);
export const Open = (properties: TProperties, description?: string) =>
  Type.Object(properties, { additionalProperties: true, ...(description ? { description } : {}) });
/** A page of `items`, newest first, with the cursor of the next page (null on the last). */
export const Page = <T extends TSchema>(items: T) =>
  Type.Object({ data: Type.Array(items), next: Nullable(Type.String({ description: 'Cursor of the next page: send it back as `next`' })) });

export const AccountMeta = Type.Object({ provider: Type.String(), category: Type.String(), models: Type.Record(Type.String(), Type.Unknown()) });

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    hint: Type.String({ description: 'Last characters of the key' }),
    created_at: DateTime,
    last_used_at: NullableDateTime,
    revoked_at: NullableDateTime,
  },
  { $id: 'ApiKey' },
);
export const ApiKeyCreated = Type.Object({
  id: Type.String(),
  name: Type.String(),
  key: Type.String({ description: 'The API key: shown this once, only a hash is kept' }),
  hint: Type.String(),
});
export const ApiKeyRevoked = Type.Object({ id: Type.String(), revoked: Type.Boolean() });

export const ConnectorMeta = Type.Object(
  {
    provider: Type.String(),
    provider_name: Type.String(),
    category: Type.String(),
    models: Type.Record(Type.String(), Type.Unknown()),
    active: Type.Boolean(),
    resources: Type.Object({ images: Type.Object({ logo_url: Type.String(), original_logo_horizontal_url: Type.String() }) }),
    environments: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), description: Type.String() })),
  },
  { $id: 'ConnectorMeta' },
);

const endpointFields = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  secret_hint: Type.String({ description: 'Last 4 characters of the signing secret' }),
  created_at: DateTime,
};
export const WebhookEndpoint = Type.Object(endpointFields, { $id: 'WebhookEndpoint' });
export const WebhookEndpointCreated = Type.Object({
  ...endpointFields,
  secret: Type.String({ description: 'The signing secret: shown this once' }),
});

export const WebhookDelivery = Type.Object(
  {
    id: Type.Integer(),
    endpoint_id: Type.String(),
    event_id: Type.String(),
    event: Type.String(),
    status: Type.String({ description: 'pending | delivered | failed' }),
    attempts: Type.Integer(),
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    next_attempt_at: NullableDateTime,
    created_at: DateTime,
    delivered_at: NullableDateTime,
    attempt_log: Type.Array(
      Type.Object({ attempt: Type.Integer(), status_code: Nullable(Type.Integer()), error: Nullable(Type.String()), duration_ms: Type.Number(), at: DateTime }),
    ),
  },
  { $id: 'WebhookDelivery' },
);
export const DeliveryRetried = Type.Object({ id: Type.Integer(), status: Type.Literal('pending') });

const requestLogFields = {
  id: Type.String(),
  request_id: Type.String(),
  project_id: Type.String(),
  account_id: Type.String(),
  provider: Type.String(),
  service: Type.String({ description: 'proxy | rpc | mcp' }),
  action: Nullable(Type.String()),
  http_method: Type.String(),
  path: Type.String(),
  url: Type.String(),
  status: Nullable(Type.Integer({ description: "The provider's HTTP status; null when no answer came" })),
  success: Type.Boolean(),
  duration: Type.Number({ description: 'Milliseconds' }),
  event_datetime: DateTime,
  start_time: DateTime,
  end_time: DateTime,
  source_type: Type.String(),
  source_id: Type.String(),
  error: Nullable(Type.String({ description: 'Linkhub: outcome when the provider gave no answer (throttled, unreachable, timeout, url_refused, …)' })),
  attempts: Type.Integer(),
  retries: Type.Integer(),
  provider_request_id: Nullable(Type.String()),
  idempotency_key: Nullable(Type.String()),
};
export const RequestLog = Type.Object(requestLogFields, { $id: 'RequestLog' });
const requestLogDetailFields = {
  ...requestLogFields,
  request: Type.Object({ method: Type.String(), path: Type.String(), url: Type.String(), body: Type.Unknown({ description: 'Redacted, size-capped' }) }),
  response: Nullable(Type.Object({ status_code: Type.Integer(), body: Type.Unknown({ description: 'Redacted, size-capped' }) })),
};
export const RequestLogDetail = Type.Object(requestLogDetailFields, { $id: 'RequestLogDetail' });

const auditFields = {
  id: Type.String(),
  project_id: Type.String(),
  account_id: Type.String(),
  actor_type: Type.String(),
  actor_id: Type.String(),
  action: Type.String({ description: 'link, rotate, test, call.proxy, call.rpc:<action>, call.mcp:<action>, …' }),
  outcome: Nullable(Type.String()),
  at: DateTime,
};
export const AuditEvent = Type.Object(auditFields, { $id: 'AuditEvent' });

/** The dashboard adds who owns the account and which API key made the call. */
const named = {
  account_owner_name: Nullable(Type.String()),
  actor_name: Nullable(Type.String({ description: "The API key's name, for calls made with one" })),
};
export const NamedRequestLog = Type.Object({ ...requestLogFields, ...named });
export const NamedRequestLogDetail = Type.Object({ ...requestLogDetailFields, ...named });
export const NamedAuditEvent = Type.Object({ ...auditFields, ...named });

const BuildFields = {
  store: Type.String({ description: 'pglite | postgres' }),
  version: Type.String({ description: "Linkhub's version (package.json)" }),
  commit: Nullable(Type.String({ description: 'The git commit this build was made from; null when run from source or built outside git' })),
};
export const Health = Type.Object({ status: Type.Literal('ok'), ...BuildFields });
export const Ready = Type.Object({ status: Type.Literal('ready'), ...BuildFields });

/** Schemas registered once (app.addSchema) and referenced by $id: components of the document. */
export const RESPONSE_COMPONENTS = [
  ApiKey,
  ConnectorMeta,
  WebhookEndpoint,
  WebhookDelivery,
  RequestLog,
  RequestLogDetail,
  AuditEvent,
  AgentPolicy,
  AgentToken,
  Approval,
];

// ---- proxy, actions, MCP ------------------------------------------------------------------------

/** x-account-id: documented only (the handlers read it; a header schema would cost every call). */
export const AccountIdHeader = Type.Object({ 'x-account-id': Type.String({ description: 'The linked account to call with' }) });
export const OptionalAccountIdHeader = Type.Partial(AccountIdHeader);

export const ProxyResponse = Open(
  {
    status: Type.Integer({ description: "The provider's HTTP status" }),
    headers: Type.Record(Type.String(), Type.String(), { description: "The provider's response headers (hop-by-hop ones dropped)" }),
    data: Type.Unknown({ description: "The provider's JSON body as received" }),
    provider_errors: Type.Optional(
      Type.Array(Open({ status: Type.Integer(), url: Type.String(), raw: Type.Unknown(), headers: Type.Record(Type.String(), Type.String()) }), {
        description: 'Present when the provider answered ≥ 400 (the HTTP status is then 200)',
      }),
    ),
    message: Type.Optional(Type.String()),
    code: Type.Optional(
      Type.String({ description: "invalid_key, expired_key, missing_permission, not_available_to_restricted_keys, or the provider's error code" }),
    ),
    permission: Type.Optional(Nullable(Type.String({ description: 'The rak_… permission the restricted key lacks' }))),
    account_status: Type.Optional(Type.String({ description: '"error" once the provider refused the key' })),
  },
  "The provider's answer: HTTP 2xx for its 2xx; HTTP 200 with status ≥ 400 and provider_errors for its errors",
);

export const ActionsMeta = Open(
  {
    key: Type.String(),
    name: Type.String(),
    description: Type.String(),
    icon: Type.String(),
    version: Type.String(),
    release_stage: Type.String(),
    integration_id: Nullable(Type.String()),
    account_id: Nullable(Type.String()),
    actions: Type.Optional(Type.Array(Open({}, 'An action: id, label, description, required_scopes, availability (per account), and details on request'))),
  },
  'One connector, or one linked account with filter[account_ids]',
);

export const RpcResult = Type.Object({
  data: Type.Unknown({ description: "The provider's answer; the items for list actions" }),
  next: Nullable(Type.String({ description: 'List actions: the cursor of the next page' })),
});

export const ActionSearchResults = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      action_name: Type.String(),
      connector_key: Type.String(),
      label: Type.String(),
      description: Type.String(),
      project_id: Type.String(),
      similarity_score: Type.Number(),
    }),
  ),
  total_count: Type.Integer(),
  query: Type.String(),
});

const JsonRpcId = Type.Union([Type.String(), Type.Number(), Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
  description: "Echoed back as sent (StackOne's 4.28 SDK sends {})",
});
const JsonRpcRequest = Open(
  {
    jsonrpc: Type.Literal('2.0'),
    id: Type.Optional(JsonRpcId),
    method: Type.String({ description: 'initialize, tools/list, tools/call, notifications/initialized, …' }),
    params: Type.Optional(Type.Unknown()),
  },
  'A JSON-RPC 2.0 request or notification',
);
export const McpRequestBody = Type.Union([JsonRpcRequest, Type.Array(JsonRpcRequest, { description: 'A batch' })]);
const JsonRpcResponse = Open(
  {
    jsonrpc: Type.Literal('2.0'),
    id: JsonRpcId,
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(Open({ code: Type.Integer(), message: Type.String(), data: Type.Optional(Type.Unknown()) })),
  },
  'A JSON-RPC 2.0 response',
);
export const McpResponse = Type.Union([JsonRpcResponse, Type.Array(JsonRpcResponse)], {
  description: 'The JSON-RPC answer (empty for a notification sent by a client that accepts only JSON)',
});
export const McpQuery = Type.Object({
  'tool-mode': Type.Optional(
    Type.Union(
      TOOL_MODE_NAMES.map((m) => Type.Literal(m)),
      {
        description:
          'Default search_execute: two tools (search the actions, execute one), a few hundred tokens. ' +
          'all (alias individual): one tool per action, the whole catalogue',
      },
    ),
  ),
  'param-style': Type.Optional(
    Type.Union(
      PARAM_STYLES.map((m) => Type.Literal(m)),
      { description: 'Default nested' },
    ),
  ),
  hide_unavailable: Type.Optional(Type.Boolean({ description: 'Leave out the tools the restricted key is known to lack' })),
  'x-account-id': Type.Optional(Type.String({ description: 'The linked account, when the client cannot send the header' })),
  account_id: Type.Optional(Type.String({ description: 'Same as x-account-id' })),
});
