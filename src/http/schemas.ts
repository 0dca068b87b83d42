// Wire schemas (TypeBox): request validation and the OpenAPI document share them.
import { Type, type TSchema } from 'typebox';
import { connectors } from '../connectors/registry.js';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Obj = Type.Record(Type.String(), Type.Unknown());

export const Environment = Type.Union([Type.Literal('production'), Type.Literal('test')]);

export const ConnectSessionCreate = Type.Object(
  {
    origin_owner_id: Type.String({ minLength: 1, maxLength: 255 }),
    origin_owner_name: Type.String({ minLength: 1, maxLength: 255 }),
    origin_username: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    provider: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    provider_version: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    categories: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 }))),
    account_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    expires_in: Type.Optional(Nullable(Type.Number({ minimum: 60, maximum: 2_592_000, description: 'Seconds; default 1800, at most 30 days' }))),
    metadata: Type.Optional(Nullable(Obj)),
    multiple: Type.Optional(Nullable(Type.Boolean())),
    label: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    type: Type.Optional(Nullable(Environment)),
    integration_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    connector_profile_id: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'Accepted, ignored' }))),
    shared: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted, ignored' }))),
    relink: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted, ignored' }))),
    scopes: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Accepted, ignored' }))),
  },
  { additionalProperties: false },
);

export const StatusReasons = Type.Array(Type.Object({ code: Type.String(), description: Type.String(), timestamp: Type.String() }));

/** StackOne's LinkedAccount plus Linkhub's fields, with each connector's own account id/name fields (connector.accountFields). */
export const linkedAccountSchema = () =>
  Type.Object(
    {
      id: Type.String(),
      provider: Type.String(),
      provider_name: Type.String(),
      status: Type.String({ description: 'active | error (key invalid, expired or lacking permission)' }),
      status_reasons: StatusReasons,
      origin_owner_id: Type.String(),
      origin_owner_name: Type.String(),
      origin_username: Nullable(Type.String()),
      credentials: Type.Record(Type.String(), Type.String(), { description: 'Secrets redacted as __secretvalue:**redacted**<last 4>' }),
      setup_information: Obj,
      label: Nullable(Type.String()),
      metadata: Obj,
      type: Environment,
      created_at: Type.String({ format: 'date-time' }),
      updated_at: Type.String({ format: 'date-time' }),
      environment: Type.Union([Type.Literal('production'), Type.Literal('test')], { description: 'Linkhub: production or test' }),
      key_type: Type.Union([Type.Literal('secret'), Type.Literal('restricted')], { description: 'Linkhub' }),
      key_hint: Type.String({ description: 'Linkhub: last 4 characters of the key' }),
      last_verified_at: Nullable(Type.String({ format: 'date-time', description: 'Linkhub: last successful live test' })),
      ...Object.fromEntries(
        connectors().flatMap((c) => [
          [c.accountFields.id, Type.Optional(Nullable(Type.String({ description: `Linkhub: the ${c.name} account id, when ${c.name} told it` })))],
          [c.accountFields.name, Type.Optional(Nullable(Type.String({ description: `Linkhub: the ${c.name} account's display name` })))],
          ...(c.context
            ? [
                [
                  c.context.key,
                  Type.Optional(Nullable(Type.String({ description: `Linkhub: the ${c.context.label} the key acts in (sent as ${c.context.header})` }))),
                ],
              ]
            : []),
        ]),
      ),
    },
    { $id: 'LinkedAccount', additionalProperties: true },
  );

export const AccountsQuery = Type.Object(
  {
    origin_owner_id: Type.Optional(Type.String()),
    origin_owner_ids: Type.Optional(Type.Array(Type.String())),
    provider: Type.Optional(Type.String()),
    providers: Type.Optional(Type.Array(Type.String())),
    account_ids: Type.Optional(Type.Array(Type.String())),
    status: Type.Optional(Type.Array(Type.String())),
    environment: Type.Optional(Environment),
    search: Type.Optional(Type.String({ maxLength: 200 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25 })),
  },
  { additionalProperties: true },
);

export const AccountPatch = Type.Object(
  {
    provider: Type.Optional(Nullable(Type.String())),
    origin_owner_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
    origin_owner_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
    origin_username: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    credentials: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    setup_information: Type.Optional(Nullable(Obj)),
    secrets: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    authentication_config_key: Type.Optional(Nullable(Type.String())),
    environment: Type.Optional(Nullable(Type.String())),
    label: Type.Optional(Nullable(Type.Union([Type.String({ maxLength: 255 }), Obj]))),
    metadata: Type.Optional(Nullable(Obj)),
    type: Type.Optional(Nullable(Type.String())),
    integration_id: Type.Optional(Nullable(Type.String())),
    shared: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);

export const ConnectSessionView = Type.Object(
  {
    id: Type.Integer(),
    organization_id: Type.Union([Type.String(), Type.Number()], {
      description: "a number for StackOne's TypeScript client up to 4.28 (by its user-agent), else a string; LINKHUB_ORGANIZATION_ID_TYPE forces one",
    }),
    project_id: Type.String(),
    origin_owner_id: Type.String(),
    origin_owner_name: Type.String(),
    origin_username: Type.Optional(Nullable(Type.String())),
    provider: Type.Optional(Nullable(Type.String())),
    categories: Type.Optional(Nullable(Type.Array(Type.String()))),
    account_id: Type.Optional(Nullable(Type.String())),
    label: Type.Optional(Nullable(Type.String())),
    metadata: Type.Optional(Nullable(Obj)),
    type: Type.Optional(Environment),
    integration_id: Type.Optional(Nullable(Type.String())),
    external_trigger_token: Type.Optional(Type.Null()),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: true },
);

/** Registered once (app.addSchema) and referenced by $id: components of the API document. */
/** Shared components of the document (a function: the account schema lists every registered connector's fields). */
export const components = () => [linkedAccountSchema()];

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/**
 * A webhook delivery id (a bigserial): at most 2^53 − 1, the largest integer a JSON number carries
 * exactly. Without the bound, 1e308 or 99999999999999999999 reached PostgreSQL as out of range (500).
 */
export const DeliveryIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
