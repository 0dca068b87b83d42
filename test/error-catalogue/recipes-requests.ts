// Recipes: bad requests (fields, cursors, unknown names, what the framework refuses) and linking
// (the key rules and the live test's outcomes).
import type { Linkhub } from '../helpers/linkhub.js';
import { basic } from '../helpers/linkhub.js';
import type { Answer, Recipes, World } from './world.js';

const CS = '/connect_sessions';
const owner = { origin_owner_id: 'o-1', origin_owner_name: 'Owner One' };
const post = (w: World, path: string, body: string, headers: Record<string, string> = {}) =>
  w.raw('POST', path, { body, headers: { 'content-type': 'application/json', ...headers } });
const rawRequest = (w: World, head: string, body = '') =>
  `${head}\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(w.lh.apiKey)}\r\nConnection: close\r\n\r\n${body}`;

export const requestRecipes: Recipes = {
  invalid_input: (w) => post(w, CS, JSON.stringify({ origin_owner_name: 'No Id' })),
  invalid_cursor: (w) => w.raw('GET', '/requests/logs?next=not-a-cursor'),
  missing_account_id: (w) => post(w, '/unified/proxy', '{"path":"/v1/customers"}'),
  unknown_provider: (w) => post(w, CS, JSON.stringify({ ...owner, provider: 'nope' })),
  unknown_integration: (w) => post(w, CS, JSON.stringify({ ...owner, integration_id: 'nope' })),
  integration_not_available: async (w) =>
    w.lh.hub(await w.hubToken({ type: 'test' }), 'POST', '/hub/accounts', {
      integration_id: 'stripe-production',
      credentials: { api_key: w.stripe.keys.secretLive },
    }),
  provider_not_changeable: (w) =>
    w.raw('PATCH', `/accounts/${w.accounts.secret}`, { body: '{"provider":"hubspot"}', headers: { 'content-type': 'application/json' } }),
  invalid_json: (w) => post(w, CS, '{"origin_owner_id": "a", '),
  // A chunked body of no bytes keeps its content-type (a zero Content-Length would drop it: no body then).
  empty_json_body: (w) => w.socket(rawRequest(w, `POST ${CS} HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`, '0\r\n\r\n')),
  body_too_large: (w) => post(w, CS, JSON.stringify({ ...owner, origin_owner_name: 'x'.repeat(1024 * 1024 + 10) })),
  unsupported_media_type: (w) => w.raw('POST', CS, { body: JSON.stringify(owner), headers: { 'content-type': 'text/plain' } }),
  path_parameter_too_long: (w) => w.raw('GET', '/accounts/' + 'a'.repeat(5000)),
  headers_too_large: (w) => w.socket(rawRequest(w, `GET /accounts HTTP/1.1\r\nX-Padding: ${'a'.repeat(20_000)}`)),
  // Node emits 'clientError' with this code when a request's headers do not arrive within its
  // headersTimeout (60 s by default, checked every 30 s): the same event, on a real connection, now.
  async request_timeout(w) {
    const server = w.lh.app.server;
    const accepted = new Promise<import('node:net').Socket>((resolve) => server.once('connection', resolve));
    const answer = w.socket('GET /accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), await accepted);
    return answer;
  },
  expectation_failed: (w) => w.socket(rawRequest(w, `POST ${CS} HTTP/1.1\r\nExpect: teapot\r\nContent-Type: application/json\r\nContent-Length: 2`, '{}')),
  connect_not_supported: (w) => w.socket('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
  malformed_url: (w) => w.raw('GET', '/accounts/%00%ff%fe'),
  bad_request: (w) => w.socket('HELLO\r\n\r\n'),
};

/** Links `key` through the Hub into the test environment (no account is made on failure). */
const linkTest = async (w: World, key: unknown, lh: Linkhub = w.lh, context?: string): Promise<Answer> =>
  lh.hub(await w.hubToken({}, lh), 'POST', '/hub/accounts', {
    integration_id: 'stripe-test',
    credentials: { api_key: key, ...(context === undefined ? {} : { stripe_context: context }) },
  });

export const linkingRecipes: Recipes = {
  key_missing: (w) => linkTest(w, ''),
  key_whitespace: (w) => linkTest(w, 'sk_test_abc def1234567'),
  key_publishable: (w) => linkTest(w, w.stripe.keys.publishableTest),
  key_prefix: (w) => linkTest(w, 'xk_test_1234567890abcdef'),
  key_mode_mismatch: (w) => linkTest(w, w.stripe.keys.secretLive),
  key_malformed: (w) => linkTest(w, 'sk_test_abc'),
  context_missing: (w) => linkTest(w, w.stripe.keys.orgTest),
  context_malformed: (w) => linkTest(w, w.stripe.keys.orgTest, w.lh, 'cus_123'),
  context_unexpected: (w) => linkTest(w, w.stripe.keys.secretTest, w.lh, w.stripe.accounts.main.id),
  invalid_key: (w) => linkTest(w, 'sk_test_' + 'Z'.repeat(40)),
  expired_key: (w) => linkTest(w, w.stripe.keys.expiredTest),
  missing_permission: (w) => linkTest(w, w.stripe.keys.restrictedTestNoCustomers),
  async live_test_unreachable(w) {
    w.stripe.inject({ kind: '503', count: 3, pathPrefix: '/v1/customers' });
    try {
      return await linkTest(w, w.stripe.keys.secretTest);
    } finally {
      w.stripe.clearFaults();
    }
  },
};
