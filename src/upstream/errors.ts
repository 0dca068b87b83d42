// Typed failures of an upstream call. Messages are built here from codes and counts only:
// they never contain the credential (nor request bodies or header values).
import { ANSWER_OVER_BUDGET } from './byte-budget.js';

// `over_budget`: the answer came but the node's budget of buffered bytes had no room for it (byte-budget.ts)
export type UnavailableCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_closed'
  | 'dns'
  | 'response_too_large'
  | 'over_budget'
  | 'bad_answer'
  | 'network_error';

/** The upstream could not be reached or did not answer in time, after all retries. */
export class UpstreamUnavailableError extends Error {
  override readonly name = 'UpstreamUnavailableError';
  constructor(
    readonly code: UnavailableCode,
    /** Low-level cause, e.g. 'ECONNRESET', 'UND_ERR_HEADERS_TIMEOUT' (null if none). */
    readonly causeCode: string | null,
    /** Attempts made (1 = no retry). */
    readonly attempts: number,
    /** Upstream origin, e.g. 'https://api.example.com'. */
    readonly origin: string,
    /** The Idempotency-Key sent (reuse it to retry a POST safely later), or null. */
    readonly idempotencyKey: string | null,
    readonly durationMs: number,
  ) {
    super(`Upstream ${origin} unavailable after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${code}${causeCode ? ` (${causeCode})` : ''}`);
  }
}

export type UpstreamRequestErrorCode = 'invalid_request' | 'closed' | 'internal';

/** The request could not be sent as given (e.g. an invalid header value) or the client is closed. */
export class UpstreamRequestError extends Error {
  override readonly name = 'UpstreamRequestError';
  constructor(
    readonly code: UpstreamRequestErrorCode,
    message: string,
    readonly causeCode: string | null = null,
  ) {
    super(message);
  }
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

export function unavailableCode(causeCode: string | null): UnavailableCode {
  if (causeCode === null) return 'network_error';
  if (TIMEOUTS.has(causeCode)) return 'timeout';
  if (causeCode === 'ECONNREFUSED') return 'connection_refused';
  if (CLOSED.has(causeCode)) return 'connection_closed';
  if (causeCode === 'ENOTFOUND' || causeCode === 'EAI_AGAIN') return 'dns';
  if (causeCode === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'response_too_large';
  if (causeCode === ANSWER_OVER_BUDGET) return 'over_budget';
  if (causeCode === 'LINKHUB_BAD_ANSWER') return 'bad_answer';
  return 'network_error';
}
