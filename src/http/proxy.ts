// POST /unified/proxy (COMPAT §8): a raw Stripe call with the linked account's key.
//
// Request: header x-account-id (required), Basic auth; body {url?, method?, path?, headers?, body?}.
//   - url + path are combined and guarded by resolveUpstreamPath (src/upstream/url-guard.ts): the
//     only origin allowed is Stripe's (`https://api.stripe.com`, or the configured base when it
//     points elsewhere, e.g. a stand-in). Anything else (another host, scheme or port, `@`,
//     `//`, `\`, encoded `/ . @`, dot segments, control characters) → 400 code url_refused,
//     and nothing is sent. Redirects are never followed (a 3xx comes back as data).
//   - method get|post|put|delete|patch (any case, default get).
//   - body: a JSON object. POST/PUT/PATCH: form-encoded in Stripe's bracket notation
//     (metadata[k]=v, items[0][price]=p); GET/DELETE: appended to the query string.
//   - headers: forwarded after filtering (hop-by-hop, Authorization, Cookie, Host, X-Forwarded-*
//     and x-account-id dropped); Stripe-Version, Stripe-Account, Stripe-Context and
//     Idempotency-Key pass through. The caller cannot set or override the key.
//     Every POST carries an Idempotency-Key (the caller's, else generated) reused on retries.
//
// Response (COMPAT §14.2, Linkhub's choice):
//   - Stripe answered 2xx → HTTP <same 2xx>, {status, headers, data}.
//   - Stripe answered anything else → HTTP 200, {status: <Stripe's>, headers, data: <Stripe's
//     error body>, provider_errors: [{status, url, raw, headers}], message?, code?}. Stripe's
//     own 4xx/5xx are data, not Linkhub failures: a Linkhub-level 401/403/404 would be mistaken
//     for Linkhub's own (bad API key, unknown account), and SDK 4.34 rejects non-2xx bodies
//     without Linkhub's error shape. On 401 the account is marked `error` (code invalid_key /
//     expired_key, account_status 'error'); on 403 `message` names the missing rak_ permission
//     and where to grant it (code missing_permission, permission).
//   - Linkhub's own failures use the error shape {statusCode, message, timestamp, ...}: 400 bad
//     input or url_refused, 404 unknown account, 412 account not callable, 429 Linkhub's
//     per-account throttle (Retry-After), 502/504 Stripe unreachable / timed out after retries.
// `data` is Stripe's JSON spliced in as received (no parse/re-serialise on the 2xx path).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { permissionLabel } from '../connectors/stripe/permissions.js';
import { STRIPE_PUBLIC_BASE } from '../services/calls/actions.js';
import { ServiceError } from '../errors/service-error.js';
import { grantHint, type SendResult } from '../services/calls/caller.js';
import { DROPPED_RESPONSE_HEADERS, filterForwardHeaders, filterResponseHeaders, formEncode, resolveUpstreamPath, UpstreamUrlError, withQuery } from '../upstream/index.js';
import type { UpstreamMethod } from '../upstream/index.js';
import { apiKeyActor } from './auth.js';
import type { RouteContext } from './context.js';
import { errors } from './openapi/errors.js';
import { Nullable } from './schemas.js';
import { AccountIdHeader, ProxyResponse } from './wire-schemas.js';

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
/** Headers of the proxy body never forwarded (besides the upstream layer's own list). */
const NOT_FORWARDED = ['x-account-id', 'content-type', 'content-length', 'x-connector-profile-id'];

export const ProxyBody = Type.Object(
  {
    url: Type.Optional(Nullable(Type.String({ maxLength: 2048, description: 'Base URL: https://api.stripe.com (optionally with a path prefix such as /v1)' }))),
    method: Type.Optional(Nullable(Type.String({ maxLength: 10, description: 'get | post | put | delete | patch (default get)' }))),
    path: Type.Optional(Nullable(Type.String({ maxLength: 16384, description: 'Path with query string, e.g. /v1/customers?limit=3' }))),
    headers: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    body: Type.Optional(Nullable(Type.Unknown({ description: 'JSON object: form-encoded for POST, query string for GET/DELETE' }))),
  },
  { additionalProperties: true },
);

