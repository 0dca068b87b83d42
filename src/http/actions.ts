// Actions (docs/stackone-compat.md#actions): GET /actions (ActionsMeta catalogue), POST /actions/rpc (execute one
// action with a linked account's key) and POST /actions/search (4.34's action search).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fail } from '../errors/fail.js';
import { callerOf, headerValue } from './agent-auth.js';
import type { RouteContext } from './context.js';
import { accountIdHeader, retryAfterHeader } from './proxy.js';
import { errors, errorsOrProvider } from './openapi/errors.js';
import { Nullable } from './schemas.js';
import { ActionSearchResults, ActionsMeta, OptionalAccountIdHeader, Page, RpcResult } from './wire-schemas.js';

const Obj = Type.Record(Type.String(), Type.Unknown());

/** Comma-separated and/or repeated values → a flat list. */
function list(...vals: unknown[]): string[] {
  const out: string[] = [];
  for (const v of vals) {
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== 'string') continue;
      for (const part of x.split(',')) if (part.trim()) out.push(part.trim());
    }
  }
  return out;
}

/** group_by as a string ("connector") or a JSON array ('["connector"]'). */
function groupBy(v: unknown): string[] {
  const out: string[] = [];
  for (const s of list(v)) {
    if (s.startsWith('[')) {
      try {
        const arr = JSON.parse(s) as unknown;
        if (Array.isArray(arr)) out.push(...arr.filter((x): x is string => typeof x === 'string'));
        continue;
      } catch {
        /* not JSON: take it as a name */
      }
    }
    out.push(s.replace(/^\[|\]$/g, '').replace(/^"|"$/g, ''));
  }
  return out;
}

const ActionsQuery = Type.Object(
  {
    'filter[connectors]': Type.Optional(Type.String({ description: 'Comma-separated connector keys' })),
    'filter[account_ids]': Type.Optional(
      Type.String({ description: 'Comma-separated linked account ids: one ActionsMeta per account, actions marked available / unavailable / unknown' }),
    ),
    'filter[action_key]': Type.Optional(Type.String({ description: 'Action id(s), comma-separated' })),
    group_by: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], { description: 'connector (default); a JSON array such as ["connector"] is accepted' }),
    ),
    include: Type.Optional(Type.Array(Type.String(), { description: 'operation_details | action_details | authentication_guides (repeat the key)' })),
    exclude: Type.Optional(Type.Array(Type.String(), { description: 'actions: metas without their actions' })),
    search: Type.Optional(Type.String({ maxLength: 500 })),
    next: Type.Optional(Type.String({ maxLength: 200 })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 25 })),
    page: Type.Optional(Type.Integer({ minimum: 1, description: 'Deprecated: use next' })),
  },
  { additionalProperties: true },
);

const RpcBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 200, description: 'Action id, `<connector>_<verb>_<resource>` (see GET /actions)' }),
    path: Type.Optional(Nullable(Obj)),
    query: Type.Optional(Nullable(Obj)),
    headers: Type.Optional(Nullable(Obj)),
    body: Type.Optional(Nullable(Obj)),
    next: Type.Optional(
      Nullable(Type.String({ maxLength: 5000, description: 'Linkhub: the `next` of the previous page (same as query.starting_after / query.page)' })),
    ),
    defender_config: Type.Optional(Nullable(Type.Unknown({ description: 'Accepted, ignored' }))),
  },
  { additionalProperties: true },
);

