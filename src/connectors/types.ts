// The connector contract: everything Linkhub knows about one provider, as data plus a few pure
// functions. A connector folder (src/connectors/<key>/) exports one ConnectorDefinition; the rest
// of Linkhub (linking, the call path, actions, MCP, logs, the Hub) reads only this contract, so
// adding a provider never touches code outside its folder (test/fake-connector/ proves it).
//
// The contract has three parts:
//   - linking (this file): environments, the key field and its guidance, key rules, live test;
//   - calling (api.ts): where the API is, how the credential and bodies are sent, rate limits,
//     retries, idempotency, how answers and errors are read;
//   - actions (actions.ts): the typed action catalogue and its search vocabulary.
import type { ConnectorActions } from './actions.js';
import type { ConnectorApi } from './api.js';
import type { EnvironmentKey, KeyCheck, KeyType } from './keys.js';

export type { ConnectorAction, ConnectorActions, ActionCatalogue, JsonSchema, SearchVocabulary } from './actions.js';
export type { ConnectorApi, ProviderError, ProviderVerdict, HttpMethod } from './api.js';

export type { EnvironmentKey, KeyCheck, KeyRuleCode, KeyType } from './keys.js';

export interface ConnectorEnvironment {
  key: EnvironmentKey;
  /** Row name shown by the Hub's picker; must differ between environments. */
  name: string;
  /** Short label ("Production", "Test Mode"). */
  label: string;
  /** One-line explanation shown when choosing. */
  description: string;
  /** Placeholder and validation for the key field in this environment. */
  placeholder: string;
  pattern: string;
}

export interface ConnectorField {
  key: string;
  label: string;
  type: 'text' | 'password';
  secret: boolean;
  required: boolean;
  guide: string;
  tooltip?: string;
}

export interface ConnectorNotice {
  key: string;
  type: 'info' | 'warning';
  description: string;
  position?: 'top' | 'bottom';
  anchor?: string;
}

/** Outcome of the live connection test. */
export type LiveTestOutcome =
  | { result: 'ok'; externalAccountId: string | null; externalAccountName: string | null }
  | { result: 'invalid_key'; code: 'invalid_key' | 'expired_key'; message: string; providerMessage: string | null }
  | { result: 'missing_permission'; permission: string | null; message: string; providerMessage: string | null; externalAccountId: string | null }
  | { result: 'unreachable'; message: string; providerStatus: number | null };

/** How a connector reaches its API during the live test: GET a path with the key as credential.
 * Resolves with the status and raw body; rejects only when the API could not be reached. */
export interface LiveTestContext {
  get(path: string, key: string): Promise<{ status: number; body: Buffer }>;
}

export interface ConnectorDefinition {
  key: string;
  name: string;
  /** One sentence about the API, shown in action catalogues. */
  description: string;
  category: string;
  /** The logo as SVG markup, served at /assets/<key>.svg. */
  logoSvg: string;
  authConfigKey: string;
  supportLink: string;
  environments: ConnectorEnvironment[];
  /** The one secret field holding the API key. */
  field: ConnectorField;
  notices: ConnectorNotice[];
  /**
   * Wire names of the provider's own account id and display name on linked accounts
   * (e.g. stripe_account_id), filled from what the live test learnt.
   */
  accountFields: { id: string; name: string };
  /** How messages name each kind of key, e.g. `secret key (sk_…)`. */
  keyNames: Readonly<Record<KeyType, string>>;
  checkKey(raw: unknown, environment: EnvironmentKey): KeyCheck;
  /**
   * Masks the provider's secrets (its API keys, webhook secrets, client secrets) anywhere in a text,
   * keeping only their kind; the call log runs every stored body and path through it.
   */
  maskSecrets(text: string): string;
  liveTest(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome>;
  api: ConnectorApi;
  actions: ConnectorActions;
}
