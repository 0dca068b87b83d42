// The error answers of the API document, from one place: every 4xx/5xx a route can answer is the
// shared ErrorBody component ({statusCode, message, timestamp, code?, …}), with one description per
// status. The error catalogue will later narrow `code` per status here, so routes name statuses
// (`errors(401, 404)`) and never write an error schema themselves.
import { type TRef, Type } from 'typebox';

export const ERROR_STATUS = {
  400: 'Bad request: invalid input (the message names the field)',
  401: 'Missing or invalid credentials',
  402: 'The provider refused the request (payment required)',
  403: 'Refused',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  412: 'The linked account cannot be called (its key is invalid, expired or lacks permission)',
  413: 'Request body is too large',
  414: 'A path parameter is too long',
  415: 'Unsupported content type: send application/json',
  422: 'The provider refused the input',
  429: 'Too many requests: retry after the Retry-After header',
  500: 'Internal server error',
  502: 'The provider failed or could not be reached',
  503: 'Service unavailable',
  504: 'The provider timed out',
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUS;

/** Response schemas for the given error statuses, each the shared ErrorBody with its description. */
export function errors<S extends ErrorStatus>(...statuses: S[]): { [K in S]: TRef<'ErrorBody'> } {
  const out: Partial<Record<ErrorStatus, TRef<'ErrorBody'>>> = {};
  for (const s of statuses) out[s] = Type.Ref('ErrorBody', { description: ERROR_STATUS[s] });
  return out as { [K in S]: TRef<'ErrorBody'> };
}
