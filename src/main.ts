// Entry point: validate configuration, open and migrate the store, start serving.
import { buildApp } from './http/app.js';
import { loggerOptions } from './http/logger.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices } from './services/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`linkhub: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const warn = (msg: string) => process.stderr.write(`linkhub: warning: ${msg}\n`);
  const services = await createServices(config, { warn });
  const app = await buildApp(services, loggerOptions(config.logLevel));
  if (services.createdApiKey) {
    process.stdout.write(
      `\nLinkhub created the default project's API key. It is shown only this once; store it now:\n\n    ${services.createdApiKey}\n\n`,
    );
  }
  if (services.createdAdminPassword) {
    process.stdout.write(
      `Linkhub created the dashboard admin password (${config.publicUrl}/dashboard). It is shown only this once; store it now\n(set LINKHUB_ADMIN_PASSWORD to replace it):\n\n    ${services.createdAdminPassword}\n\n`,
    );
  }
  await app.listen({ port: config.port, host: config.host });
  services.webhookWorker.start();
  process.stdout.write(
    `Linkhub is listening on ${config.publicUrl} (store: ${services.store.kind}${services.store.kind === 'pglite' ? ` in ${config.dataDir}` : ''})\n`,
  );
  const shutdown = async (signal: string) => {
    process.stdout.write(`linkhub: ${signal}, shutting down\n`);
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: Error) => {
  process.stderr.write(`linkhub: failed to start: ${e.message}\n`);
  process.exit(1);
});
