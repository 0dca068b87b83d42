// The MCP Inspector's web UI (0.15) in Chromium against Linkhub's /mcp (docs/agents.md#the-mcp-inspectors-web-ui):
// the Inspector started as a user starts it, its page opened with the proxy's session token, transport
// Streamable HTTP and Linkhub's URL. With an agent token minted through the API as the bearer token:
// Connect, List Tools (the default search/execute pair), and the search tool run, its matches those
// Linkhub's search API ranks. With no header: Connect leads through the Inspector's OAuth (discovery
// and registration from the page) to Linkhub's authorization page in the same tab, signed in and
// approved, and back to the Inspector connected with the token it received.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { useLinkhub } from '../helpers/fixture.js';
import { linkAccount, type Linkhub } from '../helpers/linkhub.js';
import { type McpInspector, startMcpInspector } from '../helpers/mcp-inspector.js';
import { ADMIN_PASSWORD } from '../helpers/oauth-client.js';
import { chromiumSkip, launchChromium, screenshot } from './browser.js';

let lh: Linkhub;
let acc: string;
let inspector: McpInspector | null = null;
let browser: Browser | null = null;

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, async (f) => {
  lh = f.lh;
  acc = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});
after(async () => {
  await browser?.close();
  await inspector?.close();
});

/** Opens the Inspector's page in a fresh context, with the page's uncaught errors recorded. */
async function openInspector(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // the Inspector's own setting (a query parameter like the token): 60 s for a request instead of its
  // 10 s, for a busy CI machine where Linkhub's first search builds its index
  const url = new URL(inspector!.url);
  url.searchParams.set('MCP_SERVER_REQUEST_TIMEOUT', '60000');
  await page.goto(url.href);
  return { page, problems };
}

/** The connection form, as a user fills it: Streamable HTTP, Linkhub's /mcp, and the bearer token when given. */
async function fillConnection(page: Page, bearer: string | null): Promise<void> {
  await page.getByRole('combobox', { name: 'Transport Type' }).click();
  await page.getByRole('option', { name: 'Streamable HTTP' }).click();
  await page.getByLabel('URL', { exact: true }).fill(`${lh.url}/mcp`);
  if (bearer) {
    await page.getByRole('button', { name: 'Authentication' }).click();
    await page.getByPlaceholder('Authorization').fill('Authorization');
    await page.getByLabel('Bearer Token').fill(bearer);
  }
}

/** The `name`s in the tool panel's "Structured Content" (the Inspector's JSON view shows `name:` and the quoted value on their own lines). */
async function structuredNames(page: Page, tool: string): Promise<string[]> {
  const panel = page.getByRole('heading', { name: tool, exact: true }).locator('xpath=../..');
  const text = await panel.innerText();
  const structured = text.split('Structured Content:')[1]?.split('Unstructured Content:')[0] ?? '';
  return [...structured.matchAll(/^name:\s*"([^"]+)"$/gm)].map((m) => m[1]);
}

describe('the MCP Inspector UI against Linkhub', { skip: chromiumSkip() }, () => {
  before(async () => {
    inspector = await startMcpInspector();
    browser = await launchChromium();
  });

  test('an agent token as the bearer: Connect, List Tools, run the search tool', async () => {
    const minted = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'inspector' });
    assert.equal(minted.status, 201, minted.text);
    const { page, problems } = await openInspector();
    await fillConnection(page, minted.body.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Connected', { exact: true }).waitFor();

    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByRole('button', { name: 'List Tools' }).click();
    await page.getByText('stripe_search_actions', { exact: true }).waitFor();
    await page.getByText('stripe_execute_action', { exact: true }).waitFor();
    assert.equal(await page.getByText('stripe_list_customers', { exact: true }).count(), 0, 'the default mode lists the two meta tools only');

    await page.getByText('stripe_search_actions', { exact: true }).click();
    await page.getByLabel('query', { exact: true }).fill('refund a payment');
    await page.getByRole('button', { name: 'Run Tool' }).click();
    await page.getByText('Success', { exact: true }).waitFor();
    // the matches the page shows, in its order, are those Linkhub's search API ranks for the query
    const shown = await structuredNames(page, 'stripe_search_actions');
    const res = await lh.api('POST', '/actions/search', { query: 'refund a payment', connector: 'stripe', top_k: 5 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      shown,
      res.body.results.map((r: { action_name: string }) => r.action_name),
    );
    assert.equal(shown[0], 'stripe_create_refund');
    await screenshot(page, 'mcp-inspector-tools');
    assert.deepEqual(problems, []);
  });

  test('no header: the Inspector’s OAuth, signed in and approved on the authorization page, then List Tools', async () => {
    const { page, problems } = await openInspector();
    await fillConnection(page, null);
    await page.getByRole('button', { name: 'Connect' }).click();
    // Linkhub's 401 sends the Inspector through discovery and registration to the authorization page
    await page.waitForURL((u) => u.href.startsWith(`${lh.url}/dashboard/oauth/authorize?`));
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authorize an MCP client' }).waitFor();
    await page.getByText('MCP Inspector').first().waitFor();
    await page.locator(`input[name="account"][value="${acc}"]`).check();
    await page.getByLabel(/read-only/i).check();
    await screenshot(page, 'mcp-inspector-oauth-authorize');
    await page.getByRole('button', { name: 'Approve' }).click();
    // back at the Inspector, which exchanges the code and connects with the token
    await page.waitForURL((u) => u.origin === inspector!.origin);
    await page.getByText('Connected', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByRole('button', { name: 'List Tools' }).click();
    await page.getByText('stripe_search_actions', { exact: true }).waitFor();
    await page.getByText('stripe_execute_action', { exact: true }).waitFor();
    await screenshot(page, 'mcp-inspector-oauth-tools');

    const tokens = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body;
    assert.ok(
      tokens.some((t: any) => t.name === 'OAuth: MCP Inspector' && t.policy?.read_only === true),
      JSON.stringify(tokens),
    );
    assert.deepEqual(problems, []);
  });
});
