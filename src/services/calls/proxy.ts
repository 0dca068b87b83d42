// POST /unified/proxy as a service: a raw provider call with the linked account's key
// (StackOne's proxy, docs/stackone-compat.md#proxy).
//   - url + path are combined and guarded by resolveUpstreamPath (src/upstream/url-guard.ts): the
//     only origin allowed is the account's provider API (its public root, or the configured base
//     when it points elsewhere, e.g. a stand-in). Anything else (another host, scheme or port, `@`,
//     `//`, `\`, encoded `/ . @`, dot segments, control characters) → 400 code url_refused, and
//     nothing is sent. Redirects are never followed (a 3xx comes back as data).
//   - method get|post|put|delete|patch (any case, default get).
//   - body: a JSON object, encoded as the provider takes it for POST/PUT/PATCH (the connector's
//     encoding, e.g. form fields in bracket notation); for GET/DELETE appended to the query string.
//   - headers: forwarded after filtering (hop-by-hop, the credential header, Cookie, Host,
//     X-Forwarded-* and x-account-id dropped). The caller cannot set or override the key. Every POST
//     carries an idempotency key (the caller's, else generated) reused on retries. At most 64 headers
//     and 8 KiB of names and values (400 invalid_input, nothing sent): a Node server keeps only its
//     first 1,000 headers, so more would push Linkhub's own Authorization out of the request.
// The answer (proxy-envelope.ts) is HTTP <same 2xx> for a provider 2xx, and HTTP 200 with the
// provider's status inside for anything else: the provider's own 4xx/5xx are data, not Linkhub
// failures (a Linkhub-level 401/403/404 would be mistaken for Linkhub's own: bad API key, unknown
// account), and StackOne's SDK 4.34 rejects non-2xx bodies without Linkhub's error shape.
import { randomUUID } from 'node:crypto';
import { fail } from '../../errors/fail.js';
import { appendQuery, filterForwardHeaders, type UpstreamMethod, UpstreamUrlError } from '../../upstream/index.js';
import { callParams } from '../agents/form-params.js';
import type { GateOutcome } from '../agents/gate-types.js';
import type { AgentGate } from '../agents/gate.js';
import { sendGated } from '../agents/stored-answer.js';
import type { AgentPrincipal } from '../agents/tokens.js';
import type { Actor } from '../logs/actor.js';
import type { RequestTrace } from '../logs/request-trace.js';
import type { AccountCaller } from './caller.js';
import { guardedPath } from './guarded-path.js';
import { proxyEnvelope } from './proxy-envelope.js';

export interface ProxyInput {
  url?: string | null;
  method?: string | null;
  path?: string | null;
  headers?: Record<string, unknown> | null;
  body?: unknown;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
/** Headers of the proxy body never forwarded (besides the upstream layer's own list). */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['x-account-id', 'content-type', 'content-length', 'x-connector-profile-id']);
/** Caps on the caller's headers, far above what an API call needs and far below what servers drop or refuse (16 KiB). */
export const MAX_FORWARDED_HEADERS = 64;
export const MAX_FORWARDED_HEADER_BYTES = 8192;

/** The caller's headers, filtered, within the caps; else 400 invalid_input naming `headers`. */
function forwardedHeaders(input: Record<string, unknown>): Record<string, string> {
  const refuse = (problem: string) => fail('invalid_input', { field: 'headers', problem }, { field: 'headers' });
  const count = Object.keys(input).length;
  if (count > MAX_FORWARDED_HEADERS) throw refuse(`has ${count} headers: at most ${MAX_FORWARDED_HEADERS} are forwarded`);
  const headers = filterForwardHeaders(input, NOT_FORWARDED);
  let bytes = 0;
  for (const [k, v] of Object.entries(headers)) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (bytes > MAX_FORWARDED_HEADER_BYTES) throw refuse(`are ${bytes} bytes of names and values: at most ${MAX_FORWARDED_HEADER_BYTES} bytes are forwarded`);
  return headers;
}

export class ProxyService {
  constructor(
    private readonly calls: AccountCaller,
    private readonly gate: AgentGate,
  ) {}

  /** One proxied call: the HTTP status to answer with and the envelope's bytes. An agent's call passes its policy first. */
  async call(
    projectId: string,
    accountId: string,
    actor: Actor,
    b: ProxyInput,
    trace?: RequestTrace,
    agent?: AgentPrincipal | null,
  ): Promise<{ status: number; payload: Buffer }> {
    const method = (b.method ?? 'get').toUpperCase();
    if (!METHODS.has(method)) {
      throw fail(
        'invalid_input',
        { field: 'method', problem: `must be one of get, post, put, delete, patch (got ${JSON.stringify(b.method)})` },
        { field: 'method' },
      );
    }
    const payload = b.body;
    if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
      throw fail('invalid_input', { field: 'body', problem: 'must be a JSON object (it is encoded for the provider)' }, { field: 'body' });
    }
    const headers = b.headers ? forwardedHeaders(b.headers) : undefined;
    const calls = this.calls;
    const account = calls.cached(projectId, accountId) ?? (await calls.resolve(projectId, accountId));
    const target = { projectId, accountId: account.row.id, actor, source: 'proxy' as const, action: null, trace };
    const profile = account.profile;

    let path: string;
    try {
      path = guardedPath(profile, b.url, b.path);
    } catch (e) {
      if (!(e instanceof UpstreamUrlError)) throw e;
      calls.noteRefused(target, account, method, String(b.path ?? ''), 'url_refused', payload ?? null);
      throw fail('url_refused', { problem: e.message }, { reason: e.reason });
    }
    const encoding = profile.connector.api.encoding;
    let body: string | null = null;
    if (payload) {
      if (method === 'GET' || method === 'DELETE') path = appendQuery(path, encoding.query(payload));
      else body = encoding.body(payload);
    }
    const contentType = body !== null ? encoding.contentType : undefined;
    let gated: GateOutcome | null = null;
    if (agent && this.gate.policyOf(agent, account)) {
      const given = headers?.['idempotency-key'] ?? null;
      let idem = given;
      gated = await this.gate.check({
        principal: agent,
        account,
        target,
        method,
        path,
        // read from what is sent, as the provider reads it: the payload's keys are encoded into names such as
        // `[amount]` (a key ""), which a provider's parser may file under `amount` (form-params.ts)
        param: callParams(method, path, body, contentType ?? null, encoding.contentType),
        body,
        headers,
        held: () => {
          idem ??= `linkhub-${randomUUID()}`;
          const { 'idempotency-key': _, ...rest } = headers ?? {};
          return { method, path, body, contentType: contentType ?? null, params: payload ?? null, headers: rest, idempotencyKey: idem };
        },
        idempotencyKey: given,
      });
    }
    const req = { method: method as UpstreamMethod, path, headers, body, contentType, logBody: payload ?? null };
    // no gate on the call (no agent, or no policy): sent as it is, without the gate's wrapper
    const r = gated === null ? await calls.send(target, req, account) : await sendGated(gated, account, () => calls.send(target, req, account));
    const status = r.response.status;
    return { status: status >= 200 && status < 300 ? status : 200, payload: proxyEnvelope(r, path) };
  }
}
