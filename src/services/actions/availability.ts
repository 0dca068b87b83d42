// Whether an action can work with an account's key, from what is known about the key (its type and
// the permissions the provider refused or accepted): the same verdict for GET /actions `available`,
// MCP tools/list marks and search results.
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import type { KeyKnowledge } from '../calls/key-knowledge.js';

export interface Availability {
  /** true (works, or a secret key), false (known not to), null (unknown). */
  available: boolean | null;
  availability_reason: 'secret_key' | 'not_available_to_restricted_keys' | 'missing_permission' | 'permission_granted' | 'unknown';
}

/** Why an action cannot work with this account's key, when that is known. */
export interface Unavailable {
  /** The permission the key lacks, or null when the action is closed to restricted keys altogether. */
  permission: string | null;
  reason: string;
}

export function availability(connector: ConnectorDefinition, a: ConnectorAction, k: KeyKnowledge): Availability {
  if (k.keyType === 'secret') return { available: true, availability_reason: 'secret_key' };
  if (a.permission === null) {
    return a.closedToRestrictedKeys
      ? { available: false, availability_reason: 'not_available_to_restricted_keys' }
      : { available: null, availability_reason: 'unknown' };
  }
  const needed = a.permission;
  // A write permission is refused when its read is: the provider grants write on top of read.
  const below = connector.api.permissions.implied(needed);
  if (k.missing.has(needed) || (below !== null && k.missing.has(below))) return { available: false, availability_reason: 'missing_permission' };
  if (k.granted.has(needed)) return { available: true, availability_reason: 'permission_granted' };
  return { available: null, availability_reason: 'unknown' };
}

/** Why the account's key cannot run an action (null when it can, or nothing is known against it). */
export function unavailability(connector: ConnectorDefinition, a: ConnectorAction, k: KeyKnowledge): Unavailable | null {
  const verdict = availability(connector, a, k);
  if (verdict.available !== false) return null;
  if (verdict.availability_reason === 'not_available_to_restricted_keys') {
    return { permission: null, reason: `Not available to restricted keys: link a ${connector.keyNames.secret} to use it.` };
  }
  const needed = a.permission!;
  const lacking = k.missing.has(needed) ? needed : (connector.api.permissions.implied(needed) ?? needed);
  return {
    permission: lacking,
    reason: `This account's restricted key lacks ${lacking}: ${connector.name} refused it earlier. ${connector.api.permissions.grantHint(lacking)}`,
  };
}
