// GET /docs: the API reference, rendered by Redoc's standalone bundle from /openapi.json. The bundle
// is served by Linkhub itself from node_modules (the `redoc` package): no CDN, so the page works
// offline and the CSP allows this origin only. Scripts: this origin only, no inline script (the
// <redoc spec-url> element starts Redoc). Styles need 'unsafe-inline', as on the dashboard: Redoc's
// styled-components inject <style> elements (its `nonce` option comes too late for the first one).
// The search index runs in a blob: worker.
import { createRequire } from 'node:module';
import type { FastifyPluginAsync } from 'fastify';
import { bundleReader, sendStatic } from '../web/index.js';

export const REDOC_PATH = '/docs/redoc.standalone.js';

function redocBundle(): string | null {
  try {
    return createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    return null;
  }
}

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Linkhub API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="/openapi.json" path-in-middle-panel="true" expand-responses="200,201"></redoc>
<noscript><p>This page needs JavaScript. The API document itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<script src="${REDOC_PATH}"></script>
</body>
</html>
`;

export const docsRoutes: FastifyPluginAsync = async (app) => {
  const path = redocBundle();
  const readBundle = path ? bundleReader(path) : () => null;

  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', DOCS_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(PAGE);
  });

  app.get(REDOC_PATH, { schema: { hide: true } }, async (request, reply) => {
    const built = readBundle();
    if (!built) {
      request.log.error('redoc/bundles/redoc.standalone.js is missing: run `npm ci`');
      return reply
        .code(503)
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('console.error("Linkhub: Redoc is not installed (npm ci).");\n');
    }
    // The bundle changes only with the redoc package: a day's caching, then an ETag revalidation.
    return sendStatic(request, reply, built, 'text/javascript; charset=utf-8', 'public, max-age=86400');
  });
};
