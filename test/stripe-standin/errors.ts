// Stripe's error envelope and exact error texts (docs/stripe.md#error-envelope, #error-texts).
// Texts marked [?] are not verified against real Stripe responses; the rest are Stripe's own,
// as quoted from real responses.
import { maskExpired, maskForbidden, maskInvalid, type Mode } from './keys.js';

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorFields {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

/**
 * A failed request. `cacheable` says whether the idempotency layer may store it
 * (Stripe stores no result for validation failures, 401, 409 or 429: docs/stripe.md#idempotency).
 */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly fields: StripeErrorFields,
    readonly headers: Record<string, string> = {},
    readonly cacheable = false,
  ) {
    super(fields.message);
  }

  /** The envelope, fields in Stripe's (alphabetical) order: code, doc_url, message, param, type. */
  get body(): { error: StripeErrorFields } {
    const f = this.fields as unknown as Record<string, unknown>;
    const sorted = Object.fromEntries(
      Object.keys(f)
        .sort()
        .map((k) => [k, f[k]]),
    ) as unknown as StripeErrorFields;
    return { error: sorted };
  }
}

const SUPPORT = 'See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.';

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

function invalid(status: number, message: string, extra: Partial<StripeErrorFields> = {}, cacheable = false): StripeError {
  return new StripeError(status, { type: 'invalid_request_error', message, ...extra }, {}, cacheable);
}

function coded(status: number, code: string, message: string, extra: Partial<StripeErrorFields> = {}, cacheable = false): StripeError {
  return invalid(status, message, { code, doc_url: docUrl(code), ...extra }, cacheable);
}

