// An MCP client in a browser page on another origin, in real Chromium: its POST /mcp (Authorization,
// JSON, x-account-id and MCP-Protocol-Version: a preflighted request) works from an origin Linkhub
// allows (LINKHUB_MCP_ALLOWED_ORIGINS), and the page reads the answer, its exposed headers and a
// 401; from any other origin Chromium blocks it, since the guard's 403 names no origin.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { basic, type Linkhub, linkAccount, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { chromiumSkip, type HostServer, launchChromium, startHostServer } from './browser.js';

let stripe: StripeStandin | undefined;
let lh: Linkhub | undefined;
let site: HostServer | undefined;
let browser: Browser | undefined;
let accountId: string;

interface PageAnswer {
  status?: number;
  body?: any;
  requestId?: string | null;
  error?: string;
}

/** Opens an empty page at `origin` and POSTs initialize to /mcp from it with fetch. */
async function initializeFrom(origin: string, auth: string | null): Promise<PageAnswer> {
  const context = await browser!.newContext();
  try {
    const page: Page = await context.newPage();
    await page.goto(`${origin}/agent`);
    return await page.evaluate(
      async ({ url, auth, account }) => {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
          'x-account-id': account,
        };
        if (auth) headers.authorization = auth;
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } },
        });
        try {
          const res = await fetch(url, { method: 'POST', headers, body });
          return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
        } catch (e) {
          return { error: String(e) };
        }
      },
      { url: `${lh!.url}/mcp`, auth, account: accountId },
    );
  } finally {
    await context.close();
  }
}

describe('MCP from a browser page on another origin', { skip: chromiumSkip() }, () => {
  before(async () => {
    browser = await launchChromium();
    site = await startHostServer({ '/agent': '<!doctype html><html lang="en"><head><title>Agent</title></head><body></body></html>' });
    stripe = await startStripeStandin();
    // the page's origin is allowed; the same server as localhost is another origin, not allowed
    lh = await startLinkhub({ stripeApiBase: stripe.url, env: { LINKHUB_MCP_ALLOWED_ORIGINS: site.url } });
    accountId = (await linkAccount(lh, stripe.keys.secretTest)).id;
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await lh?.close();
    await stripe?.close();
  });

  test('an allowed origin initialises and reads the answer, an exposed header and a 401', async () => {
    const ok = await initializeFrom(site!.url, basic(lh!.apiKey));
    assert.equal(ok.error, undefined, ok.error);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.result.serverInfo.name, 'linkhub');
    assert.ok(ok.requestId, 'x-request-id is exposed to the page');

    const noKey = await initializeFrom(site!.url, null);
    assert.equal(noKey.status, 401);
    assert.equal(noKey.body.statusCode, 401);
  });

  test('another origin: Chromium blocks the request', async () => {
    const res = await initializeFrom(site!.altUrl, basic(lh!.apiKey));
    assert.equal(res.status, undefined);
    assert.match(res.error ?? '', /Failed to fetch/);
  });
});
