// One Linkhub + Stripe stand-in + host-page server + Chromium per test file, and a helper that
// opens the embedded Hub on the host page (another origin) in a fresh browser context.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectSession, type Linkhub, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { ensureWebBuilt } from './build.js';
import { embedPage, type HostServer, launchChromium, parentPage, startHostServer } from './browser.js';

export interface Opened {
  page: Page;
  context: BrowserContext;
  token: string;
  ownerId: string;
  /** Uncaught exceptions and CSP violations seen by the page. */
  problems: string[];
  /** POST /hub/accounts requests the page sent. */
  posts: string[];
}

export interface OpenOptions {
  session?: Record<string, unknown>;
  theme?: string;
  colorScheme?: 'light' | 'dark';
  width?: number;
}

export interface HubFixture {
  stripe: StripeStandin;
  lh: Linkhub;
  host: HostServer;
  browser: Browser;
  /** A new connect session for a new origin owner, opened in the embedded Hub on the host page. */
  open(opts?: OpenOptions): Promise<Opened>;
  /** A page at `url` in a fresh context, with its problems recorded. */
  openUrl(url: string, colorScheme?: 'light' | 'dark'): Promise<Omit<Opened, 'token' | 'ownerId'>>;
  newOwner(): string;
  accountsOf(ownerId: string): Promise<any[]>;
  close(): Promise<void>;
}

function watch(page: Page) {
  const problems: string[] = [];
  const posts: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to|Uncaught/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/hub/accounts') posts.push(r.url());
  });
  return { problems, posts };
}

export async function startHubFixture(name: string): Promise<HubFixture> {
  await ensureWebBuilt();
  // the browser first: when it cannot start (CI=true without Chromium) no server is left running
  const browser = await launchChromium();
  let stripe: StripeStandin | undefined;
  let lh: Linkhub | undefined;
  let host: HostServer;
  try {
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url });
    host = await startHostServer({
      '/embed': embedPage(lh.url),
      '/parent': parentPage,
      '/favicon.ico': (_req, res) => void res.writeHead(204).end(),
    });
  } catch (e) {
    await browser.close();
    await lh?.close();
    await stripe?.close();
    throw e;
  }
  let owner = 0;
  const newOwner = () => `${name}-owner-${++owner}`;

  return {
    stripe: stripe!,
    lh: lh!,
    host,
    browser,
    newOwner,
    async open(opts = {}) {
      const ownerId = newOwner();
      const { token } = await connectSession(lh, { origin_owner_id: ownerId, origin_owner_name: 'Acme Inc', ...opts.session });
      const context = await browser.newContext({ viewport: { width: opts.width ?? 720, height: 1000 }, colorScheme: opts.colorScheme ?? 'light' });
      const page = await context.newPage();
      const seen = watch(page);
      const q = new URLSearchParams({ token, base: lh.url, ...(opts.theme ? { theme: opts.theme } : {}) });
      await page.goto(`${host.url}/embed?${q}`);
      return { page, context, token, ownerId, ...seen };
    },
    async openUrl(url, colorScheme = 'light') {
      const context = await browser.newContext({ viewport: { width: 720, height: 1000 }, colorScheme });
      const page = await context.newPage();
      const seen = watch(page);
      const res = await page.goto(url);
      assert.equal(res?.status(), 200, url);
      return { page, context, ...seen };
    },
    async accountsOf(ownerId) {
      const res = await lh.api('GET', `/accounts?origin_owner_id=${encodeURIComponent(ownerId)}`);
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
    async close() {
      await browser.close();
      await host.close();
      await lh.close();
      await stripe.close();
    },
  };
}

export const keyField = (page: Page, label = 'API Key') => page.getByLabel(label, { exact: true });
export const connectButton = (page: Page) => page.getByRole('button', { name: 'Connect', exact: true });
