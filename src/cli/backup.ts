// `linkhub backup FILE` and `linkhub restore FILE`: the glue between the command line and
// services/backup/ (what a backup is, how it is written, checked and restored). The backup is a
// command of the registry: it runs inside a server that holds the embedded store (a snapshot while it
// serves), else on the store this process opens. A restore needs the data directory free, and does not
// replace a store (--force) by one whose master key neither the configuration nor the backup holds.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { type BackupManifest, type KeyFile, KEY_FILES, NotABackupError, readBackup, writeBackup } from '../services/backup/backup.js';
import { restoreBackup, StoreNotEmptyError } from '../services/backup/restore.js';
import { holderPid } from '../store/data-dir-lock.js';
import { holdsStore } from '../store/interrupted-restore.js';
import { loadOrCreateMasterKey, type MasterKeySource, masterKeyId } from '../vault/master-key.js';
import { type Static, Type } from 'typebox';
import { connectAdmin } from './admin-client.js';
import type { CommandContext } from './context.js';
import { CliError, cliConfig, lockForCommand, warn } from './store.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The command that does it on PostgreSQL (exit 2): never the URL itself, which may hold a password. */
const onPostgres = (what: string) =>
  new CliError(
    `this configuration uses PostgreSQL (DATABASE_URL), which Linkhub does not copy itself: ${what}, and keep LINKHUB_MASTER_KEY apart from it (see Backups in the README)`,
    2,
  );

export const BackupArgs = Type.Object(
  { file: Type.String({ minLength: 1, maxLength: 4096 }), includeMasterKey: Type.Boolean() },
  { additionalProperties: false },
);

/** On PostgreSQL (exit 2, the pg_dump line), before any store is opened: there is nothing of it to open. */
export function refuseBackup(config: Config, args: Static<typeof BackupArgs>): void {
  if (config.databaseUrl) throw onPostgres(`run pg_dump --format=custom --file=${JSON.stringify(args.file)} "$DATABASE_URL"`);
}

/**
 * `backup FILE`: run where the store is open (registry.ts), inside the server that holds it too, so the
 * snapshot is taken while it serves. FILE is absolute (resolved by the CLI, not the server's directory).
 */
