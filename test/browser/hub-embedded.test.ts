// The Hub as a web component on a customer's page (another origin), in real Chromium: linking,
// the iframe message, key rules as the user types, the server's refusals, Retry, double submits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkStripeKey } from '../../src/connectors/stripe/key-rules.js';
import { connectSession } from '../helpers/linkhub.js';
import { chromiumSkip, deepFocus, screenshot, settledFocus } from './browser.js';
import { connectButton, type HubFixture, keyField, startHubFixture } from './fixture.js';

let fx: HubFixture;

describe('Hub web component (embedded)', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('embedded');
  });
  after(async () => {
    await fx?.close();
  });

  test('links a Test Mode account: success event, focused confirmation, account listed, close event', async () => {
    const { page, context, ownerId, problems } = await fx.open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    // no rule message before the user typed anything
    assert.equal(await page.locator('linkhub-hub #key-check').textContent(), '');
    await keyField(page).fill(fx.stripe.keys.secretTest);
    await connectButton(page).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    const focus = await deepFocus(page);
    assert.ok(focus?.inDialog, `focus moved into the confirmation: ${JSON.stringify(focus)}`);
    const text = await dialog.innerText();
    assert.match(text, /Test Mode/);
    assert.match(text, /Secret key/);
    assert.ok(text.includes('…' + fx.stripe.keys.secretTest.slice(-4)), text);
    assert.match(text, new RegExp(fx.stripe.accounts.main.name));
    await screenshot(page, 'embedded-light-success', false);

    const events = await page.evaluate(() => (window as any).hubEvents);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'success');
    assert.equal(events[0].target, 'linkhub-hub');
    assert.equal(events[0].detail.provider, 'stripe');
    assert.match(events[0].detail.id, /\S/);
    // not framed: nothing posted to a parent
    assert.deepEqual(await page.evaluate(() => (window as any).hubMessages), []);

    const accounts = await fx.accountsOf(ownerId);
    assert.equal(accounts.length, 1);
    assert.equal(accounts[0].id, events[0].detail.id);
    assert.equal(accounts[0].environment, 'test');
    assert.equal(accounts[0].key_hint, fx.stripe.keys.secretTest.slice(-4));

    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Stripe account connected' }).waitFor();
    const after = await page.evaluate(() => (window as any).hubEvents);
    assert.deepEqual(after[1], { type: 'close', target: 'linkhub-hub' });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('inside an iframe it also posts AccountConnected to the parent window', async () => {
    const ownerId = fx.newOwner();
    const { token } = await connectSession(fx.lh, { origin_owner_id: ownerId, origin_owner_name: 'Framed Co' });
    const context = await fx.browser.newContext({ viewport: { width: 720, height: 1000 } });
    const page = await context.newPage();
    // parent on 127.0.0.1, framed page on localhost, Linkhub on a third origin
    const src = `${fx.host.altUrl}/embed?${new URLSearchParams({ token, base: fx.lh.url })}`;
    await page.goto(`${fx.host.url}/parent?src=${encodeURIComponent(src)}`);
    const frame = page.frameLocator('#frame');
    await frame.getByRole('radio', { name: 'Test Mode' }).check();
    await frame.getByLabel('API Key', { exact: true }).fill(fx.stripe.keys.restrictedTest);
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByRole('dialog').waitFor();
    await page.waitForFunction(() => (window as any).hubMessages.length > 0);
    const messages = await page.evaluate(() => (window as any).hubMessages);
    const [account] = await fx.accountsOf(ownerId);
    assert.deepEqual(messages, [{ origin: fx.host.altUrl, data: { type: 'AccountConnected', account: { id: account.id, provider: 'stripe' } } }]);
    assert.equal(account.key_type, 'restricted');
    await context.close();
  });

  test('key rules as the user types: the server’s own messages, Connect disabled, nothing sent', async () => {
    const { page, context, ownerId, posts } = await fx.open();
    fx.stripe.clearLog();
    const check = page.locator('linkhub-hub #key-check');
    const cases: [env: 'Test Mode' | 'Production', key: string, code: string][] = [
      ['Test Mode', fx.stripe.keys.secretLive, 'key_mode_mismatch'],
      ['Production', fx.stripe.keys.restrictedTest, 'key_mode_mismatch'],
      ['Test Mode', fx.stripe.keys.publishableTest, 'key_publishable'],
      ['Test Mode', fx.stripe.keys.secretTest.slice(0, 20) + ' ' + fx.stripe.keys.secretTest.slice(20), 'key_whitespace'],
      ['Test Mode', 'xk_test_' + 'a'.repeat(30), 'key_prefix'],
    ];
    for (const [env, key, code] of cases) {
      await page.getByRole('radio', { name: env }).check();
      await keyField(page).fill(key);
      const expected = checkStripeKey(key, env === 'Test Mode' ? 'test' : 'production');
      assert.ok(!expected.ok && expected.code === code);
      assert.equal(await check.textContent(), expected.message, `${code} in ${env}`);
      assert.equal(await keyField(page).getAttribute('aria-invalid'), 'true');
      assert.ok(await connectButton(page).isDisabled(), 'Connect disabled while the key breaks a rule');
      await keyField(page).press('Enter');
      if (code === 'key_publishable') await screenshot(page, 'embedded-rule-publishable');
    }
    // switching environment re-checks the same key: a live key becomes valid in Production
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.secretLive);
    assert.match((await check.textContent()) ?? '', /live key/);
    await page.getByRole('radio', { name: 'Production' }).check();
    assert.equal(await check.textContent(), '');
    assert.ok(await connectButton(page).isEnabled());
    // clearing the field after typing asks for the key
    await keyField(page).fill('');
    assert.equal(await check.textContent(), (checkStripeKey('', 'production') as { message: string }).message);

    assert.deepEqual(posts, [], 'no request while the key breaks a rule');
    assert.equal(fx.stripe.log.length, 0);
    assert.equal((await fx.accountsOf(ownerId)).length, 0);
    await context.close();
  });

  test('the server’s refusals: invalid key, expired key, missing permission — focused alert, nothing linked', async () => {
    const { page, context, ownerId, problems } = await fx.open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    const cases: [key: string, title: RegExp, message: RegExp][] = [
      ['sk_test_' + 'Z'.repeat(40), /Stripe rejected this key/, /rejected this key as invalid/],
      [fx.stripe.keys.expiredTest, /This key has expired/, /expired or was rolled/],
      [
        fx.stripe.keys.restrictedTestNoCustomers,
        /missing a permission/,
        /'rak_customer_read' permission \(Customers: Read\).*Developers > API keys.*edit the restricted key/s,
      ],
    ];
    for (const [key, title, message] of cases) {
      await keyField(page).fill(key);
      await connectButton(page).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, title);
      assert.match(text, message);
      const focus = await settledFocus(page, (f) => f?.role === 'alert');
      assert.equal(focus?.role, 'alert', 'focus moved to the error');
      if (key === fx.stripe.keys.restrictedTestNoCustomers) {
        assert.match(text, /rak_customer_read/);
        await screenshot(page, 'embedded-missing-permission');
      }
      // the key stays in the field to fix; editing it clears the alert
      assert.equal(await keyField(page).inputValue(), key);
    }
    assert.equal((await fx.accountsOf(ownerId)).length, 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Stripe unreachable: the message offers Retry, which works once Stripe is back', async () => {
    const { page, context, ownerId } = await fx.open();
    fx.stripe.inject({ kind: '503', count: 1000 });
    try {
      await page.getByRole('radio', { name: 'Test Mode' }).check();
      await keyField(page).fill(fx.stripe.keys.secretTest);
      await connectButton(page).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, /Stripe could not be reached/);
      assert.match(text, /HTTP 503.*try again/s);
      await screenshot(page, 'embedded-stripe-down');
      assert.equal((await fx.accountsOf(ownerId)).length, 0);
    } finally {
      fx.stripe.clearFaults();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog', { name: 'Stripe account connected' }).waitFor();
    assert.equal((await fx.accountsOf(ownerId)).length, 1);
    await context.close();
  });

  test('double-clicking Connect sends one request; the button shows progress meanwhile', async () => {
    const { page, context, ownerId, posts } = await fx.open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.secretTest);
    fx.stripe.clearLog();
    fx.stripe.inject({ kind: 'delay', delayMs: 700, count: 1 });
    await connectButton(page).dblclick();
    const busy = page.getByRole('button', { name: /Testing the key with Stripe/ });
    await busy.waitFor();
    assert.equal(await busy.getAttribute('aria-disabled'), 'true');
    await screenshot(page, 'embedded-busy');
    await busy.click({ force: true });
    await keyField(page).press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(posts.length, 1, `one POST /hub/accounts: ${posts.length}`);
    assert.equal(fx.stripe.log.filter((e) => e.path === '/v1/customers').length, 1, 'one live test');
    assert.equal((await fx.accountsOf(ownerId)).length, 1);
    await context.close();
  });
});
