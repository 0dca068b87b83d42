// Response schemas of the private /hub/* API (hub.ts): the shapes StackOne's @stackone/hub web
// component reads, plus Linkhub's additions for its own Hub. The connector configuration is open
// (additionalProperties) because the web component reads fields Linkhub may add to over time.
import { Type } from 'typebox';
import { Nullable } from './schemas.js';
import { DateTime, Open } from './wire-schemas.js';

export const HubSettings = Type.Object({
  enabled_features: Type.Array(Type.String()),
  existing_account_id: Type.Optional(Type.String({ description: 'Set when the session re-links this account' })),
  origin_owner_name: Type.String(),
  expires_at: DateTime,
  linkhub_used_at: Type.Optional({ ...DateTime, description: 'Linkhub: set once an account was linked (or its key replaced) through this session' }),
});

const HubIntegration = Type.Object({
  integration_id: Type.String(),
  provider: Type.String(),
  name: Type.String(),
  type: Type.String(),
  version: Type.String(),
  active: Type.Boolean(),
  authentication_config_key: Type.String(),
  environment: Type.String(),
  logo_url: Type.String(),
  environment_label: Type.String(),
  description: Type.String(),
});

export const HubConnectors = Type.Object({ integrations: Type.Array(HubIntegration), external_trigger_token: Type.Null() });

export const HubConnectorConfig = Type.Object({
  config: Open(
    {
      key: Type.String(),
      name: Type.String(),
      type: Type.String(),
      environment: Open({ key: Type.String(), label: Type.String(), description: Type.String() }),
      configFields: Type.Array(Open({ key: Type.String(), label: Type.String(), type: Type.String(), required: Type.Boolean(), secret: Type.Boolean() })),
    },
    'The form the Hub shows: fields, notices, assets and support link',
  ),
  hub_settings: Open({}),
});

export const HubAccount = Type.Object({
  secureId: Type.String(),
  provider: Type.String(),
  integrationId: Nullable(Type.String()),
  version: Type.String(),
  authConfigKey: Type.String(),
  environment: Type.String(),
  setupInformation: Type.Record(Type.String(), Type.Unknown()),
  secrets: Type.Record(Type.String(), Type.String(), { description: 'Redacted: __secretvalue:**redacted**<last 4>' }),
  keyType: Type.String({ description: 'Linkhub: secret | restricted' }),
  keyHint: Type.String({ description: 'Linkhub: last 4 characters of the key' }),
  status: Type.String({ description: 'Linkhub' }),
  accountName: Nullable(Type.String({ description: "Linkhub: the provider account's display name" })),
  context: Nullable(Type.String({ description: 'Linkhub: the context the key acts in (e.g. the account an organization key acts on)' })),
});

export const HubLinkedAccount = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  environment: Type.String(),
  key_type: Type.String(),
  key_hint: Type.String(),
  account_id: Nullable(Type.String({ description: "The provider's own account id, when the live test learnt it" })),
  account_name: Nullable(Type.String()),
  context: Nullable(Type.String({ description: 'The context the key acts in (e.g. the account an organization key acts on), or null' })),
});
