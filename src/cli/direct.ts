// Runs a command in this process, on the store it opens itself (no server holds an embedded store,
// or the store is PostgreSQL, where commands run beside the servers). The services a command needs
// are built from that store on first use, as the server builds its own (services/index.ts), without
// its start-up work (default project, webhook endpoint, password) and without serving.
import { ACCOUNT_TOPIC } from '../services/calls/account-cache.js';
import { LiveTester } from '../services/accounts/live-tester.js';
import { AccountService } from '../services/accounts/accounts.js';
import { UNREACHABLE_LIMIT, Verifier } from '../services/accounts/verifier.js';
import { ApiKeyService } from '../services/admin/api-keys.js';
import { CallProfiles } from '../services/calls/profiles.js';
import { storeTokenSource } from '../services/calls/shared-throttle.js';
import { AuditService } from '../services/logs/audit.js';
import { RequestLogService } from '../services/logs/request-log.js';
import { WebhookService } from '../services/webhooks/webhooks.js';
import { LeasedThrottle, Throttle, UpstreamClient } from '../upstream/index.js';
import { Vault } from '../vault/vault.js';
import type { CommandOutput, CommandServices } from './context.js';
import type { CommandSpec } from './registry.js';
import { type CliStore, openCliStore, warn } from './store.js';

/** The account services over `s`, for a live test now (closed with close()). */
async function accountServices(s: CliStore) {
  const { config, store } = s;
  const vault = await Vault.open(store.db, s.masterKeys());
  const requestLog = new RequestLogService(store.db, config.requestLogBodies, warn);
  const throttleOpts = { maxQueue: config.throttleMaxQueue, maxWaitMs: config.throttleMaxWaitMs };
  // On PostgreSQL the serving nodes call for the same accounts: share each account's rate with them.
  const throttle = store.kind === 'postgres' ? new LeasedThrottle(storeTokenSource(store.db), throttleOpts) : new Throttle(throttleOpts);
  const upstream = new UpstreamClient({ timeoutMs: config.upstreamTimeoutMs, connections: 8, throttle });
  const tester = new LiveTester(upstream, new CallProfiles(config), config.upstreamTimeoutMs);
  const accounts = new AccountService(store.db, vault, new WebhookService(store.db, vault), tester, new AuditService(store.db, requestLog));
  // the serving nodes drop their cached copy of an account this process changed
  accounts.onAccountChanged = (id) => store.changes.publish(ACCOUNT_TOPIC, id);
  const verifier = new Verifier(store.db, accounts, { intervalMs: config.verifyIntervalMs, pollMs: 1000, batch: 1, unreachableLimit: UNREACHABLE_LIMIT }, warn);
  return {
    verifier,
    async close() {
      await requestLog.close();
      await upstream.close();
    },
  };
}

export async function runInProcess(name: string, spec: CommandSpec, args: unknown, output: CommandOutput): Promise<void> {
  const s = await openCliStore(name, spec.store);
  let built: Promise<Awaited<ReturnType<typeof accountServices>>> | null = null;
  const services: CommandServices = {
    apiKeys: new ApiKeyService(s.store.db, s.store.changes),
    verifier: async () => {
      built ??= accountServices(s);
      return (await built).verifier;
    },
    flushRequestLog: async () => {}, // this process logged no call
  };
  try {
    await spec.run({ ...s, ...output, services, server: null }, args as never);
  } finally {
    if (built) await (await (built as Promise<{ close(): Promise<void> }>).catch(() => null))?.close();
    await s.close();
  }
}
