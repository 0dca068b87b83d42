// The Hub on phones: every screen (environment picker, key entry, the key rules, the server's refusals,
// Stripe unreachable, the confirmation, the done screen, a Hub that could not load, an expired session;
// on the Auth Link page also edit mode and an expired, incomplete or used link) at 360 and 390 px, with the machine's fonts
// and with wide text, with long account names, ids and keys. Nothing may overflow: not the page, not the
// card, not any box inside it (see overflow.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectSession } from '../helpers/linkhub.js';
import { chromiumSkip } from './browser.js';
import { connectButton, type HubFixture, keyField, startHubFixture } from './fixture.js';
import { overflowLog } from './overflow.js';

let fx: HubFixture;
/** A Stripe account whose name and id are as long as real ones get, and its keys. */
let long: { name: string; id: string; secretTest: string; noCustomers: string };

describe('Hub layout on phones', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('layout');
    const account = fx.stripe.world.addAccount({
      id: 'acct_1QxT9LongAccountIdentifier7Zk',
      name: 'Internationale Handelsgesellschaft für Medizintechnik und Laborbedarf GmbH & Co. KG',
    });
    long = {
      name: account.business_profile.name!,
      id: account.id,
      secretTest: fx.stripe.world.addKey({ kind: 'sk', mode: 'test', account: account.id }),
      noCustomers: fx.stripe.world.addKey({ kind: 'rk', mode: 'test', account: account.id, permissions: { charge: 'read' } }),
    };
  });
  after(async () => {
    await fx?.close();
  });

  test('embedded: picker, key entry, key rules, refusals, Stripe down, confirmation, done', async () => {
    const layout = overflowLog();
    const { page, context } = await fx.open({ width: 360 });
    await page.getByRole('radio', { name: 'Production' }).waitFor();
    await layout.check(page, 'environment picker');

    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(long.secretTest);
    await page.getByRole('button', { name: 'Show API Key' }).click();
    assert.equal(await keyField(page).getAttribute('type'), 'text');
    await layout.check(page, 'key entry (shown)');

    await keyField(page).fill(fx.stripe.keys.publishableTest);
    await page
      .locator('linkhub-hub #key-check')
      .filter({ hasText: /publishable/ })
      .waitFor();
    await layout.check(page, 'key rule message');

    await keyField(page).fill(long.noCustomers);
    await connectButton(page).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await alert.getByText(/What Stripe answered/).click();
    await alert.locator('details[open]').waitFor();
    await layout.check(page, 'refusal: missing permission, Stripe’s answer open');

    fx.stripe.inject({ kind: '503', count: 1000 });
    try {
      await keyField(page).fill(long.secretTest);
      await connectButton(page).click();
      await page.getByRole('button', { name: 'Retry' }).waitFor();
      await layout.check(page, 'Stripe unreachable');
    } finally {
      fx.stripe.clearFaults();
    }

    await page.getByRole('button', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(long.name), 'the confirmation shows the long account name');
    await layout.check(page, 'confirmation dialog');

    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Stripe account connected' }).waitFor();
    await layout.check(page, 'done');
    await context.close();
    layout.assertNone();
  });

  test('embedded: an expired session, and a Hub that could not load', async () => {
    const layout = overflowLog();
    const context = await fx.browser.newContext({ viewport: { width: 360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${fx.host.url}/embed?${new URLSearchParams({ token: 'not-a-real-token', base: fx.lh.url })}`);
    await page.getByRole('heading', { name: 'This session has expired' }).waitFor();
    await layout.check(page, 'expired session');

    // the host page server is no Linkhub: its 404 is a load failure
    await page.goto(`${fx.host.url}/embed?${new URLSearchParams({ token: 'any-token', base: fx.host.url })}`);
    await page.getByRole('heading', { name: 'The Hub could not load' }).waitFor();
    await layout.check(page, 'load failure');
    await context.close();
    layout.assertNone();
  });

  test('Auth Link page: linking, edit mode with a refusal and the confirmation, an expired, an incomplete and a used link', async () => {
    const layout = overflowLog();
    const ownerId = fx.newOwner();
    const { session } = await connectSession(fx.lh, { origin_owner_id: ownerId, origin_owner_name: long.name });
    const { page, context } = await fx.openUrl(session.auth_link_url);
    await page.setViewportSize({ width: 360, height: 900 });
    await page.getByRole('heading', { level: 1, name: 'Connect Stripe' }).waitFor();
    await layout.check(page, 'Auth Link page');
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(long.secretTest);
    await connectButton(page).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(long.id), 'the confirmation shows the long account id');
    await layout.check(page, 'Auth Link page confirmation');
    const [account] = await fx.accountsOf(ownerId);

    const edit = await connectSession(fx.lh, { origin_owner_id: ownerId, account_id: account.id });
    await page.goto(edit.session.auth_link_url);
    await page.getByRole('heading', { name: 'Update your Stripe key' }).waitFor();
    await layout.check(page, 'edit mode');
    await keyField(page, 'New API Key').fill(long.noCustomers);
    await page.getByRole('button', { name: 'Test and save' }).click();
    await page.getByRole('alert').waitFor();
    await layout.check(page, 'edit mode refusal');
    await keyField(page, 'New API Key').fill(long.secretTest);
    await page.getByRole('button', { name: 'Test and save' }).click();
    await page.getByRole('dialog', { name: 'Stripe key updated' }).waitFor();
    await layout.check(page, 'edit mode confirmation');

    await page.goto(`${fx.lh.url}/link?token=not-a-real-token`);
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await layout.check(page, 'expired link');
    await page.goto(`${fx.lh.url}/link`);
    await page.getByRole('heading', { name: 'This link is incomplete' }).waitFor();
    await layout.check(page, 'incomplete link');
    await page.goto(edit.session.auth_link_url);
    await page.getByRole('heading', { name: 'This link was already used' }).waitFor();
    await layout.check(page, 'used link');
    await context.close();
    layout.assertNone();
  });
});
