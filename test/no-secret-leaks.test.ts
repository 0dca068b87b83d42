// No secret ever leaves Linkhub or rests in its store in readable form. Links secret and restricted
// keys, exercises every endpoint (platform, hub, webhooks config, API keys, OpenAPI, proxy, actions,
// MCP, request logs, audit, dashboard, error paths incl. failing links and PATCHes with bad keys, and a
// sweep that requests every other route Fastify has registered), then searches every response (headers and body), every
// webhook delivery, every log line and every row of every table for each Stripe key (whole, its
// middle part, and common encodings), the master key, the API keys, the webhook signing secret and
// the hub session tokens, the admin password and the dashboard session cookie. Allowed: redacted forms
// (`__secretvalue:**redacted**<last4>`, key_hint) and, once, the value a create call hands out
// (session token in its create response and auth_link_url, a new API key, a new webhook signing
// secret, the dashboard cookie in the sign-in Set-Cookie).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { basic, type Linkhub, startLinkhub } from './helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

interface Recorded {
  label: string;
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** Headers and body as text, with the fields that may carry a just-created secret removed. */
  text: string;
}

let stripe: StripeStandin;
let lh: Linkhub;
let receiver: Server;
const received: string[] = [];
const recorded: Recorded[] = [];
/** name → secret value; each is searched for everywhere. */
const secrets = new Map<string, string>();
/** Stripe keys (for their middle part). */
const stripeKeys = new Set<string>();

const REDACTED = '__secretvalue:**redacted**';

