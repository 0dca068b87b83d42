// The connectors this Linkhub serves, by key. Stripe is built in; registerConnector() adds one at
// start (an embedder's own provider, or the tests' fake connector) before the app is built.
import { stripeConnector } from './stripe/connector.js';
import type { ConnectorDefinition, ConnectorEnvironment, EnvironmentKey } from './types.js';

const byKey = new Map<string, ConnectorDefinition>([[stripeConnector.key, stripeConnector]]);
// Derived lists, rebuilt after a registration (read on hot paths: no allocation per call).
let list: readonly ConnectorDefinition[] | null = null;
let rows: IntegrationRow[] | null = null;

const KEY = /^[a-z][a-z0-9]{1,30}$/;

/** Adds a connector (its key must be new: lowercase letters and digits). */
export function registerConnector(connector: ConnectorDefinition): void {
  if (!KEY.test(connector.key)) throw new Error(`connector key "${connector.key}" must be 2–31 lowercase letters and digits`);
  if (byKey.has(connector.key)) throw new Error(`connector "${connector.key}" is already registered`);
  if (connector.actions.prefix !== `${connector.key}_`) throw new Error(`actions of connector "${connector.key}" must be named ${connector.key}_…`);
  byKey.set(connector.key, connector);
  list = null;
  rows = null;
}

export function connectors(): readonly ConnectorDefinition[] {
  list ??= Object.freeze([...byKey.values()]);
  return list;
}

export function getConnector(key: string): ConnectorDefinition | undefined {
  return byKey.get(key);
}

/** The connector whose actions are named `<key>_…`, if any. */
export function connectorOfAction(name: string): ConnectorDefinition | undefined {
  const i = name.indexOf('_');
  return i > 0 ? byKey.get(name.slice(0, i)) : undefined;
}

/** Where a connector's logo is served. */
export const logoPath = (c: ConnectorDefinition): string => `/assets/${c.key}.svg`;

/** Hub integration rows: one per (connector, environment), id `<connector>-<environment>`. */
export interface IntegrationRow {
  id: string;
  connector: ConnectorDefinition;
  environment: ConnectorEnvironment;
}

export function integrations(): readonly IntegrationRow[] {
  rows ??= connectors().flatMap((connector) =>
    connector.environments.map((environment) => ({ id: `${connector.key}-${environment.key}`, connector, environment })),
  );
  return rows;
}

export function getIntegration(id: string): IntegrationRow | undefined {
  return integrations().find((r) => r.id === id);
}

export function integrationFor(provider: string, environment: EnvironmentKey): IntegrationRow | undefined {
  return integrations().find((r) => r.connector.key === provider && r.environment.key === environment);
}
