// How a provider's non-2xx answer is told to Linkhub's callers, the same way for the proxy, the
// actions and MCP: `provider_errors` repeating the answer, and the proxy's messages for a missing
// permission and an operation closed to restricted keys (the actions' are catalogue errors).
import type { ConnectorDefinition } from '../../connectors/types.js';
import { renderMessage } from '../../errors/catalogue.js';
import type { SendResult } from './caller.js';

/** StackOne's `provider_errors` entry for an answer to `path` (the public URL, never a stand-in's). */
export function providerErrors(connector: ConnectorDefinition, r: SendResult, path: string): Record<string, unknown>[] {
  const body = r.response.body;
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    raw = body.toString('utf8').slice(0, 2000);
  }
  return [{ status: r.response.status, url: connector.api.baseUrl + path.split('?')[0], raw, headers: { 'request-id': r.response.requestId ?? undefined } }];
}

/** The message for an endpoint no restricted key may call (the catalogue's, as an action's 403 says it). */
export function closedToRestrictedMessage(connector: ConnectorDefinition): string {
  return renderMessage('not_available_to_restricted_keys', { what: 'This endpoint', secret_key: connector.keyNames.secret });
}

/** "This account's restricted <provider> key lacks the 'rak_x' permission (X: Read). Grant 'rak_x': …" */
export function missingPermissionMessage(connector: ConnectorDefinition, permission: string | null): string {
  const p = connector.api.permissions;
  const named = permission ? `'${permission}' permission (${p.label(permission)})` : "'unknown' permission";
  return `This account's restricted ${connector.name} key lacks the ${named}. ${p.grantHint(permission)}`;
}
