// The actions part of the connector contract: a typed catalogue of the provider's operations (what
// GET /actions lists, /actions/rpc and MCP run), how list answers page, and the words people use for
// them (the search vocabulary). The catalogue is loaded on first use, not at start.
import type { HttpMethod } from './api.js';

/** A JSON Schema (draft-07 subset that compiles under Ajv strict mode with allowUnionTypes). */
export interface JsonSchema {
  description?: string;
  type?: string | string[];
  enum?: ReadonlyArray<string | number | boolean | null>;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: readonly JsonSchema[];
  [keyword: string]: unknown;
}

/** An action's input, in param-style=nested: path, query and body fields and headers, each an object. */
export interface ActionInputSchema extends JsonSchema {
  type: 'object';
  properties: {
    /** Path parameters; present (and required) when the path has `{params}`. */
    path?: JsonSchema;
    query?: JsonSchema;
    body?: JsonSchema;
    headers: JsonSchema;
  };
  required: ReadonlyArray<'path' | 'query' | 'body'>;
  additionalProperties: false;
}

export interface ConnectorAction {
  /** Tool/action id, `<prefix><verb>_<resource>`, unique (e.g. stripe_list_customers). */
  name: string;
  /** The provider's operation id. */
  operationId: string;
  method: HttpMethod;
  /** Path template, e.g. `/v1/customers/{customer}`. */
  path: string;
  label: string;
  description: string;
  access: 'read' | 'write';
  /** The restricted-key permission needed, as the provider names it; null when none can grant it or it is unknown. */
  permission: string | null;
  /** No restricted key can call it, whatever its permissions. */
  closedToRestrictedKeys: boolean;
  /** The answer is a list envelope (items and a way to the next page). */
  list: boolean;
  /** How a list pages: by the id of the last item (`cursor`) or an opaque page token (`page`). */
  pagination: 'cursor' | 'page' | null;
  /** Kept for completeness; ranked below its replacement by search. */
  deprecated: boolean;
  deprecationReason?: string;
  /** Served from another origin than the API root (one of the connector's actionOrigins). */
  baseUrl?: string;
  /** Body encoding when not the connector's usual one (e.g. multipart for an upload). */
  contentType?: string;
  /** Set when the success answer is not JSON (e.g. application/pdf). */
  responseContentType?: string;
  input: ActionInputSchema;
}

export interface ActionCatalogue {
  actions: readonly ConnectorAction[];
  byName: ReadonlyMap<string, ConnectorAction>;
}

/** Words people use for the provider's actions, beyond the catalogue's own text. */
export interface SearchVocabulary {
  /** Words that carry no meaning in a query about this provider (its own name, …). */
  stopWords: readonly string[];
  /** word → words of the catalogue it stands for (money back → refund). */
  synonyms: Readonly<Record<string, readonly string[]>>;
  /** Leading part of every path not worth indexing (e.g. /v1/). */
  pathPrefix: string;
  /**
   * Phrases of several words that mean one thing of the catalogue, read before single words:
   * "money back" → "refund", "connected account" → Connect's accounts. The phrase's words are
   * replaced by the text. A "…" in a phrase lets up to two words stand there ("pay … back").
   */
  phrases?: Readonly<Record<string, string>>;
  /**
   * What a resource is for, in the words people use, keyed by its path without the path prefix and
   * without `{…}` parameters (`refunds`, `checkout/sessions`); indexed with every action on that
   * path or one literal below it (`refunds/{refund}/cancel`), the longest key winning.
   */
  purposes?: Readonly<Record<string, string>>;
  /** Verbs people use for this provider's actions → the catalogue's verbs ("charge" a customer → create a payment). */
  verbs?: Readonly<Record<string, readonly string[]>>;
  /**
   * Paths (without the path prefix) of actions for tooling rather than work (test helpers): ranked like
   * legacy ones unless the query says one of the path's words ("test").
   */
  aside?: readonly string[];
  /**
   * Paths (without the path prefix) of specialised products most accounts do not use (card issuing,
   * banking, in-person readers): ranked a little lower unless the query says a word only they have.
   */
  niche?: readonly string[];
  /** Actions (names without the prefix) the provider still serves but steers away from: ranked a little lower. */
  legacy?: readonly string[];
  /** Words of action names people do not say ("intent" of payment_intent): they count neither as the thing acted on nor as a name word left unasked. */
  unspoken?: readonly string[];
  /**
   * Prefixes of the provider's object ids → the thing they name (`pi` → "payment intent"): a query that
   * quotes an id (`pi_3Nx8`) names its resource by it.
   */
  idPrefixes?: Readonly<Record<string, string>>;
  /** What people say when they want one action (by name without the prefix), beyond its resource's purpose. */
  intents?: Readonly<Record<string, string>>;
  /**
   * Requests people wrote, each labelled with the actions that answer it (names without the prefix),
   * read on the search index's first build: the first action learns the request's words, indexed as a
   * field of their own, so wording seen once for an action finds it again in other requests.
   */
  examples?: () => readonly SearchExample[];
}

/** A request as people write it and the actions that answer it, the best first. */
export interface SearchExample {
  query: string;
  expect: readonly string[];
}

export interface ConnectorActions {
  /** Every action name starts with it (e.g. `stripe_`); MCP meta tools are named `<prefix>search_actions`. */
  prefix: string;
  /** The catalogue, loaded (and frozen) on first call. */
  catalogue(): ActionCatalogue;
  /** The query of a list action asking for the page after `next`. */
  withCursor(action: ConnectorAction, query: Record<string, unknown> | null, next: string): Record<string, unknown>;
  /** Items and next cursor of a list answer (null when the answer is not the provider's list envelope). */
  readList(action: ConnectorAction, answer: unknown, path: string): { items: unknown[]; next: string | null } | null;
  vocabulary: SearchVocabulary;
}