export const errors = {
  // ---- authentication (401) ----
  noKey: (): StripeError =>
    invalid(
      401,
      `You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). ${SUPPORT}`,
    ),
  /** Header present but the key empty or `null`; `value` is what was sent as the key. */
  emptyKey: (value: string): StripeError =>
    invalid(
      401,
      `You did not provide an API key, though you did set your Authorization header to "${value}". Using Bearer auth, your Authorization header should look something like 'Authorization: Bearer YOUR_SECRET_KEY'. ${SUPPORT}`,
    ),
  invalidKey: (key: string): StripeError => invalid(401, `Invalid API Key provided: ${maskInvalid(key)}`),
  keyWithSpace: (key: string): StripeError =>
    invalid(401, `Invalid API Key provided: ${maskInvalid(key)}. This key contains at least one space. Please delete the spaces and try again.`),
  expiredKey: (key: string): StripeError => coded(401, 'api_key_expired', `Expired API Key provided: ${maskExpired(key)}`),
  publishableKey: (): StripeError =>
    coded(
      401,
      'secret_key_required',
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
    ),

  // ---- permissions (403) ----
  missingPermission: (key: string, account: string, permission: string): StripeError =>
    invalid(
      403,
      `The provided key '${maskForbidden(key)}' does not have the required permissions for this endpoint on account '${account}'. Having the 'rak_${permission}' permission would allow this request to continue.`,
    ),
  notForRestrictedKeys: (key: string, account: string): StripeError =>
    invalid(
      403,
      `The provided key '${maskForbidden(key)}' does not have the required permissions for this endpoint on account '${account}'. This is a restricted API key, but the required permissions are not available for use by restricted keys.`,
    ),
  /**
   * Stripe's text for Stripe-Account with a restricted key lacking Connect permissions; the
   * status (403) is inferred [?].
   */
  restrictedKeyConnect: (): StripeError =>
    invalid(403, 'You passed a restricted API key with the Stripe-Account header, but the restricted API key does not have any Connect permissions.'),
  /** Stripe-Account naming an account the key cannot act on; text and status [?]. */
  accountInvalid: (key: string, account: string): StripeError =>
    coded(
      403,
      'account_invalid',
      `The provided key '${maskForbidden(key)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
    ),

  /** An organization key without Stripe-Context: Stripe's text (quoted in stripe-python #1660); status 400 [?]. */
  contextRequired: (): StripeError => invalid(400, 'Please include the Stripe-Context header with your target account when using an Organization API key.'),

  // ---- rate limits and simulated Stripe-side failures ----
  rateLimit: (): StripeError =>
    coded(429, 'rate_limit', 'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.'),
  lockTimeout: (): StripeError =>
    new StripeError(
      429,
      {
        type: 'invalid_request_error',
        code: 'lock_timeout',
        doc_url: docUrl('lock_timeout'),
        message:
          'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
      },
      { 'Stripe-Should-Retry': 'true' },
    ),
  /** 500 text [?]. */
  apiError: (): StripeError => new StripeError(500, { type: 'api_error', message: 'An unknown error occurred' }, { 'Stripe-Should-Retry': 'false' }),
  /** 503 text [?]; no Stripe-Should-Retry header, so the SDK retries it as a 5xx. */
  unavailable: (): StripeError => new StripeError(503, { type: 'api_error', message: 'The Stripe API is temporarily unavailable. Please try again later.' }),
  /** 409 without Stripe-Should-Retry: the SDK retries every 409 (docs/stripe.md#retries). */
  conflict: (): StripeError =>
    new StripeError(409, {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      doc_url: docUrl('idempotency_key_in_use'),
      message: 'The idempotency key provided is currently being used in another request.',
    }),

  // ---- idempotency (400 / 409) ----
  idempotencyParams: (key: string): StripeError =>
    new StripeError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
  idempotencyEndpoint: (key: string, current: string, first: string): StripeError =>
    new StripeError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${current}' vs '${first}'). Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
  idempotencyInUse: (): StripeError =>
    new StripeError(409, {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      doc_url: docUrl('idempotency_key_in_use'),
      message: 'The idempotency key provided is currently being used in another request.',
    }),
  /** Text [?]. */
  idempotencyKeyTooLong: (): StripeError => invalid(400, 'Idempotency keys must be at most 255 characters long.', { param: 'Idempotency-Key' }),

  // ---- request validation (400 / 404) ----
  invalidVersion: (value: string): StripeError => invalid(400, `Invalid Stripe API version: ${value}`),
  parameterUnknown: (name: string): StripeError => coded(400, 'parameter_unknown', `Received unknown parameter: ${name}`, { param: name }),
  mutuallyExclusive: (a: string, b: string): StripeError => invalid(400, `You may only specify one of these parameters: ${a}, ${b}.`),
  /** `limit` texts [?]. */
  limitTooLow: (): StripeError => invalid(400, 'This value must be greater than or equal to 1.', { param: 'limit' }),
  limitTooHigh: (value: string): StripeError => invalid(400, `This value must be less than or equal to 100 (it currently is '${value}').`, { param: 'limit' }),
  invalidInteger: (param: string, value: string): StripeError => invalid(400, `Invalid integer: ${value}`, { param }),
  /** Expand texts [?]. */
  notExpandable: (path: string, param: string): StripeError => invalid(400, `This property cannot be expanded (${path}).`, { param }),
  expandTooDeep: (param: string): StripeError => invalid(400, 'You cannot expand more than 4 levels of a property.', { param }),
  /** Search syntax error text [?]. */
  invalidSearchQuery: (detail: string): StripeError => invalid(400, `Invalid search query: ${detail}`, { param: 'query' }),
  invalidPage: (): StripeError => invalid(400, 'Invalid page token.', { param: 'page' }),
  invalidValue: (param: string, message: string): StripeError => invalid(400, message, { param }),
  missingParam: (name: string): StripeError => coded(400, 'parameter_missing', `Missing required param: ${name}.`, { param: name }),
  resourceMissing: (objectName: string, id: string, param = 'id'): StripeError =>
    coded(404, 'resource_missing', `No such ${objectName}: '${id}'`, { param }, true),
  /** The id exists in the other mode of the same account (docs/stripe.md#live-and-test-mode). */
  resourceOtherMode: (objectName: string, id: string, keyMode: Mode, param = 'id'): StripeError => {
    const other = keyMode === 'live' ? 'test' : 'live';
    return coded(
      404,
      'resource_missing',
      `No such ${objectName}: '${id}'; a similar object exists in ${other} mode, but a ${keyMode} mode key was used to make this request.`,
      { param },
      true,
    );
  },
  unrecognizedUrl: (method: string, path: string): StripeError =>
    invalid(404, `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`),
};
