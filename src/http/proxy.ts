// POST /unified/proxy: a raw provider call with the linked account's key (the service is
// src/services/calls/proxy.ts). Header x-account-id names the account; Basic auth.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { fail, LinkhubError } from '../errors/fail.js';
import { callerOf, headerValue } from './agent-auth.js';
import type { RouteContext } from './context.js';
import { errors } from './openapi/errors.js';
import { Nullable } from './schemas.js';
import { AccountIdHeader, ProxyResponse } from './wire-schemas.js';

export const ProxyBody = Type.Object(
  {
    url: Type.Optional(
      // raw: the URL guard refuses control characters itself, with the reason (url_refused)
      Nullable(
        Type.String({ maxLength: 2048, 'x-text': 'raw', description: "Base URL: the account's provider API root (optionally with a path prefix such as /v1)" }),
      ),
    ),
    method: Type.Optional(Nullable(Type.String({ maxLength: 10, description: 'get | post | put | delete | patch (default get)' }))),
    path: Type.Optional(Nullable(Type.String({ maxLength: 16384, 'x-text': 'raw', description: 'Path with query string, e.g. /v1/customers?limit=3' }))),
    headers: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
    body: Type.Optional(
      Nullable(Type.Unknown({ description: 'JSON object: encoded as the provider takes it for POST/PUT/PATCH, query string for GET/DELETE' })),
    ),
  },
  { additionalProperties: true },
);

/** Sets Retry-After on Linkhub's own retryable 429/503 (before the error handler renders the body). */
export async function retryAfterHeader(_request: FastifyRequest, reply: FastifyReply, err: FastifyError | Error): Promise<void> {
  if (err instanceof LinkhubError && typeof err.extra.retry_after_ms === 'number') {
    reply.header('retry-after', String(Math.max(1, Math.ceil(err.extra.retry_after_ms / 1000))));
  }
}

export function accountIdHeader(request: FastifyRequest, fallback?: unknown): string {
  const h = request.headers['x-account-id'];
  const v = (Array.isArray(h) ? h[0] : h) ?? (typeof fallback === 'string' ? fallback : undefined);
  if (typeof v !== 'string' || v.trim() === '') {
    throw fail('missing_account_id', { where: 'the x-account-id header' }, { field: 'x-account-id' });
  }
  return v.trim();
}

export const proxyRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const proxy = ctx.services.proxy;
    app.addHook('onRequest', ctx.requireCaller); // before the body is read or validated: no key or token, no parsing
    app.addHook('onError', retryAfterHeader);

    app.post(
      '/unified/proxy',
      {
        schema: {
          summary: "Proxy a raw provider request with the linked account's key",
          description:
            "Header x-account-id: the linked account. Locked to the account's provider: `url` must be its API root (anything else is refused with 400 and never sent). " +
            'JSON `body` is encoded as the provider takes it for POST, put in the query string for GET/DELETE. The answer comes back as {status, headers, data}: ' +
            'HTTP 2xx for a provider 2xx, HTTP 200 with `status` ≥ 400 and `provider_errors` for provider errors. ' +
            "Linkhub's own failures (bad input, unknown account, throttled, provider unreachable) use the error shape.",
          tags: ['Proxy'],
          // x-account-id (required) is read by the handler; no header schema (it would cost every call).
          body: ProxyBody,
          docOnly: { headers: AccountIdHeader },
          // the 2xx answer is sent as bytes (the provider's body spliced in): this schema documents, never serialises it
          response: { '2xx': ProxyResponse, ...errors(400, 401, 404, 412, 429, 502, 503, 504) },
        },
      },
      async (request, reply) => {
        const c = callerOf(request, () => accountIdHeader(request), headerValue(request, 'x-account-id'));
        const r = await proxy.call(c.projectId, c.accountId, c.actor, request.body ?? {}, request, c.agent);
        return reply.code(r.status).type('application/json').send(r.payload);
      },
    );
  };
