// The words the Hub shows for what the server sends: a service's name, an environment's label, a key
// type, the title of a refusal. Kept apart so every screen names things the same way.
import type { ConnectorConfig, HubError, Integration } from './api.js';

export const KEY_TYPE: Record<string, string> = { secret: 'Secret key', restricted: 'Restricted key' };

/** The service's name: the production row's name, or a row name without its "(Test Mode)" suffix. */
export const providerName = (rows: Integration[], provider: string) =>
  (rows.find((r) => r.provider === provider && r.environment === 'production')?.name ?? rows.find((r) => r.provider === provider)?.name ?? provider).replace(
    /\s*\([^)]*\)$/,
    '',
  );

export const envLabel = (row: Integration | undefined, cfg: ConnectorConfig | undefined) =>
  row?.environment_label ?? cfg?.environment?.label ?? row?.name ?? '';

export function errorTitle(e: HubError, name: string): string {
  switch (e.code) {
    case 'invalid_key':
      return `${name} rejected this key`;
    case 'expired_key':
      return 'This key has expired';
    case 'missing_permission':
      return 'The key is missing a permission';
    case 'provider_unreachable':
      return `${name} could not be reached`;
  }
  if (e.status === 0) return 'Linkhub could not be reached';
  if (e.status === 400) return 'Check the key';
  return 'The account could not be linked';
}
