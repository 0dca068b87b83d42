// What a new Dashboard user trips over, in real Chromium: the Accounts page shows each account's
// `acc_` id with a Copy button (and the table still holds at phone widths), an API key given by
// LINKHUB_API_KEY is hinted by its real last characters (it need not start with lh_, and the key
// itself is never shown), and the "Authenticate now" dialog shows Hub's Connect button without any
// scrolling at 1280×800 and on a phone. Positions are bounding boxes against the viewport.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumSkip } from './browser.js';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.js';
import { phoneOverflows } from './overflow.js';

const PASSWORD = 'browser-first-use-password-1';
/** A key of the operator's own making: no lh_ prefix. */
const ENV_KEY = 'deploy-secret-from-the-environment-7fQx-Wq7Z';

let fx: DashboardFixture;
let context: BrowserContext;
let page: Page;
let acc: string;
const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name });

describe('Dashboard first use in Chromium', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD, { LINKHUB_API_KEY: ENV_KEY });
    acc = await fx.link({ id: 'org-first', name: 'First Use GmbH' }, fx.stripe.keys.secretTest);
    context = await fx.browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: fx.lh.url });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fx.lh.url });
    page = await context.newPage();
    await fx.signIn(page);
  });
  after(async () => {
    await context?.close();
    await fx?.close();
  });

  test("Accounts: each account's acc_ id, monospace, with a Copy button; nothing overflows on a phone", async () => {
    const row = page.locator(`tbody tr[data-account-id="${acc}"]`);
    const id = row.locator('.copy-id .mono');
    assert.equal((await id.innerText()).trim(), acc);
    const copy = row.getByRole('button', { name: `Copy the account id ${acc}` });
    await copy.click();
    await copy.filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), acc);
    assert.deepEqual(await phoneOverflows(page, 'Accounts with account ids'), []);
  });

  test('API keys: the LINKHUB_API_KEY key is hinted by its real last 4 characters; the key never appears', async () => {
    const answers: Promise<string>[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/dashboard/api/')) answers.push(r.text().catch(() => ''));
    });
    await nav('API keys').click();
    const row = page.locator('tbody tr').filter({ hasText: 'Default key' });
    await row.waitFor();
    assert.equal((await row.locator('td').nth(1).innerText()).trim(), `…${ENV_KEY.slice(-4)}`);
    const listed = await page.evaluate(async () => (await fetch('/dashboard/api/api_keys', { headers: { 'x-linkhub-csrf': '1' } })).json());
    assert.equal(listed.find((k: { name: string }) => k.name === 'Default key').hint, ENV_KEY.slice(-4));
    for (const text of [await page.content(), JSON.stringify(listed), ...(await Promise.all(answers))]) {
      assert.ok(!text.includes(ENV_KEY), 'the key itself is never shown');
    }
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    test(`"Authenticate now" at ${viewport.width}×${viewport.height}: Connect is in view without scrolling, the dialog fits`, async () => {
      await page.setViewportSize(viewport);
      await nav('Link account').click();
      await page.getByLabel(/^Owner ID/).fill('org-dialog');
      await page.getByLabel(/^Owner name/).fill('Dialog AG');
      await page.getByRole('button', { name: 'Authenticate now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Link an account' });
      await dialog.locator('linkhub-hub input#key').waitFor();
      const connect = dialog.locator('linkhub-hub').getByRole('button', { name: 'Connect' });
      const inView = (b: { x: number; y: number; width: number; height: number } | null) =>
        b !== null && b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width && b.y + b.height <= viewport.height;
      const button = await connect.boundingBox();
      assert.ok(inView(button), `Connect at ${JSON.stringify(button)} in ${viewport.width}×${viewport.height}`);
      const box = await dialog.boundingBox();
      assert.ok(inView(box), `the dialog at ${JSON.stringify(box)} in ${viewport.width}×${viewport.height}`);
      // shown as it opened: nothing scrolled the dialog (a modal dialog stays put when the page behind it
      // scrolls, so the boxes above are where the user sees them)
      assert.equal(await page.evaluate(() => document.querySelector('dialog[open]')?.scrollTop), 0);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });
  }
});
