// The OAuth authorization page in Chromium (docs/agents.md#oauth), with mcp-remote as the MCP client:
// the URL mcp-remote prints is opened, the Dashboard password typed, an account and a policy picked
// and approved; the browser follows the redirect to mcp-remote's own callback (the page's CSP lets
// the form go there), and mcp-remote then lists tools over its stdio with the token it received.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';
import { useLinkhub } from '../helpers/fixture.js';
import { linkAccount, type Linkhub } from '../helpers/linkhub.js';
import { ADMIN_PASSWORD } from '../helpers/oauth-client.js';
import { type StdioMcp, spawnStdioMcp } from '../helpers/stdio-mcp.js';
import { chromiumSkip, launchChromium, screenshot } from './browser.js';

let lh: Linkhub;
let acc: string;
let browser: Browser | null = null;
let remote: StdioMcp | null = null;

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, async (f) => {
  lh = f.lh;
  acc = (await linkAccount(lh, f.stripe.keys.secretTest)).id;
});
after(async () => {
  await remote?.close();
  await browser?.close();
});

describe('the OAuth authorization page in a browser', { skip: chromiumSkip() }, () => {
  test('mcp-remote → sign in → approve (account policy) → its callback → tools/list', async () => {
    const mcpRemote = join(projectRoot, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');
    remote = spawnStdioMcp(process.execPath, [mcpRemote, `${lh.url}/mcp`], {
      MCP_REMOTE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'i13-mcp-remote-')),
      BROWSER: 'true',
    });
    const [, url] = await remote.waitForStderr(/Please authorize this client by visiting:\s+(\S+)/);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authorize an MCP client' }).waitFor();
    await page.getByLabel(/account's agent policy/).check();
    await page.locator(`input[name="account"][value="${acc}"]`).check();
    await screenshot(page, 'oauth-authorize');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/oauth\/callback\?code=/);
    await remote.waitForStderr(/Proxy established successfully/);
    const init = await remote.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'browser-test', version: '1' } });
    assert.equal(init.result?.serverInfo?.name, 'linkhub');
    remote.notify('notifications/initialized');
    const list = await remote.request('tools/list');
    assert.deepEqual(
      list.result.tools.map((t: { name: string }) => t.name),
      ['stripe_search_actions', 'stripe_execute_action'],
    );
    const tokens = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body;
    assert.ok(
      tokens.some((t: any) => t.name.startsWith('OAuth: ') && t.policy === null),
      JSON.stringify(tokens),
    );
  });
});
