// Stripe actions (COMPAT §9): the catalogue (GET /actions, POST /actions/search) and the action
// executor that POST /actions/rpc and the MCP server share.
//
// Stable API for other surfaces (the MCP server calls these; signatures do not change):
//
//   services.actions.execute({projectId, accountId, actor, action, path?, query?, headers?, body?,
//                             next?, source?: 'rpc'|'mcp', signal?})
//        → Promise<{data, next, status, requestId, attempts}>
//     Validates the input against the action's JSON Schema (Ajv, compiled lazily and cached)
//     BEFORE anything is sent, then calls Stripe through StripeCaller (throttle, retries,
//     Idempotency-Key on POST, request log + audit). List actions return `data` = the items and
//     `next` = the cursor to pass back (`next`, or query.starting_after / query.page).
//     Throws ServiceError (render with {statusCode, message, timestamp, ...extra}):
//       400 invalid input  {code:'invalid_input', field:'body.email'}  message 'body.email must be string'
//       404 unknown action {code:'unknown_action'} / unknown account
//       412 account not callable, or Stripe refused the stored key (401: account now `error`,
//           {code:'invalid_key'|'expired_key', account_status:'error'})
//       403 {code:'missing_permission', action, permission:'rak_…', grant_hint} or
//           {code:'not_available_to_restricted_keys'}
//       429 Linkhub's throttle {code:'rate_limited', retryable, retry_after_ms} or Stripe's
//           {code:'provider_rate_limited'}
//       4xx Stripe's own status for other client errors (400, 402, 404, 409, …) with
//           {code: Stripe's code, provider_errors:[{status, url, raw, headers}]}
//       502/504 Stripe failed (5xx after retries) or was unreachable
//   services.actions.validate(action, {path, query, headers, body}) → null | {field, message}
//   services.actions.get(name) → StripeAction | undefined
//   services.actions.list({...filters}) → {data: ActionsMeta[], next}
//   services.actions.search(query, {topK}) → [{action, score}] best first
//   services.actions.knowledge(projectId, accountId) → KeyKnowledge (key type, rak_… missing/granted)
import { searchActions } from './action-search.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Config } from '../../config.js';
import { getConnector } from '../../connectors/registry.js';
import { findAction, stripeActions, type StripeAction } from '../../connectors/stripe/actions.js';
import { permissionLabel } from '../../connectors/stripe/permissions.js';
import { formEncode, resolveUpstreamPath, UpstreamUrlError, withQuery } from '../../upstream/index.js';
import type { Actor } from '../logs/actor.js';
import { ServiceError } from '../../errors/service-error.js';
import { grantHint, type KeyKnowledge, type SendResult, type StripeCaller } from './caller.js';

export const STRIPE_PUBLIC_BASE = 'https://api.stripe.com';

export interface ExecuteInput {
  projectId: string;
  accountId: string;
  actor: Actor;
  /** Action id, e.g. stripe_list_customers. */
  action: string;
  path?: Record<string, unknown> | null;
  query?: Record<string, unknown> | null;
  headers?: Record<string, unknown> | null;
  body?: Record<string, unknown> | null;
  /** Cursor from a previous page's `next` (list actions). */
  next?: string | null;
  /** Who is executing (request log `source`); default 'rpc'. */
  source?: 'rpc' | 'mcp';
  signal?: AbortSignal;
}

export interface ExecuteResult {
  /** Stripe's object; for list actions the items array. */
  data: unknown;
  /** Cursor of the next page, or null. */
  next: string | null;
  /** Stripe's HTTP status. */
  status: number;
  /** Stripe's Request-Id. */
  requestId: string | null;
  attempts: number;
}

export interface ActionInput {
  path?: Record<string, unknown> | null;
  query?: Record<string, unknown> | null;
  headers?: Record<string, unknown> | null;
  body?: Record<string, unknown> | null;
}

