#!/usr/bin/env node
// `linkhub`, the package's bin (commander). `start` serves (the compiled src/main.ts, as `npm start`);
// `restore` works on a data directory no process holds (src/cli/backup.ts); the other commands
// (src/cli/registry.ts) work on the store configured by the same environment
// variables as the server: inside the server holding an embedded store, through its admin socket,
// else on the store they open (src/cli/runner.ts). Exit codes a script can rely on: 0 done, 1 the
// command failed (one line on stderr), 2 a usage or configuration error (start keeps its own: 2 for
// a configuration error, 1 when start-up fails).
import './compile-cache.js';
import { Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { buildInfo } from './build-info.js';
import type { LogsExportFlags } from './cli/logs-export.js';

// a reader that stops early (`linkhub logs export | head`) is not an error: the output has gone where it was asked to
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command('linkhub')
  .usage('<command>')
  .description('Linkhub, the self-hostable integration hub. Configured by environment variables (see the README).')
  .version(`linkhub ${buildInfo.version} (commit ${buildInfo.commit ?? 'unknown'})`, '-v, --version', 'Show the version and the commit it was built from')
  .helpOption('-h, --help', 'Show this help')
  .helpCommand('help [command]', 'Show the help of a command')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'linkhub: ')) })
  // commander exits 1 on a usage error: 2 here, as scripts expect; help and version exit 0
  .exitOverride((e: CommanderError) => {
    process.exit(e.exitCode === 0 ? 0 : 2);
  });

