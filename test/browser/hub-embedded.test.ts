// The Hub as a web component on a customer's page (another origin), in real Chromium:
// linking, the iframe message, key rules as the user types, the server's refusals, Retry,
// double submits, a keyboard-only run, and both themes with WCAG AA contrast.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkStripeKey } from '../../src/connectors/stripe/key-rules.js';
import { connectSession, type Linkhub, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { ensureWebBuilt } from './build.js';
import {
  chromiumSkip,
  contrastProblems,
  deepFocus,
  embedPage,
  type HostServer,
  launchChromium,
  parentPage,
  screenshot,
  startHostServer,
} from './browser.js';

let stripe: StripeStandin;
let lh: Linkhub;
let host: HostServer;
let browser: Browser;
let owner = 0;

interface Opened {
  page: Page;
  context: BrowserContext;
  token: string;
  ownerId: string;
  /** Uncaught exceptions and CSP violations seen by the page. */
  problems: string[];
  /** POST /hub/accounts requests the page sent. */
  posts: string[];
}

async function open(opts: { session?: Record<string, unknown>; theme?: string; colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Opened> {
  const ownerId = `browser-owner-${++owner}`;
  const { token } = await connectSession(lh, { origin_owner_id: ownerId, origin_owner_name: 'Acme Inc', ...opts.session });
  const context = await browser.newContext({ viewport: { width: opts.width ?? 720, height: 1000 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  const posts: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Uncaught/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/hub/accounts') posts.push(r.url());
  });
  const q = new URLSearchParams({ token, base: lh.url, ...(opts.theme ? { theme: opts.theme } : {}) });
  await page.goto(`${host.url}/embed?${q}`);
  return { page, context, token, ownerId, problems, posts };
}

const keyField = (page: Page) => page.getByLabel('API Key', { exact: true });
const connect = (page: Page) => page.getByRole('button', { name: 'Connect' });

async function accountsOf(ownerId: string): Promise<any[]> {
  const res = await lh.api('GET', `/accounts?origin_owner_id=${encodeURIComponent(ownerId)}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

describe('Hub web component (embedded)', { skip: chromiumSkip() }, () => {
  before(async () => {
    await ensureWebBuilt();
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url });
    host = await startHostServer({
      '/embed': embedPage(lh.url),
      '/parent': parentPage,
      '/favicon.ico': (_req, res) => void res.writeHead(204).end(),
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await lh?.close();
    await stripe?.close();
  });

  test('links a Test Mode account: success event, focused confirmation, account listed, close event', async () => {
    const { page, context, ownerId, problems } = await open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    // no rule message before the user typed anything
    assert.equal(await page.locator('linkhub-hub #key-check').textContent(), '');
    await keyField(page).fill(stripe.keys.secretTest);
    await connect(page).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    const focus = await deepFocus(page);
    assert.ok(focus?.inDialog, `focus moved into the confirmation: ${JSON.stringify(focus)}`);
    const text = await dialog.innerText();
    assert.match(text, /Test Mode/);
    assert.match(text, /Secret key/);
    assert.ok(text.includes('…' + stripe.keys.secretTest.slice(-4)), text);
    assert.match(text, new RegExp(stripe.accounts.main.name));
    await screenshot(page, 'embedded-light-success', false);

    const events = await page.evaluate(() => (window as any).hubEvents);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'success');
    assert.equal(events[0].target, 'linkhub-hub');
    assert.equal(events[0].detail.provider, 'stripe');
    assert.match(events[0].detail.id, /\S/);
    // not framed: nothing posted to a parent
    assert.deepEqual(await page.evaluate(() => (window as any).hubMessages), []);

    const accounts = await accountsOf(ownerId);
    assert.equal(accounts.length, 1);
    assert.equal(accounts[0].id, events[0].detail.id);
    assert.equal(accounts[0].environment, 'test');
    assert.equal(accounts[0].key_hint, stripe.keys.secretTest.slice(-4));

    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Stripe account connected' }).waitFor();
    const after = await page.evaluate(() => (window as any).hubEvents);
    assert.deepEqual(after[1], { type: 'close', target: 'linkhub-hub' });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('inside an iframe it also posts AccountConnected to the parent window', async () => {
    const ownerId = `browser-owner-${++owner}`;
    const { token } = await connectSession(lh, { origin_owner_id: ownerId, origin_owner_name: 'Framed Co' });
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 } });
    const page = await context.newPage();
    // parent on 127.0.0.1, framed page on localhost, Linkhub on a third origin
    const src = `${host.altUrl}/embed?${new URLSearchParams({ token, base: lh.url })}`;
    await page.goto(`${host.url}/parent?src=${encodeURIComponent(src)}`);
    const frame = page.frameLocator('#frame');
    await frame.getByRole('radio', { name: 'Test Mode' }).check();
    await frame.getByLabel('API Key', { exact: true }).fill(stripe.keys.restrictedTest);
    await frame.getByRole('button', { name: 'Connect' }).click();
    await frame.getByRole('dialog').waitFor();
    await page.waitForFunction(() => (window as any).hubMessages.length > 0);
    const messages = await page.evaluate(() => (window as any).hubMessages);
    const [account] = await accountsOf(ownerId);
    assert.deepEqual(messages, [{ origin: host.altUrl, data: { type: 'AccountConnected', account: { id: account.id, provider: 'stripe' } } }]);
    assert.equal(account.key_type, 'restricted');
    await context.close();
  });

  test('key rules as the user types: the server’s own messages, Connect disabled, nothing sent', async () => {
    const { page, context, ownerId, posts } = await open();
    stripe.clearLog();
    const check = page.locator('linkhub-hub #key-check');
    const cases: [env: 'Test Mode' | 'Production', key: string, code: string][] = [
      ['Test Mode', stripe.keys.secretLive, 'key_mode_mismatch'],
      ['Production', stripe.keys.restrictedTest, 'key_mode_mismatch'],
      ['Test Mode', stripe.keys.publishableTest, 'key_publishable'],
      ['Test Mode', stripe.keys.secretTest.slice(0, 20) + ' ' + stripe.keys.secretTest.slice(20), 'key_whitespace'],
      ['Test Mode', 'xk_test_' + 'a'.repeat(30), 'key_prefix'],
    ];
    for (const [env, key, code] of cases) {
      await page.getByRole('radio', { name: env }).check();
      await keyField(page).fill(key);
      const expected = checkStripeKey(key, env === 'Test Mode' ? 'test' : 'production');
      assert.ok(!expected.ok && expected.code === code);
      assert.equal(await check.textContent(), expected.message, `${code} in ${env}`);
      assert.equal(await keyField(page).getAttribute('aria-invalid'), 'true');
      assert.ok(await connect(page).isDisabled(), 'Connect disabled while the key breaks a rule');
      await keyField(page).press('Enter');
      if (code === 'key_publishable') await screenshot(page, 'embedded-rule-publishable');
    }
    // switching environment re-checks the same key: a live key becomes valid in Production
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(stripe.keys.secretLive);
    assert.match((await check.textContent()) ?? '', /live key/);
    await page.getByRole('radio', { name: 'Production' }).check();
    assert.equal(await check.textContent(), '');
    assert.ok(await connect(page).isEnabled());
    // clearing the field after typing asks for the key
    await keyField(page).fill('');
    assert.equal(await check.textContent(), (checkStripeKey('', 'production') as { message: string }).message);

    assert.deepEqual(posts, [], 'no request while the key breaks a rule');
    assert.equal(stripe.log.length, 0);
    assert.equal((await accountsOf(ownerId)).length, 0);
    await context.close();
  });

  test('the server’s refusals: invalid key, expired key, missing permission — focused alert, nothing linked', async () => {
    const { page, context, ownerId, problems } = await open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    const cases: [key: string, title: RegExp, message: RegExp][] = [
      ['sk_test_' + 'Z'.repeat(40), /Stripe rejected this key/, /rejected this key as invalid/],
      [stripe.keys.expiredTest, /This key has expired/, /expired or was rolled/],
      [stripe.keys.restrictedTestNoCustomers, /missing a permission/, /'rak_customer_read' permission \(Customers: Read\).*Developers > API keys.*edit the restricted key/s],
    ];
    for (const [key, title, message] of cases) {
      await keyField(page).fill(key);
      await connect(page).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, title);
      assert.match(text, message);
      const focus = await deepFocus(page);
      assert.equal(focus?.role, 'alert', 'focus moved to the error');
      if (key === stripe.keys.restrictedTestNoCustomers) {
        assert.match(text, /rak_customer_read/);
        await screenshot(page, 'embedded-missing-permission');
      }
      // the key stays in the field to fix; editing it clears the alert
      assert.equal(await keyField(page).inputValue(), key);
    }
    assert.equal((await accountsOf(ownerId)).length, 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Stripe unreachable: the message offers Retry, which works once Stripe is back', async () => {
    const { page, context, ownerId } = await open();
    stripe.inject({ kind: '503', count: 1000 });
    try {
      await page.getByRole('radio', { name: 'Test Mode' }).check();
      await keyField(page).fill(stripe.keys.secretTest);
      await connect(page).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, /Stripe could not be reached/);
      assert.match(text, /HTTP 503.*try again/s);
      await screenshot(page, 'embedded-stripe-down');
      assert.equal((await accountsOf(ownerId)).length, 0);
    } finally {
      stripe.clearFaults();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog', { name: 'Stripe account connected' }).waitFor();
    assert.equal((await accountsOf(ownerId)).length, 1);
    await context.close();
  });

  test('double-clicking Connect sends one request; the button shows progress meanwhile', async () => {
    const { page, context, ownerId, posts } = await open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(stripe.keys.secretTest);
    stripe.clearLog();
    stripe.inject({ kind: 'delay', delayMs: 700, count: 1 });
    await connect(page).dblclick();
    const busy = page.getByRole('button', { name: /Testing the key with Stripe/ });
    await busy.waitFor();
    assert.equal(await busy.getAttribute('aria-disabled'), 'true');
    await screenshot(page, 'embedded-busy');
    await busy.click({ force: true });
    await keyField(page).press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(posts.length, 1, `one POST /hub/accounts: ${posts.length}`);
    assert.equal(stripe.log.filter((e) => e.path === '/v1/customers').length, 1, 'one live test');
    assert.equal((await accountsOf(ownerId)).length, 1);
    await context.close();
  });

  test('keyboard only (Tab, Space, Enter): choose the environment, paste, show the key, connect, close', async () => {
    const { page, context, ownerId } = await open();
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
    await page.keyboard.type(stripe.keys.secretLive);
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
    const [account] = await accountsOf(ownerId);
    assert.equal(account.environment, 'production');
    assert.equal(account.key_type, 'secret');
    const events = await page.evaluate(() => (window as any).hubEvents.map((e: { type: string }) => e.type));
    assert.deepEqual(events, ['success', 'close']);
    await context.close();

    // radio-group keys: an arrow moves the choice to Test Mode; Enter in the key field submits
    const second = await open();
    await second.page.getByRole('radio', { name: 'Production' }).waitFor();
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.press('Space');
    await second.page.keyboard.press('ArrowDown');
    assert.ok(await second.page.getByRole('radio', { name: 'Test Mode' }).isChecked());
    await second.page.keyboard.press('Tab');
    await second.page.keyboard.type(stripe.keys.restrictedTest);
    await second.page.keyboard.press('Enter');
    await second.page.getByRole('dialog').waitFor();
    const [other] = await accountsOf(second.ownerId);
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
      const { page, context } = await open(opts);
      await page.getByRole('radio', { name: 'Test Mode' }).check();
      await keyField(page).fill(stripe.keys.publishableTest);
      const bg = await page.locator('linkhub-hub .card').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(bg, dark ? 'rgb(23, 28, 46)' : 'rgb(255, 255, 255)', `${name} background`);
      let result = await contrastProblems(page);
      assert.ok(result.checked > 10, `measured ${result.checked} text elements`);
      assert.deepEqual(result.problems, [], `${name}: contrast`);
      await screenshot(page, name);
      await keyField(page).fill('sk_test_' + 'Q'.repeat(30));
      await connect(page).click();
      await page.getByRole('alert').waitFor();
      result = await contrastProblems(page);
      assert.deepEqual(result.problems, [], `${name} with an error: contrast`);
      await screenshot(page, `${name}-error`);
      await keyField(page).fill(stripe.keys.secretTest);
      await connect(page).click();
      await page.getByRole('dialog').waitFor();
      result = await contrastProblems(page);
      assert.deepEqual(result.problems, [], `${name} confirmation: contrast`);
      if (dark) await screenshot(page, `${name}-success`, false);
      await context.close();
    }
    // narrow screen
    const { page, context } = await open({ width: 360 });
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    await keyField(page).fill(stripe.keys.secretLive);
    await screenshot(page, 'embedded-narrow');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal scrolling at 360 px');
    const card = await page.locator('linkhub-hub .card').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(card.scroll <= card.client, `nothing sticks out of the card: ${JSON.stringify(card)}`);
    await context.close();
  });
});
