// The StackOne `LinkedAccount` shape of an account, plus Linkhub's documented extra fields.
// The key itself never appears: only `credentials.api_key` redacted and `key_hint`.
import { getConnector } from '../../connectors/registry.js';
import type { ConnectorDefinition } from '../../connectors/types.js';
import type { accounts } from '../../store/schema.js';

export type AccountRow = typeof accounts.$inferSelect;

export const REDACTED_PREFIX = '__secretvalue:**redacted**';

/** What every view of an account shows (never the key: only its last four characters). */
function shared(a: AccountRow, connector: ConnectorDefinition | undefined) {
  return {
    id: a.id,
    provider: a.provider,
    provider_name: connector?.name ?? a.provider,
    status: a.status,
    status_reasons: a.statusReasons,
    origin_owner_id: a.originOwnerId,
    origin_owner_name: a.originOwnerName,
    origin_username: a.originUsername,
    label: a.label,
    environment: a.environment,
    key_type: a.keyType,
    key_hint: a.keyHint,
    last_verified_at: a.lastVerifiedAt?.toISOString() ?? null,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

/** StackOne's LinkedAccount (platform API, webhooks), with Linkhub's fields. */
export function accountView(a: AccountRow) {
  const connector = getConnector(a.provider);
  return {
    ...shared(a, connector),
    credentials: { [connector?.field.key ?? 'api_key']: REDACTED_PREFIX + a.keyHint },
    setup_information: {},
    metadata: a.metadata ?? {},
    type: a.environment,
    // the provider's own account, under the connector's field names (e.g. `<provider>_account_id`)
    ...(connector ? { [connector.accountFields.id]: a.externalAccountId, [connector.accountFields.name]: a.externalAccountName } : {}),
    // the context the key acts in (not secret), under the connector's field name (e.g. `<provider>_context`)
    ...(connector?.context ? { [connector.context.key]: a.context } : {}),
  };
}

/** The Dashboard's flat view: the provider's own account under neutral names. */
export function dashboardAccountView(a: AccountRow) {
  return {
    ...shared(a, getConnector(a.provider)),
    external_account_id: a.externalAccountId,
    external_account_name: a.externalAccountName,
    context: a.context,
  };
}

export type AccountView = ReturnType<typeof accountView>;
