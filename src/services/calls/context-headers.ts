// The headers an account's context adds to every call of that account (ConnectorContext): the
// context in the connector's header, and what the provider also requires with it. A caller's own
// headers are merged over these, so a caller can name another context for one call (the platform key;
// an agent token may not: refuseOtherContext).
import type { ConnectorDefinition } from '../../connectors/types.js';
import { fail } from '../../errors/fail.js';
import { maskSecrets } from '../logs/redaction.js';

const NONE: Readonly<Record<string, string>> = Object.freeze({});

export function contextHeaders(connector: ConnectorDefinition, context: string | null | undefined): Readonly<Record<string, string>> {
  const c = connector.context;
  if (!c || !context) return NONE;
  return Object.freeze({ ...c.alsoSend, [c.header]: context });
}

/**
 * An agent token acts on the accounts it names: on an account linked with a context (an organization
 * key and the account it acts on), a caller header naming another context, or another account, would
 * reach an account of the organization the token does not name (perhaps one linked on its own, under
 * another policy). Refused unless it names the account's own context.
 */
export function refuseOtherContext(connector: ConnectorDefinition, context: string | null, headers: Readonly<Record<string, string>> | undefined): void {
  const c = connector.context;
  if (!c || !context || !headers) return;
  for (const name of [c.header, ...(c.otherAccountHeaders ?? [])]) {
    const v = headers[name];
    if (v !== undefined && v.trim() !== context) throw fail('agent_account_refused', { account: JSON.stringify(maskSecrets(v.slice(0, 64))) });
  }
}

/**
 * Where a call's idempotency key counts at the provider: the linked account and the headers naming
 * another account or context there (the connector's passHeaders: a connected account, a
 * context). The provider keeps keys per account, so one key on another account is another call.
 */
export function keyScope(connector: ConnectorDefinition, accountId: string, headers: Readonly<Record<string, string>> | undefined): string {
  return JSON.stringify([accountId, ...connector.api.passHeaders.map((name) => headers?.[name]?.trim() ?? null)]);
}