export const actionRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { actions } = ctx.services;
    // per route, before the body is read or validated (no key, no parsing): agents may execute actions too
    app.addHook('onError', retryAfterHeader);
    const tags = ['Actions'];

    app.get(
      '/actions',
      {
        onRequest: ctx.requireApiKey,
        schema: {
          summary: 'List actions (ActionsMeta), paged with `next`',
          description:
            'One ActionsMeta per connector, or one per account with filter[account_ids] (actions then carry available: true | false | null and availability_reason). ' +
            'required_scopes name the restricted-key permission.',
          tags,
          querystring: ActionsQuery,
          response: { 200: Page(ActionsMeta), ...errors(400, 401, 404, 412) },
        },
      },
      async (request) => {
        const q = request.query as Record<string, unknown>;
        const gb = groupBy(q.group_by);
        const unknown = gb.filter((g) => g !== 'connector' && g !== 'account');
        if (unknown.length)
          throw fail('invalid_input', { field: 'group_by', problem: `must be "connector" (got ${unknown.join(', ')})` }, { field: 'group_by' });
        const pageSize = (q.page_size as number | undefined) ?? 25;
        let next = (q.next as string | undefined) || null;
        if (!next && typeof q.page === 'number' && q.page > 1) next = Buffer.from(`o:${(q.page - 1) * pageSize}`).toString('base64url');
        return actions.list({
          projectId: request.principal.project.id,
          connectors: list(q['filter[connectors]'], q['filter[connector]']),
          accountIds: list(q['filter[account_ids]'], q['filter[account_id]']),
          actionKeys: list(q['filter[action_key]'], q['filter[action_keys]']),
          search: typeof q.search === 'string' ? q.search : undefined,
          include: list(q.include),
          exclude: list(q.exclude),
          pageSize,
          next,
        });
      },
    );

    app.post(
      '/actions/rpc',
      {
        onRequest: ctx.requireCaller,
        schema: {
          summary: "Execute an action with a linked account's key",
          description:
            'Account from the x-account-id header, else body.headers["x-account-id"]. Inputs are validated against the action\'s schema before anything is sent. ' +
            'Returns {data, next}: for list actions data is the items and next the cursor to send back (as `next` or query.starting_after / query.page).',
          tags,
          body: RpcBody,
          querystring: Type.Object(
            { sync: Type.Optional(Type.Unknown()), run_id: Type.Optional(Type.Unknown()), debug: Type.Optional(Type.Unknown()) },
            { additionalProperties: true },
          ),
          docOnly: { headers: OptionalAccountIdHeader },
          // the provider's own 4xx pass through with their status (402, 409, …) and code
          response: { 200: RpcResult, ...errors(401, 403, 412, 429, 501, 502, 503, 504), ...errorsOrProvider(400, 402, 404, 409, 422) },
        },
      },
      async (request) => {
        const b = request.body;
        const fromBody = b.headers ? (b.headers['x-account-id'] ?? b.headers['X-Account-Id']) : undefined;
        const c = callerOf(
          request,
          () => accountIdHeader(request, fromBody),
          headerValue(request, 'x-account-id') ?? (typeof fromBody === 'string' ? fromBody : undefined),
        );
        const r = await actions.execute({
          projectId: c.projectId,
          accountId: c.accountId,
          actor: c.actor,
          agent: c.agent,
          action: b.action,
          path: b.path,
          query: b.query,
          headers: b.headers,
          body: b.body,
          next: b.next,
          source: 'rpc',
          trace: request,
        });
        return { data: r.data, next: r.next };
      },
    );

    app.post(
      '/actions/search',
      {
        onRequest: ctx.requireApiKey,
        schema: {
          summary: 'Search actions by meaning (lexical ranking)',
          tags,
          body: Type.Object(
            {
              // text: an agent pastes its task as written, over several lines (line breaks are spaces to the search)
              query: Type.String({ minLength: 1, maxLength: 500, 'x-text': 'text' }),
              connector: Type.Optional(Nullable(Type.String())),
              top_k: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 500 }))),
            },
            { additionalProperties: true },
          ),
          response: { 200: ActionSearchResults, ...errors(400, 401) },
        },
      },
      async (request) => {
        const b = request.body;
        const projectId = request.principal.project.id;
        const results = actions.search(b.query, { connector: b.connector, topK: b.top_k ?? 100 }).map(({ connector, action, score }) => ({
          id: action.name,
          action_name: action.name,
          connector_key: connector.key,
          label: action.label,
          description: action.description,
          project_id: projectId,
          similarity_score: score,
        }));
        return { results, total_count: results.length, query: b.query };
      },
    );
  };
