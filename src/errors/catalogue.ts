// The catalogue of every error Linkhub answers, in the spirit of Fastify's lib/errors.js and of the
// error-code lists payment APIs publish: one table where each entry has a code, an HTTP status, a
// message template, what the caller should do and whether the same request may succeed later.
// Every raise site goes through it (fail() in ./fail.ts, rendered by src/http/errors.ts);
// docs/errors.md is generated from it (npm run generate:errors) and so can the OpenAPI error
// responses be (./error-schema.ts). test/error-catalogue.test.ts walks it: each entry must be
// documented and reachable.
//
// The entries live in one file per domain (./catalogue/*.ts); this index merges them. It imports
// nothing from the rest of Linkhub: every room may use it.
import { AGENT_ERRORS } from './catalogue/agents.js';
import { AUTH_ERRORS } from './catalogue/auth.js';
import { CALL_ERRORS } from './catalogue/calls.js';
import { LINKING_ERRORS } from './catalogue/linking.js';
import { NOT_FOUND_ERRORS } from './catalogue/not-found.js';
import { PROVIDER_ERRORS } from './catalogue/provider.js';
import { REQUEST_ERRORS } from './catalogue/requests.js';
import { SERVER_ERRORS } from './catalogue/server.js';
import type { ErrorEntry } from './catalogue/types.js';

export type { ErrorEntry } from './catalogue/types.js';

/** The domain files, named (a name defined in two of them is caught by the catalogue's test). */
export const ERROR_DOMAINS = {
  auth: AUTH_ERRORS,
  requests: REQUEST_ERRORS,
  'not found': NOT_FOUND_ERRORS,
  linking: LINKING_ERRORS,
  calls: CALL_ERRORS,
  provider: PROVIDER_ERRORS,
  server: SERVER_ERRORS,
  agents: AGENT_ERRORS,
} as const;

export const CATALOGUE = {
  ...AUTH_ERRORS,
  ...REQUEST_ERRORS,
  ...NOT_FOUND_ERRORS,
  ...LINKING_ERRORS,
  ...CALL_ERRORS,
  ...PROVIDER_ERRORS,
  ...SERVER_ERRORS,
  ...AGENT_ERRORS,
} as const;

type Catalogue = typeof CATALOGUE;
export type ErrorName = keyof Catalogue;

/** `{a} is {b}` → 'a' | 'b' */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;

/** The named parameters of an entry's message template. */
export type ErrorParams<N extends ErrorName> = { readonly [K in ParamNames<Catalogue[N]['message']>]: string | number };

/** Entries whose wire code or status come from the provider's answer (raised with providerFailure()). */
export type ProviderErrorName = { [N in ErrorName]: Catalogue[N] extends { providerCode: true } | { status: 'provider' } ? N : never }[ErrorName];

/** The entry of `name`. */
export const errorEntry = (name: ErrorName): ErrorEntry => CATALOGUE[name];

/** The `code` an entry answers with (the provider's own code may replace it: see ErrorEntry.providerCode). */
export const codeOf = (name: ErrorName): string => errorEntry(name).code ?? name;

/** Every entry name, in catalogue order. */
export const errorNames = (): ErrorName[] => Object.keys(CATALOGUE) as ErrorName[];

const PARAM = /\{([a-z_]+)\}/g;

/** Fills a message template; a value is inserted as is (never read again as a template). */
export function renderTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(PARAM, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The message of an entry with its parameters, e.g. for an account's status reason. */
export function renderMessage<N extends ErrorName>(name: N, params: ErrorParams<N>): string {
  return renderTemplate(CATALOGUE[name].message, params);
}

/** The parameter names of a template, in order of first use. */
export const templateParams = (template: string): string[] => [...new Set([...template.matchAll(PARAM)].map((m) => m[1]))];
