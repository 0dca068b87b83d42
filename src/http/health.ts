// GET /healthz: 200 once the store is migrated and answers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import type { RouteContext } from './context.js';
import { fail } from '../errors/fail.js';
import { sendError } from './errors.js';
import { errors } from './openapi/errors.js';
import { Health } from './wire-schemas.js';

export const healthRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const schema = { summary: 'Liveness: 200 once the store is migrated and answers', security: [], response: { 200: Health, ...errors(503) } };
    app.get('/healthz', { schema }, async (_request, reply) => {
      try {
        await ctx.services.store.db.execute(sql`select 1`);
        return { status: 'ok', store: ctx.services.store.kind };
      } catch {
        return sendError(reply, fail('store_unavailable'));
      }
    });
  };
