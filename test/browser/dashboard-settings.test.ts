// The Dashboard's Settings page in Chromium: the sites allowed to frame the Auth Link page are
// edited one origin a line, saved through the dashboard API (the platform API reads the same list),
// and an entry that is not an origin is named by its line, the field marked invalid.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumSkip, screenshot } from './browser.js';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.js';

const PASSWORD = 'settings-test-password-1';
let fx: DashboardFixture;
let context: BrowserContext;
let page: Page;

describe('Dashboard settings', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    context = await fx.browser.newContext({ baseURL: fx.lh.url, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    await fx.signIn(page);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  });
  after(async () => {
    await context?.close();
    await fx?.close();
  });

  const field = () => page.getByLabel('Origins, one a line');

  test('saves the allowed frame origins, normalised, as the platform API then reads them', async () => {
    await field().fill('https://App.Example.com/\n\nhttps://*.customer.example\n');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(
      () => (document.getElementById('frame-origins') as HTMLTextAreaElement).value === 'https://app.example.com\nhttps://*.customer.example',
    );
    const api = await fx.lh.api('GET', '/project/settings');
    assert.deepEqual(api.body.allowed_frame_origins, ['https://app.example.com', 'https://*.customer.example']);
    await page.reload();
    // after the reload the page renders the field once its settings have loaded: wait for it to exist too
    await page.waitForFunction(() => (document.getElementById('frame-origins') as HTMLTextAreaElement | null)?.value.includes('customer.example') === true);
    await screenshot(page, 'dashboard-settings');
  });

  test('names the line that is not an origin and keeps the saved list', async () => {
    await field().fill('https://ok.example\napp.example.com/path');
    await page.getByRole('button', { name: 'Save' }).click();
    const error = page.locator('#frame-origins-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^Line 2 \(app\.example\.com\/path\): must be an origin/);
    assert.equal(await field().getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await fx.lh.api('GET', '/project/settings')).body.allowed_frame_origins, ['https://app.example.com', 'https://*.customer.example']);
  });
});
