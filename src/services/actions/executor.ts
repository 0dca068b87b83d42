// The action executor that POST /actions/rpc and the MCP server share:
//
//   execute({projectId, accountId, actor, action, path?, query?, headers?, body?, next?, source?, signal?})
//        → {data, next, status, requestId, attempts}
//     Validates the input against the action's JSON Schema BEFORE anything is sent, then calls the
//     provider through AccountCaller (throttle, retries, idempotency key on POST, call log + audit).
//     List actions return `data` = the items and `next` = the cursor to pass back.
//     Throws catalogue errors (rendered as {statusCode, message, timestamp, code, ...extra}):
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
import { randomUUID } from 'node:crypto';
import { connectorOfAction } from '../../connectors/registry.js';
import type { ConnectorAction, ConnectorDefinition } from '../../connectors/types.js';
import { fail, type LinkhubError, providerFailure } from '../../errors/fail.js';
import { appendQuery, resolveUpstreamPath, UpstreamUrlError } from '../../upstream/index.js';
import { providerErrors } from '../calls/answers.js';
import type { AccountCaller, SendResult } from '../calls/caller.js';
import type { Actor } from '../logs/actor.js';
import type { RequestTrace } from '../logs/request-trace.js';
import type { GateOutcome } from '../agents/gate-types.js';
import type { AgentGate } from '../agents/gate.js';
import { sendGated } from '../agents/stored-answer.js';
import type { AgentPrincipal } from '../agents/tokens.js';
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
  /** The agent token executing it, whose policy applies (null/absent: the platform API key). */
  agent?: AgentPrincipal | null;
  /** Who is executing (call log `source`); default 'rpc'. */
  source?: 'rpc' | 'mcp';
  /** The HTTP request this execution serves (its traceparent goes upstream, its warnings to its log). */
  trace?: RequestTrace;
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
const invalid = (field: string, problem: string, extra: Record<string, unknown> = {}) => fail('invalid_input', { field, problem }, { field, ...extra });

/** The action called `name` and its connector, or undefined. */
export function findAction(name: string): { connector: ConnectorDefinition; action: ConnectorAction } | undefined {
  const connector = connectorOfAction(name);
  const action = connector?.actions.catalogue().byName.get(name);
  return connector && action ? { connector, action } : undefined;
}

export class ActionExecutor {
  private readonly inputs = new ActionInputs();

