// Entry point: validate configuration, open and migrate the store, start serving.
// Configuration is checked before the rest of the application is even loaded.
import './compile-cache.js';
import { type Config, ConfigError, loadConfig } from './config.js';

/** Of the shutdown bound, what is kept for flushing the call log and closing the store after the drain. */
const FLUSH_RESERVE_MS = 2000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`linkhub: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // Another process took the data directory over: writing on would lose its writes or ours.
  const onDataDirLost = (msg: string) => {
    process.stderr.write(`linkhub: ${msg}\n`);
    process.exit(1);
  };
  const warn = (msg: string) => process.stderr.write(`linkhub: warning: ${msg}\n`);
  // The embedded store starts on its own thread now, while the rest of Linkhub loads (embedded-start.ts).
  const embedded = config.databaseUrl
    ? undefined
    : await (await import('./store/embedded-start.js')).startEmbeddedStore(config.dataDir, config.masterKey, { warn, onLost: onDataDirLost });
  const [{ buildApp, startDraining }, { loggerOptions }, { batchedStdout }, { createServices }] = await Promise.all([
    import('./http/app.js'),
    import('./http/logger.js'),
    import('./http/log-stream.js'),
    import('./services/index.js'),
  ]);
  const services = await createServices(config, { warn, onDataDirLost, embedded }).catch(async (e: unknown) => {
    // a new store's first writes on a full disk: said as the full disk it is, naming the directory
    throw embedded ? (await import('./store/embedded-start.js')).startFailure(config.dataDir, e) : e;
  });
  // Log lines are written in batches (log-stream.ts); what Linkhub says on stdout
  // itself goes after the lines logged before it.
  const logStream = batchedStdout();
  const say = (text: string) => {
    logStream.flush();
    process.stdout.write(text);
  };
  const app = await buildApp(services, loggerOptions(config.logLevel, logStream));
  if (services.createdApiKey) {
    say(`\nLinkhub created the default project's API key. It is shown only this once; store it now:\n\n    ${services.createdApiKey}\n\n`);
  }
  if (services.createdAdminPassword) {
    say(
      `Linkhub created the dashboard admin password (${config.publicUrl}/dashboard). It is shown only this once; store it now\n(set LINKHUB_ADMIN_PASSWORD to replace it):\n\n    ${services.createdAdminPassword}\n\n`,
    );
  }
  if (services.createdWebhookSecret) {
    say(
      `Linkhub created the signing secret of LINKHUB_WEBHOOK_URL. It is shown only this once (set LINKHUB_WEBHOOK_SECRET to choose it):\n\n    ${services.createdWebhookSecret}\n\n`,
    );
  }
  // The embedded store is this process's alone: `linkhub` commands reach it through the admin socket
  // (open before the server answers /readyz, so a ready server takes commands).
  const admin = services.store.kind === 'pglite' ? await (await import('./cli/admin-socket.js')).openAdminSocket(services, warn) : null;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    // a port in use, or a HOST that is no address of this machine: said with the settings that chose them
    throw new Error(`cannot listen on HOST=${config.host} PORT=${config.port}: ${(e as Error).message}`);
  }
  services.webhookWorker.start();
  services.verifier.start();
  services.retention.start();
  services.approvalSweep.start();
  // where it listens, and (when it differs, as behind a proxy) the URL it is reached by
  const listening = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const reached = new URL(listening).origin === config.publicUrl ? '' : `, reached at ${config.publicUrl}`;
  say(`Linkhub is listening on ${listening}${reached} (store: ${services.store.kind}${services.store.kind === 'pglite' ? ` in ${config.dataDir}` : ''})\n`);
  // SIGTERM/SIGINT: stop accepting, let the calls in flight finish (new requests on open connections
  // get 503 shutting_down, every answer closes its connection), then flush the call log, finish the
  // webhook deliveries under way and close the store, all within LINKHUB_SHUTDOWN_TIMEOUT_MS. A
  // second signal kills at once (the handlers are `once`).
  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return; // a signal during a stop the store began (a second one kills: the handlers are `once`)
    stopping = true;
    startDraining(app);
    say(`linkhub: ${signal}, shutting down\n`);
    const bound = config.shutdownTimeoutMs;
    setTimeout(() => {
      process.stderr.write(`linkhub: shutdown took longer than ${bound} ms (LINKHUB_SHUTDOWN_TIMEOUT_MS): exiting anyway\n`);
      process.exit(1);
    }, bound).unref();
    // Calls still running when the drain ends are cut (their connections, and their requests to the
    // provider, so they are logged as cut off), leaving the rest of the bound to the flush.
    const cut = setTimeout(
      () => {
        app.server.closeAllConnections();
        void services.calls.cut();
        void services.webhookWorker.cut();
      },
      Math.max(bound / 2, bound - FLUSH_RESERVE_MS),
    ).unref();
    const webhooks = services.webhookWorker.stop(); // picks no new delivery; those under way finish meanwhile
    const verifications = services.verifier.stop(); // claims no new account; the tests under way finish meanwhile
    const pruning = services.retention.stop(); // the batch under way commits
    try {
      await app.close(); // the cut stays set: services.close() waits for the calls to the provider still running
      await admin?.close(); // the commands under way finish first
      await webhooks;
      await verifications;
      await pruning;
      await services.close();
      clearTimeout(cut);
    } catch (e) {
      process.stderr.write(`linkhub: shutdown failed: ${(e as Error).message}\n`);
      process.exit(1);
    }
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A stuck embedded store answers nothing until it is opened again: the node stops (exit 1) so that
  // its supervisor (Docker's restart policy, systemd) starts it again, instead of serving 503s for ever.
  services.store.onStuck?.((reason) => {
    process.stderr.write(`linkhub: ${reason}: stopping so that it is started again (exit 1)\n`);
    void shutdown('store stuck', 1);
  });
}

main().catch((e: Error) => {
  process.stderr.write(`linkhub: failed to start: ${e.message}\n`);
  process.exit(1);
});
