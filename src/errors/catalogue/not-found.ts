// Things that do not exist (or not for this caller: another project's account is not found either).
import type { ErrorEntry } from './types.js';

export const NOT_FOUND_ERRORS = {
  account_not_found: {
    status: 404,
    message: 'Account not found',
    action: 'Check the account id (GET /accounts lists them); a deleted account, or one of another project, is not found.',
    retryable: false,
  },
  connector_not_found: {
    status: 404,
    message: 'Connector not found',
    action: 'Use a provider key that GET /connectors/meta lists.',
    retryable: false,
  },
  integration_not_found: {
    status: 404,
    message: 'Integration not found',
    action: 'Use an integration id that GET /hub/connectors lists.',
    retryable: false,
  },
  integration_not_in_session: {
    status: 404,
    message: 'Integration in this session not found',
    action: 'Use an integration this connect session allows (GET /hub/connectors), or create a session without provider and integration_id.',
    retryable: false,
  },
  webhook_endpoint_not_found: {
    status: 404,
    message: 'Webhook endpoint not found',
    action: 'Use an endpoint id that GET /webhooks lists.',
    retryable: false,
  },
  webhook_delivery_not_found: {
    status: 404,
    message: 'Webhook delivery not found',
    action: 'Use a delivery id that GET /webhooks/deliveries lists.',
    retryable: false,
  },
  api_key_not_found: {
    status: 404,
    message: 'API key not found',
    action: 'Use a key id that GET /api_keys lists; a key already revoked cannot be revoked again.',
    retryable: false,
  },
  request_log_not_found: {
    status: 404,
    message: 'Request log not found',
    action: 'Use an id that GET /requests/logs lists (ids are decimal).',
    retryable: false,
  },
  route_not_found: {
    status: 404,
    message: 'Route {method} {path} not found',
    action: 'Check the method and path against the API reference (GET /openapi.json).',
    retryable: false,
  },
  oauth_not_configured: {
    status: 404,
    message: 'No OAuth connector is configured',
    action: 'Link accounts with an API key in the Hub: connection attempts exist only for OAuth connectors, and none is configured.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorEntry>;
