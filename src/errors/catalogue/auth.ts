// Authentication and request guards: platform API keys, Hub sessions, the dashboard's sign-in,
// session cookie and CSRF checks.
import type { ErrorEntry } from './types.js';

export const AUTH_ERRORS = {
  api_key_missing: {
    status: 401,
    message: 'Missing API key: use HTTP Basic auth with the API key as username and an empty password',
    action: 'Send `Authorization: Basic base64(<API key>:)` (or `Bearer <API key>`) with every platform API call.',
    retryable: false,
  },
  api_key_invalid: {
    status: 401,
    message: 'Invalid API key',
    action: 'Use a current API key of this Linkhub (Dashboard > API keys); a revoked key stays refused.',
    retryable: false,
  },
  agent_token_not_api_key: {
    status: 401,
    message: 'An agent token is not an API key: this route takes the platform API key',
    action:
      'Agent tokens act on the provider paths (/v1/…), /unified/proxy, /actions/rpc and /mcp; call this route with the platform API key (Dashboard > API keys).',
    retryable: false,
  },
  metrics_token_invalid: {
    status: 401,
    message: 'Missing or wrong metrics token',
    action: 'Scrape GET /metrics with `Authorization: Bearer <LINKHUB_METRICS_TOKEN>`.',
    retryable: false,
  },
  hub_session_invalid: {
    status: 401,
    message: 'Session token is invalid or has expired: ask for a new link',
    action: 'Create a new connect session (POST /connect_sessions) and open the Hub with its token in `x-hub-session-token`.',
    retryable: false,
  },
  connect_session_used: {
    status: 409,
    message: 'This link was already used to link an account: ask for a new link',
    action:
      'Create a new connect session (POST /connect_sessions) for the next link or key replacement: a session links one account (or several with `multiple`) and replaces a key once.',
    retryable: false,
  },
  connect_session_token_invalid: {
    status: 401,
    message: 'Invalid or expired connect session token',
    action: 'Create a new connect session with POST /connect_sessions (a token lives `expires_in` seconds, in its own project only).',
    retryable: false,
  },
  dashboard_session_missing: {
    status: 401,
    message: 'Sign in to the dashboard first (session missing or expired)',
    action: 'Sign in with POST /dashboard/api/session, then send the session cookie it sets.',
    retryable: false,
  },
  wrong_password: {
    status: 401,
    message: 'Wrong password',
    action: 'Sign in with the admin password (LINKHUB_ADMIN_PASSWORD, or the one printed at the first start).',
    retryable: false,
  },
  too_many_sign_in_attempts: {
    status: 429,
    message: 'Too many failed sign-ins: try again in {wait}',
    action: 'Wait the seconds in `retry_after` (also the Retry-After header) before signing in again.',
    retryable: true,
    extras: ['retry_after'],
  },
  csrf_header_missing: {
    status: 403,
    message: 'Missing {header} header: state-changing dashboard calls must send "{header}: 1"',
    action: 'Send the header `x-linkhub-csrf: 1` with every dashboard call that is not GET, HEAD or OPTIONS.',
    retryable: false,
  },
  cross_site_refused: {
    status: 403,
    message: 'Cross-site request refused',
    action: "Call the dashboard API from the dashboard's own pages, not from another site.",
    retryable: false,
  },
  cross_origin_refused: {
    status: 403,
    message: 'Cross-origin request refused',
    action: "Send state-changing dashboard calls from the dashboard's origin (the Origin must be this host or LINKHUB_PUBLIC_URL's).",
    retryable: false,
  },
  mcp_origin_refused: {
    status: 403,
    message: 'This Origin may not call the MCP server',
    action:
      "Call /mcp from a page on LINKHUB_PUBLIC_URL's origin or on one listed in LINKHUB_MCP_ALLOWED_ORIGINS; clients outside a browser send no Origin and are not affected.",
    retryable: false,
  },
  mcp_host_refused: {
    status: 403,
    message: 'The Host header does not name this Linkhub',
    action: "Call /mcp by LINKHUB_PUBLIC_URL's host (or localhost when Linkhub listens on loopback), or add the host to LINKHUB_ALLOWED_HOSTS.",
    retryable: false,
  },
  oauth_clients_full: {
    status: 429,
    message: 'Linkhub holds {limit} registered OAuth clients not used yet, the most it keeps: try again in {seconds} s',
    action:
      'An MCP client registers once per server, then authorizes: keep a client_id that works. Wait `retry_after_ms` (the Retry-After header, in seconds): a registration never used is forgotten a day after it is made, and one that obtains a code no longer counts.',
    retryable: true,
    extras: ['retry_after_ms'],
  },
  too_many_registrations: {
    status: 429,
    message: 'Too many OAuth client registrations from this address: try again in {seconds} s',
    action: 'An MCP client registers once per server: keep its client_id. Wait `retry_after_ms` (the Retry-After header, in seconds).',
    retryable: true,
    extras: ['retry_after_ms'],
  },
} as const satisfies Record<string, ErrorEntry>;
