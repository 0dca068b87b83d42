// The Hub's accessibility in real Chromium: a keyboard-only run of the whole flow, light and
// dark themes (attribute and system preference) with measured WCAG AA contrast, a narrow screen.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromiumSkip, contrastProblems, deepFocus, screenshot } from './browser.js';
import { connectButton, type HubFixture, keyField, startHubFixture } from './fixture.js';

let fx: HubFixture;

describe('Hub accessibility', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('a11y');
  });
  after(async () => {
    await fx?.close();
  });

  test('keyboard only (Tab, Space, Enter): choose the environment, paste, show the key, connect, close', async () => {
    const { page, context, ownerId } = await fx.open();
    await page.getByRole('radio', { name: 'Production' }).waitFor();
    const tab = async () => {
      await page.keyboard.press('Tab');
      return deepFocus(page);
    };
    assert.equal((await tab())?.label, 'Close');
    assert.equal((await tab())?.id, 'env-stripe-production', 'the radio group is one tab stop');
    await page.keyboard.press('Space');
    assert.ok(await page.getByRole('radio', { name: 'Production' }).isChecked());
    assert.equal((await tab())?.id, 'key');
    await page.keyboard.insertText(fx.stripe.keys.secretLive);
    assert.equal((await tab())?.label, 'Show API Key');
    await page.keyboard.press('Space');
    assert.equal(await keyField(page).getAttribute('type'), 'text', 'Show reveals the key');
    assert.equal((await deepFocus(page))?.label, 'Hide API Key');
    assert.match((await tab())?.text ?? '', /where to find your API keys/);
    assert.equal((await tab())?.text, 'Connect');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    const focus = await deepFocus(page);
    assert.ok(focus?.inDialog && focus.text === 'Done', JSON.stringify(focus));
    await screenshot(page, 'embedded-keyboard-dialog', false);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Stripe account connected' }).waitFor();
    const [account] = await fx.accountsOf(ownerId);
    assert.equal(account.environment, 'production');
    assert.equal(account.key_type, 'secret');
    const events = await page.evaluate(() => (window as any).hubEvents.map((e: { type: string }) => e.type));
    assert.deepEqual(events, ['success', 'close']);
    await context.close();

    // radio-group keys: an arrow moves the choice to Test Mode; Enter in the key field submits
    const second = await fx.open();
    await second.page.getByRole('radio', { name: 'Production' }).waitFor();
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.press('Space');
    await second.page.keyboard.press('ArrowDown');
    assert.ok(await second.page.getByRole('radio', { name: 'Test Mode' }).isChecked());
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.insertText(fx.stripe.keys.restrictedTest);
    await second.page.keyboard.press('Enter');
    await second.page.getByRole('dialog').waitFor();
    const [other] = await fx.accountsOf(second.ownerId);
    assert.equal(other.environment, 'test');
    assert.equal(other.key_type, 'restricted');
    await second.context.close();
  });

  test('light and dark themes (attribute and system preference) pass WCAG AA contrast', async () => {
    const shots: [name: string, opts: { theme?: string; colorScheme?: 'light' | 'dark' }, dark: boolean][] = [
      ['theme-light', { theme: 'light' }, false],
      ['theme-dark', { theme: 'dark' }, true],
      ['theme-system-dark', { colorScheme: 'dark' }, true],
      ['theme-light-attr-on-dark-system', { theme: 'light', colorScheme: 'dark' }, false],
    ];
    for (const [name, opts, dark] of shots) {
      const { page, context } = await fx.open(opts);
      await page.getByRole('radio', { name: 'Test Mode' }).check();
      await keyField(page).fill(fx.stripe.keys.publishableTest);
      const bg = await page.locator('linkhub-hub .card').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(bg, dark ? 'rgb(23, 28, 46)' : 'rgb(255, 255, 255)', `${name} background`);
      let result = await contrastProblems(page);
      assert.ok(result.checked > 10, `measured ${result.checked} text elements`);
      assert.deepEqual(result.problems, [], `${name}: contrast`);
      await screenshot(page, name);
      await keyField(page).fill('sk_test_' + 'Q'.repeat(30));
      await connectButton(page).click();
      await page.getByRole('alert').waitFor();
      result = await contrastProblems(page);
      assert.deepEqual(result.problems, [], `${name} with an error: contrast`);
      await screenshot(page, `${name}-error`);
      await keyField(page).fill(fx.stripe.keys.secretTest);
      await connectButton(page).click();
      await page.getByRole('dialog').waitFor();
      result = await contrastProblems(page);
      assert.deepEqual(result.problems, [], `${name} confirmation: contrast`);
      if (dark) await screenshot(page, `${name}-success`, false);
      await context.close();
    }
    // narrow screen
    const { page, context } = await fx.open({ width: 360 });
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(fx.stripe.keys.secretLive);
    await screenshot(page, 'embedded-narrow');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling at 360 px');
    const card = await page.locator('linkhub-hub .card').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(card.scroll <= card.client, `nothing sticks out of the card: ${JSON.stringify(card)}`);
    await context.close();
  });
});
