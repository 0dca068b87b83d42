// One Linkhub with an admin password + Stripe stand-in + Chromium per Dashboard test file, accounts
// linked through the Hub's API as a user would, and sign-in through the real form.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { connectSession, type Linkhub, startLinkhub } from '../helpers/linkhub.js';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { launchChromium } from './browser.js';
import { ensureDashboardBuilt, ensureWebBuilt } from './build.js';

export interface Owner {
  id: string;
  name: string;
  username?: string;
}

export interface DashboardFixture {
  stripe: StripeStandin;
  lh: Linkhub;
  browser: Browser;
  /** Links a Stripe test key for `owner` the way the Hub does (a connect session, then POST /hub/accounts); the account id. */
  link(owner: Owner, key: string): Promise<string>;
  /** Signs in on /dashboard with the admin password and waits for the Accounts page. */
  signIn(page: Page): Promise<void>;
  close(): Promise<void>;
}

/** `env`: more environment for Linkhub (e.g. LINKHUB_API_KEY). */
export async function startDashboardFixture(password: string, env: Record<string, string> = {}): Promise<DashboardFixture> {
  await ensureDashboardBuilt();
  await ensureWebBuilt();
  // the browser first: when it cannot start (CI=true without Chromium) no server is left running
  const browser = await launchChromium();
  let stripe: StripeStandin | undefined;
  let lh: Linkhub;
  try {
    stripe = await startStripeStandin();
    lh = await startLinkhub({ stripeApiBase: stripe.url, env: { ...env, LINKHUB_ADMIN_PASSWORD: password } });
  } catch (e) {
    await browser.close();
    await stripe?.close();
    throw e;
  }
  return {
    stripe,
    lh,
    browser,
    async link(owner, key) {
      const { token } = await connectSession(lh, { origin_owner_id: owner.id, origin_owner_name: owner.name, origin_username: owner.username });
      const res = await lh.hub(token, 'POST', '/hub/accounts', { integration_id: 'stripe-test', credentials: { api_key: key } });
      assert.equal(res.status, 201, res.text);
      return res.body.id;
    },
    async signIn(page) {
      await page.goto('/dashboard');
      await page.getByLabel('Admin password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Linked accounts' }).waitFor();
    },
    async close() {
      await browser.close();
      await lh.close();
      await stripe.close();
    },
  };
}

/** Fills and submits the Hub form (in a dialog or on the Auth Link page) with a test key. */
export async function completeHub(scope: Page, key: string) {
  const hub = scope.locator('linkhub-hub');
  const input = hub.locator('input#key');
  await input.waitFor({ timeout: 15_000 });
  const testEnv = hub.getByRole('radio', { name: /test/i });
  if ((await testEnv.count()) > 0 && !(await testEnv.first().isChecked())) await testEnv.first().check();
  await input.fill(key);
  await hub.getByRole('button', { name: /^(Connect|Test and save)$/ }).click();
  await hub.getByRole('button', { name: 'Done' }).waitFor({ timeout: 15_000 });
}
