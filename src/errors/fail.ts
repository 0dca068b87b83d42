// The one way to raise an error Linkhub answers: fail(name, params, extra) builds a LinkhubError
// from the catalogue entry (status, code, message template); src/http/errors.ts renders it as
// StackOne's error body {statusCode, message, timestamp} plus `code` and the extras.
import { CATALOGUE, codeOf, type ErrorName, type ErrorParams, type ProviderErrorName, renderTemplate } from './catalogue.js';

/** Fields of the error body that the catalogue sets: an extra may not replace them. */
type Reserved = 'statusCode' | 'message' | 'timestamp' | 'code';

/** Documented extra fields of the body (`field`, `permission`, `retry_after_ms`, `provider_response`, …). */
export type ErrorExtra = Readonly<Record<string, unknown>> & { readonly [K in Reserved]?: never };

export class LinkhubError extends Error {
  constructor(
    /** The catalogue entry. */
    readonly entry: ErrorName,
    readonly statusCode: number,
    /** The wire `code`. */
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'LinkhubError';
  }
}

type FixedErrorName = Exclude<ErrorName, ProviderErrorName>;

/** The template's parameters, optional when it has none. */
type Args<N extends ErrorName> = [keyof ErrorParams<N>] extends [never]
  ? [params?: Readonly<Record<string, never>>, extra?: ErrorExtra]
  : [params: ErrorParams<N>, extra?: ErrorExtra];

function build(name: ErrorName, status: number, code: string, params: Readonly<Record<string, string | number>>, extra: ErrorExtra | undefined): LinkhubError {
  const entry = CATALOGUE[name];
  // A retryable entry says so in the body unless the raise site knows better for this answer.
  const body = entry.retryable ? { retryable: true, ...extra } : { ...extra };
  return new LinkhubError(name, status, code, renderTemplate(entry.message, params), body);
}

/** The error of a catalogue entry, to throw (or send): `throw fail('account_not_callable', { account, status })`. */
export function fail<N extends FixedErrorName>(name: N, ...[params, extra]: Args<N>): LinkhubError {
  return build(name, CATALOGUE[name].status as number, codeOf(name), params ?? {}, extra);
}

/**
 * A provider's refusal passed on: its own error code (when it names one) becomes the wire code, and
 * for an entry whose status is 'provider' its status is answered too.
 */
export function providerFailure<N extends ProviderErrorName>(
  name: N,
  answer: { status: number; code: string | null },
  params: ErrorParams<N>,
  extra?: ErrorExtra,
): LinkhubError {
  const status = CATALOGUE[name].status;
  return build(name, status === 'provider' ? answer.status : status, answer.code ?? codeOf(name), params, extra);
}
