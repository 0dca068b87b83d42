// The Dashboard on phones: sign-in, Accounts (with a test outcome), the Delete, Re-link and Hub dialogs,
// Link account (an error, the Auth Link, "Authenticate now"), API keys, Webhooks and Request logs (calls,
// a call's detail, the Audit tab) at 360 and 390 px, with the machine's fonts and with wide text, filled
// with long owner names, ids, usernames, account names, key names and URLs. Nothing may overflow: the
// page never scrolls sideways (tables scroll inside their own wrapper) and no box is wider than its
// content allows (see overflow.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumSkip } from './browser.js';
import { type DashboardFixture, type Owner, startDashboardFixture } from './dashboard-fixture.js';
import { overflowLog } from './overflow.js';

const PASSWORD = 'browser-layout-password-1';
const OWNER: Owner = {
  id: 'org_01J8ZK4T7Q2W9E5R3Y6U8I0O1P-tenant-emea-central-production',
  name: 'Österreichische Landeskrankenanstalten-Betriebsgesellschaft mbH',
  username: 'accounts-payable.department@landeskrankenanstalten-betrieb.example.at',
};
const KEY_NAME = 'Production backend — EU central billing reconciliation worker (eu-central-1)';

let fx: DashboardFixture;
let page: Page;
/** A webhook receiver that always answers 503: deliveries fail and show their error. */
let receiver: Server;
let hookUrl: string;

const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name });
const ownerRow = () => page.locator('tbody tr').filter({ hasText: OWNER.name }).first();

