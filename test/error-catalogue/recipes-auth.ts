// Recipes: authentication, the dashboard's guards, and things that are not found.
import { basic } from '../helpers/linkhub.js';
import type { Recipes } from './world.js';

const dashboardSignIn = { 'content-type': 'application/json', 'x-linkhub-csrf': '1' };

export const authRecipes: Recipes = {
  api_key_missing: (w) => w.raw('GET', '/accounts', { auth: false }),
  api_key_invalid: (w) => w.raw('GET', '/accounts', { auth: basic('lh_' + 'A'.repeat(40)) }),
  agent_token_not_api_key: (w) => w.raw('GET', '/accounts', { auth: `Bearer lhat_${'A'.repeat(40)}` }),
  // GET /metrics exists only with LINKHUB_METRICS_TOKEN; a wrong Bearer token is refused
  metrics_token_invalid: async (w) =>
    w.raw('GET', '/metrics', { auth: 'Bearer not-the-metrics-token', lh: await w.extra({ LINKHUB_METRICS_TOKEN: 'm'.repeat(32) }) }),
  too_many_registrations: async (w) => {
    const lh = await w.extra({});
    const register = () =>
      w.raw('POST', '/oauth/register', {
        auth: false,
        lh,
        body: '{"redirect_uris":["http://127.0.0.1:9/cb"]}',
        headers: { 'content-type': 'application/json' },
      });
    for (let i = 0; i < 100; i++) {
      const res = await register();
      if (res.status !== 201) throw new Error(`registration ${i}: ${res.status}`);
    }
    return register();
  },
  // the cluster-wide cap on unused clients lowered for the one request (10,000 by default)
  oauth_clients_full: async (w) => {
    const cap = w.lh.services.oauth.clientCap;
    const before = cap.limits.unusedClients;
    cap.limits.unusedClients = 0;
    try {
      const body = '{"redirect_uris":["http://127.0.0.1:9/cb"]}';
      return await w.raw('POST', '/oauth/register', { auth: false, body, headers: { 'content-type': 'application/json' } });
    } finally {
      cap.limits.unusedClients = before;
      cap.used(); // this node forgets it found the store full
    }
  },
  hub_session_invalid: (w) => w.raw('GET', '/hub/settings', { auth: false, headers: { 'x-hub-session-token': 'not-a-token' } }),
  connect_session_used: async (w) => {
    const token = await w.hubToken({ origin_owner_id: 'recipe-used', multiple: false });
    const link = () => w.lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: w.stripe.keys.secretTest } });
    const first = await link();
    if (first.status !== 201 && first.status !== 200) throw new Error(`first link: ${first.status}`);
    return link();
  },
  connect_session_token_invalid: (w) =>
    w.raw('POST', '/connect_sessions/authenticate', { body: '{"token":"nope"}', headers: { 'content-type': 'application/json' } }),
  dashboard_session_missing: (w) => w.raw('GET', '/dashboard/api/session', { auth: false }),
  wrong_password: (w) => w.raw('POST', '/dashboard/api/session', { auth: false, body: '{"password":"not the password"}', headers: dashboardSignIn }),
  async too_many_sign_in_attempts(w) {
    for (let i = 0; i < 10; i++) {
      const res = await w.raw('POST', '/dashboard/api/session', { auth: false, body: '{"password":"still wrong"}', headers: dashboardSignIn });
      if (res.status !== 401) {
        if (!/^\d+$/.test(res.headers?.get('retry-after') ?? '')) throw new Error('no Retry-After header');
        return res;
      }
    }
    throw new Error('sign-ins were never limited');
  },
  csrf_header_missing: (w) =>
    w.raw('POST', '/dashboard/api/session', { auth: false, body: '{"password":"x"}', headers: { 'content-type': 'application/json' } }),
  cross_site_refused: (w) =>
    w.raw('POST', '/dashboard/api/session', { auth: false, body: '{"password":"x"}', headers: { ...dashboardSignIn, 'sec-fetch-site': 'cross-site' } }),
  cross_origin_refused: (w) =>
    w.raw('POST', '/dashboard/api/session', { auth: false, body: '{"password":"x"}', headers: { ...dashboardSignIn, origin: 'https://evil.example' } }),
  // a page on another site calling /mcp from a browser (DNS rebinding, or plain cross-site)
  mcp_origin_refused: (w) => w.raw('POST', '/mcp', { body: '{}', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } }),
  // a rebound name: the browser sends the attacker's host name (fetch cannot set Host, a socket can)
  mcp_host_refused: (w) =>
    w.socket('POST /mcp HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'),
};

export const notFoundRecipes: Recipes = {
  account_not_found: (w) => w.raw('GET', '/accounts/acc_doesnotexist'),
  connector_not_found: (w) => w.raw('GET', '/connectors/meta/nope'),
  integration_not_found: async (w) => w.raw('GET', '/hub/connectors/nope', { auth: false, headers: { 'x-hub-session-token': await w.hubToken() } }),
  // A test-mode session offers the test integration only; the production one exists.
  integration_not_in_session: async (w) =>
    w.raw('GET', '/hub/connectors/stripe-production', { auth: false, headers: { 'x-hub-session-token': await w.hubToken({ type: 'test' }) } }),
  webhook_endpoint_not_found: (w) => w.raw('DELETE', '/webhooks/whe_doesnotexist'),
  webhook_delivery_not_found: (w) => w.raw('POST', '/webhooks/deliveries/987654321/retry'),
  api_key_not_found: (w) => w.raw('DELETE', '/api_keys/key_doesnotexist'),
  request_log_not_found: (w) => w.raw('GET', '/requests/logs/987654321'),
  route_not_found: (w) => w.raw('GET', '/no/such/route'),
  oauth_not_configured: async (w) => w.raw('GET', '/hub/connection_attempts', { auth: false, headers: { 'x-hub-session-token': await w.hubToken() } }),
};
