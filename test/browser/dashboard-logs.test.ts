// The Dashboard's Request logs page in real Chromium: calls made through the proxy and the actions RPC
// (one failing at Stripe, one retried, one refused for a restricted key) are listed newest first,
// filtered by status, opened in a detail dialog with their redacted bodies, paged with "Load more";
// the Audit tab shows who used which key. No Stripe key in any dashboard answer or in the page.
// Light and dark screenshots to /tmp/linkhub-shots/dashboard-logs-*.png. Without Chromium: skipped,
// or failed under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Linkhub } from '../helpers/linkhub.js';
import type { StripeStandin } from '../stripe-standin/index.js';
import { chromiumSkip, screenshot } from './browser.js';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.js';

const PASSWORD = 'browser-logs-password-1';

let fx: DashboardFixture;
let stripe: StripeStandin;
let lh: Linkhub;
let page: Page;
let acc: string;
let rk: string;
/** Bodies of every /dashboard/api/* answer the page received, and the page's HTML at each step. */
const answers: Promise<string>[] = [];
const snap = () => void answers.push(page.content());
const problems: string[] = [];
/** Failed responses the test causes on purpose. */
const expected = [/\/dashboard\/api\/session$/, /\/dashboard\/api\/logs\?.*status=abc/];

const link = (owner: string, key: string) => fx.link({ id: owner.toLowerCase().replace(/\W+/g, '-'), name: owner }, key);

const call = (path: string, accountId: string, body: Record<string, unknown>) => lh.api('POST', path, body, { headers: { 'x-account-id': accountId } });
const rows = () => page.locator('tbody tr[data-log-id]');
const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name });
const focused = (l: ReturnType<Page['locator']>) => l.evaluate((el) => el === document.activeElement);

