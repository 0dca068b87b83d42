// `linkhub migrate`: applies this version's migrations to the configured store, as a server's start
// does (on PostgreSQL under the same advisory lock, so beside starting nodes), and nothing else: a
// release step can migrate before any node of the new version starts. Other commands never migrate
// (store.ts StoreUse). Through a running server's admin socket the store is that server's, migrated at
// its start: the command then only reports it.
import { journal } from '../store/migration-journal.js';
import { migrationState } from '../store/migrations.js';
import type { CommandContext } from './context.js';
import { CliError } from './store.js';

export async function migrateCommand(ctx: CommandContext): Promise<void> {
  const { missing, ahead } = await migrationState(ctx.store.db);
  if (ahead) throw new CliError(ahead);
  if (missing.length) throw new CliError(`the store still lacks migrations ${missing.join(', ')}`);
  ctx.out(`the store has every migration of this version (${journal.length}, the newest ${journal[journal.length - 1].tag})`);
}
