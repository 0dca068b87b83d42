// What a connector is: mostly data (environments, fields, guidance, key rules, the live test).
// A second API-key provider is one new folder exporting a ConnectorDefinition.

export type EnvironmentKey = 'production' | 'test';

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

/** Outcome of the key rules: either a normalised key and what it is, or a user-facing refusal. */
export type KeyCheck =
  | { ok: true; key: string; keyType: 'secret' | 'restricted'; environment: EnvironmentKey; hint: string }
  | { ok: false; code: string; message: string };

/** Outcome of the live connection test. */
export type LiveTestOutcome =
  | { result: 'ok'; externalAccountId: string | null; externalAccountName: string | null }
  | { result: 'invalid_key'; code: 'invalid_key' | 'expired_key'; message: string; providerMessage: string | null }
  | { result: 'missing_permission'; permission: string | null; message: string; providerMessage: string | null; externalAccountId: string | null }
  | { result: 'unreachable'; message: string; providerStatus: number | null };

/** How a connector reaches its API during the live test: GET a path with the key as credential.
 * Resolves with the status and parsed JSON body; rejects only when the API could not be reached. */
export interface LiveTestContext {
  get(path: string, key: string): Promise<{ status: number; body: unknown }>;
}

export interface ConnectorDefinition {
  key: string;
  name: string;
  category: string;
  logoUrl: string;
  authConfigKey: string;
  supportLink: string;
  /** Headers sent on every call Linkhub makes itself (e.g. a pinned API version). */
  requestHeaders: Record<string, string>;
  environments: ConnectorEnvironment[];
  /** The one secret field holding the API key. */
  field: ConnectorField;
  notices: ConnectorNotice[];
  checkKey(raw: unknown, environment: EnvironmentKey): KeyCheck;
  liveTest(key: string, ctx: LiveTestContext): Promise<LiveTestOutcome>;
}