describe('dashboard Request logs in Chromium', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    ({ stripe, lh } = fx);
    acc = await link('Logs Ltd', stripe.keys.secretTest);
    rk = await link('Denied Co', stripe.keys.restrictedTest);
    assert.equal((await call('/unified/proxy', acc, { method: 'get', path: '/v1/customers?limit=1' })).body.status, 200);
    assert.equal((await call('/actions/rpc', acc, { action: 'stripe_list_customers', query: { limit: 1 } })).status, 200);
    assert.equal((await call('/unified/proxy', acc, { method: 'get', path: '/v1/customers/cus_missing' })).body.status, 404);
    stripe.inject({ kind: '503', count: 1 });
    assert.equal((await call('/actions/rpc', acc, { action: 'stripe_create_customer', body: { email: 'shown@example.com' } })).status, 200);
    assert.equal((await call('/actions/rpc', rk, { action: 'stripe_create_customer', body: { email: 'denied@example.com' } })).status, 403);

    const context = await fx.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', baseURL: lh.url });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.url().includes('/dashboard/api/')) answers.push(r.text().catch(() => ''));
      if (r.status() >= 400 && !expected.some((e) => e.test(r.url()))) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    });
  });

  after(async () => {
    await fx?.close();
  });

  test('the page lists the calls newest first: account owner, source, call, status, duration, retries, Request-Id', async () => {
    await fx.signIn(page);
    await nav('Request logs').click();
    const h1 = page.getByRole('heading', { level: 1, name: 'Request logs' });
    await h1.waitFor();
    assert.equal(await focused(h1), true, 'focus moves to the page heading');
    assert.equal(new URL(page.url()).pathname, '/dashboard/logs');
    await rows().nth(4).waitFor();
    assert.equal(await rows().count(), 5);
    const headers = await page.locator('thead th').allInnerTexts();
    assert.deepEqual(
      headers.slice(0, 8).map((h) => h.toLowerCase()),
      ['time', 'account', 'source', 'call', 'status', 'duration', 'retries', 'stripe request-id'],
    );

    const texts = await rows().allInnerTexts();
    assert.match(texts[0], /Denied Co[\s\S]*RPC[\s\S]*stripe_create_customer[\s\S]*403/);
    assert.match(texts[1], /Logs Ltd[\s\S]*stripe_create_customer[\s\S]*200/);
    assert.match(texts[2], /Logs Ltd[\s\S]*Proxy[\s\S]*GET \/v1\/customers\/cus_missing[\s\S]*404/);
    assert.match(texts[4], /Proxy[\s\S]*GET \/v1\/customers\s[\s\S]*200/);
    assert.ok(
      texts.every((t) => /\d+ ms/.test(t) && /req_\w+/.test(t)),
      texts.join('\n'),
    );
    assert.equal(await rows().nth(1).locator('td').nth(6).innerText(), '1', 'the 503 was retried once');
    assert.equal(await rows().nth(2).locator('td').nth(6).innerText(), '0');
    assert.equal(await rows().nth(2).locator('.status-err').count(), 1, 'a failed call has the error badge');
    assert.equal(await rows().nth(1).locator('.status-ok').count(), 1);
    await screenshot(page, 'dashboard-logs-light');
    snap();
  });

  test("filter by status (code and class, kept in the URL); bad input shows the server's message", async () => {
    const status = page.getByLabel('Status');
    await status.fill('4xx');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 2);
    assert.match(page.url(), /status=4xx/);
    assert.deepEqual(
      (await rows().allInnerTexts()).map((t) => /\b(4\d\d)\b/.exec(t)?.[1]),
      ['403', '404'],
    );
    await status.fill('404');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 1);
    await page.getByLabel('Source').selectOption('rpc');
    await page.getByText('No calls match these filters.').waitFor();
    await page.getByLabel('Source').selectOption('');
    await rows().first().waitFor();
    await status.fill('abc');
    await page.getByRole('alert').filter({ hasText: 'status must be a status code (404) or a class (4xx), got "abc"' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 5);
    assert.equal(await status.inputValue(), '');
    assert.equal(new URL(page.url()).search, '');

    await page.getByLabel('Outcome').selectOption('false');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 2);
    await page.getByLabel('Outcome').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 5);
  });

  test("a call's detail: caller, URL, Request-Id and the redacted bodies; Esc closes, focus returns", async () => {
    const row = rows().filter({ hasText: 'cus_missing' });
    const details = row.getByRole('button', { name: /^Details of GET \/v1\/customers\/cus_missing/ });
    await details.click();
    const dialog = page.getByRole('dialog', { name: 'GET /v1/customers/cus_missing' });
    await dialog.waitFor();
    await dialog
      .getByRole('region', { name: 'Response body' })
      .getByText(/resource_missing/)
      .waitFor();
    const text = await dialog.innerText();
    assert.match(text, /API key · Default key/);
    // The URL actually called: the configured base (the stand-in), never the public one it stands in for.
    assert.ok(text.includes(`GET ${stripe.url}/v1/customers/cus_missing`), text);
    assert.ok(!text.includes('api.stripe.com'), text);
    assert.match(text, new RegExp((await row.locator('td').nth(7).innerText()).trim()));
    assert.match(text, /1 attempt\b/);
    await screenshot(page, 'dashboard-logs-detail-light', false);
    snap();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await focused(details), true, 'focus is back on Details');

    await rows()
      .nth(1)
      .getByRole('button', { name: /^Details of stripe_create_customer/ })
      .click();
    const created = page.getByRole('dialog', { name: 'stripe_create_customer' });
    await created
      .getByRole('region', { name: 'Request body' })
      .getByText(/shown@example\.com/)
      .waitFor();
    assert.match(await created.innerText(), /2 attempts/);
    assert.match(await created.innerText(), /linkhub-/, 'the idempotency key Linkhub generated');
    snap();
    await created.getByRole('button', { name: 'Close dialog' }).click();
    await created.waitFor({ state: 'detached' });
  });

  test('the Audit tab: who used which key, what, when and the outcome; filter by account', async () => {
    const tab = page.getByRole('tab', { name: 'Audit' });
    await tab.click();
    assert.equal(await tab.getAttribute('aria-selected'), 'true');
    const audit = page.locator('tbody tr[data-audit-id]');
    await audit.first().waitFor();
    assert.match(page.url(), /tab=audit/);
    const texts = await audit.allInnerTexts();
    assert.ok(
      texts.some((t) => /Logs Ltd[\s\S]*API key · Default key[\s\S]*Proxy call[\s\S]*call\.proxy[\s\S]*404/.test(t)),
      texts.join('\n'),
    );
    assert.ok(texts.some((t) => /Denied Co[\s\S]*Hub session[\s\S]*Account linked[\s\S]*link\.create[\s\S]*OK/.test(t)));
    assert.ok(texts.some((t) => /RPC stripe_create_customer[\s\S]*403/.test(t)));
    await screenshot(page, 'dashboard-logs-audit-light');
    snap();

    await page.getByLabel('Account ID').fill(rk);
    await page.waitForFunction(() => {
      const r = [...document.querySelectorAll('tbody tr[data-audit-id]')];
      return r.length > 0 && r.every((x) => x.textContent?.includes('Denied Co'));
    });
    assert.match(page.url(), new RegExp(`account_id=${rk}`));
    // Arrow keys move between the tabs; the account filter stays.
    await tab.focus();
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focused(page.getByRole('tab', { name: 'Calls' })), true);
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 1);
    assert.match(await rows().first().innerText(), /Denied Co/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 5);
  });

  test('"Load more" pages on with next', async () => {
    for (let i = 0; i < 50; i++)
      assert.equal((await call('/unified/proxy', acc, { method: 'get', path: `/v1/customers?limit=${1 + (i % 3)}` })).body.status, 200);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 50);
    const more = page.getByRole('button', { name: 'Load more' });
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 55);
    await more.waitFor({ state: 'detached' });
    assert.match(await rows().last().innerText(), /GET \/v1\/customers\s/, 'the oldest call comes last');
    await page.getByText('55 calls shown').waitFor();
  });

  test('dark theme screenshots', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await rows().first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.getByLabel('Status').fill('4xx');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-log-id]').length === 2);
    await screenshot(page, 'dashboard-logs-dark');
    await rows()
      .nth(1)
      .getByRole('button', { name: /^Details/ })
      .click();
    await page
      .getByRole('dialog')
      .getByRole('region', { name: 'Response body' })
      .getByText(/resource_missing/)
      .waitFor();
    await screenshot(page, 'dashboard-logs-detail-dark', false);
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.getByLabel('Account ID').fill(rk);
    await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-audit-id]').length === 2);
    await screenshot(page, 'dashboard-logs-audit-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('no Stripe key (nor the API key) in any dashboard answer or in the page; no script errors', async () => {
    const bodies = await Promise.all(answers);
    assert.ok(
      bodies.some((b) => b.includes('cus_missing')),
      'the answers were captured',
    );
    const blob = bodies.join('\n');
    for (const k of [stripe.keys.secretTest, stripe.keys.restrictedTest]) {
      assert.ok(!blob.includes(k), 'a Stripe key was shown');
      assert.ok(!blob.includes(k.slice(-24)), 'the end of a Stripe key was shown');
    }
    assert.ok(!blob.includes(lh.apiKey), 'the API key was shown');
    assert.deepEqual(problems, []);
  });
});
