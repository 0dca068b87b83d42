// The Dashboard: the single-page app at /dashboard (built by Vite into web/dist/dashboard) and its
// cookie-authenticated JSON API at /dashboard/api/*.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { projectRoot } from '../../paths.js';
import type { RouteContext } from '../context.js';
import { dashboardApiRoutes } from './api.js';

export const dashboardDistDir = join(projectRoot, 'web', 'dist', 'dashboard');

/** Same-origin only; /hub.js (the Hub web component) is same-origin too. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

export const dashboardRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    await app.register(dashboardApiRoutes(ctx));

    await app.register(fastifyStatic, {
      root: join(dashboardDistDir, 'assets'),
      prefix: '/dashboard/assets/',
      decorateReply: false,
      suppressWarning: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      dotfiles: 'deny',
      setHeaders: (reply) => void reply.header('x-content-type-options', 'nosniff'),
    });

    // Every other /dashboard path is the app (client-side routes: /dashboard/accounts, /dashboard/keys, …).
    const page = async (_request: unknown, reply: FastifyReply) => {
      let html: string;
      try {
        html = await readFile(join(dashboardDistDir, 'index.html'), 'utf8');
      } catch {
        return pageHeaders(reply)
          .code(503)
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Linkhub Dashboard</title>' +
              '<p>The dashboard has not been built. Run <code>npm run build:web</code> and reload.</p></html>',
          );
      }
      return pageHeaders(reply).type('text/html; charset=utf-8').send(html);
    };
    app.get('/dashboard', { schema: { hide: true } }, page);
    app.get('/dashboard/*', { schema: { hide: true } }, page);
  };
