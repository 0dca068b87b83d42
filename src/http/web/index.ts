// Static routes of the Hub: GET /hub.js (the web component, built by `npm run build:web` into
// web/dist/hub/), GET /link (the hosted Auth Link page) and the connector logos under /assets;
// and the project setting of which sites may frame /link (frame-settings.ts).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { projectRoot } from '../../paths.js';
import type { RouteContext } from '../context.js';
import { connectors, logoPath } from '../../connectors/registry.js';
import { frameSettingsRoutes } from './frame-settings.js';
import { linkPage } from './link-page.js';

export const HUB_BUNDLE = join(projectRoot, 'web', 'dist', 'hub', 'hub.js');

interface Built {
  mtimeMs: number;
  size: number;
  raw: Buffer;
  gz: Buffer;
  etag: string;
}

/** Reads the built bundle, re-reading it when the file changes (a rebuild needs no restart). */
export function bundleReader(path: string) {
  let cached: Built | null = null;
  return (): Built | null => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      cached = null;
      return null;
    }
    if (!cached || cached.mtimeMs !== st.mtimeMs || cached.size !== st.size) {
      const raw = readFileSync(path);
      cached = {
        mtimeMs: st.mtimeMs,
        size: st.size,
        raw,
        gz: gzipSync(raw, { level: 9 }),
        etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
      };
    }
    return cached;
  };
}

const notModified = (request: FastifyRequest, etag: string) =>
  (request.headers['if-none-match'] ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .includes(etag);

export function sendStatic(request: FastifyRequest, reply: FastifyReply, built: Built, type: string, cacheControl: string) {
  reply
    .header('content-type', type)
    .header('cache-control', cacheControl)
    .header('etag', built.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    // loadable from any site, also with <script crossorigin> and under COEP
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin');
  if (notModified(request, built.etag)) return reply.code(304).send();
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(built.gz);
  }
  return reply.send(built.raw);
}

function fixed(body: string): Built {
  const raw = Buffer.from(body);
  return { mtimeMs: 0, size: raw.length, raw, gz: gzipSync(raw, { level: 9 }), etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"` };
}

export const webRoutes =
  (ctx: RouteContext): FastifyPluginAsync =>
  async (app) => {
    const readBundle = bundleReader(HUB_BUNDLE);
    await app.register(frameSettingsRoutes(ctx));

    app.get('/hub.js', { schema: { hide: true } }, async (request, reply) => {
      const built = readBundle();
      if (!built) {
        request.log.error('web/dist/hub/hub.js is missing: run `npm run build:web`');
        return reply
          .code(503)
          .header('content-type', 'text/javascript; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('console.error("Linkhub: the Hub is not built on this server (npm run build:web).");\n');
      }
      // Short max-age: a new release reaches embedded pages within minutes; revalidation is a 304.
      return sendStatic(request, reply, built, 'text/javascript; charset=utf-8', 'public, max-age=300, stale-while-revalidate=86400');
    });

    for (const connector of connectors()) {
      const logo = fixed(connector.logoSvg);
      app.get(logoPath(connector), { schema: { hide: true } }, async (request, reply) =>
        sendStatic(request, reply, logo, 'image/svg+xml', 'public, max-age=86400'),
      );
    }

    // Framable only by Linkhub itself and the origins the session's project allows (frame-settings.ts);
    // without a live session token, by Linkhub alone.
    app.get('/link', { schema: { hide: true } }, async (request, reply) => {
      const { sessions, frameOrigins, config } = ctx.services;
      const token = (request.query as Record<string, unknown>).token;
      const session = typeof token === 'string' ? await sessions.resolve(token) : null;
      const page = linkPage(config.publicUrl, session ? await frameOrigins.get(session.projectId) : []);
      return (
        reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          // the token is in the URL: never send it onwards
          .header('referrer-policy', 'no-referrer')
          .header('x-content-type-options', 'nosniff')
          .header('x-robots-tag', 'noindex')
          .header('content-security-policy', page.csp)
          .send(page.html)
      );
    });
  };
