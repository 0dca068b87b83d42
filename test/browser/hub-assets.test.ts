// The Hub's bundle: the 40 KB gzip budget (StackOne's is ~591 KB), and how Linkhub serves
// /hub.js, /link and the logo (types, caching, ETag, gzip, security headers). No browser needed.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { connectSession, type Linkhub, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { ensureWebBuilt, gzipSize, HUB_GZIP_BUDGET, HUB_JS } from './build.js';

let stripe: StripeStandin;
let lh: Linkhub;

describe('Hub assets', () => {
  before(async () => {
    await ensureWebBuilt();
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url });
  });
  after(async () => {
    await lh?.close();
    await stripe?.close();
  });

  test(`the Hub's JavaScript is at most ${HUB_GZIP_BUDGET / 1024} KB gzipped`, () => {
    const { raw, gzip } = gzipSize(HUB_JS);
    assert.ok(gzip <= HUB_GZIP_BUDGET, `web/dist/hub/hub.js is ${gzip} bytes gzipped (${raw} raw): over the ${HUB_GZIP_BUDGET}-byte budget`);
    assert.ok(gzip > 2000, 'the bundle is not empty');
  });

  test('GET /hub.js: JavaScript, cacheable, ETag revalidation, gzip, loadable cross-origin', async () => {
    const res = await fetch(`${lh.url}/hub.js`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/);
    const body = await res.text();
    assert.ok(body.includes('linkhub-hub'), 'defines <linkhub-hub>');

    const again = await fetch(`${lh.url}/hub.js`, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');

    // undici decompresses on its own; ask node:http-level bytes through a raw request instead
    const { request } = await import('node:http');
    const gz = await new Promise<{ encoding?: string; vary?: string; body: Buffer }>((resolve, reject) => {
      request(`${lh.url}/hub.js`, { headers: { 'accept-encoding': 'gzip, br' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ encoding: r.headers['content-encoding'], vary: r.headers.vary, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(gz.encoding, 'gzip');
    assert.equal(gz.vary, 'accept-encoding');
    assert.equal(gunzipSync(gz.body).toString(), body);
    assert.ok(gz.body.length <= HUB_GZIP_BUDGET);
  });

  test('GET /link: the hosted page with a strict CSP, no caching and no referrer; the token is not in the HTML', async () => {
    const { session, token } = await connectSession(lh);
    const res = await fetch(session.auth_link_url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await res.text();
    assert.match(html, /<script src="\/hub\.js" defer><\/script>/);
    assert.match(html, /<linkhub-hub mode="page">/);
    assert.ok(!html.includes(token), 'the token is read by the script, never echoed');
  });

  test('GET /assets/stripe.svg: the logo the hub rows point to', async () => {
    const { token } = await connectSession(lh);
    const rows = await lh.hub(token, 'GET', '/hub/connectors');
    const logo = rows.body.integrations[0].logo_url;
    assert.equal(logo, `${lh.url}/assets/stripe.svg`);
    const res = await fetch(logo);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(await res.text(), /^<svg /);
  });
});
