// The project setting that lets customers' sites frame the Auth Link page (/link: its CSP
// `frame-ancestors`, see index.ts): read and replaced through the platform API (API key) and the
// dashboard API (session cookie, CSRF guard), both over services.frameOrigins. Registered with the
// Hub's pages (webRoutes), whose framing it governs.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RouteContext } from '../context.js';
import { csrfGuard, requireAdmin } from '../dashboard/session.js';
import { errors } from '../openapi/errors.js';

const Origins = Type.Array(Type.String({ maxLength: 300 }), {
  maxItems: 32,
  description:
    "Origins allowed to frame this project's Auth Link page (/link) in an iframe, besides Linkhub's own: https://host[:port], or https://*.host for its subdomains. Empty: only Linkhub's origin.",
});
export const FrameSettings = Type.Object({ allowed_frame_origins: Origins });
const FrameSettingsPatch = Type.Object({ allowed_frame_origins: Origins }, { additionalProperties: false });

export const frameSettingsRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { frameOrigins, adminAuth, config } = ctx.services;

    await app.register(async (instance) => {
      const platform = instance.withTypeProvider<TypeBoxTypeProvider>();
      platform.addHook('onRequest', ctx.requireApiKey);
      const tags = ['Project'];
      platform.get(
        '/project/settings',
        { schema: { summary: "The project's settings", tags, response: { 200: FrameSettings, ...errors(401) } } },
        async (request) => ({ allowed_frame_origins: await frameOrigins.get(request.principal.project.id) }),
      );
      platform.patch(
        '/project/settings',
        { schema: { summary: "Replace the project's settings", tags, body: FrameSettingsPatch, response: { 200: FrameSettings, ...errors(400, 401) } } },
        async (request) => ({ allowed_frame_origins: await frameOrigins.set(request.principal.project.id, request.body.allowed_frame_origins) }),
      );
    });

    await app.register(async (instance) => {
      const dashboard = instance.withTypeProvider<TypeBoxTypeProvider>();
      dashboard.addHook('onRequest', requireAdmin(adminAuth));
      dashboard.addHook(
        'onRequest',
        csrfGuard(() => config.publicUrl),
      );
      // as every dashboard API answer: never cached
      dashboard.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
        return payload;
      });
      const project = () => ctx.services.defaultProject.id;
      dashboard.get(
        '/dashboard/api/settings',
        { schema: { summary: "The project's settings", response: { 200: FrameSettings, ...errors(401) } } },
        async () => ({ allowed_frame_origins: await frameOrigins.get(project()) }),
      );
      dashboard.patch(
        '/dashboard/api/settings',
        { schema: { summary: "Replace the project's settings", body: FrameSettingsPatch, response: { 200: FrameSettings, ...errors(400, 401) } } },
        async (request) => ({ allowed_frame_origins: await frameOrigins.set(project(), request.body.allowed_frame_origins) }),
      );
    });
  };