/** Runs a command's work: a failure is one line on stderr and exit 1 (2 for a configuration error). */
async function run(work: () => Promise<void>): Promise<void> {
  const { CliError } = await import('./cli/store.js');
  try {
    await work();
  } catch (e) {
    process.stderr.write(`linkhub: ${(e as Error).message}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  }
}

/** Runs a command of the registry where the store is. */
const command = (name: string, args: Record<string, unknown>) => run(async () => (await import('./cli/runner.js')).runCommand(name, args));

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000) throw new InvalidArgumentError('a whole number from 1 to 10000');
  return Number(v);
}

program
  .command('start')
  .description('Serve Linkhub: configuration from environment variables (see the README)')
  .action(async () => {
    // main.js starts serving when loaded, and stays up until SIGTERM or SIGINT
    await import('./main.js');
  });

const masterKey = program
  .command('master-key')
  .usage('<command>')
  .description('Rotate the master key that wraps the data keys of the vault, and show which key wraps them');
masterKey
  .command('status')
  .description('How many data keys are wrapped under each master key id (ids are fingerprints, never keys)')
  .option('--json', 'Print JSON')
  .action((opts: { json?: boolean }) => command('master-key status', opts));
masterKey
  .command('rotate')
  .description('Re-wrap every data key under LINKHUB_MASTER_KEY, unwrapping with LINKHUB_MASTER_KEY_PREVIOUS: batched, resumable, safe while the nodes serve')
  .option('--batch-size <n>', 'Data keys re-wrapped per transaction', positiveInt, 100)
  .action((opts: { batchSize: number }) => command('master-key rotate', opts));

const apiKeys = program.command('api-keys').usage('<command>').description("Manage a project's platform API keys");
apiKeys
  .command('create')
  .description('Create an API key and print it (only this once) on stdout')
  .option('--name <name>', 'What the key is for', 'Created with the CLI')
  .option('--project <id>', 'The project', 'default')
  .action((opts: { name: string; project: string }) => command('api-keys create', opts));
apiKeys
  .command('list')
  .description("List a project's API keys (their last 4 characters, never the keys)")
  .option('--project <id>', 'The project', 'default')
  .option('--json', 'Print JSON')
  .action((opts: { project: string; json?: boolean }) => command('api-keys list', opts));
apiKeys
  .command('revoke')
  .description('Revoke an API key: every node refuses it within a moment (401)')
  .argument('<id>', 'The key id (see api-keys list)')
  .option('--project <id>', 'The project', 'default')
  .action((id: string, opts: { project: string }) => command('api-keys revoke', { ...opts, id }));

const accounts = program.command('accounts').usage('<command>').description("A project's linked accounts (never their keys)");
accounts
  .command('list')
  .description('List the linked accounts: id, provider, end user, status, last verified')
  .option('--project <id>', 'The project', 'default')
  .addOption(new Option('--status <status>', 'Only accounts with this status').choices(['active', 'error']))
  .option('--json', 'Print JSON')
  .action((opts: { project: string; status?: string; json?: boolean }) => command('accounts list', opts));
accounts
  .command('verify')
  .description(
    "Re-test account keys live now, by the scheduled verification's rules (status, audit, webhooks), and print each verdict. Exit 0 when every key tested works; 1 when any account is not active afterwards or could not be verified",
  )
  .argument('[id]', 'The account id (see accounts list)')
  .option('--all', 'Every account of the project (progress on stderr)')
  .option('--project <id>', 'The project', 'default')
  .action((id: string | undefined, opts: { project: string; all?: boolean }, cmd: Command) => {
    if (Boolean(id) === Boolean(opts.all)) cmd.error('linkhub: give an account id or --all (not both)');
    return command('accounts verify', { ...opts, id });
  });

program
  .command('doctor')
  .description(
    'Check the installation, one line each (ok, warn or fail): configuration, store and migrations, the server holding the data directory, master keys, each API reachable, settings. Exit 0 when nothing fails, else 1',
  )
  .action(() => run(async () => (await import('./cli/runner.js')).runDoctor()));

program
  .command('migrate')
  .description(
    "Apply this version's migrations to the store (as a server's start does; other commands never change the store's schema). Exit 0 when the store has them all",
  )
  .action(() => command('migrate', {}));

const backup = () => import('./cli/backup.js');
program
  .command('backup')
  .description('Write a consistent snapshot of the embedded store to FILE (gzip-compressed tar, mode 0600), without the master key unless asked')
  .argument('<file>', 'The backup file to write (replaced atomically)')
  .option('--include-master-key', 'Also put the generated master.key in the backup (then the file opens every secret it holds)')
  .action((file: string, opts: { includeMasterKey?: boolean }) => command('backup', { file: resolve(file), includeMasterKey: opts.includeMasterKey === true }));
program
  .command('restore')
  .description('Restore a backup into LINKHUB_DATA_DIR, which no running Linkhub may hold and must hold no store unless --force')
  .argument('<file>', 'A file written by linkhub backup')
  .option('--force', 'Replace the store in LINKHUB_DATA_DIR (kept aside until the restore has succeeded)')
  .action((file: string, opts: { force?: boolean }) => run(async () => (await backup()).restoreCommand(file, opts)));

const logs = program.command('logs').usage('<command>').description('The request log and the credential audit trail');
logs
  .command('export')
  .description('Write the request log and/or the audit trail from a time on, oldest first, as NDJSON or CSV (redacted as the logs API is)')
  .requiredOption('--since <time>', 'From: an ISO-8601 time, or a duration back from now (24h, 7d)')
  .option('--until <time>', 'Up to: an ISO-8601 time, or a duration back from now (default: now)')
  .addOption(
    new Option('--kind <kind>', 'requests (every call), audit (the audit trail, calls included), all (calls and the other audit events)')
      .choices(['requests', 'audit', 'all'])
      .default('all'),
  )
  .addOption(new Option('--format <format>', 'ndjson (one object per line, with kind) or csv (a header row)').choices(['ndjson', 'csv']).makeOptionMandatory())
  .option('--output <file>', 'Write to FILE (atomically, mode 0600) instead of stdout')
  .option('--project <id>', 'One project only (default: every project)')
  .action((opts: LogsExportFlags) =>
    run(async () => (await import('./cli/runner.js')).runCommand('logs export', (await import('./cli/logs-export.js')).logsExportArgs(opts))),
  );

if (process.argv.length <= 2) {
  process.stderr.write('linkhub: no command given\n\n');
  program.outputHelp({ error: true });
  process.exit(2);
}
// `linkhub help master-key rotate` is `linkhub master-key rotate --help` (commander's help command takes one
// name); `linkhub help nope` says what is wrong before the usage
const argv = process.argv.slice(2);
if (argv[0] === 'help' && argv.length > 1) {
  const known = program.commands.find((c) => c.name() === argv[1]);
  if (!known) {
    process.stderr.write(`linkhub: unknown command '${argv[1]}'\n`);
    program.outputHelp({ error: true });
    process.exit(2);
  }
  await program.parseAsync([...argv.slice(1), '--help'], { from: 'user' });
} else {
  await program.parseAsync();
}