export async function backupCommand(ctx: CommandContext, args: Static<typeof BackupArgs>): Promise<void> {
  const { config } = ctx;
  refuseBackup(config, args);
  if (args.includeMasterKey && config.masterKey) {
    throw new CliError('--include-master-key takes the generated master.key; LINKHUB_MASTER_KEY is set: keep that key where you keep it', 2);
  }
  const keyFiles: KeyFile[] = [];
  if (args.includeMasterKey) {
    for (const name of KEY_FILES) {
      try {
        keyFiles.push({ name, data: readFileSync(join(config.dataDir, name)) });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
  const started = Date.now();
  const { manifest, bytes, removed } = await writeBackup(ctx.store, args.file, keyFiles);
  for (const path of removed) ctx.note(`linkhub: removed ${path}, left by a backup killed while writing`);
  ctx.out(
    `Backed up the embedded store in ${config.dataDir} to ${args.file}: ${manifest.accounts} account(s), ${mb(bytes)} (${mb(manifest.pgdata.bytes)} uncompressed), in ${((Date.now() - started) / 1000).toFixed(1)} s${ctx.server ? `, while the server (PID ${ctx.server}) served` : ''}.`,
  );
  const ids = manifest.master_key_ids.join(', ') || 'none yet';
  if (keyFiles.length) {
    ctx.note(`linkhub: warning: ${args.file} holds the master key (${ids}) with the secrets it opens: keep it as safe as the key itself`);
  } else {
    ctx.note(
      `linkhub: warning: ${args.file} does not hold the master key its secrets need (master key id ${ids}): keep ${config.masterKey ? 'LINKHUB_MASTER_KEY' : join(config.dataDir, 'master.key')} safe apart from it; a restore needs it`,
    );
  }
}

/**
 * The master key ids the data directory unwraps with once the restore has written the backup's key
 * files (`carried`: none when they are there already), as the server resolves them (LINKHUB_MASTER_KEY,
 * else master.key and master.key.previous; and LINKHUB_MASTER_KEY_PREVIOUS), or null when it then has
 * no master key. Only for a directory holding a store: no master.key is generated there.
 */
function keyIdsAfterRestore(config: Config, carried: KeyFile[]): string[] | null {
  const file = (name: KeyFile['name']) => {
    const k = carried.find((f) => f.name === name);
    return k ? Buffer.from(k.data.toString('utf8').trim(), 'base64') : null;
  };
  let here: MasterKeySource | null = null;
  try {
    here = loadOrCreateMasterKey(config.masterKey, config.dataDir, () => {});
  } catch {
    // master.key missing beside the store (it is never generated then)
  }
  const current = config.masterKey ?? file('master.key') ?? here?.key;
  if (!current) return null;
  const previous = config.masterKey ? null : (file('master.key.previous') ?? here?.previous);
  return [current, ...config.masterKeyPrevious, ...(previous ? [previous] : [])].map(masterKeyId);
}

/** The backup's master key ids `known` lacks, and what to say of where the key was looked for. */
function missingKeys(manifest: BackupManifest, known: string[] | null, dataDir: string): { ids: string; where: string } | null {
  const missing = manifest.master_key_ids.filter((id) => !known?.includes(id));
  if (!missing.length) return null;
  const where = known ? 'this configuration does not hold' : `is not here (no LINKHUB_MASTER_KEY, no ${join(dataDir, 'master.key')})`;
  return { ids: missing.join(', '), where };
}

export async function restoreCommand(file: string, opts: { force?: boolean }): Promise<void> {
  const config = cliConfig();
  const source = resolve(file);
  if (config.databaseUrl) throw onPostgres(`run pg_restore --no-owner --dbname="$DATABASE_URL" ${JSON.stringify(source)} into an empty database`);
  let backup: Awaited<ReturnType<typeof readBackup>>;
  try {
    backup = await readBackup(source);
  } catch (e) {
    if (e instanceof NotABackupError) throw new CliError(`${e.message} (nothing was changed)`);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${source} does not exist`);
    throw e;
  }
  const server = await connectAdmin(config.dataDir);
  if (server) {
    server.destroy();
    const pidOf = (pid: number | null) => (pid === null ? '' : ` (PID ${pid})`);
    throw new CliError(
      `a running Linkhub server${pidOf(holderPid(config.dataDir))} holds ${config.dataDir}: stop it, run \`linkhub restore\`, then start it again (nothing was changed)`,
    );
  }
  const lock = await lockForCommand(config.dataDir, 'restore');
  let result: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    // A store replaced by one no key here opens would be lost: refused before anything is touched.
    const lacking = opts.force && holdsStore(config.dataDir) ? missingKeys(backup.manifest, keyIdsAfterRestore(config, backup.keyFiles), config.dataDir) : null;
    if (lacking) {
      throw new CliError(
        `${source} needs the master key with id ${lacking.ids}, which ${lacking.where} (nothing was changed): replacing the store in ${config.dataDir} would leave one no key here opens; set LINKHUB_MASTER_KEY_PREVIOUS (or LINKHUB_MASTER_KEY) to that key and run the restore again, or restore into an empty LINKHUB_DATA_DIR`,
      );
    }
    result = await restoreBackup(config.dataDir, backup, { replace: opts.force === true });
  } catch (e) {
    if (e instanceof StoreNotEmptyError) {
      throw new CliError(
        `${config.dataDir} already holds a store (nothing was changed): restore into an empty LINKHUB_DATA_DIR, or pass --force to replace it (the current store is kept aside until the restore has succeeded, then deleted)`,
      );
    }
    throw e;
  } finally {
    await lock.release();
  }
  const m = backup.manifest;
  out(
    `Restored ${source} (taken ${m.created_at} by Linkhub ${m.linkhub.version}, ${result.accounts} account(s)) into ${config.dataDir}${result.replaced ? ', replacing the store that was there' : ''}.`,
  );
  const lacking = missingKeys(m, keyIdsAfterRestore(config, []), config.dataDir);
  if (lacking) {
    warn(
      `its secrets need the master key with id ${lacking.ids}, which ${lacking.where}: set LINKHUB_MASTER_KEY to it, or copy the master.key kept with the backup into ${config.dataDir} (mode 0600), before starting Linkhub`,
    );
  }
}