/** Sets Retry-After on Linkhub's own retryable 429/503 (before the error handler renders the body). */
export async function retryAfterHeader(_request: FastifyRequest, reply: FastifyReply, err: FastifyError | Error): Promise<void> {
  if (err instanceof ServiceError && typeof err.extra.retry_after_ms === 'number') {
    reply.header('retry-after', String(Math.max(1, Math.ceil(err.extra.retry_after_ms / 1000))));
  }
}

export function accountIdHeader(request: FastifyRequest, fallback?: unknown): string {
  const h = request.headers['x-account-id'];
  const v = (Array.isArray(h) ? h[0] : h) ?? (typeof fallback === 'string' ? fallback : undefined);
  if (typeof v !== 'string' || v.trim() === '') {
    throw new ServiceError(400, 'Missing account: send the linked account id in the x-account-id header', { code: 'missing_account_id', field: 'x-account-id' });
  }
  return v.trim();
}

const json = JSON.stringify;

/** resolveUpstreamPath is pure for a fixed base: remember recent answers (accepted and refused). */
const pathCache = new Map<string, string | UpstreamUrlError>();
function guardedPath(base: string, url: string | null | undefined, path: string | null | undefined): string {
  const key = `${base}\u0000${url ?? ''}\u0000${path ?? ''}`;
  let hit = pathCache.get(key);
  if (hit === undefined) {
    try {
      hit = resolveUpstreamPath(base, { url, path }, { aliases: [STRIPE_PUBLIC_BASE] });
    } catch (e) {
      if (!(e instanceof UpstreamUrlError)) throw e;
      hit = e;
    }
    if (pathCache.size >= 2048) pathCache.clear();
    pathCache.set(key, hit);
  }
  if (typeof hit !== 'string') throw hit;
  return hit;
}

/** The last `"name":"value"` JSON fragment built per header name: most values repeat from one answer to the next. */
const fragments = new Map<string, { value: string; json: string }>();

/**
 * The JSON object of the response headers returned to the caller (filterResponseHeaders' rules).
 * undici already parsed and validated them (names lowercased, values strings), so only the drop
 * rules apply here, and repeated name/value pairs reuse their JSON.
 */
function responseHeadersJson(h: Record<string, string>): string {
  const connection = h.connection;
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return json(filterResponseHeaders(h));
  let out = '';
  for (const k in h) {
    if (DROPPED_RESPONSE_HEADERS.has(k) || k.startsWith('proxy-')) continue;
    const v = h[k];
    let f = fragments.get(k);
    if (f === undefined || f.value !== v) {
      f = { value: v, json: `${json(k)}:${json(v)}` };
      if (fragments.size < 256 || fragments.has(k)) fragments.set(k, f);
    }
    out += (out === '' ? '{' : ',') + f.json;
  }
  return out === '' ? '{}' : out + '}';
}

/** head + data + tail in one buffer (one allocation, one copy of Stripe's body). */
function joined(head: string, data: Buffer, tail: string): Buffer {
  const headLen = Buffer.byteLength(head);
  const tailLen = Buffer.byteLength(tail);
  const out = Buffer.allocUnsafe(headLen + data.length + tailLen);
  out.write(head, 0);
  data.copy(out, headLen);
  out.write(tail, headLen + data.length);
  return out;
}

/**
 * The proxy envelope as bytes: Stripe's JSON body is spliced in as received (no decode, parse
 * or re-serialisation on the success path); only the small head and tail are built here.
 */
