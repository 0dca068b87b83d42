// How a CLI command opens the store: from the same environment configuration as the server
// (src/config.ts), never creating one. On the embedded store the data directory belongs to one
// process, so a command takes its lock like a server does (runner.ts first asks the server holding
// it to run the command through its admin socket; only a server that does not answer gets here,
// and the command stops naming its PID); on PostgreSQL commands run beside the servers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { adminSocketPath } from './admin-protocol.js';
import { DataDirError, type DataDirLock, lockDataDir } from '../store/data-dir-lock.js';
import { openStore, type Store } from '../store/db.js';
import { aside, holdsStore } from '../store/interrupted-restore.js';
import { loadOrCreateMasterKey } from '../vault/master-key.js';
import type { MasterKeys } from '../vault/vault.js';

/** A failure the CLI reports as one line on stderr, with its exit code (2: configuration). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const warn = (msg: string) => process.stderr.write(`linkhub: warning: ${msg}\n`);

export function cliConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`configuration error: ${e.message}`, 2);
    throw e;
  }
}

export interface CliStore {
  config: Config;
  store: Store;
  /** The master keys of the configuration (LINKHUB_MASTER_KEY or master.key, and LINKHUB_MASTER_KEY_PREVIOUS). */
  masterKeys(): MasterKeys;
  /** The embedded store's master key is the generated master.key (LINKHUB_MASTER_KEY unset): rotate replaces the file. */
  keyFile: boolean;
  close(): Promise<void>;
}

/**
 * The master keys as the configuration and the data directory say now (read again each time: a
 * rotation may have replaced a generated master.key since the process started).
 */
export function readMasterKeys(config: Config, warn: (msg: string) => void): MasterKeys {
  const source = loadOrCreateMasterKey(config.masterKey, config.dataDir, warn);
  return { current: source.key, previous: [...config.masterKeyPrevious, ...(source.previous ? [source.previous] : [])] };
}

/**
 * Takes the embedded store's data directory for `command`, or throws CliError naming the running
 * server that holds it.
 */
export async function lockForCommand(dataDir: string, command: string): Promise<DataDirLock> {
  try {
    const lock = await lockDataDir(dataDir, (e) => warn(`the lock on ${dataDir} was taken over (${e.message})`));
    if (lock.notice) warn(lock.notice);
    return lock;
  } catch (e) {
    if (e instanceof DataDirError && /in use by another Linkhub process/.test(e.message)) {
      const holder = /\((PID [^)]*)\)/.exec(e.message)?.[1] ?? 'its PID is not recorded';
      throw new CliError(
        `the embedded store in ${dataDir} is held by a running Linkhub server (${holder}) that does not answer on its admin socket ${adminSocketPath(dataDir)}: if it is starting, run \`linkhub ${command}\` again in a moment; else stop it, run the command, then start it again (on the embedded store only one process may open the data directory)`,
      );
    }
    throw e;
  }
}

/** Opens the configured store for `command` (named in the messages), or throws CliError saying why not. */
export async function openCliStore(command: string): Promise<CliStore> {
  const config = cliConfig();
  let lock: DataDirLock | null = null;
  if (!config.databaseUrl) {
    const none = () =>
      new CliError(`there is no Linkhub store in ${config.dataDir}: start Linkhub once first, or point LINKHUB_DATA_DIR (or DATABASE_URL) at the store`);
    // (one a restore was cut off replacing is put back when the directory is taken: interrupted-restore.ts)
    if (!holdsStore(config.dataDir) && !existsSync(join(config.dataDir, aside('pgdata')))) throw none();
    lock = await lockForCommand(config.dataDir, command);
    if (!holdsStore(config.dataDir)) {
      await lock.release();
      throw none();
    }
  }
  let store: Store;
  try {
    store = await openStore({
      databaseUrl: config.databaseUrl,
      pgliteDir: config.dataDir,
      warn,
      pool: { max: 2, connectTimeoutMs: config.dbConnectTimeoutMs, statementTimeoutMs: config.dbStatementTimeoutMs },
    });
  } catch (e) {
    await lock?.release();
    throw e;
  }
  return {
    config,
    store,
    masterKeys: () => readMasterKeys(config, warn),
    keyFile: !config.databaseUrl && !config.masterKey,
    async close() {
      await store.close();
      await lock?.release();
    },
  };
}

/** Runs `fn` on the opened store and closes it whatever happens. */
export async function withStore<T>(command: string, fn: (s: CliStore) => Promise<T>): Promise<T> {
  const s = await openCliStore(command);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
