// The request itself is wrong: a field, a cursor, a name Linkhub does not know, or what the HTTP
// framework refuses before a handler runs (bad JSON, too large, wrong content type, bad URL).
import type { ErrorEntry } from './types.js';

export const REQUEST_ERRORS = {
  invalid_input: {
    status: 400,
    message: '{field} {problem}',
    action: 'Fix the input named in the message (`field` names it without its body/querystring prefix) and send the request again.',
    retryable: false,
    extras: ['field'],
  },
  invalid_cursor: {
    status: 400,
    message: '{field} is not a cursor from {route}',
    action: 'Pass back the cursor of the previous page unchanged, or leave it out to start from the first page.',
    retryable: false,
    extras: ['field'],
  },
  missing_account_id: {
    status: 400,
    message: 'Missing account: send the linked account id in {where}',
    action: 'Send the id of a linked account in the `x-account-id` header.',
    retryable: false,
    extras: ['field'],
  },
  unknown_provider: {
    status: 400,
    message: 'Unknown provider "{provider}"',
    action: 'Use a provider key that GET /connectors/meta lists.',
    retryable: false,
  },
  unknown_integration: {
    status: 400,
    message: 'Unknown integration_id "{integration}"',
    action: 'Use an integration id of the provider (one per environment, as GET /hub/connectors lists them), or leave integration_id out.',
    retryable: false,
  },
  integration_not_available: {
    status: 400,
    message: 'Integration "{integration}" is not available in this session',
    action: 'Send one of the integration ids that GET /hub/connectors lists for this session.',
    retryable: false,
  },
  provider_not_changeable: {
    status: 400,
    message: 'provider cannot be changed: link a new account',
    action: 'Leave provider out of the PATCH; to use another provider, link a new account.',
    retryable: false,
  },
  invalid_json: {
    status: 400,
    message: 'Request body is not valid JSON',
    action: 'Send a valid JSON document (UTF-8) with `Content-Type: application/json`.',
    retryable: false,
  },
  empty_json_body: {
    status: 400,
    message: 'Request body is empty but content-type is application/json',
    action: 'Send a JSON body, or no Content-Type header when there is no body.',
    retryable: false,
  },
  body_too_large: {
    status: 413,
    message: 'Request body is too large',
    action: 'Send a smaller body: Linkhub reads at most 1 MiB (64 KiB on the OAuth endpoints; a native provider path takes what the provider takes).',
    retryable: false,
  },
  unsupported_media_type: {
    status: 415,
    message: 'Unsupported content type: send application/json',
    action: 'Send bodies as JSON with `Content-Type: application/json`.',
    retryable: false,
  },
  unsupported_content_encoding: {
    status: 415,
    message: 'Compressed request bodies are not taken ({encoding}): send the body uncompressed',
    action:
      'Send the body as it is, without a Content-Encoding header (or `identity`) and with no transfer coding but `chunked`: Linkhub reads a body as it is sent, and the agent policy reads the parameters the provider will act on.',
    retryable: false,
  },
  path_parameter_too_long: {
    status: 414,
    message: 'A path parameter is too long',
    action: 'Check the id in the path: path parameters are at most 200 characters.',
    retryable: false,
  },
  headers_too_large: {
    status: 431,
    message: 'Request headers are too large',
    action: 'Send smaller headers: Linkhub reads at most 16 KiB of them.',
    retryable: false,
  },
  request_timeout: {
    status: 408,
    message: 'The request did not arrive in time',
    action: 'Send the whole request without pausing, then retry it.',
    retryable: true,
  },
  expectation_failed: {
    status: 417,
    message: 'Expect: {expect} is not supported',
    action: 'Leave the Expect header out, or send `Expect: 100-continue`.',
    retryable: false,
  },
  connect_not_supported: {
    status: 405,
    message: 'CONNECT is not supported: Linkhub is not a forward proxy',
    action: "Call Linkhub's own routes; to reach a provider's API use POST /unified/proxy.",
    retryable: false,
  },
  malformed_url: {
    status: 400,
    message: 'Malformed request URL',
    action: 'Percent-encode the path correctly (no stray or invalid % sequences).',
    retryable: false,
  },
  bad_request: {
    status: 400,
    message: '{message}',
    action: 'Fix the request as the message says (a request HTTP cannot parse, a body shorter than its Content-Length).',
    retryable: false,
  },
} as const satisfies Record<string, ErrorEntry>;
