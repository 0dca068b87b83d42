// Compatibility: StackOne's own web component (@stackone/hub 1.x, dist/webcomponent.js), given a
// Linkhub connect-session token and base-url = Linkhub, links and edits Stripe accounts through
// Linkhub's /hub/* API, driven through its real UI in Chromium.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectSession, type Linkhub, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { STACKONE_WEBCOMPONENT } from './build.js';
import { chromiumSkip, type HostServer, launchChromium, screenshot, startHostServer } from './browser.js';

let stripe: StripeStandin;
let lh: Linkhub;
let host: HostServer;
let browser: Browser;
let owner = 0;

const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StackOne Hub host</title>
<script src="/stackone/webcomponent.js"></script></head>
<body><div id="slot" style="max-width:720px"></div>
<script>
  window.hubEvents = [];
  document.addEventListener('success', (e) => window.hubEvents.push({ type: 'success', detail: e.detail }));
  document.addEventListener('close', () => window.hubEvents.push({ type: 'close' }));
  const q = new URLSearchParams(location.search);
  const hub = document.createElement('stackone-hub');
  hub.setAttribute('token', q.get('token'));
  hub.setAttribute('base-url', q.get('base'));
  hub.setAttribute('app-url', q.get('base'));
  document.getElementById('slot').appendChild(hub);
</script></body></html>`;

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Every /hub/* call the component made: "METHOD path status". */
  calls: string[];
  headers: Record<string, string>[];
}

async function open(token: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  const calls: string[] = [];
  const headers: Record<string, string>[] = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin === lh.url && u.pathname.startsWith('/hub/')) {
      calls.push(`${r.request().method()} ${u.pathname}${u.search} ${r.status()}`);
      headers.push(r.request().headers());
    }
  });
  await page.goto(`${host.url}/?${new URLSearchParams({ token, base: lh.url })}`);
  return { page, context, calls, headers };
}

async function accountsOf(ownerId: string): Promise<any[]> {
  return (await lh.api('GET', `/accounts?origin_owner_id=${encodeURIComponent(ownerId)}`)).body;
}

const apiKey = (page: Page) => page.getByRole('textbox', { name: 'API Key' });
const connectButton = (page: Page) => page.getByRole('button', { name: 'Connect', exact: true });

describe('StackOne’s @stackone/hub web component against Linkhub', {
  skip: chromiumSkip() || (!existsSync(STACKONE_WEBCOMPONENT) && '@stackone/hub is not installed'),
}, () => {
  before(async () => {
    browser = await launchChromium(); // first: without Chromium (CI=true) no server is left running
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url });
    const bundle = readFileSync(STACKONE_WEBCOMPONENT);
    host = await startHostServer({
      '/': hostPage,
      '/stackone/webcomponent.js': (_req, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle),
      '/favicon.ico': (_req, res) => void res.writeHead(204).end(),
    });
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await lh?.close();
    await stripe?.close();
  });

  test('links a Stripe Test Mode account through its picker and form', async () => {
    const ownerId = `so-owner-${++owner}`;
    const { token } = await connectSession(lh, { origin_owner_id: ownerId, origin_owner_name: 'StackOne Hub Co' });
    const { page, context, calls, headers } = await open(token);
    // its picker lists both environment rows by name
    await page.getByRole('button', { name: /Stripe \(Test Mode\)/ }).click();
    await apiKey(page).fill(stripe.keys.secretTest);
    await screenshot(page, 'stackone-hub-form');
    await connectButton(page).click();
    await page.getByText('Connection Successful').waitFor();
    await screenshot(page, 'stackone-hub-success');

    const events = await page.evaluate(() => (window as any).hubEvents);
    const [account] = await accountsOf(ownerId);
    assert.ok(account, 'account linked');
    assert.deepEqual(events, [{ type: 'success', detail: { id: account.id, provider: 'stripe' } }]);
    assert.equal(account.environment, 'test');
    assert.equal(account.key_hint, stripe.keys.secretTest.slice(-4));
    for (const c of calls) assert.match(c, / 20[01]$/, `every /hub call succeeded: ${calls.join(', ')}`);
    assert.ok(calls.includes('GET /hub/settings 200'));
    assert.ok(calls.includes('GET /hub/connectors/stripe-test 200'));
    assert.ok(calls.includes('POST /hub/accounts 201'));
    assert.ok(headers.every((h) => h['x-hub-session-token'] === token));

    await page.getByRole('button', { name: 'Close' }).click();
    assert.deepEqual((await page.evaluate(() => (window as any).hubEvents)).at(-1), { type: 'close' });
    await context.close();
  });

  test('shows Linkhub’s message when Stripe refuses the key; nothing is linked', async () => {
    const ownerId = `so-owner-${++owner}`;
    const { token } = await connectSession(lh, { origin_owner_id: ownerId, type: 'test' });
    const { page, context, calls } = await open(token);
    // one row (type "test"): the picker is skipped
    await apiKey(page).fill(stripe.keys.restrictedTestNoCustomers);
    await connectButton(page).click();
    await page.getByText(/lacks the 'rak_customer_read' permission/).waitFor();
    await screenshot(page, 'stackone-hub-error');
    assert.ok(calls.includes('POST /hub/accounts 422'), calls.join(', '));
    assert.equal((await accountsOf(ownerId)).length, 0);
    await context.close();
  });

  test('edit mode: shows the redacted key, keeps it on a failed test, rotates it on success', async () => {
    const ownerId = `so-owner-${++owner}`;
    const first = await connectSession(lh, { origin_owner_id: ownerId });
    const linked = await lh.hub(first.token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: stripe.keys.secretTest } });
    const id = linked.body.id;
    const oldHint = stripe.keys.secretTest.slice(-4);
    const { token } = await connectSession(lh, { origin_owner_id: ownerId, account_id: id });
    const { page, context, calls } = await open(token);

    await page.getByRole('button', { name: 'Edit' }).waitFor();
    assert.equal(await apiKey(page).inputValue(), '••••••••••' + oldHint);
    await screenshot(page, 'stackone-hub-edit');
    await page.getByRole('button', { name: 'Edit' }).click();
    await apiKey(page).fill(stripe.keys.restrictedTestNoCustomers);
    await connectButton(page).click();
    await page.getByText(/lacks the 'rak_customer_read' permission/).waitFor();
    assert.equal((await lh.api('GET', `/accounts/${id}`)).body.key_hint, oldHint, 'old key kept');

    await apiKey(page).fill(stripe.keys.restrictedTest);
    await connectButton(page).click();
    await page.getByText('Connection Successful').waitFor();
    const account = (await lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.key_hint, stripe.keys.restrictedTest.slice(-4));
    assert.equal(account.key_type, 'restricted');
    assert.equal((await accountsOf(ownerId)).length, 1);
    assert.ok(calls.includes(`GET /hub/accounts/${id} 200`), calls.join(', '));
    assert.deepEqual(
      calls.filter((c) => c.startsWith('PATCH')),
      [`PATCH /hub/accounts/${id} 422`, `PATCH /hub/accounts/${id} 200`],
    );
    await context.close();
  });
});
