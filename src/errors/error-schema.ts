// What the OpenAPI document needs from the catalogue: the ErrorBody schema of a route's error
// answers, with `code` an enum of the catalogue codes it may carry and a description listing each
// (code, status, what to do), so a route's error responses are generated, not written by hand.
import { codeOf, type ErrorName, errorEntry, errorNames } from './catalogue.js';

export interface JsonSchemaObject {
  [k: string]: unknown;
}

/** Entries by name or by HTTP status (a status selects every entry answered with it). */
export type ErrorSelector = ErrorName | number;

function select(selectors: readonly ErrorSelector[]): ErrorName[] {
  const names = errorNames();
  const picked = new Set<ErrorName>();
  for (const s of selectors) {
    if (typeof s === 'number') {
      for (const n of names) if (errorEntry(n).status === s) picked.add(n);
    } else if (names.includes(s)) {
      picked.add(s);
    } else {
      throw new Error(`${s} is not in the error catalogue`);
    }
  }
  return names.filter((n) => picked.has(n));
}

const statusText = (n: ErrorName) => {
  const s = errorEntry(n).status;
  return s === 'provider' ? "the provider's status" : String(s);
};

/**
 * The ErrorBody JSON schema for the given entries (or statuses): StackOne's {statusCode, message,
 * timestamp} plus `code`, an enum of their codes. When an entry passes the provider's own code on
 * (provider_error), `code` may also be any string the provider uses, and the schema says so.
 */
export function errorBodySchema(selectors: readonly ErrorSelector[]): JsonSchemaObject {
  const names = select(selectors);
  if (names.length === 0) throw new Error('errorBodySchema needs at least one catalogue entry');
  const codes = [...new Set(names.map(codeOf))];
  const statuses = [...new Set(names.map((n) => errorEntry(n).status).filter((s): s is number => typeof s === 'number'))];
  const passThrough = names.some((n) => errorEntry(n).providerCode);
  const lines = names.map((n) => `- \`${codeOf(n)}\` (${statusText(n)}): ${errorEntry(n).action}`);
  const enumCodes = { type: 'string', enum: codes };
  return {
    type: 'object',
    required: ['statusCode', 'message', 'timestamp', 'code'],
    additionalProperties: true,
    properties: {
      statusCode: passThrough || statuses.length === 0 ? { type: 'integer' } : { type: 'integer', enum: statuses },
      message: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time' },
      code: {
        ...(passThrough ? { anyOf: [enumCodes, { type: 'string', description: "The provider's own error code (e.g. resource_missing)" }] } : enumCodes),
        description: `Linkhub's reason (docs/errors.md):\n${lines.join('\n')}`,
      },
    },
  };
}

/**
 * A route's `response` entries for its errors, one per status ('4xx' for answers with the provider's
 * status): `{ 404: ErrorBody(account_not_found), 412: ErrorBody(account_not_callable, …) }`.
 */
export function errorResponses(selectors: readonly ErrorSelector[]): Record<string, JsonSchemaObject> {
  const byStatus = new Map<string, ErrorName[]>();
  for (const n of select(selectors)) {
    const s = errorEntry(n).status;
    const key = s === 'provider' ? '4xx' : String(s);
    byStatus.set(key, [...(byStatus.get(key) ?? []), n]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, names]) => [status, { description: `Error (${names.map(codeOf).join(', ')})`, ...errorBodySchema(names) }]),
  );
}
