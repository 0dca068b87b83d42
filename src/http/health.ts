// GET /healthz (alive) and GET /readyz (ready to take traffic), both without authentication and
// both naming the build. Liveness asks nothing of the store on purpose: a database outage is not
// cured by restarting the process, so an orchestrator that restarts on a failed liveness probe
// must not see one; it should stop routing to the node instead, which is what /readyz is for.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buildInfo } from '../build-info.js';
import { fail } from '../errors/fail.js';
import { missingMigrations } from '../store/migrations.js';
import type { RouteContext } from './context.js';
import { sendError } from './errors.js';
import { errors } from './openapi/errors.js';
import { Health, Ready } from './wire-schemas.js';

export const healthRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const build = { store: ctx.services.store.kind, version: buildInfo.version, commit: buildInfo.commit };
    const liveSchema = { summary: 'Liveness: 200 while the process serves HTTP (the store is not asked)', security: [], response: { 200: Health } };
    app.get('/healthz', { schema: liveSchema }, async () => ({ status: 'ok' as const, ...build }));

    // While shutting down, the onRequest hook of app.ts answers every request, this one included,
    // with 503 shutting_down before it gets here.
    const readySchema = {
      summary: "Readiness: 200 when the store answers, has this version's migrations and the node is not shutting down",
      security: [],
      response: { 200: Ready, ...errors(503) },
    };
    app.get('/readyz', { schema: readySchema }, async (_request, reply) => {
      let missing: string[];
      try {
        missing = await missingMigrations(ctx.services.store.db);
      } catch {
        return sendError(reply, fail('store_unavailable'));
      }
      if (missing.length > 0) return sendError(reply, fail('store_not_migrated', { missing: missing.join(', ') }));
      return { status: 'ready' as const, ...build };
    });
  };
