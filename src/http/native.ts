// The provider's own API paths (e.g. /v1/…), served to the provider's SDKs with an
// agent token as their key (the service is src/services/calls/native.ts). Linkhub's refusals on
// these paths take the provider's error shape (sendError, connector.agents.nativeError) so the SDK
// raises the right exception; the provider's own answers pass unchanged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AgentPrincipal, pickAccount } from '../services/agents/tokens.js';
import { agentAuth, headerValue } from './agent-auth.js';
import type { RouteContext } from './context.js';
import { answerFor, nativePrefixes, sendError } from './errors.js';

/** The header naming which of the token's accounts a call acts on. */
export const ACCOUNT_HEADER = 'linkhub-account';

export const nativeRoutes = (ctx: RouteContext) => async (app: FastifyInstance) => {
  const { agentTokens, native } = ctx.services;
  // The SDK's body is sent on as bytes, whatever its type (a form for /v1, JSON for /v2).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const authenticate = agentAuth(agentTokens);

  for (const [prefix, agents] of nativePrefixes()) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = request.agent as AgentPrincipal; // set by the onRequest hook
      const accountId = pickAccount(principal, headerValue(request, ACCOUNT_HEADER), 'the Linkhub-Account header');
      const r = await native.call({
        principal,
        accountId,
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.isBuffer(request.body) ? request.body : null,
        trace: request,
      });
      return reply.code(r.status).headers(r.headers).send(r.body);
    };
    app.route({
      method: ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'],
      url: `${prefix}*`,
      // not served (the SDKs never send it): a 404 in the provider's shape like any other method, not a 400 without a body
      exposeHeadRoute: false,
      bodyLimit: agents.nativeBodyLimit,
      schema: { hide: true },
      onRequest: authenticate,
      handler,
      errorHandler: (err, request, reply) => sendError(reply, answerFor(err, request)),
    });
  }
};
