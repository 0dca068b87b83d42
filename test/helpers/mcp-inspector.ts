// The MCP Inspector's web UI and its proxy, started as a user starts them (`npx
// @modelcontextprotocol/inspector` with no server: its bin runs the proxy, then the UI's static
// server) on two free ports, with the proxy's session-token auth on. The URL a user opens is the one
// the proxy prints (?MCP_PROXY_AUTH_TOKEN=…), plus MCP_PROXY_FULL_ADDRESS, which the UI needs to
// find a proxy that is not on its default port. The bin runs in its own process group, so closing
// it ends the proxy and the UI server it spawned.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { freePort, waitFor } from './process.js';

const INSPECTOR_BIN = join(projectRoot, 'node_modules', '@modelcontextprotocol', 'inspector', 'cli', 'build', 'cli.js');

export interface McpInspector {
  /** The UI's page, as the user opens it: the proxy's session token and address in the query. */
  url: string;
  /** The UI's origin (http://localhost:<port>: the origin the proxy allows by default). */
  origin: string;
  /** The proxy's session token, from its console. */
  proxyToken: string;
  output(): string;
  close(): Promise<void>;
}

class PortTaken extends Error {}

/** SIGKILLs the bin's process group (the proxy and the UI server too, even when the bin itself has exited). */
function endGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const gone = child.exitCode !== null || child.signalCode !== null;
    if (!gone) child.once('close', () => resolve());
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is already empty
    }
    if (gone) resolve();
  });
}

async function startOnce(): Promise<McpInspector> {
  const clientPort = await freePort();
  let serverPort = await freePort();
  while (serverPort === clientPort) serverPort = await freePort(); // each was free, but not both at once
  const child = spawn(process.execPath, [INSPECTOR_BIN], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // the bin spawns its proxy and UI server as `node …`: the node running the tests
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      CLIENT_PORT: String(clientPort),
      SERVER_PORT: String(serverPort),
      MCP_AUTO_OPEN_ENABLED: 'false',
    },
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exited = false;
  child.once('close', () => (exited = true));
  const ready = () => /MCP Inspector is up and running/.test(out) && /Session token: [0-9a-f]+/.test(out);
  try {
    // done waiting when it is up, has exited, or says a port is taken (the UI server then stays up)
    await waitFor('the Inspector UI and proxy', () => ready() || exited || /PORT IS IN USE/.test(out), 60_000, 50);
    if (/PORT IS IN USE/.test(out)) throw new PortTaken(out);
    if (!ready()) throw new Error(`the Inspector exited before it was up:\n${out}`);
  } catch (e) {
    await endGroup(child);
    throw e;
  }
  const proxyToken = /Session token: ([0-9a-f]+)/.exec(out)![1];
  const printed = /(http:\/\/localhost:\d+\/\?MCP_PROXY_AUTH_TOKEN=[0-9a-f]+)/.exec(out)?.[1];
  if (!printed) throw new Error(`the proxy printed no URL to open:\n${out}`);
  const url = new URL(printed);
  url.searchParams.set('MCP_PROXY_FULL_ADDRESS', `http://localhost:${serverPort}`);
  return { url: url.href, origin: url.origin, proxyToken, output: () => out, close: () => endGroup(child) };
}

/** Starts the Inspector; a port taken between choosing it and listening on it is chosen again once. */
export async function startMcpInspector(): Promise<McpInspector> {
  try {
    return await startOnce();
  } catch (e) {
    if (!(e instanceof PortTaken)) throw e;
    return startOnce();
  }
}
