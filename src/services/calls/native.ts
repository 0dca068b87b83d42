// The provider's own API, served as it is to its own SDKs (given an agent token as their key):
// the SDK's request goes upstream with the linked account's key instead of the agent token, its
// headers forwarded (account, context, version, idempotency key), and the provider's answer comes
// back unchanged: status, headers (its request id) and body bytes. The agent policy is applied
// first (./../agents/gate.ts); throttle and the call log are the shared call path's; retries are the
// SDK's own (one attempt per request here, see `retries` below).
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors/fail.js';
import type { ConnectorAgentSupport } from '../../connectors/agents.js';
import type { HeldRequest } from '../../store/schema.js';
import { filterForwardHeaders, filterResponseHeaders, type UpstreamMethod, UpstreamUrlError } from '../../upstream/index.js';
import type { AgentGate } from '../agents/gate.js';
import { callParams } from '../agents/form-params.js';
import { sendGated } from '../agents/stored-answer.js';
import type { AgentPrincipal } from '../agents/tokens.js';
import type { RequestTrace } from '../logs/request-trace.js';
import type { AccountCaller } from './caller.js';
import { guardedPath } from './guarded-path.js';

export interface NativeRequest {
  principal: AgentPrincipal;
  accountId: string;
  method: string;
  /** The path and query as the SDK sent them (`/v1/customers?limit=3`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | null;
  trace?: RequestTrace;
}

export interface NativeAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
/** Linkhub's own request headers, never sent upstream (the credential header is dropped by the upstream layer's list). */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['linkhub-account', 'content-length', 'content-type', 'idempotency-key']);
/** Framing is the server's own; the provider's body is sent as bytes with its length. */
const NOT_RETURNED: ReadonlySet<string> = new Set(['content-length', 'content-encoding']);

/** Bodies read as text (parameters the policy can see); any other (a multipart file upload) is sent as bytes. */
const isText = (contentType: string | undefined) => !contentType || /^(application\/(x-www-form-urlencoded|json)|text\/)/i.test(contentType.trim());

/** Where a call goes: the API root, or the host the connector serves it from (a file upload). */
export function nativeOrigin(agents: ConnectorAgentSupport | undefined, method: string, path: string): string | undefined {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  return agents?.nativeOrigins.find((o) => o.method === method && samePath(o.path, bare))?.origin;
}

/** `path` is the template's: the same segments, a `{name}` segment matching any one non-empty segment. */
function samePath(template: string, path: string): boolean {
  if (!template.includes('{')) return template === path;
  const want = template.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((w, i) => (w.startsWith('{') && w.endsWith('}') ? got[i] !== '' : w === got[i]));
}

export class NativeService {
  constructor(
    private readonly calls: AccountCaller,
    private readonly gate: AgentGate,
  ) {}

  async call(r: NativeRequest): Promise<NativeAnswer> {
    const method = r.method.toUpperCase();
    if (!METHODS.has(method)) throw fail('invalid_input', { field: 'method', problem: `${r.method} is not served` }, { field: 'method' });
    const account = this.calls.cached(r.principal.projectId, r.accountId) ?? (await this.calls.resolve(r.principal.projectId, r.accountId));
    const profile = account.profile;
    let path: string;
    try {
      path = guardedPath(profile, undefined, r.url);
    } catch (e) {
      if (!(e instanceof UpstreamUrlError)) throw e;
      throw fail('url_refused', { problem: e.message }, { reason: e.reason });
    }
    const contentType = typeof r.headers['content-type'] === 'string' ? r.headers['content-type'] : undefined;
    const headers = filterForwardHeaders(r.headers, NOT_FORWARDED);
    const given = r.headers['idempotency-key'];
    const callerKey = typeof given === 'string' && given ? given : null;
    const raw = r.body && r.body.length > 0 ? r.body : null;
    const text = isText(contentType);
    const body = raw && text ? raw.toString('utf8') : raw;
    const base = this.calls.profiles.actionBase(profile, nativeOrigin(profile.connector.agents, method, path));
    const target = {
      projectId: r.principal.projectId,
      accountId: account.row.id,
      actor: { type: 'agent_token' as const, id: r.principal.tokenId },
      source: 'native' as const,
      action: this.gate.actionName(profile.connector, method, path),
      trace: r.trace,
    };

    let idempotencyKey = callerKey;
    const gated = this.gate.policyOf(r.principal, account)
      ? await this.gate.check({
          principal: r.principal,
          account,
          target,
          method,
          path,
          param: callParams(method, path, r.body, contentType, profile.connector.api.encoding.contentType),
          body,
          headers,
          held: (): HeldRequest => {
            // a held call must keep one key from now on: the approver's send and the agent's repeat use it
            if (typeof body !== 'string' && body !== null) {
              throw fail('invalid_input', { field: 'body', problem: 'a file upload cannot be held for approval' }, { field: 'body' });
            }
            idempotencyKey ??= `linkhub-${randomUUID()}`;
            return { method, path, body, contentType: contentType ?? null, params: body ?? null, headers, idempotencyKey };
          },
          idempotencyKey: callerKey,
        })
      : null;
    const req = {
      method: method as UpstreamMethod,
      path,
      base,
      headers,
      body,
      contentType: body !== null ? contentType : undefined,
      idempotencyKey,
      logBody: typeof body === 'string' || body === null ? body : `[${body.length} bytes of ${contentType ?? 'data'}]`,
      // The SDK retries (its own setting, with the same idempotency key) and waits as long as its
      // timeout: one attempt here, with a deadline as long as the SDK's (retries on both sides multiplied
      // the attempts, 9 for the SDK's 2; a 10-s deadline failed every call the provider took longer on)
      retries: 0,
      timeoutMs: profile.connector.agents?.nativeTimeoutMs,
    };
    // no policy on the call: sent as it is, without the gate's wrapper
    const res = gated === null ? await this.calls.send(target, req, account) : await sendGated(gated, account, () => this.calls.send(target, req, account));
    return { status: res.response.status, headers: filterResponseHeaders(res.response.headers, NOT_RETURNED), body: res.response.body };
  }
}
