// The action executor that POST /actions/rpc and the MCP server share:
//
//   execute({projectId, accountId, actor, action, path?, query?, headers?, body?, next?, source?, signal?})
//        → {data, next, status, requestId, attempts}
//     Validates the input against the action's JSON Schema BEFORE anything is sent, then calls the
//     provider through AccountCaller (throttle, retries, idempotency key on POST, call log + audit).
//     List actions return `data` = the items and `next` = the cursor to pass back.
//     Throws ServiceError (rendered as {statusCode, message, timestamp, ...extra}):
//       400 invalid input {code:'invalid_input', field:'body.email'}, or an action of another
//           connector than the account's {code:'action_not_for_account'}
//       404 unknown action {code:'unknown_action'} / unknown account
//       412 account not callable, or the provider refused the stored key (the account is now `error`,
//           {code:'invalid_key'|'expired_key', account_status:'error'})
//       403 {code:'missing_permission', action, permission, grant_hint} or {code:'not_available_to_restricted_keys'}
//       429 Linkhub's throttle {code:'rate_limited', retryable, retry_after_ms} or the provider's
//           {code:'provider_rate_limited'}
//       4xx the provider's own status for other client errors (400, 402, 404, 409, …) with
//           {code: the provider's code, provider_errors:[{status, url, raw, headers}]}
//       501 an upload (multipart) action; 502/504 the provider failed (5xx after retries) or was unreachable
import { connectorOfAction } from '../../connectors/registry.js';
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { ServiceError } from '../../errors/service-error.js';
import { appendQuery, resolveUpstreamPath, UpstreamUrlError } from '../../upstream/index.js';
import { closedToRestrictedMessage, missingPermissionMessage, providerErrors } from '../calls/answers.js';
import type { AccountCaller, SendResult } from '../calls/caller.js';
import type { Actor } from '../logs/actor.js';
import { ActionInputs } from './input.js';

export interface ExecuteInput {
  projectId: string;
  accountId: string;
  actor: Actor;
  /** Action id, `<connector>_<verb>_<resource>`. */
  action: string;
  path?: Record<string, unknown> | null;
  query?: Record<string, unknown> | null;
  headers?: Record<string, unknown> | null;
  body?: Record<string, unknown> | null;
  /** Cursor from a previous page's `next` (list actions). */
  next?: string | null;
  /** Who is executing (call log `source`); default 'rpc'. */
  source?: 'rpc' | 'mcp';
  signal?: AbortSignal;
}

export interface ExecuteResult {
  /** The provider's object; for list actions the items array. */
  data: unknown;
  /** Cursor of the next page, or null. */
  next: string | null;
  /** The provider's HTTP status. */
  status: number;
  requestId: string | null;
  attempts: number;
}

const SECTIONS = ['path', 'query', 'headers', 'body'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string, extra: Record<string, unknown>) => new ServiceError(400, message, { code: 'invalid_input', ...extra });

/** The action called `name` and its connector, or undefined. */
export function findAction(name: string): { connector: ConnectorDefinition; action: ConnectorAction } | undefined {
  const connector = connectorOfAction(name);
  const action = connector?.actions.catalogue().byName.get(name);
  return connector && action ? { connector, action } : undefined;
}

export class ActionExecutor {
  private readonly inputs = new ActionInputs();

  constructor(private readonly caller: AccountCaller) {}

  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    const found = findAction(input.action);
    if (!found) throw new ServiceError(404, `Action "${input.action}" not found: see GET /actions for the catalogue`, { code: 'unknown_action' });
    const { connector, action } = found;
    for (const k of SECTIONS) {
      const v = input[k];
      if (v !== undefined && v !== null && !isObject(v)) throw invalid(`${k} must be an object`, { field: k });
    }
    const query = input.next && action.pagination ? connector.actions.withCursor(action, input.query ?? null, input.next) : (input.query ?? null);
    const problem = this.inputs.check(action, { path: input.path, query, headers: input.headers, body: input.body });
    if (problem) throw invalid(`${problem.message} (${action.name})`, { field: problem.field, action: action.name });
    if (action.contentType === 'multipart/form-data') {
      throw new ServiceError(501, `${action.name} uploads a file (multipart/form-data), which the action executor does not support`, { code: 'not_supported' });
    }

    const profile = this.caller.profiles.get(connector);
    const base = this.caller.profiles.actionBase(profile, action.baseUrl);
    const bodyInQuery = action.method !== 'POST';
    const path = this.target(connector, action, base, input.path ?? {}, query, bodyInQuery ? input.body : null);
    const encoding = connector.api.encoding;
    const body = !bodyInQuery && input.body ? encoding.body(input.body) : null;
    const headers: Record<string, string> = { ...connector.api.requestHeaders };
    let idempotencyKey: string | null = null;
    const idemHeader = connector.api.idempotency?.header;
    for (const [k, v] of Object.entries(input.headers ?? {})) {
      const name = k.toLowerCase();
      if (typeof v !== 'string') continue;
      if (name === idemHeader) idempotencyKey = v;
      else if (connector.api.passHeaders.includes(name)) headers[name] = v;
    }

