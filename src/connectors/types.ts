// The connector contract: everything Linkhub knows about one provider, as data plus a few pure
// functions. A connector folder (src/connectors/<key>/) exports one ConnectorDefinition; the rest
// of Linkhub (linking, the call path, actions, MCP, logs, the Hub) reads only this contract, so
// adding a provider never touches code outside its folder (test/fake-connector/ proves it).
//
// The contract has three parts:
//   - linking (this file): environments, the key field and its guidance, key rules, live test;
//   - calling (api.ts): where the API is, how the credential and bodies are sent, rate limits,
//     retries, idempotency, how answers and errors are read;
//   - actions (actions.ts): the typed action catalogue and its search vocabulary;
//   - agents (agents.ts): the provider's own SDK paths and error shape, and which actions move money.
import type { ConnectorActions } from './actions.js';
import type { ConnectorAgentSupport } from './agents.js';
import type { ConnectorApi } from './api.js';
import type { EnvironmentKey, KeyCheck, KeyType } from './keys.js';

export type { ConnectorAction, ConnectorActions, ActionCatalogue, JsonSchema, SearchVocabulary } from './actions.js';
export type { ConnectorAgentSupport, MoneyLookup, MoneyRule } from './agents.js';
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

/**
 * A second, non-secret credential some keys need: the account a key that can act on several accounts
 * (e.g. an organization-wide key) acts on. Linked with the key, stored with the account, shown in its
 * views and sent in `header` on every call of that account (a caller's own header wins for one call).
 */
export interface ConnectorContext {
  /** Wire name in `credentials` when linking and in account views (e.g. `<provider>_context`). */
  key: string;
  label: string;
  placeholder: string;
  guide: string;
  /** The request header carrying it (lowercase). */
  header: string;
  /** Other request headers that pick another account for one call (lowercase): an agent token may not send them. */
  otherAccountHeaders?: readonly string[];
  /** Headers the provider also requires on every call of such an account (a caller's own win). */
  alsoSend: Readonly<Record<string, string>>;
  /** Whether a key (as pasted) needs a context: the Hub shows the field for it. */
  needed(key: string): boolean;
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

/** How a connector reaches its API during the live test: GET a path with the key as credential
 * (and the account's context header, when it has one). Resolves with the status and raw body;
 * rejects only when the API could not be reached. */
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
  /** For connectors with keys that act on several accounts: the context field (see ConnectorContext). */
  context?: ConnectorContext;
  /**
   * Wire names of the provider's own account id and display name on linked accounts
   * (e.g. stripe_account_id), filled from what the live test learnt.
   */
  accountFields: { id: string; name: string };
  /** How messages name each kind of key, e.g. `secret key (sk_…)`. */
  keyNames: Readonly<Record<KeyType, string>>;
  /** Key rules (and the context's, for connectors with one), before any network call; `offered`: the environments the user may choose (omitted: all). */
  checkKey(raw: unknown, environment: EnvironmentKey, context?: unknown, offered?: readonly EnvironmentKey[]): KeyCheck;
  /**
   * Masks the provider's secrets (its API keys, webhook secrets, client secrets) anywhere in a text,
   * keeping only their kind; the call log runs every stored body and path through it.
   */
  maskSecrets(text: string): string;
  liveTest(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome>;
  api: ConnectorApi;
  actions: ConnectorActions;
  /** Serving the provider's own SDKs to agents, and which actions move money (absent: no native paths, no money rules). */
  agents?: ConnectorAgentSupport;
}
