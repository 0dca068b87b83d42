// The headers an account's context adds to every call of that account (ConnectorContext): the
// context in the connector's header, and what the provider also requires with it. A caller's own
// headers are merged over these, so a caller can name another context for one call.
import type { ConnectorDefinition } from '../../connectors/types.js';

const NONE: Readonly<Record<string, string>> = Object.freeze({});

export function contextHeaders(connector: ConnectorDefinition, context: string | null | undefined): Readonly<Record<string, string>> {
  const c = connector.context;
  if (!c || !context) return NONE;
  return Object.freeze({ ...c.alsoSend, [c.header]: context });
}
