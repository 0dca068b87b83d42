// How a provider's non-2xx answer is told to Linkhub's callers, the same way for the proxy, the
// actions and MCP: `provider_errors` repeating the answer, and the messages for a refused key, a
// missing permission and an operation closed to restricted keys.
import type { ConnectorDefinition } from '../../connectors/types.js';
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

/** The message for an operation no restricted key may call (`what`: "This endpoint", "Action x"). */
export function closedToRestrictedMessage(connector: ConnectorDefinition, what: string): string {
  return `${what} is not available to restricted keys: link a ${connector.keyNames.secret} for this account to use it.`;
}

/** "… lacks the 'rak_x' permission (X: Read). Grant 'rak_x': …" */
export function missingPermissionMessage(connector: ConnectorDefinition, permission: string | null, action?: string): string {
  const p = connector.api.permissions;
  const label = permission ? p.label(permission) : 'unknown';
  const head = action
    ? `Action ${action} needs the '${permission}' permission (${label}), which this account's restricted ${connector.name} key lacks.`
    : `This account's restricted ${connector.name} key lacks the '${permission ?? 'unknown'}' permission${permission ? ` (${label})` : ''}.`;
  return `${head} ${p.grantHint(permission)}`;
}