async function call(
  label: string,
  method: string,
  path: string,
  opts: {
    body?: unknown;
    auth?: string | false;
    headers?: Record<string, string>;
    /** Response fields that hand out a new secret once: registered as secrets, left out of the search here. */
    handsOut?: string[];
    handsOutCookie?: boolean;
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : { authorization: opts.auth ?? basic(lh.apiKey) }), ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  // a bounded wait: the route sweep below may meet a route that streams or hangs
  const res = await fetch(lh.url + path, { method, headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  // A create call hands its new secret out once, in named fields: check everything else.
  let scrubbed = text;
  if (opts.handsOut && parsed && typeof parsed === 'object') {
    const copy = { ...parsed };
    for (const f of opts.handsOut) {
      if (typeof copy[f] === 'string' && !/^https?:/.test(copy[f])) secrets.set(`${f} from ${label}`, copy[f]);
      delete copy[f];
    }
    scrubbed = JSON.stringify(copy);
  }
  const headerText = [...res.headers.entries()]
    .filter(([k]) => !(opts.handsOutCookie && k === 'set-cookie'))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  recorded.push({
    label: `${label} (${method} ${path.split('?')[0].slice(0, 60)} → ${res.status})`,
    method,
    path: path.split('?')[0],
    status: res.status,
    text: headerText + '\n\n' + scrubbed,
  });
  return { status: res.status, body: parsed, headers: res.headers };
}

const hub = (label: string, token: string, method: string, path: string, body?: unknown) =>
  call(label, method, path, { auth: false, body, headers: { 'x-hub-session-token': token, 'x-hub-version': '1.11.4' } });

async function session(label: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(label, 'POST', '/connect_sessions', {
    body: { origin_owner_id: 'leak-owner', origin_owner_name: 'Leak Owner', ...extra },
    handsOut: ['token', 'auth_link_url'],
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.auth_link_url.includes(encodeURIComponent(res.body.token)), true);
  secrets.set(`hub token #${res.body.id}`, res.body.token);
  return res.body.token;
}

function addStripeKey(name: string, key: string) {
  secrets.set(name, key);
  stripeKeys.add(key);
}

/** Every form in which a secret must not appear. */
function needles(name: string, value: string): [string, string][] {
  const out: [string, string][] = [
    [name, value],
    [`${name} (base64)`, Buffer.from(value).toString('base64')],
    [`${name} (base64url)`, Buffer.from(value).toString('base64url')],
    [`${name} (hex)`, Buffer.from(value).toString('hex')],
    [`${name} (JSON-escaped)`, JSON.stringify(value).slice(1, -1)],
  ];
  if (stripeKeys.has(value)) out.push([`${name} (middle part)`, value.slice(12, -6)]);
  else if (value.length >= 24) out.push([`${name} (middle part)`, value.slice(8, -8)]);
  return out;
}

function allNeedles(): [string, string][] {
  const list: [string, string][] = [];
  for (const [name, value] of secrets) list.push(...needles(name, value));
  // the master key: as configured (base64), and its raw bytes in other encodings
  const raw = Buffer.from(lh.masterKey, 'base64');
  list.push(['master key', lh.masterKey], ['master key (hex)', raw.toString('hex')], ['master key (base64url)', raw.toString('base64url')]);
  return list;
}

function assertClean(where: string, haystack: string) {
  for (const [name, needle] of allNeedles()) {
    assert.ok(needle.length >= 8, `${name} is long enough to search for`);
    assert.ok(!haystack.includes(needle), `${name} found in ${where}`);
  }
}

before(async () => {
  stripe = await startStripeStandin();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.stringify(req.headers) + '\n' + body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const adminPassword = 'admin-' + randomish(24);
  lh = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_ADMIN_PASSWORD: adminPassword } });
  secrets.set('API key', lh.apiKey);
  secrets.set('admin password', adminPassword);

  const k = stripe.keys;
  const bogus = 'sk_test_' + randomish(60);
  const deletable = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
  const losesPermission = stripe.world.addKey({ kind: 'rk', mode: 'test', account: stripe.accounts.main.id, permissions: { customer: 'read' } });
  for (const [name, key] of Object.entries({
    'sk_test (linked)': k.secretTest,
    'rk_test (rotated in)': k.restrictedTest,
    'rk_live (linked)': k.restrictedLive,
    'sk_live (wrong mode)': k.secretLive,
    'rk_test without customers': k.restrictedTestNoCustomers,
    'expired rk_test': k.expiredTest,
    'deleted sk_test': k.deletedTest,
    pk_test: k.publishableTest,
    'other account sk_test': k.otherAccountSecretTest,
    'bogus sk_test': bogus,
    'sk_test deleted later': deletable,
    'rk_test losing permission': losesPermission,
  }))
    addStripeKey(name, key);

  // --- webhooks config (the endpoint receives every event below) and API keys
  const wh = await call('create webhook', 'POST', '/webhooks', {
    body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
    handsOut: ['secret'],
  });
  assert.equal(wh.status, 201);
  secrets.set('webhook signing secret', wh.body.secret);
  await call('list webhooks', 'GET', '/webhooks');
  const wh2 = await call('create webhook 2', 'POST', '/webhooks', {
    body: { url: 'https://example.invalid/h', events: ['account.deleted'] },
    handsOut: ['secret'],
  });
  secrets.set('webhook signing secret 2', wh2.body.secret);
  await call('delete webhook 2', 'DELETE', `/webhooks/${wh2.body.id}`);

  const ak = await call('create api key', 'POST', '/api_keys', { body: { name: 'second' }, handsOut: ['key'] });
  assert.equal(ak.status, 201);
  secrets.set('second API key', ak.body.key);
  await call('use second api key', 'GET', '/accounts', { auth: basic(ak.body.key) });
  await call('list api keys', 'GET', '/api_keys');
  await call('revoke api key', 'DELETE', `/api_keys/${ak.body.id}`);
  await call('revoked api key', 'GET', '/accounts', { auth: basic(ak.body.key) });

  // --- hub discovery and linking
  const t1 = await session('session', { provider: 'stripe', label: 'leak', metadata: { m: 1 } });
  await call('authenticate', 'POST', '/connect_sessions/authenticate', { body: { token: t1 } });
  await hub('settings', t1, 'GET', '/hub/settings');
  await hub('connectors', t1, 'GET', '/hub/connectors');
  await hub('connector test', t1, 'GET', '/hub/connectors/stripe-test');
  await hub('connector prod', t1, 'GET', '/hub/connectors/stripe-production');
  await call('preflight', 'OPTIONS', '/hub/accounts', {
    auth: false,
    headers: {
      origin: 'https://customer.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-hub-session-token',
    },
  });
  const link = (label: string, token: string, key: string, integration = 'stripe-test') =>
    hub(label, token, 'POST', '/hub/accounts', { integration_id: integration, credentials: { api_key: key } });

  const linked = await link('link sk_test', t1, k.secretTest);
  assert.equal(linked.status, 201);
  const accountId: string = linked.body.id;
  const tm = await session('session multiple', { multiple: true });
  const live = await link('link rk_live', tm, k.restrictedLive, 'stripe-production');
  assert.equal(live.status, 201);
  const del = await link('link deletable', tm, deletable);
  const perm = await link('link losing permission', tm, losesPermission);

  // failing links: every refusal path
  for (const [label, key, integration] of [
    ['invalid key', bogus, 'stripe-test'],
    ['expired key', k.expiredTest, 'stripe-test'],
    ['deleted key', k.deletedTest, 'stripe-test'],
    ['missing permission', k.restrictedTestNoCustomers, 'stripe-test'],
    ['mode mismatch', k.secretLive, 'stripe-test'],
    ['mode mismatch (prod)', k.secretTest, 'stripe-production'],
    ['publishable', k.publishableTest, 'stripe-test'],
    ['whitespace', k.secretTest.slice(0, 30) + ' ' + k.secretTest.slice(30), 'stripe-test'],
    ['malformed', k.secretTest + '$', 'stripe-test'],
    ['leading/trailing space', `  ${k.otherAccountSecretTest}\n`, 'stripe-test'],
  ] as const) {
    const res = await link(`failing link: ${label}`, tm, key, integration);
    assert.ok(res.status === 400 || res.status === 422 || res.status === 201, `${label}: ${res.status}`);
  }
  stripe.inject({ kind: '503', count: 1 });
  assert.equal((await link('unreachable', tm, k.otherAccountSecretTest)).status, 502);
  // Two resets: the key test retries once on a closed connection (stripe-node's rule), then gives up.
  stripe.inject({ kind: 'reset', count: 2 });
  assert.equal((await link('connection reset', tm, k.otherAccountSecretTest)).status, 502);
  await hub('connection attempts', tm, 'POST', '/hub/connection_attempts', { token: tm });
  await hub('connection attempt', tm, 'GET', '/hub/connection_attempts/1');

  // edit mode
  const te = await session('edit session', { account_id: accountId });
  await hub('edit settings', te, 'GET', '/hub/settings');
  await hub('edit connectors', te, 'GET', '/hub/connectors?provider=stripe');
  const data = await hub('edit account data', te, 'GET', `/hub/accounts/${accountId}`);
  assert.equal(data.body.secrets.api_key, REDACTED + k.secretTest.slice(-4));
  await hub('edit patch placeholder', te, 'PATCH', `/hub/accounts/${accountId}`, {
    integration_id: 'stripe-test',
    credentials: { api_key: data.body.secrets.api_key },
  });
  await hub('edit patch bad key', te, 'PATCH', `/hub/accounts/${accountId}`, {
    integration_id: 'stripe-test',
    credentials: { api_key: k.restrictedTestNoCustomers },
  });
  await hub('edit patch invalid key', te, 'PATCH', `/hub/accounts/${accountId}`, { integration_id: 'stripe-test', credentials: { api_key: bogus } });
  await hub('edit patch wrong-env key', te, 'PATCH', `/hub/accounts/${accountId}`, {
    integration_id: 'stripe-production',
    credentials: { api_key: k.secretLive },
  });
  await hub('edit other account', te, 'GET', `/hub/accounts/${live.body.id}`);

  // --- platform account routes
  await call('list accounts', 'GET', '/accounts?page_size=100');
  await call('list filtered', 'GET', `/accounts?account_ids=${accountId}&account_ids=${live.body.id}&providers=stripe&status=active`);
  await call('get account', 'GET', `/accounts/${accountId}`);
  await call('account meta', 'GET', `/accounts/${accountId}/meta`);
  await call('patch 4.28 body', 'PATCH', `/accounts/${accountId}`, { body: { credentials: {}, label: {}, metadata: {}, secrets: {}, type: 'production' } });
  await call('patch label', 'PATCH', `/accounts/${accountId}`, { body: { label: 'renamed', metadata: { x: 1 } } });
  for (const [label, key] of [
    ['patch bad key (403)', k.restrictedTestNoCustomers],
    ['patch bad key (401)', bogus],
    ['patch expired key', k.expiredTest],
    ['patch wrong mode', k.secretLive],
    ['patch publishable', k.publishableTest],
  ] as const) {
    const res = await call(label, 'PATCH', `/accounts/${accountId}`, { body: { credentials: { api_key: key } } });
    assert.ok(res.status === 400 || res.status === 422, `${label}: ${res.status}`);
  }
  await call('patch bad secret', 'PATCH', `/accounts/${accountId}`, { body: { secrets: { api_key: bogus } } });
  await call('patch unknown credential', 'PATCH', `/accounts/${accountId}`, { body: { credentials: { password: k.secretTest } } });
  await call('patch wrong type', 'PATCH', `/accounts/${accountId}`, { body: { label: 123, credentials: { api_key: k.secretTest } } });
  await call('patch malformed', 'PATCH', `/accounts/${accountId}`, { body: `{"credentials":{"api_key":"${k.secretTest}"` });
  const rotated = await call('patch rotate', 'PATCH', `/accounts/${accountId}`, { body: { credentials: { api_key: k.restrictedTest } } });
  assert.equal(rotated.status, 200);
  await call('test ok', 'POST', `/accounts/${accountId}/test`);
  stripe.world.setKeyStatus(deletable, 'deleted');
  await call('test invalid', 'POST', `/accounts/${del.body.id}/test`);
  stripe.world.setKeyPermissions(losesPermission, { charge: 'read' });
  await call('test missing permission', 'POST', `/accounts/${perm.body.id}/test`);
  stripe.inject({ kind: '503', count: 1 });
  await call('test unreachable', 'POST', `/accounts/${accountId}/test`);
  await call('errored accounts', 'GET', '/accounts?status=error');
  await call('delete account', 'DELETE', `/accounts/${del.body.id}`);
  await call('deleted account', 'GET', `/accounts/${del.body.id}`);

  // --- connect session variants and errors
  await call('session with key as query', 'GET', `/accounts?api_key=${k.secretTest}&key=${k.secretTest}&token=${t1}`);
  await call('authenticate expired/unknown', 'POST', '/connect_sessions/authenticate', { body: { token: t1 + 'x' } });
  await call('authenticate wrong type', 'POST', '/connect_sessions/authenticate', { body: { token: 1 } });
  await call('session bad body', 'POST', '/connect_sessions', { body: { origin_owner_id: 1 } });
  await call('session bad account', 'POST', '/connect_sessions', { body: { origin_owner_id: 'x', origin_owner_name: 'x', account_id: 'acc_nope' } });
  await call('hosted link page', 'GET', `/link?token=${encodeURIComponent(t1)}`, { auth: false });

  // --- meta, docs, health and auth failures
  await call('connectors meta', 'GET', '/connectors/meta');
  await call('connector meta', 'GET', '/connectors/meta/stripe');
  await call('connector meta unknown', 'GET', '/connectors/meta/nope');
  await call('openapi', 'GET', '/openapi.json', { auth: false });
  await call('health', 'GET', '/healthz', { auth: false });
  await call('ready', 'GET', '/readyz', { auth: false });
  await call('no auth', 'GET', '/accounts', { auth: false });
  await call('wrong key', 'GET', '/accounts', { auth: basic(lh.apiKey + 'x') });
  await call('hub token as API key', 'GET', '/accounts', { auth: 'Bearer ' + t1 });
  await call('API key as hub token', 'GET', '/hub/settings', { auth: false, headers: { 'x-hub-session-token': lh.apiKey } });
  await call('stripe key as API key', 'GET', '/accounts', { auth: basic(k.secretTest) });
  await call('stripe key as hub token', 'GET', '/hub/settings', { auth: false, headers: { 'x-hub-session-token': k.secretTest } });
  await call('huge body with a key', 'POST', '/connect_sessions', { body: { origin_owner_id: k.secretTest, origin_owner_name: 'x'.repeat(1_100_000) } });
  await call('unknown route', 'GET', '/nope', { auth: false });
  // secrets with no shape of their own, pasted where a path or a query goes: masked by their value
  await call('admin password in a path', 'GET', `/nope/${encodeURIComponent(adminPassword)}`, { auth: false });
  await call('admin password in a query', 'GET', `/accounts?search=${encodeURIComponent(adminPassword)}`);
  await call('master key in a path', 'GET', `/nope/${encodeURIComponent(lh.masterKey)}`, { auth: false });
  await call('master key in a query', 'GET', `/accounts?search=${encodeURIComponent(lh.masterKey)}`);
  await call('unknown route naming a key', 'GET', `/v1/${k.secretTest}/${encodeURIComponent(k.restrictedTest)}`, { auth: false });
  await call('unknown dashboard route naming a key', 'GET', `/dashboard/api/${k.secretTest}`, { auth: false });

  // --- proxy, actions, MCP, request logs, audit, hosted link page (status not asserted: other suites own them)
  const acct = { 'x-account-id': accountId };
  await call('proxy', 'POST', '/unified/proxy', { headers: acct, body: { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers?limit=2' } });
  await call('proxy with a caller Authorization', 'POST', '/unified/proxy', {
    headers: acct,
    body: { url: 'https://api.stripe.com', method: 'get', path: '/v1/balance', headers: { Authorization: `Bearer ${k.secretTest}` } },
  });
  await call('proxy post', 'POST', '/unified/proxy', {
    headers: acct,
    body: { url: 'https://api.stripe.com', method: 'post', path: '/v1/customers', body: { email: 'leak@example.com' } },
  });
  await call('proxy other host', 'POST', '/unified/proxy', { headers: acct, body: { url: 'https://evil.example', method: 'get', path: '/' } });
  await call('proxy 404', 'POST', '/unified/proxy', { headers: acct, body: { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers/cus_nope' } });
  await call('proxy failing account', 'POST', '/unified/proxy', {
    headers: { 'x-account-id': perm.body.id },
    body: { url: 'https://api.stripe.com', method: 'get', path: '/v1/customers' },
  });
  await call('proxy no account', 'POST', '/unified/proxy', { body: { path: '/v1/customers' } });
  // --- agent tokens: the native paths, the proxy and actions with a token, a held call, revocation
  const at = await call('create agent token', 'POST', `/accounts/${accountId}/agent_tokens`, {
    body: { name: 'leak', policy: { money: { usd: { approval_above: 100 } } } },
    handsOut: ['token'],
  });
  assert.equal(at.status, 201);
  secrets.set('agent token', at.body.token);
  const agent = { authorization: `Bearer ${at.body.token}` };
  await call('agent tokens', 'GET', `/accounts/${accountId}/agent_tokens`);
  await call('native list', 'GET', '/v1/customers?limit=2', { auth: agent.authorization });
  await call('native create', 'POST', '/v1/customers', {
    auth: agent.authorization,
    body: 'email=agent%40example.com',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  await call('native basic auth', 'GET', '/v1/balance', { auth: basic(at.body.token) });
  await call('agent proxy', 'POST', '/unified/proxy', { auth: agent.authorization, body: { path: '/v1/customers?limit=1' } });
  await call('agent rpc', 'POST', '/actions/rpc', { auth: agent.authorization, body: { action: 'stripe_list_customers' } });
  const heldCall = await call('native held payout', 'POST', '/v1/payouts', {
    auth: agent.authorization,
    body: 'amount=500&currency=usd',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'leak-payout' },
  });
  const approval = heldCall.body?.error?.approval;
  assert.match(String(approval), /^apr_/);
  await call('approvals', 'GET', '/approvals');
  await call('approval', 'GET', `/approvals/${approval}`);
  await call('approve', 'POST', `/approvals/${approval}/approve`);
  await call('agent policy', 'PUT', `/accounts/${accountId}/agent_policy`, { body: { policy: { read_only: true } } });
  await call('agent policy read', 'GET', `/accounts/${accountId}/agent_policy`);
  await call('agent policy cleared', 'PUT', `/accounts/${accountId}/agent_policy`, { body: { policy: null } });
  await call('revoke agent token', 'DELETE', `/accounts/${accountId}/agent_tokens/${at.body.id}`);
  await call('revoked agent token', 'GET', '/v1/customers', { auth: agent.authorization });
  await call('agent token as API key', 'GET', '/accounts', { auth: agent.authorization });
  await call('actions', 'GET', `/actions?filter[account_ids]=${accountId}&group_by=connector&include=operation_details`);
  await call('rpc', 'POST', '/actions/rpc', { body: { action: 'stripe_list_customers', query: { limit: 1 }, headers: acct } });
  await call('rpc retrieve', 'POST', '/actions/rpc', { headers: acct, body: { action: 'stripe_retrieve_balance' } });
  await call('rpc unknown', 'POST', '/actions/rpc', { headers: acct, body: { action: 'stripe_nope' } });
  await call('rpc failing account', 'POST', '/actions/rpc', { headers: { 'x-account-id': perm.body.id }, body: { action: 'stripe_list_customers' } });
  await call('action search', 'POST', '/actions/search', { body: { query: 'list customers', connector: 'stripe' } });
  const mcp = (label: string, body: unknown, path = '/mcp?tool-mode=all') =>
    call(label, 'POST', path, { headers: { ...acct, accept: 'application/json, text/event-stream' }, body });
  await mcp('mcp initialize', {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  await mcp('mcp tools/list', { jsonrpc: '2.0', id: 2, method: 'tools/list' });
  await mcp('mcp tools/call', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'stripe_list_customers', arguments: { query: { limit: 1 } } } });
  const execute = { name: 'stripe_execute_action', arguments: { action: 'stripe_list_customers', query: { limit: 1 } } };
  await mcp('mcp default tools/list', { jsonrpc: '2.0', id: 4, method: 'tools/list' }, '/mcp');
  await mcp('mcp default tools/call', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: execute }, '/mcp');
  await call('mcp get', 'GET', '/mcp', { headers: acct });
  const logs = await call('request logs', 'GET', '/requests/logs');
  const firstLog = Array.isArray(logs.body) ? logs.body[0] : Array.isArray(logs.body?.data) ? logs.body.data[0] : undefined;
  if (firstLog?.id !== undefined) await call('request log', 'GET', `/requests/logs/${firstLog.id}`);
  await call('audit', 'GET', `/audit?account_id=${accountId}`);
  await call('hosted link page', 'GET', `/link?token=${encodeURIComponent(t1)}`, { auth: false });
  await call('hub bundle', 'GET', '/hub.js', { auth: false });

  // --- dashboard: sign in (the cookie is handed out once), then use it
  const csrf = { 'x-linkhub-csrf': '1' };
  await call('dashboard wrong password', 'POST', '/dashboard/api/session', { auth: false, headers: csrf, body: { password: adminPassword + 'x' } });
  const signIn = await call('dashboard sign in', 'POST', '/dashboard/api/session', {
    auth: false,
    headers: csrf,
    body: { password: adminPassword },
    handsOutCookie: true,
  });
  const cookie = /linkhub_dashboard=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
  if (signIn.status === 200 && cookie) {
    secrets.set('dashboard session cookie', cookie);
    dashboardCookie = `linkhub_dashboard=${cookie}`;
    const dash = (label: string, method: string, path: string, body?: unknown) =>
      call(label, method, path, { auth: false, headers: { cookie: dashboardCookie, ...csrf }, body });
    await dash('dashboard session', 'GET', '/dashboard/api/session');
    await dash('dashboard accounts', 'GET', '/dashboard/api/accounts');
    await dash('dashboard account', 'GET', `/dashboard/api/accounts/${accountId}`);
    await dash('dashboard test', 'POST', `/dashboard/api/accounts/${accountId}/test`);
    await dash('dashboard api keys', 'GET', '/dashboard/api/api_keys');
    const issued = (label: string, path: string, body: unknown, handsOut: string[]) =>
      call(label, 'POST', path, { auth: false, headers: { cookie: dashboardCookie, ...csrf }, body, handsOut });
    await issued('dashboard new api key', '/dashboard/api/api_keys', { name: 'dash' }, ['key']);
    await issued('dashboard connect session', '/dashboard/api/connect_sessions', { origin_owner_id: 'dash', origin_owner_name: 'Dash' }, [
      'token',
      'auth_link_url',
    ]);
    await issued('dashboard relink', `/dashboard/api/accounts/${accountId}/relink`, {}, ['token', 'auth_link_url']);
    await dash('dashboard webhooks', 'GET', '/dashboard/api/webhooks');
    await dash('dashboard deliveries', 'GET', '/dashboard/api/webhooks/deliveries');
    await dash('dashboard page', 'GET', '/dashboard');
    await dash('dashboard spa route', 'GET', '/dashboard/accounts');
  }

  // --- webhook deliveries: wait until the outbox is drained, then read the log and retry one
  const deadline = Date.now() + 15_000;
  for (;;) {
    const d = await call('deliveries', 'GET', '/webhooks/deliveries?limit=200');
    if (d.body.length > 0 && d.body.every((x: any) => x.status !== 'pending')) {
      await call('retry delivery', 'POST', `/webhooks/deliveries/${d.body[0].id}/retry`);
      break;
    }
    assert.ok(Date.now() < deadline, 'webhooks delivered in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  await call('deliveries after retry', 'GET', '/webhooks/deliveries');

  // --- every other registered route (whoever added it) gets at least one request with every credential
  const signOutLast = (r: { path: string }) => (r.path.endsWith('/session') ? 1 : 0);
  for (const route of registeredRoutes().sort((a, b) => signOutLast(a) - signOutLast(b))) {
    if (recorded.some((r) => r.method === route.method && route.pattern.test(r.path))) continue;
    const path = route.path.replace(/:[A-Za-z_]+/g, accountId).replace(/\*$/, 'x');
    await call(`sweep ${route.method} ${route.path}`, route.method, path, {
      headers: { 'x-hub-session-token': t1, 'x-account-id': accountId, ...(dashboardCookie ? { cookie: dashboardCookie } : {}), 'x-linkhub-csrf': '1' },
      ...(['POST', 'PATCH', 'PUT'].includes(route.method) ? { body: {} } : {}),
    });
  }
  await new Promise((r) => setTimeout(r, 300));
});

let dashboardCookie = '';

/** Every (method, path) Fastify has, from printRoutes (HEAD/TRACE/QUERY and the CORS catch-all left out). */
function registeredRoutes(): { method: string; path: string; pattern: RegExp }[] {
  const out: { method: string; path: string; pattern: RegExp }[] = [];
  const stack: string[] = [];
  for (const line of lh.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + m[2];
    stack[depth] = full;
    for (const method of (m[3] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (['HEAD', 'TRACE', 'QUERY'].includes(method) || (full === '*' && method === 'OPTIONS')) continue;
      const pattern = new RegExp(
        '^' +
          full
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/:[A-Za-z_]+/g, '[^/]+')
            .replace(/\*/g, '.*') +
          '$',
      );
      out.push({ method, path: full, pattern });
    }
  }
  return out;
}

after(async () => {
  await lh?.close();
  await stripe?.close();
  await new Promise((r) => receiver?.close(r));
});

function randomish(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

describe('no secret leaks', () => {
  test('every endpoint was exercised', () => {
    const seen = new Set(recorded.map((r) => r.label.replace(/^.*\((\w+) .*$/, '$1')));
    for (const m of ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']) assert.ok(seen.has(m), m);
    const paths = recorded.map((r) => r.label).join('\n');
    for (const p of [
      'POST /connect_sessions ',
      'POST /connect_sessions/authenticate',
      'GET /accounts ',
      'GET /accounts/acc_',
      'PATCH /accounts/acc_',
      'DELETE /accounts/acc_',
      '/meta',
      '/test',
      'GET /connectors/meta ',
      'GET /connectors/meta/stripe',
      'POST /webhooks ',
      'GET /webhooks ',
      'DELETE /webhooks/',
      'GET /webhooks/deliveries',
      '/retry',
      'POST /api_keys',
      'GET /api_keys',
      'DELETE /api_keys/',
      'GET /openapi.json',
      'GET /healthz',
      'GET /readyz',
      'GET /hub/settings',
      'GET /hub/connectors ',
      'GET /hub/connectors/stripe-test',
      'GET /hub/accounts/acc_',
      'POST /hub/accounts ',
      'PATCH /hub/accounts/acc_',
      'OPTIONS /hub/accounts',
      '/hub/connection_attempts',
    ]) {
      assert.ok(paths.includes(p), `${p} exercised`);
    }
    for (const s of [200, 201, 400, 401, 404, 413, 422, 502])
      assert.ok(
        recorded.some((r) => r.status === s),
        `a ${s} was seen`,
      );
    const routes = registeredRoutes();
    assert.ok(routes.length >= 30, `routes found (${routes.length})`);
    for (const route of routes) {
      assert.ok(
        recorded.some((r) => r.method === route.method && route.pattern.test(r.path)),
        `${route.method} ${route.path} was requested`,
      );
    }
    assert.ok(received.length >= 3, 'webhooks were delivered');
    if (process.env.LEAK_TEST_VERBOSE) console.log(recorded.map((r) => r.label).join('\n'));
  });

  test('the search finds a planted secret in any of its forms', () => {
    const key = stripe.keys.secretTest;
    for (const planted of [
      `x${key}y`,
      `"provider_response":"…${key.slice(12, -6)}…"`,
      Buffer.from(key).toString('base64'),
      `token=${[...secrets].find(([n]) => n.startsWith('hub token'))![1]}`,
      Buffer.from(lh.masterKey, 'base64').toString('hex'),
      `Basic ${Buffer.from(lh.apiKey).toString('base64')}`,
    ]) {
      assert.throws(() => assertClean('planted', planted), /found in planted/, planted.slice(0, 40));
    }
    assertClean('redacted form', REDACTED + key.slice(-4) + ' sk_test_' + '*'.repeat(40) + key.slice(-4));
  });

  test('the redacted forms are what appears', () => {
    const all = recorded.map((r) => r.text).join('\n');
    assert.ok(all.includes(REDACTED + stripe.keys.secretTest.slice(-4)));
    assert.ok(all.includes(REDACTED + stripe.keys.restrictedTest.slice(-4)));
    assert.ok(all.includes(`"key_hint":"${stripe.keys.restrictedTest.slice(-4)}"`));
  });

  test('no response (headers or body) carries a secret', () => {
    for (const r of recorded) assertClean(`response to ${r.label}`, r.text);
  });

  test('a session token appears only in its own create response', () => {
    for (const r of recorded) {
      for (const [name, value] of secrets) if (name.startsWith('hub token')) assert.ok(!r.text.includes(value), `${name} in ${r.label}`);
    }
  });

  test('no webhook delivery carries a secret (the signing secret only signs)', () => {
    assert.ok(received.length > 0);
    for (const [i, d] of received.entries()) {
      assertClean(`webhook delivery #${i}`, d);
      assert.match(d, /x-stackone-signature/);
    }
  });

  test('no log line carries a secret', () => {
    assert.ok(lh.logs.length > 50, 'requests were logged');
    assert.ok(
      lh.logs.some((l) => l.includes('[redacted]')),
      'query secrets were redacted in logs',
    );
    for (const [i, line] of lh.logs.entries()) assertClean(`log line ${i}: ${line.slice(0, 200)}`, line);
  });

  test('no table holds a secret in readable form', async () => {
    const db = lh.services.store.db;
    const tables = (
      (await db.execute(
        sql`select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
      )) as unknown as { rows: { table_schema: string; table_name: string }[] }
    ).rows;
    const names = tables.map((t) => t.table_name);
    for (const t of [
      'accounts',
      'api_keys',
      'connect_sessions',
      'webhook_endpoints',
      'webhook_outbox',
      'webhook_attempts',
      'audit_events',
      'call_log_segments',
      'vault_keys',
      'projects',
    ]) {
      assert.ok(names.includes(t), `table ${t} was searched`);
    }
    let rowsSeen = 0;
    for (const t of tables) {
      const res = (await db.execute(sql.raw(`select * from "${t.table_schema}"."${t.table_name}"`))) as unknown as { rows: unknown[] };
      rowsSeen += res.rows.length;
      const dump = JSON.stringify(res.rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      assertClean(`table ${t.table_schema}.${t.table_name}`, dump);
    }
    assert.ok(rowsSeen > 20, 'rows were searched');
  });
});
