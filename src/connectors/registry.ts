// Every connector Linkhub knows, by key.
import { stripeConnector } from './stripe/connector.js';
import type { ConnectorDefinition, ConnectorEnvironment, EnvironmentKey } from './types.js';

export const connectors: readonly ConnectorDefinition[] = [stripeConnector];

const byKey = new Map(connectors.map((c) => [c.key, c]));

export function getConnector(key: string): ConnectorDefinition | undefined {
  return byKey.get(key);
}

/** Hub integration rows: one per (connector, environment), id `<connector>-<environment>`. */
export interface IntegrationRow {
  id: string;
  connector: ConnectorDefinition;
  environment: ConnectorEnvironment;
}

export const integrations: readonly IntegrationRow[] = connectors.flatMap((connector) =>
  connector.environments.map((environment) => ({ id: `${connector.key}-${environment.key}`, connector, environment })),
);

export function getIntegration(id: string): IntegrationRow | undefined {
  return integrations.find((r) => r.id === id);
}

export function integrationFor(provider: string, environment: EnvironmentKey): IntegrationRow | undefined {
  return integrations.find((r) => r.connector.key === provider && r.environment.key === environment);
}
