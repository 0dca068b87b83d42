// What route modules receive: the services, the configuration and the auth hook.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services/index.js';

export interface RouteContext {
  services: Services;
  requireApiKey: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}
