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
import { migrationState } from '../store/migrations.js';
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

/**
 * What a command may do with the store's schema. A command never migrates the store by the way (a
 * `backup` taken before an upgrade must hold the store as the older version left it, to roll back to;
 * `doctor` pointed at the wrong database must not create Linkhub's tables there): `current` needs every
 * migration of this version, `older` also reads a store an older Linkhub wrote (doctor, backup), and
 * `migrate` applies this version's migrations (`linkhub migrate`, as a server's start does).
 */
export type StoreUse = 'current' | 'older' | 'migrate';

/** Why `command` may not run on a store whose migration state is `state` (null: it may). */
function schemaProblem(state: Awaited<ReturnType<typeof migrationState>>, use: StoreUse, command: string): string | null {
  if (state.none)
    return 'there is no Linkhub store in this database (no Linkhub migration was ever applied to it): check DATABASE_URL, or create the store with `linkhub migrate` or by starting Linkhub';
  if (use === 'current' && state.missing.length)
    return `the store was written by an older Linkhub and lacks this version's migrations ${state.missing.join(', ')}: run \`linkhub migrate\` (or start this version of Linkhub, which migrates it), then \`linkhub ${command}\` again`;
  return null;
}

/** Opens the configured store for `command` (named in the messages), or throws CliError saying why not. */
export async function openCliStore(command: string, use: StoreUse = 'current'): Promise<CliStore> {
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
      migrate: use === 'migrate',
    });
  } catch (e) {
    await lock?.release();
    throw e;
  }
  const problem =
    use === 'migrate'
      ? null
      : await migrationState(store.db).then(
          (state) => schemaProblem(state, use, command),
          (e: unknown) => e,
        );
  if (problem !== null) {
    await store.close().catch(() => {});
    await lock?.release();
    if (problem instanceof Error) throw problem;
    throw new CliError(String(problem));
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