function envelope(r: SendResult, path: string): Buffer {
  const res = r.response;
  const type = res.headers['content-type'] ?? '';
  const buf = res.body;
  const raw = buf.length > 0 && type.includes('json') && (buf[0] === 0x7b /* { */ || buf[0] === 0x5b); /* [ */
  const data: Buffer = raw ? buf : Buffer.from(buf.length === 0 ? 'null' : json(buf.toString('utf8')));
  const head = `{"status":${res.status},"headers":${responseHeadersJson(res.headers)},"data":`;
  if (res.status >= 200 && res.status < 300) return joined(head, data, '}');
  const tail = `,"provider_errors":[{"status":${res.status},"url":${json(STRIPE_PUBLIC_BASE + path.split('?')[0])},"raw":`;
  const tail2 = `,"headers":${json({ 'request-id': res.requestId ?? undefined })}}]`;
  const extra: Record<string, unknown> = {};
  if (r.keyRejected) {
    extra.code = r.keyRejected.code;
    extra.message = r.keyRejected.message;
    extra.account_status = 'error';
  } else if (r.forbidden) {
    const p = r.forbidden.permission;
    extra.code = r.forbidden.closedToRestrictedKeys ? 'not_available_to_restricted_keys' : 'missing_permission';
    extra.permission = p;
    extra.message = r.forbidden.closedToRestrictedKeys
      ? 'This endpoint is not available to restricted keys: link a secret key (sk_…) for this account to use it.'
      : `This account's restricted Stripe key lacks the '${p ?? 'unknown'}' permission${p ? ` (${permissionLabel(p)})` : ''}. ${grantHint(p)}`;
  } else if (r.providerError?.message) {
    extra.message = r.providerError.message;
    if (r.providerError.code) extra.code = r.providerError.code;
  }
  let end = tail2;
  for (const [k, v] of Object.entries(extra)) end += `,${json(k)}:${json(v)}`;
  return Buffer.concat([Buffer.from(head), data, Buffer.from(tail), data, Buffer.from(end + '}')]);
}

export const proxyRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const calls = ctx.services.stripeCalls;
    app.addHook('onRequest', ctx.requireApiKey); // before the body is read or validated: no key, no parsing
    app.addHook('onError', retryAfterHeader);

    app.post(
      '/unified/proxy',
      {
        schema: {
          summary: 'Proxy a raw Stripe request with the linked account\'s key',
          description:
            'Header x-account-id: the linked account. Stripe only: `url` must be https://api.stripe.com (anything else is refused with 400 and never sent). JSON `body` is form-encoded for POST, ' +
            'put in the query string for GET/DELETE. Stripe\'s answer comes back as {status, headers, data}: HTTP 2xx for Stripe 2xx, HTTP 200 with ' +
            '`status` ≥ 400 and `provider_errors` for Stripe errors. Linkhub\'s own failures (bad input, unknown account, throttled, Stripe unreachable) use the error shape.',
          tags: ['Proxy'],
          // x-account-id (required) is read by the handler; no header schema (it would cost every call).
          body: ProxyBody,
          docOnly: { headers: AccountIdHeader },
          // the 2xx answer is sent as bytes (Stripe's body spliced in): this schema documents, never serialises it
          response: { '2xx': ProxyResponse, ...errors(400, 401, 404, 412, 429, 502, 503, 504) },
        },
      },
      async (request, reply) => {
        const projectId = request.principal.project.id;
        const accountId = accountIdHeader(request);
        const b = request.body ?? {};
        const method = (b.method ?? 'get').toUpperCase();
        if (!METHODS.has(method)) throw new ServiceError(400, `method must be one of get, post, put, delete, patch (got ${json(b.method)})`, { code: 'invalid_input', field: 'method' });
        const payload = b.body;
        if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
          throw new ServiceError(400, 'body must be a JSON object (it is form-encoded for Stripe)', { code: 'invalid_input', field: 'body' });
        }
        const account = calls.cached(projectId, accountId) ?? (await calls.resolve(projectId, accountId));
        const target = { projectId, accountId: account.row.id, actor: apiKeyActor(request), source: 'proxy' as const, action: null };

        let path: string;
        try {
          path = guardedPath(calls.base, b.url, b.path);
        } catch (e) {
          if (!(e instanceof UpstreamUrlError)) throw e;
          calls.noteRefused(target, account, method, String(b.path ?? ''), 'url_refused', payload ?? null);
          throw new ServiceError(400, `Refused: ${e.message}`, { code: 'url_refused', reason: e.reason });
        }
        let body: string | null = null;
        if (payload) {
          if (method === 'GET' || method === 'DELETE') path = withQuery(path, payload);
          else body = formEncode(payload);
        }
        const r = await calls.send(
          target,
          {
            method: method as UpstreamMethod,
            path,
            headers: b.headers ? filterForwardHeaders(b.headers, NOT_FORWARDED) : undefined,
            body,
            contentType: body !== null ? 'application/x-www-form-urlencoded' : undefined,
            logBody: payload ?? null,
          },
          account,
        );
        const status = r.response.status;
        return reply
          .code(status >= 200 && status < 300 ? status : 200)
          .type('application/json')
          .send(envelope(r, path));
      },
    );
  };
