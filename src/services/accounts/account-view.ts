// The StackOne `LinkedAccount` shape of an account, plus Linkhub's documented extra fields.
// The key itself never appears: only `credentials.api_key` redacted and `key_hint`.
import { getConnector } from '../../connectors/registry.js';
import type { accounts } from '../../store/schema.js';

export type AccountRow = typeof accounts.$inferSelect;

export const REDACTED_PREFIX = '__secretvalue:**redacted**';

export function accountView(a: AccountRow) {
  const connector = getConnector(a.provider);
  const secretField = connector?.field.key ?? 'api_key';
  return {
    id: a.id,
    provider: a.provider,
    provider_name: connector?.name ?? a.provider,
    status: a.status,
    status_reasons: a.statusReasons,
    origin_owner_id: a.originOwnerId,
    origin_owner_name: a.originOwnerName,
    origin_username: a.originUsername,
    credentials: { [secretField]: REDACTED_PREFIX + a.keyHint },
    setup_information: {},
    label: a.label,
    metadata: a.metadata ?? {},
    type: a.environment,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    // Linkhub additions
    environment: a.environment,
    key_type: a.keyType,
    key_hint: a.keyHint,
    last_verified_at: a.lastVerifiedAt?.toISOString() ?? null,
    // the provider's own account, under the connector's field names (e.g. `<provider>_account_id`)
    ...(connector ? { [connector.accountFields.id]: a.externalAccountId, [connector.accountFields.name]: a.externalAccountName } : {}),
  };
}

export type AccountView = ReturnType<typeof accountView>;
