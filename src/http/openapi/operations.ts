// What every documented route gets from one place, in an onRoute hook (before Fastify compiles the
// route's validators and serializers): an operationId, its surface's tag and security, and the error
// answers that the framework itself can give on any route (bad URL, body too large, …).
// Routes marked `hide: true` (pages, assets, 405 and 404 stubs) are left exactly as they are.
import type { RouteOptions } from 'fastify';
import { errors, type ErrorStatus } from './errors.js';

/**
 * StackOne's own operationIds for the routes Linkhub is wire-compatible with, as StackOne's
 * official SDK (@stackone/stackone-client-ts) names them: a client generated from either document
 * gets the same method names.
 */
const STACKONE_IDS: Record<string, string> = {
  'POST /connect_sessions': 'stackone_create_connect_session',
  'POST /connect_sessions/authenticate': 'stackone_authenticate_connect_session',
  'GET /accounts': 'stackone_list_linked_accounts',
  'GET /accounts/:id': 'stackone_get_account',
  'PATCH /accounts/:id': 'stackone_update_account',
  'DELETE /accounts/:id': 'stackone_delete_account',
  'GET /accounts/:id/meta': 'stackone_get_account_meta_info',
  'GET /connectors/meta': 'stackone_list_connectors_meta',
  'GET /connectors/meta/:provider': 'stackone_get_connector_meta',
  'POST /unified/proxy': 'stackone_proxy_request',
  'GET /actions': 'stackone_list_actions_meta',
  'POST /actions/rpc': 'stackone_rpc_action',
  'POST /mcp': 'stackone_mcp_post',
  'GET /requests/logs': 'stackone_list_logs',
  'GET /requests/logs/:id': 'stackone_get_log',
};

/** Names where the derived one would read badly (singletons, verbs that are not CRUD). */
const NAMED: Record<string, string> = {
  'GET /healthz': 'linkhub_health',
  'GET /readyz': 'linkhub_ready',
  'POST /actions/search': 'linkhub_search_actions',
  'DELETE /api_keys/:id': 'linkhub_revoke_api_key',
  'GET /audit': 'linkhub_list_audit_events',
  'GET /hub/settings': 'hub_get_settings',
  'POST /hub/accounts': 'hub_link_account',
  'POST /dashboard/api/session': 'dashboard_sign_in',
  'GET /dashboard/api/session': 'dashboard_get_session',
  'DELETE /dashboard/api/session': 'dashboard_sign_out',
  'DELETE /dashboard/api/api_keys/:id': 'dashboard_revoke_api_key',
  'GET /dashboard/api/audit': 'dashboard_list_audit_events',
};

interface Surface {
  prefix: string;
  idPrefix: string;
  tag?: string;
  security?: Record<string, string[]>[];
  /** Error statuses every state-changing route of the surface can answer. */
  unsafeErrors?: ErrorStatus[];
}

const SURFACES: Surface[] = [
  { prefix: '/hub/', idPrefix: 'hub', tag: 'Hub', security: [{ hubSession: [] }] },
  // the CSRF guard answers 403 to any state-changing call without x-linkhub-csrf or from another origin
  { prefix: '/dashboard/api/', idPrefix: 'dashboard', tag: 'Dashboard', security: [{ dashboardSession: [] }], unsafeErrors: [403] },
  { prefix: '/healthz', idPrefix: 'linkhub', tag: 'Health', security: [] },
  { prefix: '/readyz', idPrefix: 'linkhub', tag: 'Health', security: [] },
  { prefix: '/', idPrefix: 'linkhub' },
];

const surfaceOf = (url: string) => SURFACES.find((s) => url.startsWith(s.prefix))!;

/** accounts → account, deliveries → delivery, api_keys → api_key (the nouns of this API only). */
const singular = (noun: string) => noun.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');

/**
 * `<surface>_<verb>_<noun>` from method and URL: GET of a collection is `list`, of one item `get`;
 * POST to a collection `create`, POST to an item's sub-path names the verb (`/accounts/:id/test` →
 * test_account); PATCH `update`, DELETE `delete`. The surface prefix keeps the dashboard's and the
 * Hub's routes apart from the platform routes of the same resource.
 */
export function deriveOperationId(method: string, url: string): string {
  const key = `${method} ${url}`;
  if (STACKONE_IDS[key]) return STACKONE_IDS[key];
  if (NAMED[key]) return NAMED[key];
  const surface = surfaceOf(url);
  const segments = url
    .slice(surface.prefix.length - 1)
    .split('/')
    .filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  const onItem = last.startsWith(':');
  const afterItem = !onItem && segments.length > 1 && segments[segments.length - 2].startsWith(':');
  const nouns = segments.filter((s) => !s.startsWith(':'));
  let verb: string;
  if (afterItem && method === 'POST') verb = nouns.pop()!;
  else if (method === 'GET') verb = onItem ? 'get' : 'list';
  else verb = { POST: 'create', PUT: 'replace', PATCH: 'update', DELETE: 'delete' }[method] ?? method.toLowerCase();
  const keepPlural = verb === 'list';
  const words = nouns.map((n, i) => (i === nouns.length - 1 && keepPlural ? n : singular(n)));
  return [surface.idPrefix, verb, ...words].join('_').toLowerCase();
}

type Schema = NonNullable<RouteOptions['schema']> & Record<string, unknown>;

/** The onRoute hook: fills in what a documented route leaves out; what it states wins. */
export function describeRoute(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as Schema;
  if (schema.hide) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.length !== 1 || methods[0] === 'HEAD') return;
  const method = methods[0];
  const surface = surfaceOf(route.url);
  const statuses: ErrorStatus[] = [400, 500]; // malformed URL or invalid input; anything unexpected
  if (((schema.security as unknown[] | undefined) ?? surface.security)?.length !== 0) statuses.push(401);
  if (route.url.includes(':')) statuses.push(414);
  if (schema.body || schema.docOnly?.body) statuses.push(413, 415);
  if (method !== 'GET') statuses.push(...(surface.unsafeErrors ?? []));
  route.schema = {
    ...schema,
    operationId: (schema.operationId as string | undefined) ?? deriveOperationId(method, route.url),
    ...(schema.tags || !surface.tag ? {} : { tags: [surface.tag] }),
    ...(schema.security || !surface.security ? {} : { security: surface.security }),
    response: { ...errors(...statuses), ...(schema.response as object | undefined) },
  };
}