    const account = this.caller.cached(input.projectId, input.accountId) ?? (await this.caller.resolve(input.projectId, input.accountId));
    if (account.profile.connector !== connector) {
      throw new ServiceError(400, `${action.name} is a ${connector.name} action; account ${account.row.id} is linked to ${account.profile.connector.name}`, {
        code: 'action_not_for_account',
        action: action.name,
      });
    }
    const res = await this.caller.send(
      { projectId: input.projectId, accountId: account.row.id, actor: input.actor, source: input.source ?? 'rpc', action: action.name },
      {
        method: action.method,
        path,
        headers,
        body,
        contentType: body !== null ? encoding.contentType : undefined,
        idempotencyKey,
        base,
        logBody: input.body ?? null,
        signal: input.signal,
      },
      account,
    );
    return this.interpret(connector, action, res, path);
  }

  /** The guarded request target: path parameters filled in, then the query string (and a GET's body). */
  private target(connector: ConnectorDefinition, action: ConnectorAction, base: string, params: Record<string, unknown>, query: Record<string, unknown> | null, bodyQuery: Record<string, unknown> | null | undefined): string {
    let bad: string | null = null;
    let path = action.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = String(params[name]);
      if (v === '.' || v === '..') bad = name;
      return encodeURIComponent(v);
    });
    if (bad) throw invalid(`path.${bad} is not a valid id`, { field: `path.${bad}` });
    for (const params of [query, bodyQuery]) if (params) path = appendQuery(path, connector.api.encoding.query(params));
    try {
      return resolveUpstreamPath(base, { path });
    } catch (e) {
      if (e instanceof UpstreamUrlError) throw invalid(`The request path is not valid: ${e.message}`, { reason: e.reason });
      throw e;
    }
  }

  private interpret(connector: ConnectorDefinition, action: ConnectorAction, r: SendResult, path: string): ExecuteResult {
    const { response } = r;
    const status = response.status;
    const meta = { status, requestId: response.requestId, attempts: response.attempts };
    if (status >= 200 && status < 300) {
      if (action.permission) this.caller.noteGranted(r.account, action.permission);
      const type = response.headers['content-type'] ?? '';
      if (action.responseContentType && !type.includes('json')) {
        return { ...meta, data: { content_type: type || action.responseContentType, encoding: 'base64', content: response.body.toString('base64') }, next: null };
      }
      let parsed: unknown = null;
      if (response.body.length > 0) {
        try {
          parsed = JSON.parse(response.body.toString('utf8'));
        } catch {
          throw new ServiceError(502, `${connector.name} answered ${action.name} with a body that is not JSON`, { code: 'provider_error' });
        }
      }
      const page = action.list ? connector.actions.readList(action, parsed, path) : null;
      return page ? { ...meta, data: page.items, next: page.next } : { ...meta, data: parsed, next: null };
    }
    throw this.refusal(connector, action, r, path);
  }

  /** The ServiceError for a non-2xx answer. */
  private refusal(connector: ConnectorDefinition, action: ConnectorAction, r: SendResult, path: string): ServiceError {
    const { response } = r;
    const status = response.status;
    const pe = r.providerError;
    const provider_errors = providerErrors(connector, r, path);
    const provider_response = pe?.message ?? `${connector.name} answered HTTP ${status}`;
    if (r.keyRejected) {
      return new ServiceError(412, `${action.name}: ${r.keyRejected.message}`, {
        code: r.keyRejected.code,
        account_id: r.account.row.id,
        account_status: 'error',
        provider_response,
        provider_errors,
      });
    }
    if (r.forbidden) {
      const { permission, closedToRestrictedKeys } = r.forbidden;
      if (closedToRestrictedKeys || (!permission && action.permission === null)) {
        return new ServiceError(403, closedToRestrictedMessage(connector, `Action ${action.name}`), {
          code: 'not_available_to_restricted_keys',
          action: action.name,
          permission: null,
          provider_response,
          provider_errors,
        });
      }
      const perm = permission ?? action.permission;
      return new ServiceError(403, missingPermissionMessage(connector, perm, action.name), {
        code: 'missing_permission',
        action: action.name,
        permission: perm,
        grant_hint: connector.api.permissions.grantHint(null),
        provider_response,
        provider_errors,
      });
    }
    const extra = { code: pe?.code ?? pe?.type ?? 'provider_error', param: pe?.param ?? undefined, provider_response, provider_errors, request_id: response.requestId };
    if (r.rateLimited) return new ServiceError(429, `${connector.name} is rate-limiting this account: ${provider_response}`, { ...extra, code: pe?.code ?? 'provider_rate_limited', retryable: true });
    if (status >= 500) {
      const attempts = `${response.attempts} attempt${response.attempts === 1 ? '' : 's'}`;
      return new ServiceError(502, `${connector.name} failed on ${action.name} (HTTP ${status} after ${attempts}): ${provider_response}`, { ...extra, retryable: pe?.code !== undefined });
    }
    if (status >= 400) return new ServiceError(status, provider_response, extra);
    return new ServiceError(502, `${connector.name} answered ${action.name} with HTTP ${status}`, extra);
  }
}