  constructor(
    private readonly caller: AccountCaller,
    private readonly gate: AgentGate,
  ) {}

  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    const found = findAction(input.action);
    if (!found) throw fail('unknown_action', { action: input.action, hint: 'see GET /actions for the catalogue' });
    const { connector, action } = found;
    for (const k of SECTIONS) {
      const v = input[k];
      if (v !== undefined && v !== null && !isObject(v)) throw invalid(k, 'must be an object');
    }
    const query = input.next && action.pagination ? connector.actions.withCursor(action, input.query ?? null, input.next) : (input.query ?? null);
    const problem = this.inputs.check(action, { path: input.path, query, headers: input.headers, body: input.body });
    if (problem)
      throw fail(
        'invalid_input',
        { field: problem.field || 'input', problem: `${problem.problem} (${action.name})` },
        { field: problem.field, action: action.name },
      );
    if (action.contentType === 'multipart/form-data') {
      throw fail('not_supported', { action: action.name });
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
      const params = { action: action.name, connector: connector.name, account: account.row.id, account_connector: account.profile.connector.name };
      throw fail('action_not_for_account', params, { action: action.name });
    }
    const target = {
      projectId: input.projectId,
      accountId: account.row.id,
      actor: input.actor,
      source: input.source ?? 'rpc',
      action: action.name,
      trace: input.trace,
    } as const;
    const contentType = body !== null ? encoding.contentType : undefined;
    let gated: GateOutcome | null = null;
    if (input.agent && this.gate.policyOf(input.agent, account)) {
      const sections = [input.path, query, input.body];
      const given = idempotencyKey;
      gated = await this.gate.check({
        principal: input.agent,
        account,
        target,
        method: action.method,
        path,
        action,
        param: (name) => sections.find((s) => s && s[name] !== undefined)?.[name],
        body,
        headers,
        held: () => {
          idempotencyKey ??= `linkhub-${randomUUID()}`;
          return { method: action.method, path, body, contentType: contentType ?? null, params: input.body ?? null, headers, idempotencyKey };
        },
        idempotencyKey: given,
      });
    }
    const res = await sendGated(gated, account, () =>
      this.caller.send(
        target,
        { method: action.method, path, headers, body, contentType, idempotencyKey, base, logBody: input.body ?? null, signal: input.signal },
        account,
      ),
    );
    return this.interpret(connector, action, res, path);
  }

  /** The guarded request target: path parameters filled in, then the query string (and a GET's body). */
  private target(
    connector: ConnectorDefinition,
    action: ConnectorAction,
    base: string,
    params: Record<string, unknown>,
    query: Record<string, unknown> | null,
    bodyQuery: Record<string, unknown> | null | undefined,
  ): string {
    let bad: string | null = null;
    let path = action.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = String(params[name]);
      if (v === '.' || v === '..') bad = name;
      return encodeURIComponent(v);
    });
    if (bad) throw invalid(`path.${bad}`, 'is not a valid id');
    for (const params of [query, bodyQuery]) if (params) path = appendQuery(path, connector.api.encoding.query(params));
    try {
      return resolveUpstreamPath(base, { path });
    } catch (e) {
      if (e instanceof UpstreamUrlError) throw invalid('path', `is not valid: ${e.message}`, { reason: e.reason });
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
        return {
          ...meta,
          data: { content_type: type || action.responseContentType, encoding: 'base64', content: response.body.toString('base64') },
          next: null,
        };
      }
      let parsed: unknown = null;
      if (response.body.length > 0) {
        try {
          parsed = JSON.parse(response.body.toString('utf8'));
        } catch {
          throw fail('provider_unreadable', { provider: connector.name, action: action.name, answer: 'a body that is not JSON' });
        }
      }
      const page = action.list ? connector.actions.readList(action, parsed, path) : null;
      return page ? { ...meta, data: page.items, next: page.next } : { ...meta, data: parsed, next: null };
    }
    throw this.refusal(connector, action, r, path);
  }

  /** The catalogue error for a non-2xx answer. */
  private refusal(connector: ConnectorDefinition, action: ConnectorAction, r: SendResult, path: string): LinkhubError {
    const { response } = r;
    const status = response.status;
    const pe = r.providerError;
    const provider_errors = providerErrors(connector, r, path);
    const provider_response = pe?.message ?? `${connector.name} answered HTTP ${status}`;
    if (r.keyRejected) {
      const params = { provider: connector.name, account: r.account.row.id };
      const extra = { action: action.name, account_id: r.account.row.id, account_status: 'error', provider_response, provider_errors };
      return fail(r.keyRejected.code === 'expired_key' ? 'stored_key_expired' : 'stored_key_invalid', params, extra);
    }
    if (r.forbidden) {
      const { permission, closedToRestrictedKeys } = r.forbidden;
      if (closedToRestrictedKeys || (!permission && action.permission === null)) {
        const params = { what: `Action ${action.name}`, secret_key: connector.keyNames.secret };
        return fail('not_available_to_restricted_keys', params, { action: action.name, permission: null, provider_response, provider_errors });
      }
      const perm = permission ?? action.permission;
      const p = connector.api.permissions;
      const params = {
        action: action.name,
        permission: String(perm),
        label: perm ? p.label(perm) : 'unknown',
        provider: connector.name,
        grant_hint: p.grantHint(perm),
      };
      return fail('action_missing_permission', params, {
        action: action.name,
        permission: perm,
        grant_hint: p.grantHint(null),
        provider_response,
        provider_errors,
      });
    }
    // The provider's own code stays the wire code (resource_missing …): StackOne's clients read it.
    const answer = { status, code: pe?.code ?? pe?.type ?? null };
    const extra = { param: pe?.param ?? undefined, provider_response, provider_errors, request_id: response.requestId };
    if (r.rateLimited)
      return providerFailure('provider_rate_limited', { status, code: pe?.code ?? null }, { provider: connector.name, provider_response }, extra);
    if (status >= 500) {
      const attempts = `${response.attempts} attempt${response.attempts === 1 ? '' : 's'}`;
      const params = { provider: connector.name, action: action.name, status, attempts, provider_response };
      return providerFailure('provider_failed', answer, params, { ...extra, retryable: pe?.code !== undefined });
    }
    if (status >= 400) return providerFailure('provider_error', answer, { provider_response }, extra);
    return fail('provider_unreadable', { provider: connector.name, action: action.name, answer: `HTTP ${status}` }, extra);
  }
}
