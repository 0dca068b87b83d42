// The commands that need the store, by name: what arguments each takes (a TypeBox schema, checked
// again where it runs) and its handler `(ctx, args) => Promise<void>`. This fixed set is all that a
// server's admin socket runs (admin-socket.ts): a name not in it is refused, and nothing else is
// callable. A new command is one line here and its commander definition in src/cli.ts.
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import { accountsListCommand, accountsVerifyCommand } from './accounts.js';
import { apiKeysCreateCommand, apiKeysListCommand, apiKeysRevokeCommand, masterKeyRotateCommand, masterKeyStatusCommand } from './commands.js';
import type { CommandContext } from './context.js';
import { BackupArgs, backupCommand, refuseBackup } from './backup.js';
import { doctorCommand } from './doctor.js';
import { LogsExportArgs, logsExportCommand } from './logs-export.js';
import { migrateCommand } from './migrate.js';
import type { StoreUse } from './store.js';
import type { Config } from '../config.js';

export interface CommandSpec<S extends TSchema = TSchema> {
  args: S;
  run(ctx: CommandContext, args: Static<S>): Promise<void>;
  /** false: refused through a server's admin socket (the command needs the store to itself: stop the server first). */
  inServer?: boolean;
  /**
   * Works with the master key: refused through the admin socket when the caller's LINKHUB_MASTER_KEY
   * is another key than the server's (the command would run with the server's key, not the one the
   * caller means).
   */
  masterKey?: boolean;
  /** What it may do with the store's schema (store.ts StoreUse; default `current`). */
  store?: StoreUse;
  /** Refuses (throws CliError) what the configuration alone rules out, before any store is opened. */
  refuses?(config: Config, args: Static<S>): void;
}

const strict = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false });
const define = <S extends TSchema>(spec: CommandSpec<S>): CommandSpec => spec as unknown as CommandSpec;

const project = Type.String({ minLength: 1, maxLength: 200 });
const json = Type.Optional(Type.Boolean());

export const COMMANDS: Readonly<Record<string, CommandSpec>> = Object.freeze({
  'master-key status': define({ args: strict({ json }), run: masterKeyStatusCommand, masterKey: true }),
  'master-key rotate': define({ args: strict({ batchSize: Type.Integer({ minimum: 1, maximum: 10_000 }) }), run: masterKeyRotateCommand, masterKey: true }),
  'api-keys create': define({ args: strict({ name: Type.String({ minLength: 1, maxLength: 200 }), project }), run: apiKeysCreateCommand }),
  'api-keys list': define({ args: strict({ project, json }), run: apiKeysListCommand }),
  'api-keys revoke': define({ args: strict({ id: Type.String({ minLength: 1, maxLength: 200 }), project }), run: apiKeysRevokeCommand }),
  'accounts list': define({ args: strict({ project, status: Type.Optional(Type.String({ maxLength: 50 })), json }), run: accountsListCommand }),
  'accounts verify': define({
    args: strict({ id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), all: Type.Optional(Type.Boolean()), project }),
    run: accountsVerifyCommand,
    masterKey: true,
  }),
  doctor: define({ args: strict({}), run: doctorCommand, store: 'older' }),
  backup: define({ args: BackupArgs, run: backupCommand, store: 'older', refuses: refuseBackup }),
  migrate: define({ args: strict({}), run: migrateCommand, store: 'migrate' }),
  'logs export': define({ args: LogsExportArgs, run: logsExportCommand }),
});

/** The command of that name, or undefined (never a property inherited from Object). */
export function commandSpec(name: string): CommandSpec | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Why `args` does not fit the command (the first problem), or null when it does. */
export function argsProblem(spec: CommandSpec, args: unknown): string | null {
  if (Value.Check(spec.args, args)) return null;
  const first = Value.Errors(spec.args, args)[0];
  return first ? `${first.instancePath || 'arguments'} ${first.message}` : 'arguments do not fit the command';
}
