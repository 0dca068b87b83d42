// What route modules receive: the services, the configuration and the auth hook.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services/index.js';

export interface RouteContext {
  services: Services;
  /** onRequest hook: 401 without a valid API key, else sets request.principal. */
  requireApiKey: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
  /** onRequest hook of routes agents may call too: an agent token (request.agent) or an API key. */
  requireCaller: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
}
