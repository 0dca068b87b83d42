// A Stripe organization key in the Hub (real Chromium, docs/stripe-org-keys.md): the context field
// appears only for an sk_org_ key, its rules show as the user types (the server's own messages), and
// the account links with the context, which the live test sent as Stripe-Context.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkStripeKey } from '../../src/connectors/stripe/key-rules.js';
import { chromiumSkip, screenshot } from './browser.js';
import { connectButton, type HubFixture, keyField, startHubFixture } from './fixture.js';

let fx: HubFixture;
const CONTEXT_LABEL = 'Stripe-Context (account id)';
const message = (key: string, context: string) => (checkStripeKey(key, 'test', context) as { message: string }).message;

describe('Hub: organization keys', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startHubFixture('org-key');
  });
  after(async () => {
    await fx?.close();
  });

  test('the context field appears for an sk_org_ key, checks its shape, and the account links with it', async () => {
    const { page, context, ownerId, problems, posts } = await fx.open();
    await page.getByRole('radio', { name: 'Test Mode' }).check();
    const contextField = page.getByLabel(CONTEXT_LABEL, { exact: true });
    await keyField(page).fill(fx.stripe.keys.secretTest);
    assert.equal(await contextField.count(), 0, 'no context field for an ordinary key');

    const orgKey = fx.stripe.keys.orgTest;
    await keyField(page).fill(orgKey);
    await contextField.waitFor();
    const check = page.locator('linkhub-hub #context-check');
    assert.equal(await check.textContent(), message(orgKey, ''));
    assert.ok(await connectButton(page).isDisabled(), 'no Connect without a context');
    assert.equal(await page.locator('linkhub-hub #key-check').textContent(), '', 'the key itself is fine');

    await contextField.fill('cus_123');
    assert.equal(await check.textContent(), message(orgKey, 'cus_123'));
    assert.equal(await contextField.getAttribute('aria-invalid'), 'true');
    assert.ok(await connectButton(page).isDisabled());
    assert.deepEqual(posts, [], 'nothing sent while the context breaks a rule');

    await contextField.fill(fx.stripe.accounts.other.id);
    assert.equal(await check.textContent(), '');
    await screenshot(page, 'hub-org-key-context');
    await connectButton(page).click();
    const dialog = page.getByRole('dialog', { name: 'Stripe account connected' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(fx.stripe.accounts.other.name));

    const [account] = await fx.accountsOf(ownerId);
    assert.equal(account.stripe_context, fx.stripe.accounts.other.id);
    assert.equal(account.stripe_account_id, fx.stripe.accounts.other.id);
    assert.ok(fx.stripe.log.some((e) => e.stripeContext === fx.stripe.accounts.other.id && e.path === '/v1/customers'));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
