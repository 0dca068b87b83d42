// GET /docs: the API reference page. Served by Linkhub with its script from Linkhub itself (Redoc's
// standalone bundle from node_modules: no CDN, works offline) under a strict CSP; in Chromium it
// renders the operations of /openapi.json.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startLinkhub, type Linkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { launchChromium, screenshot } from './browser.js';

let stripe: StripeStandin;
let lh: Linkhub;
let browser: Browser | undefined;

describe('GET /docs', () => {
  before(async () => {
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url });
  });
  after(async () => {
    await browser?.close();
    await lh?.close();
    await stripe?.close();
  });

  test('an HTML page whose only script comes from Linkhub, under a CSP that allows no other origin', async () => {
    const res = await fetch(`${lh.url}/docs`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /https?:|\*/, 'no other origin in the CSP');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1, 'one script');
    assert.match(scripts[0][1], /src="\/docs\/redoc\.standalone\.js"/);
    assert.equal(scripts[0][2].trim(), '', 'no inline script');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external resource');
    assert.match(html, /<redoc spec-url="\/openapi\.json"/);
  });

  test("the script is served: Redoc's standalone bundle, cacheable, with an ETag and gzip", async () => {
    const res = await fetch(`${lh.url}/docs/redoc.standalone.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+/);
    const body = await res.text();
    assert.ok(body.length > 500_000, `${body.length} bytes`);
    assert.match(body.slice(0, 400), /Redoc/);
    const again = await fetch(`${lh.url}/docs/redoc.standalone.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
    await again.text();
  });

  test('in Chromium the page renders the operations, loading nothing from another origin', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (new URL(r.url()).origin !== lh.url) foreign.push(r.url());
    });
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    await page.goto(`${lh.url}/docs`);
    // an operation's heading (its summary) and its operationId in the permalink of that section
    const heading = page.locator('h2', { hasText: 'List linked accounts (bare array)' });
    await heading.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await page.locator('[id="operation/stackone_list_linked_accounts"]').count(), 1);
    assert.ok(await page.getByText('Logs and audit').first().isVisible());
    await screenshot(page, 'docs', false);
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, [], 'every response came from Linkhub');
    // Redoc's footer links Redocly's logo from its CDN: the CSP blocks it before any request is sent
    const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    assert.deepEqual(
      violations.filter((v) => v !== 'img-src https://cdn.redoc.ly/redoc/logo-mini.svg'),
      [],
      'nothing else is refused by the CSP',
    );
    await page.close();
  });
});
