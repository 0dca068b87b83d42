// The error answers of the API document, generated from the error catalogue: one component per
// HTTP status (Error404, …), the ErrorBody {statusCode, message, timestamp, code} with `code` an enum
// of the catalogue codes answered with that status, each described with what to do. Routes name
// statuses (`errors(401, 404)`) and never write an error schema themselves.
import { type TRef, type TSchema, Type } from 'typebox';
import { errorEntry, errorNames } from '../../errors/catalogue.js';
import { errorBodySchema } from '../../errors/error-schema.js';

export const ERROR_STATUS = {
  400: 'Bad request: invalid input (the message names the field)',
  401: 'Missing or invalid credentials',
  402: 'The provider refused the request (payment required)',
  403: 'Refused',
  404: 'Not found',
  409: 'Conflict with the current state',
  412: 'The linked account cannot be called (its key is invalid, expired or lacks permission)',
  413: 'Request body is too large',
  414: 'A path parameter is too long',
  415: 'Unsupported content type: send application/json',
  422: 'The provider refused the input',
  429: 'Too many requests: retry after the Retry-After header',
  500: 'Internal server error',
  501: 'Not supported by this route (e.g. an upload action)',
  502: 'The provider failed or could not be reached',
  503: 'Service unavailable',
  504: 'The provider timed out',
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUS;

const componentId = (status: ErrorStatus, passThrough: boolean) => `Error${status}${passThrough ? 'OrProvider' : ''}`;
/** Statuses a provider's own refusal can come back with (its 4xx, passed through by the action executor). */
const PASSED_THROUGH: readonly ErrorStatus[] = [400, 402, 404, 409, 422];

/**
 * The components: for each status, ErrorBody with the catalogue's codes answered with it; and for
 * the statuses a provider's own 4xx may come back with, a variant whose code may also be the
 * provider's (`ErrorNNNOrProvider`, for the routes that pass them through).
 */
export function errorComponents(): TSchema[] {
  const provider = errorNames().filter((n) => errorEntry(n).status === 'provider');
  const component = (status: ErrorStatus, passThrough: boolean) => {
    const own = errorNames().some((n) => errorEntry(n).status === status);
    const entries = [...(own ? [status] : []), ...(passThrough ? provider : [])];
    return { ...errorBodySchema(entries), $id: componentId(status, passThrough), description: ERROR_STATUS[status] } as unknown as TSchema;
  };
  const statuses = (Object.keys(ERROR_STATUS).map(Number) as ErrorStatus[]).filter((s) => errorNames().some((n) => errorEntry(n).status === s));
  return [...statuses.map((s) => component(s, false)), ...PASSED_THROUGH.map((s) => component(s, true))];
}

const refs = <S extends ErrorStatus>(statuses: S[], passThrough: boolean) => {
  const out: Partial<Record<ErrorStatus, TRef<string>>> = {};
  for (const s of statuses) out[s] = Type.Ref(componentId(s, passThrough), { description: ERROR_STATUS[s] });
  return out as { [K in S]: TRef<string> };
};

/** Response schemas for the given error statuses: references to their catalogue components. */
export const errors = <S extends ErrorStatus>(...statuses: S[]) => refs(statuses, false);

/** The same for a route that passes the provider's own 4xx through (its `code` may be the provider's). */
export const errorsOrProvider = <S extends (typeof PASSED_THROUGH)[number]>(...statuses: S[]) => refs(statuses, true);
