// The server's admin socket: while a server holds the embedded store (one process per data
// directory), `linkhub` commands run inside it, on its open store, through <dataDir>/linkhub.sock.
// Only the commands of the registry (registry.ts) with arguments that fit their schema run; nothing
// else is callable. The socket is owner-only: bound inside a fresh directory of mode 0700 (nobody
// else can reach it while it is being set up), given mode 0600, then moved into the data directory;
// so only the server's own OS user (and root) can connect. A file left by a killed server is replaced
// (this process holds the data directory's lock: no other server can be using it); close() removes it.
import { chmodSync, lstatSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Services } from '../services/index.js';
import { masterKeyId } from '../vault/master-key.js';
import { type AdminReply, type AdminRequest, adminSocketPath, MAX_REQUEST_BYTES } from './admin-protocol.js';
import type { CommandContext, CommandOutput } from './context.js';
import { argsProblem, commandSpec } from './registry.js';
import { CliError, readMasterKeys } from './store.js';

/** A connection that sends no request within this time is closed. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface AdminSocket {
  path: string;
  /** Stops accepting, waits for the commands under way, removes the socket file. */
  close(): Promise<void>;
}

/** Output that travels back to the CLI over the connection (lost quietly if the CLI went away). */
function socketOutput(conn: Socket): CommandOutput {
  const send = (r: AdminReply) => {
    if (!conn.destroyed) conn.write(`${JSON.stringify(r)}\n`);
  };
  return {
    out: (line) => send({ t: 'out', line }),
    note: (line) => send({ t: 'note', line }),
    progress: ({ verb, unit, total }) => ({
      update: (done) => send({ t: 'progress', verb, unit, total, done }),
      stop: () => send({ t: 'progress-end' }),
    }),
  };
}

function parseRequest(line: string): AdminRequest | null {
  try {
    const r = JSON.parse(line) as AdminRequest;
    return typeof r === 'object' && r !== null && typeof r.command === 'string' && (r.masterKeyId === null || typeof r.masterKeyId === 'string') ? r : null;
  } catch {
    return null;
  }
}

async function serve(services: Services, request: AdminRequest, output: CommandOutput, warn: (msg: string) => void): Promise<void> {
  const spec = commandSpec(request.command);
  if (!spec) throw new CliError(`the server does not run the command ${JSON.stringify(request.command)}`, 2);
  if (spec.inServer === false)
    throw new CliError(`\`linkhub ${request.command}\` needs the store to itself: stop the server, run it, then start the server again`);
  const problem = argsProblem(spec, request.args);
  if (problem) throw new CliError(`invalid arguments: ${problem}`, 2);
  const { config, store } = services;
  const masterKeys = () => readMasterKeys(config, warn);
  if (spec.masterKey && request.masterKeyId !== null) {
    const serverKey = masterKeyId(masterKeys().current);
    if (serverKey !== request.masterKeyId) {
      throw new CliError(
        `the command runs inside the server (PID ${process.pid}) with its master key ${serverKey}, but LINKHUB_MASTER_KEY here is the key ${request.masterKeyId}: restart the server with that key (and the old one in LINKHUB_MASTER_KEY_PREVIOUS), then run the command again (nothing was changed)`,
      );
    }
  }
  const ctx: CommandContext = {
    config,
    store,
    masterKeys,
    keyFile: !config.masterKey,
    services: { apiKeys: services.apiKeys, verifier: async () => services.verifier, flushRequestLog: () => services.requestLog.flush() },
    server: process.pid,
    ...output,
  };
  await spec.run(ctx, request.args as never);
}

/** Reads the one request line of a connection and runs it; `started` gets the command's promise. */
function handle(services: Services, conn: Socket, warn: (msg: string) => void, started: (p: Promise<void>) => void): void {
  let buffered = '';
  const output = socketOutput(conn);
  const finish = (code: number, error?: string) => {
    if (!conn.destroyed) conn.end(`${JSON.stringify({ t: 'exit', code, ...(error ? { error } : {}) } satisfies AdminReply)}\n`);
  };
  conn.setEncoding('utf8');
  conn.on('error', () => {}); // the CLI went away: the command still finishes (a rotation is resumable anyway)
  conn.setTimeout(REQUEST_TIMEOUT_MS, () => conn.destroy());
  const onData = (chunk: string) => {
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end < 0) {
      if (buffered.length > MAX_REQUEST_BYTES) finish(2, 'the request is too long');
      return;
    }
    conn.off('data', onData);
    conn.setTimeout(0);
    const request = parseRequest(buffered.slice(0, end));
    if (!request) return finish(2, 'the request is not a command');
    started(
      serve(services, request, output, warn).then(
        () => finish(0),
        (e: Error) => finish(e instanceof CliError ? e.exitCode : 1, e.message),
      ),
    );
  };
  conn.on('data', onData);
}

/** Binds the socket where only this user can reach it, then moves it to `final` (replacing a stale one). */
async function listenOwnerOnly(server: Server, final: string, dataDir: string): Promise<void> {
  const stale = lstatSync(final, { throwIfNoEntry: false });
  if (stale && !stale.isSocket()) throw new Error(`${final} exists and is not a socket: move it away`);
  const dir = mkdtempSync(join(dataDir, '.admin-')); // mode 0700
  try {
    const bound = join(dir, 's');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bound, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(bound, 0o600);
    if (stale) rmSync(final, { force: true }); // left by a server that was killed
    renameSync(bound, final);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens the admin socket of a server holding the embedded store; null (with a warning) when it cannot. */
export async function openAdminSocket(services: Services, warn: (msg: string) => void): Promise<AdminSocket | null> {
  const final = adminSocketPath(services.config.dataDir);
  const running = new Set<Promise<void>>();
  /** Connections that have not sent their request yet (closed at shutdown). */
  const waiting = new Set<Socket>();
  const server = createServer((conn) => {
    waiting.add(conn);
    conn.once('close', () => waiting.delete(conn));
    handle(services, conn, warn, (p) => {
      waiting.delete(conn);
      running.add(p);
      void p.finally(() => running.delete(p));
    });
  });
  try {
    await listenOwnerOnly(server, final, services.config.dataDir);
  } catch (e) {
    server.close();
    warn(`the admin socket ${final} could not be opened (${(e as Error).message}): \`linkhub\` commands cannot reach this server while it runs`);
    return null;
  }
  const ino = lstatSync(final).ino;
  return {
    path: final,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...running]);
      for (const conn of waiting) conn.destroy();
      await closed;
      // only our own socket: never a file another process put there since
      if (lstatSync(final, { throwIfNoEntry: false })?.ino === ino) rmSync(final, { force: true });
    },
  };
}
