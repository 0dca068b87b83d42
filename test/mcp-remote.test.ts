// Real MCP clients against Linkhub's /mcp (docs/agents.md#mcp): mcp-remote spawned as a process doing
// the OAuth dance end to end (its authorization URL approved on the authorization page, the redirect
// delivered to its own callback server), then tools/list through its stdio; mcp-remote given an
// agent token as a header; and the MCP Inspector CLI listing tools through it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { projectRoot } from '../src/paths.js';
import { useLinkhub } from './helpers/fixture.js';
import { linkAccount, type Linkhub } from './helpers/linkhub.js';
import { ADMIN_PASSWORD, approveInBrowser } from './helpers/oauth-client.js';
import { type StdioMcp, spawnStdioMcp } from './helpers/stdio-mcp.js';
import type { StripeStandin } from './stripe-standin/index.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

let stripe: StripeStandin;
let lh: Linkhub;
let acc: string;
const running: StdioMcp[] = [];
const mcpRemote = join(projectRoot, 'node_modules', 'mcp-remote', 'dist', 'proxy.js');
const inspectorCli = join(projectRoot, 'node_modules', '@modelcontextprotocol', 'inspector-cli', 'build', 'index.js');

useLinkhub({ env: { LINKHUB_ADMIN_PASSWORD: ADMIN_PASSWORD } }, async (f) => {
  ({ lh, stripe } = f);
  acc = (await linkAccount(lh, stripe.keys.secretTest)).id;
});
after(async () => {
  for (const p of running) await p.close();
});

/** mcp-remote's environment: its own token store, and a "browser" that opens nothing (the test is the person at the browser). */
const remoteEnv = () => ({ MCP_REMOTE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'i13-mcp-remote-')), BROWSER: 'true' });

async function listThrough(p: StdioMcp): Promise<string[]> {
  const init = await p.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'linkhub-test', version: '1' } });
  assert.equal(init.result?.serverInfo?.name, 'linkhub', JSON.stringify(init));
  p.notify('notifications/initialized');
  const list = await p.request('tools/list');
  assert.ok(Array.isArray(list.result?.tools), JSON.stringify(list));
  return list.result.tools.map((t: { name: string }) => t.name);
}

/** Listens on `port` unless something else already holds it (then that holder takes it for the test). */
async function takePort(port: number): Promise<Server | undefined> {
  const squatter = createServer((_req, res) => res.end('not mcp-remote'));
  return new Promise((resolve, reject) => {
    squatter.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    squatter.listen(port, '127.0.0.1', () => resolve(squatter));
  });
}

/**
 * The browser following the redirect to mcp-remote's callback server. A refused connection is tried
 * again for a while (a person's browser would be slower than this test). A failure shows mcp-remote's
 * own log.
 */
async function deliver(location: string, p: StdioMcp): Promise<Response> {
  for (let i = 0; ; i++) {
    try {
      return await fetch(location);
    } catch (e) {
      const refused = (e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      if (!refused || i >= 50) assert.fail(`the callback ${location} could not be reached (${String(e)}); mcp-remote said:\n${p.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('mcp-remote and the MCP Inspector', () => {
  test('mcp-remote: the OAuth dance end to end, then tools/list over its stdio', async () => {
    const p = spawnStdioMcp(process.execPath, [mcpRemote, `${lh.url}/mcp`], remoteEnv());
    running.push(p);
    const [, url] = await p.waitForStderr(/Please authorize this client by visiting:\s+(\S+)/);
    assert.ok(url.startsWith(`${lh.url}/dashboard/oauth/authorize?`), url);
    const { location } = await approveInBrowser(url, { account: acc, policy: 'read_only' });
    assert.match(location, /^http:\/\/(localhost|127\.0\.0\.1):\d+\/oauth\/callback\?code=/);
    const callback = await deliver(location, p);
    assert.equal(callback.status, 200, await callback.text());
    await p.waitForStderr(/Proxy established successfully/);
    const tools = await listThrough(p);
    assert.deepEqual(tools, ['stripe_search_actions', 'stripe_execute_action']);
    const tokens = (await lh.api('GET', `/accounts/${acc}/agent_tokens`)).body;
    assert.ok(
      tokens.some((t: any) => t.name.startsWith('OAuth: ') && t.policy?.read_only === true),
      JSON.stringify(tokens),
    );
  });

  test('mcp-remote whose callback port is taken: the redirect goes to the port it moved to', async () => {
    // mcp-remote derives its callback port from the server URL and moves to the next when it is taken.
    // It does so before printing the authorization URL only when its probe (a GET of /mcp) is challenged
    // with a 401; once, in CI, a taken port and a 405 sent the redirect to the port it had left.
    const first = spawnStdioMcp(process.execPath, [mcpRemote, `${lh.url}/mcp`], remoteEnv());
    running.push(first);
    const [, derived] = await first.waitForStderr(/callback port derived from the server URL: (\d+)/);
    await first.close();
    // The derived port lies in the range the system hands out to outgoing connections: another process
    // may hold it already, which takes it as well as this squatter would.
    const squatter = await takePort(Number(derived));
    // --debug: mcp-remote's reasoning (its probe's status, each port it tried) is in the failure message.
    const p = spawnStdioMcp(process.execPath, [mcpRemote, `${lh.url}/mcp`, '--debug'], remoteEnv());
    running.push(p);
    try {
      const [, url] = await p.waitForStderr(/Please authorize this client by visiting:\s+(\S+)/);
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      assert.notEqual(redirect.port, derived, 'the redirect avoids the taken port');
      const { location } = await approveInBrowser(url, { account: acc, policy: 'read_only' });
      const callback = await deliver(location, p);
      assert.equal(callback.status, 200, await callback.text());
      await p.waitForStderr(/Proxy established successfully/);
      assert.deepEqual(await listThrough(p), ['stripe_search_actions', 'stripe_execute_action']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nmcp-remote said:\n${p.stderr()}`, { cause: e });
    } finally {
      squatter?.close();
    }
  });

  test('mcp-remote with an agent token header, and the Inspector CLI listing tools through it', async () => {
    const res = await lh.api('POST', `/accounts/${acc}/agent_tokens`, { name: 'header agent' });
    assert.equal(res.status, 201, res.text);
    const header = `Authorization:Bearer ${res.body.token}`;
    const p = spawnStdioMcp(process.execPath, [mcpRemote, `${lh.url}/mcp`, '--header', header], remoteEnv());
    running.push(p);
    await p.waitForStderr(/Proxy established successfully/);
    assert.deepEqual(await listThrough(p), ['stripe_search_actions', 'stripe_execute_action']);
    assert.doesNotMatch(p.stderr(), /Please authorize/, 'no OAuth with a token');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [inspectorCli, process.execPath, mcpRemote, `${lh.url}/mcp?tool-mode=all`, '--header', header, '--method', 'tools/list'],
      { env: { ...process.env, ...remoteEnv() }, maxBuffer: 64 * 1024 * 1024 },
    );
    const names = JSON.parse(stdout).tools.map((t: { name: string }) => t.name);
    assert.ok(names.includes('stripe_list_customers') && names.length > 100, `${names.length} tools`);
  });
});
