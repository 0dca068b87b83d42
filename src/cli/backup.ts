// `linkhub backup FILE` and `linkhub restore FILE`: the glue between the command line and
// services/backup/ (what a backup is, how it is written, checked and restored). The backup is a
// command of the registry: it runs inside a server that holds the embedded store (a snapshot while it
// serves), else on the store this process opens. A restore needs the data directory free.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type KeyFile, KEY_FILES, NotABackupError, readBackup, writeBackup } from '../services/backup/backup.js';
import { restoreBackup, StoreNotEmptyError } from '../services/backup/restore.js';
import { holderPid } from '../store/data-dir-lock.js';
import { loadOrCreateMasterKey, masterKeyId } from '../vault/master-key.js';
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

/**
 * `backup FILE`: run where the store is open (registry.ts), inside the server that holds it too, so the
 * snapshot is taken while it serves. FILE is absolute (resolved by the CLI, not the server's directory).
 */
export async function backupCommand(ctx: CommandContext, args: Static<typeof BackupArgs>): Promise<void> {
  const { config } = ctx;
  if (config.databaseUrl) throw onPostgres(`run pg_dump --format=custom --file=${JSON.stringify(args.file)} "$DATABASE_URL"`);
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
  const { manifest, bytes } = await writeBackup(ctx.store, args.file, keyFiles);
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

/** The master key ids this configuration can unwrap with, or null when the data directory has no key. */
function configuredKeyIds(masterKey: Buffer | null, previous: Buffer[], dataDir: string): string[] | null {
  try {
    const source = loadOrCreateMasterKey(masterKey, dataDir, () => {});
    return [source.key, ...previous, ...(source.previous ? [source.previous] : [])].map(masterKeyId);
  } catch {
    return null; // master.key missing beside the restored store (it is never generated then)
  }
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
  const known = configuredKeyIds(config.masterKey, config.masterKeyPrevious, config.dataDir);
  const missing = m.master_key_ids.filter((id) => !known?.includes(id));
  if (missing.length) {
    warn(
      `its secrets need the master key with id ${missing.join(', ')}, which ${known ? 'this configuration does not hold' : `is not here (no LINKHUB_MASTER_KEY, no ${join(config.dataDir, 'master.key')})`}: set LINKHUB_MASTER_KEY to it, or copy the master.key kept with the backup into ${config.dataDir} (mode 0600), before starting Linkhub`,
    );
  }
}
