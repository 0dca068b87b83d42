// What a key is: the two environments every connector links in, the two kinds of key, and the
// outcome of a connector's key rules. Pure types: the Hub's browser bundle shares them (with the
// key rules) with the server.
export type EnvironmentKey = 'production' | 'test';

/** A full-access key, or one scoped to named permissions. */
export type KeyType = 'secret' | 'restricted';

/** Codes a key rule may refuse with (each is an entry of the error catalogue). */
export type KeyRuleCode =
  | 'key_missing'
  | 'key_whitespace'
  | 'key_publishable'
  | 'key_prefix'
  | 'key_mode_mismatch'
  | 'key_malformed'
  | 'context_missing'
  | 'context_malformed'
  | 'context_unexpected';

/** Outcome of the key rules: either a normalised key and what it is, or a user-facing refusal. */
export type KeyCheck =
  | {
      ok: true;
      key: string;
      keyType: KeyType;
      environment: EnvironmentKey;
      hint: string;
      /** The context this key acts in (connectors with a context field), else absent or null. */
      context?: string | null;
    }
  | { ok: false; code: KeyRuleCode; message: string };