describe('Dashboard layout on phones', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => void res.writeHead(503).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/tenants/${OWNER.id}/webhooks/linkhub/account-events?signature_version=2`;

    const { world } = fx.stripe;
    const account = world.addAccount({
      id: 'acct_1QxT9LongAccountIdentifier7Zk',
      name: 'Internationale Handelsgesellschaft für Medizintechnik und Laborbedarf GmbH & Co. KG',
    });
    const acc = await fx.link(OWNER, world.addKey({ kind: 'sk', mode: 'test', account: account.id }));
    await fx.link({ ...OWNER, id: OWNER.id + '-restricted' }, fx.stripe.keys.restrictedTest);
    // a key that stops working: Test connection reports why, with Stripe's long message
    const gone = world.addKey({ kind: 'sk', mode: 'test', account: account.id });
    await fx.link({ id: OWNER.id + '-expired', name: OWNER.name + ' (expired key)' }, gone);
    world.setKeyStatus(gone, 'expired');
    // calls for Request logs: a success with a long query, a 404, and a refusal for a restricted key
    const call = (path: string, body: Record<string, unknown>) => fx.lh.api('POST', path, body, { headers: { 'x-account-id': acc } });
    await call('/unified/proxy', { method: 'get', path: `/v1/customers?limit=3&email=${encodeURIComponent(OWNER.username!)}` });
    await call('/unified/proxy', { method: 'get', path: '/v1/customers/cus_QxT9LongCustomerIdentifier7Zk0123' });
    await call('/actions/rpc', { action: 'stripe_list_customers', query: { limit: 1 } });

    const context = await fx.browser.newContext({ viewport: { width: 360, height: 800 }, baseURL: fx.lh.url });
    page = await context.newPage();
  });
  after(async () => {
    await fx?.close();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  });

  test('sign-in, with a wrong password', async () => {
    const layout = overflowLog();
    await page.goto('/dashboard');
    await page.getByLabel('Admin password').waitFor();
    await layout.check(page, 'sign-in');
    await page.getByLabel('Admin password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await layout.check(page, 'sign-in refused');
    await fx.signIn(page);
    layout.assertNone();
  });

  test('Accounts: the list, a failed test, Delete, Re-link with its Auth Link, the Hub in a dialog', async () => {
    const layout = overflowLog();
    await ownerRow().waitFor();
    await page.locator('tbody tr').nth(2).waitFor();
    await layout.check(page, 'Accounts');

    const expired = page.locator('tbody tr').filter({ hasText: '(expired key)' });
    await expired.getByRole('button', { name: /^Test connection/ }).click();
    await expired.locator('.outcome-err').waitFor();
    await layout.check(page, 'Accounts, a failed test');

    await ownerRow()
      .getByRole('button', { name: /^Delete/ })
      .click();
    await page.getByRole('dialog', { name: 'Delete this account?' }).waitFor();
    await layout.check(page, 'Delete dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await ownerRow()
      .getByRole('button', { name: /^Re-link/ })
      .click();
    const relink = page.getByRole('dialog', { name: `Re-link ${OWNER.name}` });
    await relink.waitFor();
    await layout.check(page, 'Re-link dialog');
    await relink.getByRole('button', { name: 'Create Auth Link' }).click();
    await relink.getByRole('textbox', { name: 'Auth Link' }).waitFor();
    await layout.check(page, 'Re-link dialog with its Auth Link');
    await relink.getByRole('button', { name: 'Update the key now' }).click();
    const hub = page.getByRole('dialog', { name: `Update the key of ${OWNER.name}` });
    await hub.locator('linkhub-hub input#key').waitFor();
    await layout.check(page, 'the Hub in a dialog (edit mode)');
    await page.keyboard.press('Escape');
    await hub.waitFor({ state: 'detached' });
    layout.assertNone();
  });

  test('Link account: a missing field, the Auth Link, "Authenticate now"', async () => {
    const layout = overflowLog();
    await nav('Link account').click();
    await page.getByRole('heading', { level: 1, name: 'Link an account' }).waitFor();
    await page.getByRole('button', { name: 'Create Auth Link' }).click();
    await page.getByRole('alert').waitFor();
    await layout.check(page, 'Link account, a missing field');
    await page.getByLabel(/^Owner ID/).fill(OWNER.id + '-new');
    await page.getByLabel(/^Owner name/).fill(OWNER.name);
    await page.getByLabel('Username').fill(OWNER.username!);
    await page.getByRole('button', { name: 'Create Auth Link' }).click();
    await page.getByRole('textbox', { name: 'Auth Link' }).waitFor();
    await layout.check(page, 'Link account with its Auth Link');
    await page.getByRole('button', { name: 'Authenticate now' }).click();
    const hub = page.getByRole('dialog', { name: 'Link an account' });
    await hub.locator('linkhub-hub input#key').waitFor();
    await layout.check(page, 'Authenticate now (the Hub in a dialog)');
    await page.keyboard.press('Escape');
    await hub.waitFor({ state: 'detached' });
    layout.assertNone();
  });

  test('API keys: the new key shown once, the list, Revoke', async () => {
    const layout = overflowLog();
    await nav('API keys').click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByLabel('Name').fill(KEY_NAME);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('textbox', { name: 'API key', exact: true }).waitFor();
    await layout.check(page, 'API keys, a new key');
    await page.getByRole('button', { name: 'I stored it' }).click();
    const row = page.locator('tbody tr').filter({ hasText: KEY_NAME });
    await row.waitFor();
    await layout.check(page, 'API keys');
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog', { name: 'Revoke this API key?' }).waitFor();
    await layout.check(page, 'Revoke dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    layout.assertNone();
  });

  test('Webhooks: a bad URL, the secret shown once, endpoints and failed deliveries, Remove', async () => {
    const layout = overflowLog();
    await nav('Webhooks').click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Enter a full http:// or https:// URL.').waitFor();
    await layout.check(page, 'Webhooks, a bad URL');
    await page.getByLabel('Endpoint URL').fill(hookUrl);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('textbox', { name: 'Signing secret' }).waitFor();
    await layout.check(page, 'Webhooks, the new signing secret');
    await page.getByRole('button', { name: 'I stored it' }).click();

    await fx.link({ ...OWNER, id: OWNER.id + '-hook' }, fx.stripe.keys.secretTest);
    const delivery = page.locator('tr[data-delivery-id]').first();
    await delivery.getByText(/HTTP 503/).waitFor({ timeout: 15_000 });
    await layout.check(page, 'Webhooks');
    await page.getByRole('button', { name: /^Remove endpoint/ }).click();
    await page.getByRole('dialog', { name: 'Remove this endpoint?' }).waitFor();
    await layout.check(page, 'Remove dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    layout.assertNone();
  });

  test('Request logs: calls, a call in detail, the Audit tab', async () => {
    const layout = overflowLog();
    await nav('Request logs').click();
    await page.getByRole('heading', { level: 1, name: 'Request logs' }).waitFor();
    await page.locator('tbody tr[data-log-id]').nth(2).waitFor();
    await layout.check(page, 'Request logs');
    await page.getByRole('button', { name: /^Details of GET \/v1\/customers\/cus_/ }).click();
    const dialog = page.getByRole('dialog', { name: /^GET \/v1\/customers\/cus_/ });
    await dialog
      .getByRole('region', { name: 'Response body' })
      .getByText(/resource_missing/)
      .waitFor();
    await layout.check(page, 'a call in detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.locator('tbody tr[data-audit-id]').first().waitFor();
    await layout.check(page, 'Audit');
    layout.assertNone();
  });
});
