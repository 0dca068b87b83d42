// Re-verification on the Dashboard, in real Chromium: an account whose key was revoked at the provider
// (the Stripe stand-in) and then tested (POST /accounts/{id}/test, as the scheduled verifier does)
// shows Error with its reason in plain words and Re-link as the first action; Re-link → "Update the key
// now" with a new key in the Hub turns it Active. The row holds its content at phone widths (overflow,
// never pixels).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { StripeStandin } from '../stripe-standin/index.js';
import { chromiumSkip } from './browser.js';
import { completeHub, type DashboardFixture, startDashboardFixture } from './dashboard-fixture.js';
import { overflowLog } from './overflow.js';

const PASSWORD = 'browser-test-password-verify';
const OWNER = { id: 'org-delta', name: 'Delta Ltd' };

let fx: DashboardFixture;
let stripe: StripeStandin;
let page: Page;

describe('account verification on the Dashboard', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    stripe = fx.stripe;
    const context = await fx.browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: fx.lh.url });
    page = await context.newPage();
  });

  after(async () => {
    await fx?.close();
  });

  test('a revoked key shows Error with its reason; Re-link with a new key turns the account Active', async () => {
    const revoked = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
    const id = await fx.link(OWNER, revoked);
    stripe.world.setKeyStatus(revoked, 'deleted');
    const tested = await fx.lh.api('POST', `/accounts/${id}/test`);
    assert.equal(tested.status, 200, tested.text);
    assert.equal(tested.body.account.status, 'error');
    const description: string = tested.body.account.status_reasons[0].description;

    await fx.signIn(page);
    const row = page.locator(`tbody tr[data-account-id="${id}"]`);
    await row.getByText('Error', { exact: true }).waitFor();
    assert.equal(await row.locator('.reason-what').innerText(), 'The key no longer works: it was revoked, rolled or deleted.');
    assert.equal(await row.locator('.reason').innerText(), description, "the provider's words beneath");
    await row.getByText('Re-link to give a new key.').waitFor();
    const relinkButton = row.getByRole('button', { name: new RegExp(`^Re-link ${OWNER.name}`) });
    assert.equal(await relinkButton.evaluate((el) => el.classList.contains('btn-primary')), true, 'Re-link is the first thing to do');
    const layout = overflowLog();
    await layout.check(page, 'Accounts with an account in error');

    await relinkButton.click();
    const relink = page.getByRole('dialog', { name: `Re-link ${OWNER.name}` });
    await relink.getByRole('button', { name: 'Update the key now' }).click();
    const hub = page.getByRole('dialog', { name: `Update the key of ${OWNER.name}` });
    await hub.waitFor();
    const fresh = stripe.world.addKey({ kind: 'sk', mode: 'test', account: stripe.accounts.main.id });
    await completeHub(page, fresh);
    await page.locator('linkhub-hub').getByRole('button', { name: 'Done' }).click();
    await hub.waitFor({ state: 'detached' });

    await row.getByText('Active', { exact: true }).waitFor();
    assert.equal(await row.locator('.reason-block').count(), 0, 'no reason any more');
    assert.equal(await relinkButton.evaluate((el) => el.classList.contains('btn-primary')), false);
    await layout.check(page, 'Accounts after the Re-link');
    layout.assertNone();

    const account = (await fx.lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.status, 'active');
    assert.deepEqual(account.status_reasons, []);
    assert.equal(account.id, id, 'the account kept its id');
  });
});
