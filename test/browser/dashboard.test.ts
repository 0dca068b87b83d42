// The Dashboard in real Chromium (playwright-core): sign-in, the Accounts page (a new account appears
// without a reload, Test connection, Delete with confirmation, Re-link), Link account (Auth Link and
// "Authenticate now" with the Hub), API keys and Webhooks; light and dark screenshots to
// /tmp/linkhub-shots/dashboard-*.png. Without Chromium: skipped, or failed under CI=true.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { basic, type Linkhub } from '../helpers/linkhub.js';
import type { StripeStandin } from '../stripe-standin/index.js';
import { chromiumSkip, screenshot } from './browser.js';
import { HUB_JS } from './build.js';
import { completeHub, type DashboardFixture, type Owner, startDashboardFixture } from './dashboard-fixture.js';

const PASSWORD = 'browser-test-password-1';

let fx: DashboardFixture;
let stripe: StripeStandin;
let lh: Linkhub;
let context: BrowserContext;
let page: Page;
let hubReason: string | false = false;
let signedOut = false;
const problems: string[] = [];

const link = async (owner: Owner, key: string) => ({ id: await fx.link(owner, key) });
const shot = (name: string, target: Page = page) => screenshot(target, `dashboard-${name}`);

describe('dashboard in Chromium', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    ({ stripe, lh } = fx);
    if (!existsSync(HUB_JS)) hubReason = 'hub bundle not built';
    context = await fx.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', baseURL: lh.url });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: lh.url });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      const expected401 = r.status() === 401 && (signedOut || r.url().endsWith('/dashboard/api/session'));
      if (r.status() >= 400 && !expected401) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('console', (m) => {
      // The first GET /dashboard/api/session before sign-in is an expected 401.
      // Failed requests are recorded with their URL by the response listener.
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    await fx?.close();
  });

  test('sign in: a wrong password is refused, the right one opens Accounts', async () => {
    await page.goto('/dashboard');
    const password = page.getByLabel('Admin password');
    await password.waitFor();
    assert.equal(await password.evaluate((el) => el === document.activeElement), true, 'the password field has focus');
    await shot('signin-light');
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That password is not right' }).waitFor();
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Linked accounts' }).waitFor();
    const cookies = await context.cookies();
    const c = cookies.find((x) => x.name === 'linkhub_dashboard')!;
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(c.path, '/dashboard');
  });

  test('Accounts shows an account linked via the API, and a new one appears without a reload', async () => {
    const alpha = await link({ id: 'org-alpha', name: 'Alpha GmbH' }, stripe.keys.secretTest);
    // The list polls every 4 s.
    const alphaRow = page.locator(`tr[data-account-id="${alpha.id}"]`);
    await alphaRow.waitFor({ timeout: 15_000 });
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const beta = await link({ id: 'org-beta', name: 'Beta Ltd' }, stripe.keys.restrictedTest);
    const betaRow = page.locator(`tr[data-account-id="${beta.id}"]`);
    await betaRow.waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), true, 'same document: no reload');
    const text = await betaRow.innerText();
    assert.match(text, /Beta Ltd/);
    assert.match(text, /org-beta/);
    assert.match(text, /TEST/);
    assert.match(text, /Restricted/);
    assert.match(text, new RegExp('rk_test_…' + stripe.keys.restrictedTest.slice(-4)));
    assert.match(text, /Active/);
    assert.match(text, /acct_1LinkhubMain00/);
    assert.match(text, /Name not available/, 'a restricted key cannot read the account name');
    assert.match(await alphaRow.innerText(), new RegExp(stripe.accounts.main.name));
    // Rows are in order, newest first.
    const ids = await page.locator('tbody tr[data-account-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-account-id')));
    assert.deepEqual(ids.slice(0, 2), [beta.id, alpha.id]);
  });

  test('Test connection shows the outcome and updates last verified', async () => {
    const row = page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' });
    const time = row.locator('td[data-col="last-verified"] time');
    const before = await time.getAttribute('datetime');
    await new Promise((r) => setTimeout(r, 50));
    await row.getByRole('button', { name: /^Test connection for Alpha GmbH/ }).click();
    await row.getByText('The key works.').waitFor();
    const after = await time.getAttribute('datetime');
    assert.ok(after && before && Date.parse(after) > Date.parse(before), `last verified moved: ${before} → ${after}`);
    await shot('accounts-light');

    // A key that stopped working: the outcome says why, the status turns to Error.
    const gone = stripe.world.addKey({ kind: 'sk', mode: 'test', account: 'acct_1LinkhubMain00' });
    await link({ id: 'org-gamma', name: 'Gamma Inc' }, gone);
    const gamma = page.locator('tbody tr').filter({ hasText: 'Gamma Inc' });
    await gamma.waitFor({ timeout: 15_000 });
    stripe.world.setKeyStatus(gone, 'expired');
    await gamma.getByRole('button', { name: /^Test connection for Gamma Inc/ }).click();
    await gamma.locator('.outcome-err').waitFor();
    assert.match(await gamma.locator('.outcome-err').innerText(), /expired/i);
    await gamma.getByText('Error', { exact: true }).waitFor();
  });

  test('Delete asks for confirmation (Esc cancels, focus returns) and removes the account', async () => {
    const row = page.locator('tbody tr').filter({ hasText: 'Beta Ltd' });
    const del = row.getByRole('button', { name: /^Delete Beta Ltd/ });
    await del.click();
    const dialog = page.getByRole('dialog', { name: 'Delete this account?' });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel is focused');
    await shot('delete-dialog-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await del.evaluate((el) => el === document.activeElement), true, 'focus is back on Delete');
    assert.equal(await row.count(), 1);

    await del.click();
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await page
      .locator('.alert-ok')
      .filter({ hasText: /Deleted the account of Beta Ltd/ })
      .waitFor();
    // the Delete button went with its row: focus lands on the page heading, not the top of the document
    await page.waitForFunction(() => document.activeElement?.matches('main h1'));
    const id = (await lh.api('GET', '/accounts?search=org-beta')).body;
    assert.deepEqual(id, []);
  });

  test('filters and search narrow the list', async () => {
    await page.getByLabel('Search').fill('gamma');
    await page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.match(page.url(), /search=gamma/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' }).waitFor();
    await page.getByLabel('Status').selectOption('error');
    await page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByLabel('Status').selectOption('');
    await page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' }).waitFor();
  });

  test('Re-link creates an Auth Link for the account (copy button)', async () => {
    const row = page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' });
    await row.getByRole('button', { name: /^Re-link Alpha GmbH/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Re-link Alpha GmbH' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Create Auth Link' }).click();
    const field = dialog.getByRole('textbox', { name: 'Auth Link' });
    await field.waitFor();
    const url = await field.inputValue();
    assert.ok(url.startsWith(lh.url + '/link?token='), url);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    const token = new URL(url).searchParams.get('token')!;
    const settings = await lh.hub(token, 'GET', '/hub/settings');
    assert.equal(settings.status, 200);
    assert.ok(settings.body.existing_account_id, 'edit mode for the existing account');
    await shot('relink-dialog-light');
    if (hubReason) {
      await dialog.getByRole('button', { name: 'Close dialog' }).click();
      await dialog.waitFor({ state: 'detached' });
      return;
    }
    // "Update the key now": the Hub in edit mode, right in the dialog; the account keeps its id.
    await dialog.getByRole('button', { name: 'Update the key now' }).click();
    await dialog.waitFor({ state: 'detached' });
    const hubDialog = page.getByRole('dialog', { name: 'Update the key of Alpha GmbH' });
    await hubDialog.locator('linkhub-hub input#key').waitFor({ timeout: 15_000 });
    await shot('relink-hub-light');
    await completeHub(page, stripe.keys.restrictedTest);
    await page.locator('linkhub-hub').getByRole('button', { name: 'Done' }).click();
    await hubDialog.waitFor({ state: 'detached' });
    assert.equal(
      await row.getByRole('button', { name: /^Re-link Alpha GmbH/ }).evaluate((el) => el === document.activeElement),
      true,
      'focus is back on Re-link',
    );
    await page
      .locator('.alert-ok')
      .filter({ hasText: /Replaced the key of Alpha GmbH/ })
      .waitFor();
    await row.getByText('Restricted').waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), new RegExp('rk_test_…' + stripe.keys.restrictedTest.slice(-4)));
  });

  test('Link account: an Auth Link is generated, and opening it links an account', async (t) => {
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Link account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Link an account' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).evaluate((el) => el === document.activeElement), true, 'focus moves to the new page heading');
    await page.getByRole('button', { name: 'Create Auth Link' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter the owner ID' }).waitFor();
    await page.getByLabel(/^Owner ID/).fill('org-delta');
    await page.getByLabel(/^Owner name/).fill('Delta SA');
    await page.getByLabel('Username').fill('dee@delta.example');
    await page.getByRole('radio', { name: /^Test/ }).check();
    await page.getByLabel('Link expires after').selectOption({ label: '7 days' });
    await page.getByRole('button', { name: 'Create Auth Link' }).click();
    const field = page.getByRole('textbox', { name: 'Auth Link' });
    await field.waitFor();
    assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'focus moves to the new link');
    const url = await field.inputValue();
    assert.ok(url.startsWith(lh.url + '/link?token='));
    await page.getByText(/Expires in 7 days/).waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await shot('link-light');

    const linkPage = await fetch(url);
    await linkPage.text();
    if (linkPage.status !== 200 || hubReason) {
      t.skip(`opening the link not tested: Auth Link page answered ${linkPage.status}${hubReason ? ', ' + hubReason : ''}`);
      return;
    }
    const other = await context.newPage();
    await other.goto(url);
    await completeHub(other, stripe.keys.otherAccountSecretTest);
    await shot('auth-link-page-light', other);
    await other.close();
    const found = (await lh.api('GET', '/accounts?origin_owner_id=org-delta')).body;
    assert.equal(found.length, 1);
    assert.equal(found[0].origin_username, 'dee@delta.example');
  });

  test('Link account: "Authenticate now" opens the Hub in a dialog and links an account', async (t) => {
    if (hubReason) {
      t.skip(hubReason);
      return;
    }
    await page.getByLabel(/^Owner ID/).fill('org-omega');
    await page.getByLabel(/^Owner name/).fill('Omega Co');
    await page.getByLabel('Username').fill('');
    await page.getByRole('radio', { name: /^Test/ }).check();
    await page.getByRole('button', { name: 'Authenticate now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link an account' });
    await dialog.waitFor();
    await dialog.locator('linkhub-hub input#key').waitFor({ timeout: 15_000 });
    await shot('authenticate-now-light');
    await completeHub(page, stripe.keys.secretTest);
    await page.locator('linkhub-hub').getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .locator('.alert-ok')
      .filter({ hasText: /Account linked \(acc_/ })
      .waitFor();
    const found = (await lh.api('GET', '/accounts?origin_owner_id=org-omega')).body;
    assert.equal(found.length, 1);
    await page.getByRole('link', { name: 'See it in Accounts' }).click();
    await page.locator('tbody tr').filter({ hasText: 'Omega Co' }).waitFor();
  });

  test('API keys: create (shown once, copy), list, revoke; the revoked key gets 401', async () => {
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByLabel('Name').fill('CI backend');
    await page.getByRole('button', { name: 'Create key' }).click();
    const keyField = page.getByRole('textbox', { name: 'API key', exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    assert.match(key, /^lh_/);
    assert.equal((await lh.api('GET', '/accounts', undefined, { auth: basic(key) })).status, 200);
    await shot('api-keys-created-light');
    await page.getByRole('button', { name: 'I stored it' }).click();
    await keyField.waitFor({ state: 'detached' });
    const row = page.locator('tbody tr').filter({ hasText: 'CI backend' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp('…' + key.slice(-4)));
    assert.ok(!(await page.content()).includes(key), 'the key is not on the page any more');
    await row.getByRole('button', { name: 'Revoke CI backend' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this API key?' });
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Revoked').waitFor();
    await page.waitForFunction(() => document.activeElement?.matches('main h1'));
    assert.equal((await lh.api('GET', '/accounts', undefined, { auth: basic(key) })).status, 401);
    await shot('api-keys-light');
  });

  test('Webhooks: add (secret shown once), list, deliveries with status and attempts, Retry', async () => {
    let ok = false;
    const receiver: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = ok ? 200 : 503;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    try {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.getByLabel('Endpoint URL').fill('not a url');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByText('Enter a full http:// or https:// URL.').waitFor();
      await page.getByLabel('Endpoint URL').fill(hookUrl);
      await page.getByRole('checkbox', { name: 'account.updated' }).uncheck();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = page.getByRole('textbox', { name: 'Signing secret' });
      await secret.waitFor();
      assert.match(await secret.inputValue(), /^whsec_/);
      await page.getByRole('button', { name: 'I stored it' }).click();
      const endpointRow = page.locator('tbody tr').filter({ hasText: hookUrl }).first();
      await endpointRow.waitFor();
      assert.match(await endpointRow.innerText(), /account\.created/);
      assert.doesNotMatch(await endpointRow.innerText(), /account\.updated/);

      const acc = await link({ id: 'org-hook', name: 'Hook Co' }, stripe.keys.secretTest);
      const delivery = page.locator('tr[data-delivery-id]').filter({ hasText: 'account.created' }).first();
      await delivery.getByText(/HTTP 503/).waitFor({ timeout: 15_000 });
      const attempts = Number(await delivery.locator('td').nth(3).innerText());
      assert.ok(attempts >= 1);
      await shot('webhooks-light');
      ok = true;
      await delivery.getByRole('button', { name: /^Retry delivery/ }).click();
      await delivery.getByText('Delivered').waitFor({ timeout: 15_000 });
      assert.ok(acc.id);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  test('dark theme (system preference and the theme switch): screenshots', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Accounts' }).click();
    await page.locator('tbody tr').first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(14, 17, 22)');
    await shot('accounts-dark');
    const row = page.locator('tbody tr').filter({ hasText: 'Alpha GmbH' });
    await row.getByRole('button', { name: /^Delete Alpha GmbH/ }).click();
    await page.getByRole('dialog', { name: 'Delete this account?' }).waitFor();
    await shot('delete-dialog-dark');
    await page.keyboard.press('Escape');
    for (const [nav, name] of [
      ['Link account', 'link'],
      ['API keys', 'api-keys'],
      ['Webhooks', 'webhooks'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: nav }).click();
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(300);
      await shot(`${name}-dark`);
    }
    if (!hubReason) {
      await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Link account' }).click();
      await page.getByLabel(/^Owner ID/).fill('org-dark');
      await page.getByLabel(/^Owner name/).fill('Dark Mode Ltd');
      await page.getByRole('button', { name: 'Authenticate now' }).click();
      await page.locator('linkhub-hub input#key').waitFor({ timeout: 15_000 });
      await shot('authenticate-now-dark');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Link an account' }).waitFor({ state: 'detached' });
    }
    // The switch overrides the system preference, and is remembered.
    await page.getByLabel('Theme').selectOption('light');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.reload();
    await page.locator('main h1').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'remembered across a reload');
    await page.getByLabel('Theme').selectOption('system');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('keyboard: the skip link comes first; sign out returns to sign-in and the session is gone', async () => {
    await page.goto('/dashboard/accounts');
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    signedOut = true;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin password').waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('signin-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByLabel('Admin password').waitFor();
    const res = await page.evaluate(async () => (await fetch('/dashboard/api/accounts')).status);
    assert.equal(res, 401);
  });

  test('no script errors or CSP violations on any page', () => {
    assert.deepEqual(problems, []);
  });
});
