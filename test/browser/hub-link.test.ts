// The hosted Auth Link page (GET /link?token=…, what auth_link_url points to) in real Chromium:
// linking, a one-row session, the iframe message, stale, incomplete and used links, and edit mode (key rotation).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { sha256 } from '../../src/services/ids.js';
import { connectSessions } from '../../src/store/schema.js';
import { connectSession } from '../helpers/linkhub.js';
import { chromiumSkip, contrastProblems, deepFocus, screenshot, settledFocus } from './browser.js';
import { type HubFixture, keyField, startHubFixture } from './fixture.js';

let fx: HubFixture;

describe('Auth Link page', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('link');
  });
  after(async () => {
    await fx?.close();
  });

  test('auth_link_url opens the Hub full page and links an account', async () => {
    const ownerId = fx.newOwner();
    const { session } = await connectSession(fx.lh, { origin_owner_id: ownerId, origin_owner_name: 'Linked Co' });
    assert.match(session.auth_link_url, /\/link\?token=/);
    const { page, context, problems } = await fx.openUrl(session.auth_link_url);
    await page.getByRole('heading', { level: 1, name: 'Connect Stripe' }).waitFor();
    await screenshot(page, 'link-initial');
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.restrictedTest);
    await page.getByRole('button', { name: 'Connect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    assert.ok((await deepFocus(page))?.inDialog);
    assert.match(await dialog.innerText(), /Restricted key/);
    await screenshot(page, 'link-success', false);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByText('You can close this window now.').waitFor();
    await screenshot(page, 'link-done');
    const [account] = await fx.accountsOf(ownerId);
    assert.equal(account.environment, 'test');
    assert.equal(account.key_type, 'restricted');
    assert.equal(account.origin_owner_name, 'Linked Co');
    const { problems: contrast } = await contrastProblems(page);
    assert.deepEqual(contrast, []);
    assert.deepEqual(problems, [], 'no CSP violation or script error under the page’s CSP');
    await context.close();
  });

  test('a session limited to Test Mode preselects it', async () => {
    const { session } = await connectSession(fx.lh, { origin_owner_id: fx.newOwner(), type: 'test' });
    const { page, context } = await fx.openUrl(session.auth_link_url, 'dark');
    const radio = page.getByRole('radio', { name: 'Test Mode' });
    await radio.waitFor();
    assert.ok(await radio.isChecked());
    assert.equal(await page.getByRole('radio').count(), 1);
    // a live key: the message suggests only what this session offers
    await keyField(page).fill(fx.stripe.keys.secretLive);
    const check = await page.locator('linkhub-hub #key-check').innerText();
    assert.match(check, /live key .* only Test Mode is offered here\. Use a test key/);
    assert.doesNotMatch(check, /Production/);
    await screenshot(page, 'link-dark-test-only');
    await context.close();
  });

  test('in an iframe the page posts AccountConnected to its parent', async () => {
    // the parent's origin may frame the page once the project allows it (link-framing.test.ts)
    const allowed = await fx.lh.api('PATCH', '/project/settings', { allowed_frame_origins: [fx.host.url] });
    assert.equal(allowed.status, 200, allowed.text);
    const ownerId = fx.newOwner();
    const { session } = await connectSession(fx.lh, { origin_owner_id: ownerId });
    const { page, context } = await fx.openUrl(`${fx.host.url}/parent?src=${encodeURIComponent(session.auth_link_url)}`);
    const frame = page.frameLocator('#frame');
    await frame.getByRole('radio', { name: 'Test Mode' }).check();
    await frame.getByLabel('API Key', { exact: true }).fill(fx.stripe.keys.secretTest);
    await frame.getByRole('button', { name: 'Connect' }).click();
    await page.waitForFunction(() => (window as any).hubMessages.length > 0);
    const [account] = await fx.accountsOf(ownerId);
    assert.deepEqual(await page.evaluate(() => (window as any).hubMessages), [
      { origin: fx.lh.url, data: { type: 'AccountConnected', account: { id: account.id, provider: 'stripe' } } },
    ]);
    await context.close();
  });

  test('a link without its token says it is incomplete, not expired', async () => {
    const { page, context } = await fx.openUrl(`${fx.lh.url}/link`);
    await page.getByRole('heading', { level: 1, name: 'This link is incomplete' }).waitFor();
    const text = await page.locator('linkhub-hub .message').innerText();
    assert.match(text, /no session token\. Open the whole link your app gave you/);
    assert.doesNotMatch(text, /expired/i);
    await screenshot(page, 'link-incomplete');
    await context.close();
  });

  test('a used link says so when opened again, with the account linked and how to get a new link', async () => {
    const ownerId = fx.newOwner();
    const { session } = await connectSession(fx.lh, { origin_owner_id: ownerId });
    let { page, context } = await fx.openUrl(session.auth_link_url);
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.secretTest);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Stripe account connected' }).waitFor();
    await context.close();
    ({ page, context } = await fx.openUrl(session.auth_link_url));
    await page.getByRole('heading', { level: 1, name: 'This link was already used' }).waitFor();
    const text = await page.locator('linkhub-hub .message').innerText();
    assert.match(text, /Your account is linked/);
    assert.match(text, /ask the person or app that sent it to you for a new link/);
    assert.equal(await page.getByRole('button', { name: 'Connect' }).count(), 0, 'no form to link again');
    await screenshot(page, 'link-used');
    assert.equal((await fx.accountsOf(ownerId)).length, 1);
    await context.close();
  });

  test('a stale link says "This link has expired": unknown token, and a session that expires mid-flow', async () => {
    {
      const { page, context } = await fx.openUrl(`${fx.lh.url}/link?token=not-a-real-token`);
      await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
      await screenshot(page, 'link-expired');
      await context.close();
    }
    const ownerId = fx.newOwner();
    const { token, session } = await connectSession(fx.lh, { origin_owner_id: ownerId });
    const { page, context } = await fx.openUrl(session.auth_link_url);
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.secretTest);
    // the session runs out while the user is on the page
    await fx.lh.services.store.db
      .update(connectSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(connectSessions.tokenHash, sha256(token)));
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    assert.equal((await settledFocus(page, (f) => f?.tag === 'h1'))?.tag, 'h1', 'focus moved to the expired notice');
    assert.match(await page.locator('linkhub-hub .message').innerText(), /Ask the person or app that sent it to you for a new link/);
    assert.equal((await fx.accountsOf(ownerId)).length, 0);
    await context.close();
  });

  test('edit mode: shows the current key redacted; a failing key keeps the old one; a good key rotates in place', async () => {
    const ownerId = fx.newOwner();
    const first = await connectSession(fx.lh, { origin_owner_id: ownerId });
    const linked = await fx.lh.hub(first.token, 'POST', '/hub/accounts', {
      integration_id: 'stripe-test',
      credentials: { api_key: fx.stripe.keys.secretTest },
    });
    assert.equal(linked.status, 201, linked.text);
    const id = linked.body.id;
    const oldHint = fx.stripe.keys.secretTest.slice(-4);

    const { session } = await connectSession(fx.lh, { origin_owner_id: ownerId, account_id: id });
    const { page, context, problems } = await fx.openUrl(session.auth_link_url);
    await page.getByRole('heading', { name: 'Update your Stripe key' }).waitFor();
    const card = page.locator('linkhub-hub .current');
    assert.match(await card.innerText(), new RegExp(`••••••••${oldHint}`));
    assert.match(await card.innerText(), /Test Mode/);
    assert.equal(await page.getByRole('radio').count(), 0, 'the environment is fixed in edit mode');
    await screenshot(page, 'edit-initial');

    const field = keyField(page, 'New API Key');
    const save = page.getByRole('button', { name: 'Test and save' });
    // a live key is refused as you type (the account is Test Mode)
    await field.fill(fx.stripe.keys.secretLive);
    const refused = await page.locator('linkhub-hub #key-check').innerText();
    assert.match(refused, /only Test Mode is offered here/);
    assert.doesNotMatch(refused, /Production/, 'the environment of an account cannot be changed');
    assert.ok(await save.isDisabled());

    await field.fill(fx.stripe.keys.restrictedTestNoCustomers);
    await save.click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /rak_customer_read/);
    assert.ok(text.includes(`Your current key ••••••••${oldHint} is still in use`), text);
    assert.equal((await settledFocus(page, (f) => f?.role === 'alert'))?.role, 'alert');
    await screenshot(page, 'edit-failed');
    let account = (await fx.lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.key_hint, oldHint, 'the old key is kept');

    await field.fill(fx.stripe.keys.restrictedTest);
    await save.click();
    const dialog = page.getByRole('dialog', { name: 'Stripe key updated' });
    await dialog.waitFor();
    assert.ok((await deepFocus(page))?.inDialog);
    assert.ok((await dialog.innerText()).includes('…' + fx.stripe.keys.restrictedTest.slice(-4)));
    await screenshot(page, 'edit-success', false);
    account = (await fx.lh.api('GET', `/accounts/${id}`)).body;
    assert.equal(account.key_hint, fx.stripe.keys.restrictedTest.slice(-4));
    assert.equal(account.key_type, 'restricted');
    assert.equal((await fx.accountsOf(ownerId)).length, 1, 'rotated in place, no new account');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