export interface ListActionsInput {
  projectId: string;
  /** filter[connectors] */
  connectors?: string[];
  /** filter[account_ids]: one ActionsMeta per account, actions marked available/unavailable/unknown */
  accountIds?: string[];
  /** filter[action_key]: action ids (with or without the `stripe_` prefix) */
  actionKeys?: string[];
  search?: string;
  /** operation_details / action_details (input schema, method, path), authentication_guides */
  include?: string[];
  /** `actions`: metas without their actions */
  exclude?: string[];
  pageSize: number;
  next?: string | null;
}

const PASS_HEADERS = new Map([
  ['stripe-account', 'Stripe-Account'],
  ['stripe-context', 'Stripe-Context'],
  ['idempotency-key', 'Idempotency-Key'],
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ajv error → `body.email must be string` and the field path. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): { field: string; message: string } {
  const list = errors ?? [];
  const dotted = (p: string) => p.replace(/^\//, '').replace(/\//g, '.').replace(/~1/g, '/').replace(/~0/g, '~');
  const last = list[list.length - 1];
  if (!last) return { field: '', message: 'input is invalid' };
  let e = last;
  // anyOf: say which types would do (e.g. "query.created must be object or integer").
  if (last.keyword === 'anyOf') {
    const types = list
      .filter((x) => x.keyword === 'type' && x.instancePath === last.instancePath)
      .map((x) => String((x.params as { type?: unknown }).type));
    const field = dotted(last.instancePath);
    if (types.length) return { field, message: `${field || 'input'} must be ${[...new Set(types)].join(' or ')}` };
    e = list.find((x) => x.keyword !== 'anyOf') ?? last;
  } else {
    e = list[0];
  }
  const path = dotted(e.instancePath);
  if (e.keyword === 'required') {
    const field = [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    return { field, message: `${field} is required` };
  }
  if (e.keyword === 'additionalProperties') {
    const field = [path, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
    return { field, message: `${field} is not a known field` };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return { field: path, message: `${path || 'input'} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { field: path, message: `${path || 'input'} ${e.message ?? 'is invalid'}` };
}

// ------------------------------------------------------------------ service

export class ActionService {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly caller: StripeCaller,
    private readonly config: Config,
  ) {
    this.ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false, coerceTypes: false, useDefaults: false, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
  }

  get(name: string): StripeAction | undefined {
    return findAction(name);
  }

  private validator(action: StripeAction): ValidateFunction {
    let v = this.validators.get(action.name);
    if (!v) {
      v = this.ajv.compile(action.input);
      this.validators.set(action.name, v);
    }
    return v;
  }

  /** null when the input is valid, else the first problem (`body.email must be string`). */
  validate(action: StripeAction, input: ActionInput): { field: string; message: string } | null {
    const candidate: Record<string, unknown> = {};
    for (const k of ['path', 'query', 'headers', 'body'] as const) {
      const v = input[k];
      if (v === undefined || v === null) continue;
      candidate[k] = v;
    }
    const validate = this.validator(action);
    if (validate(candidate)) return null;
    return describeAjvErrors(validate.errors);
  }

  async knowledge(projectId: string, accountId: string): Promise<KeyKnowledge> {
    return this.caller.knowledge(projectId, accountId);
  }

  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    const action = findAction(input.action);
    if (!action) {
      throw new ServiceError(404, `Action "${input.action}" not found: see GET /actions for the catalogue`, { code: 'unknown_action' });
    }
    for (const k of ['path', 'query', 'headers', 'body'] as const) {
      const v = input[k];
      if (v !== undefined && v !== null && !isObject(v)) throw new ServiceError(400, `${k} must be an object`, { code: 'invalid_input', field: k });
    }
    let query = input.query ?? null;
    if (input.next) {
      if (action.pagination === 'cursor') {
        query = { ...(query ?? {}), starting_after: input.next };
        delete query.ending_before;
      } else if (action.pagination === 'page') {
        query = { ...(query ?? {}), page: input.next };
      }
    }
    const problem = this.validate(action, { path: input.path, query, headers: input.headers, body: input.body });
    if (problem) throw new ServiceError(400, `${problem.message} (${action.name})`, { code: 'invalid_input', field: problem.field, action: action.name });
    if (action.contentType === 'multipart/form-data') {
      throw new ServiceError(501, `${action.name} uploads a file (multipart/form-data), which the action executor does not support`, { code: 'not_supported' });
    }

    // Path parameters (validated as non-empty strings), then the query string.
    const params = input.path ?? {};
    let bad: string | null = null;
    let path = action.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = String(params[name]);
      if (v === '.' || v === '..') bad = name;
      return encodeURIComponent(v);
    });
    if (bad) throw new ServiceError(400, `path.${bad} is not a valid id`, { code: 'invalid_input', field: `path.${bad}` });
    const bodyInQuery = action.method !== 'POST';
    if (query) path = withQuery(path, query);
    if (bodyInQuery && input.body) path = withQuery(path, input.body);

    const configured = this.caller.base;
    const base = action.baseUrl && configured === STRIPE_PUBLIC_BASE ? action.baseUrl : configured;
    try {
      path = resolveUpstreamPath(base, { path });
    } catch (e) {
      if (e instanceof UpstreamUrlError) throw new ServiceError(400, `The request path is not valid: ${e.message}`, { code: 'invalid_input', reason: e.reason });
      throw e;
    }

    const headers: Record<string, string> = { ...getConnector('stripe')!.requestHeaders };
    let idempotencyKey: string | null = null;
    for (const [k, v] of Object.entries(input.headers ?? {})) {
      const name = k.toLowerCase();
      if (!PASS_HEADERS.has(name) || typeof v !== 'string') continue;
      if (name === 'idempotency-key') idempotencyKey = v;
      else headers[name] = v;
    }
    const body = !bodyInQuery && input.body ? formEncode(input.body) : null;

    const res = await this.caller.send(
      { projectId: input.projectId, accountId: input.accountId, actor: input.actor, source: input.source ?? 'rpc', action: action.name },
      {
        method: action.method,
        path,
        headers,
        body,
        contentType: body !== null ? 'application/x-www-form-urlencoded' : undefined,
        idempotencyKey,
        base,
        logBody: input.body ?? null,
        signal: input.signal,
      },
    );
    return this.interpret(action, res, base, path);
  }

  private async interpret(action: StripeAction, r: SendResult, base: string, path: string): Promise<ExecuteResult> {
    const { response } = r;
    const status = response.status;
    const meta = { status, requestId: response.requestId, attempts: response.attempts };
    if (status >= 200 && status < 300) {
      if (action.permission && r.account.row.keyType === 'restricted') {
        const granted = `rak_${action.permission}`;
        const facts: [string, boolean][] = [[granted, true]];
        if (granted.endsWith('_write')) facts.push([granted.replace(/_write$/, '_read'), true]);
        this.caller.learn(r.account, facts).catch(() => {}); // best effort, off the response path
      }
      const type = response.headers['content-type'] ?? '';
      if (action.responseContentType && !type.includes('json')) {
        return { ...meta, data: { content_type: type || action.responseContentType, encoding: 'base64', content: response.body.toString('base64') }, next: null };
      }
      let parsed: unknown = null;
      if (response.body.length > 0) {
        try {
          parsed = JSON.parse(response.body.toString('utf8'));
        } catch {
          throw new ServiceError(502, `Stripe answered ${action.name} with a body that is not JSON`, { code: 'provider_error' });
        }
      }
      if (action.list && isObject(parsed) && Array.isArray(parsed.data)) {
        const items = parsed.data as unknown[];
        let next: string | null = null;
        if (action.pagination === 'page') next = parsed.has_more === true && typeof parsed.next_page === 'string' ? parsed.next_page : null;
        else if (action.pagination === 'cursor' && parsed.has_more === true && !/[?&]ending_before=/.test(path)) {
          const lastItem = items[items.length - 1];
          next = isObject(lastItem) && typeof lastItem.id === 'string' ? lastItem.id : null;
        }
        return { ...meta, data: items, next };
      }
      return { ...meta, data: parsed, next: null };
    }

    const pe = r.providerError;
    let raw: unknown = null;
    try {
      raw = JSON.parse(response.body.toString('utf8'));
    } catch {
      raw = response.body.toString('utf8').slice(0, 2000);
    }
    const providerErrors = [
      {
        status,
        url: STRIPE_PUBLIC_BASE + path.split('?')[0],
        raw,
        headers: { 'request-id': response.requestId ?? undefined },
      },
    ];
    const stripeMessage = pe?.message ?? `Stripe answered HTTP ${status}`;
    if (r.keyRejected) {
      throw new ServiceError(412, `${action.name}: ${r.keyRejected.message}`, {
        code: r.keyRejected.code,
        account_id: r.account.row.id,
        account_status: 'error',
        provider_response: stripeMessage,
        provider_errors: providerErrors,
      });
    }
    if (r.forbidden) {
      const { permission, closedToRestrictedKeys } = r.forbidden;
      if (closedToRestrictedKeys || (!permission && action.permission === null)) {
        throw new ServiceError(403, `Action ${action.name} is not available to restricted keys: link a secret key (sk_…) for this account to use it.`, {
          code: 'not_available_to_restricted_keys',
          action: action.name,
          permission: null,
          provider_response: stripeMessage,
          provider_errors: providerErrors,
        });
      }
      const perm = permission ?? (action.permission ? `rak_${action.permission}` : null);
      throw new ServiceError(
        403,
        `Action ${action.name} needs the '${perm}' permission (${perm ? permissionLabel(perm) : 'unknown'}), which this account's restricted Stripe key lacks. ${grantHint(perm)}`,
        {
          code: 'missing_permission',
          action: action.name,
          permission: perm,
          grant_hint: 'Stripe Dashboard > Developers > API keys > edit the restricted key',
          provider_response: stripeMessage,
          provider_errors: providerErrors,
        },
      );
    }
    const extra = { code: pe?.code ?? pe?.type ?? 'provider_error', param: pe?.param ?? undefined, provider_response: stripeMessage, provider_errors: providerErrors, request_id: response.requestId };
    if (status === 429) throw new ServiceError(429, `Stripe is rate-limiting this account: ${stripeMessage}`, { ...extra, code: pe?.code ?? 'provider_rate_limited', retryable: true });
    if (status >= 500) throw new ServiceError(502, `Stripe failed on ${action.name} (HTTP ${status} after ${response.attempts} attempt${response.attempts === 1 ? '' : 's'}): ${stripeMessage}`, { ...extra, retryable: pe?.code !== undefined });
    if (status >= 400) throw new ServiceError(status, stripeMessage, extra);
    throw new ServiceError(502, `Stripe answered ${action.name} with HTTP ${status}`, extra);
  }

  // ---------------------------------------------------------------- catalogue

  search(query: string, opts: { topK?: number } = {}): { action: StripeAction; score: number }[] {
    return searchActions(query, opts.topK ?? 10);
  }

  async list(input: ListActionsInput): Promise<{ data: Record<string, unknown>[]; next: string | null }> {
    const connectors = input.connectors?.length ? input.connectors : null;
    if (connectors && !connectors.includes('stripe')) return { data: [], next: null };

    let actions: readonly StripeAction[] = stripeActions;
    if (input.actionKeys?.length) {
      const keys = new Set(input.actionKeys.map((k) => (k.startsWith('stripe_') ? k : `stripe_${k}`)));
      actions = actions.filter((a) => keys.has(a.name));
    }
    if (input.search?.trim()) {
      const allowed = new Set(actions.map((a) => a.name));
      actions = searchActions(input.search, stripeActions.length)
        .filter((m) => allowed.has(m.action.name))
        .map((m) => m.action);
    }

    // Owners: one ActionsMeta per account, or one for the connector.
    const owners: (KeyKnowledge | null)[] = [];
    if (input.accountIds?.length) {
      for (const id of [...new Set(input.accountIds)]) owners.push(await this.caller.knowledge(input.projectId, id));
    } else owners.push(null);

    const withActions = !(input.exclude ?? []).includes('actions');
    const total = withActions ? owners.length * actions.length : owners.length;
    let offset = 0;
    if (input.next) {
      const n = Number(Buffer.from(input.next, 'base64url').toString('utf8').replace(/^o:/, ''));
      if (!Number.isInteger(n) || n < 0) throw new ServiceError(400, 'next is not a cursor from GET /actions', { code: 'invalid_cursor' });
      offset = n;
    }
    const end = Math.min(total, offset + input.pageSize);
    const include = new Set(input.include ?? []);
    const details = include.has('operation_details') || include.has('action_details');
    const data: Record<string, unknown>[] = [];
    if (withActions) {
      for (let i = offset; i < end; ) {
        const o = Math.floor(i / actions.length);
        const from = i - o * actions.length;
        const to = Math.min(actions.length, from + (end - i));
        const owner = owners[o];
        const meta = this.meta(owner, include);
        meta.actions = actions.slice(from, to).map((a) => this.actionView(a, owner, details, include));
        data.push(meta);
        i += to - from;
      }
    } else {
      for (let o = offset; o < end; o++) data.push(this.meta(owners[o], include));
    }
    const next = end < total ? Buffer.from(`o:${end}`).toString('base64url') : null;
    return { data, next };
  }

  private meta(owner: KeyKnowledge | null, include: Set<string>): Record<string, unknown> {
    const c = getConnector('stripe')!;
    const logo = c.logoUrl.startsWith('/') ? this.config.publicUrl + c.logoUrl : c.logoUrl;
    return {
      key: c.key,
      name: c.name,
      description: 'Stripe payments API (v1), called with the linked account\'s own API key. Actions are generated from Stripe\'s OpenAPI spec.',
      icon: logo,
      version: '1',
      release_stage: 'ga',
      integration_id: owner ? `${c.key}-${owner.environment}` : null,
      account_id: owner?.accountId ?? null,
      authentication: [
        {
          key: c.authConfigKey,
          label: 'API Key',
          type: 'custom',
          required_scopes: [],
          support: include.has('authentication_guides') ? { link: c.supportLink, description: c.field.guide } : { link: c.supportLink },
        },
      ],
      // Linkhub: what is known about this account's key.
      ...(owner
        ? {
            key_type: owner.keyType,
            account_status: owner.status,
            missing_permissions: [...owner.missing].sort(),
            granted_permissions: [...owner.granted].sort(),
          }
        : {}),
    };
  }

  private actionView(a: StripeAction, owner: KeyKnowledge | null, details: boolean, include: Set<string>): Record<string, unknown> {
    const rak = a.permission ? `rak_${a.permission}` : null;
    const view: Record<string, unknown> = {
      id: a.name,
      label: a.label,
      description: a.description,
      schema_type: 'native',
      tags: [a.access, a.path.split('/')[2] ?? 'stripe', ...(a.list ? ['list'] : []), ...(a.deprecated ? ['deprecated'] : [])],
      required_scopes: rak ? [rak] : [],
      access: a.access,
      ...(a.deprecated ? { deprecated: true } : {}),
    };
    if (owner) Object.assign(view, availability(a, owner));
    if (details) {
      const d = {
        method: a.method,
        path: a.path,
        permission: rak,
        permission_label: rak ? permissionLabel(rak) : null,
        list: a.list,
        pagination: a.pagination,
        input_schema: a.input,
      };
      if (include.has('operation_details')) view.operation_details = d;
      if (include.has('action_details')) view.action_details = d;
    }
    return view;
  }
}

/** available: true (works / secret key), false (known not to), null (unknown). */
export function availability(a: StripeAction, k: KeyKnowledge): { available: boolean | null; availability_reason: string } {
  if (k.keyType === 'secret') return { available: true, availability_reason: 'secret_key' };
  if (a.permission === null) {
    return /Not available to restricted keys/.test(a.permissionNote ?? '')
      ? { available: false, availability_reason: 'not_available_to_restricted_keys' }
      : { available: null, availability_reason: 'unknown' };
  }
  const rak = `rak_${a.permission}`;
  const read = rak.replace(/_write$/, '_read');
  if (k.missing.has(rak) || (rak !== read && k.missing.has(read))) return { available: false, availability_reason: 'missing_permission' };
  if (k.granted.has(rak)) return { available: true, availability_reason: 'permission_granted' };
  return { available: null, availability_reason: 'unknown' };
}
