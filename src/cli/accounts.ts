// `accounts list` and `accounts verify <id> | --all`: the linked accounts of a project (never a key,
// not even its last characters), and their keys re-tested live now by the scheduled verifier's own
// rules (services/accounts/verifier.ts): the same status changes, `key.test` audit records (actor
// `system`, id `cli`) and account.updated webhooks.
import type { LiveTestOutcome } from '../connectors/types.js';
import { type AccountFilter, listAccountsKeyset } from '../services/accounts/account-queries.js';
import type { AccountRow } from '../services/accounts/account-view.js';
import type { Actor } from '../services/logs/actor.js';
import { project, table } from './commands.js';
import type { CommandContext } from './context.js';
import { CliError } from './store.js';

/** Who the audit log names for a test asked for with `linkhub accounts verify`. */
export const CLI_ACTOR: Actor = { type: 'system', id: 'cli' };

/** Accounts tested at once by `verify --all` (each through its own per-account throttle). */
const AT_ONCE = 4;

async function allAccounts(s: CommandContext, projectId: string, filter: AccountFilter): Promise<AccountRow[]> {
  const rows: AccountRow[] = [];
  let cursor: string | null = null;
  do {
    const page = await listAccountsKeyset(s.store.db, projectId, filter, { cursor, limit: 500 });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');
const owner = (a: AccountRow) => (a.originOwnerName === a.originOwnerId ? a.originOwnerId : `${a.originOwnerName} (${a.originOwnerId})`);

export async function accountsListCommand(s: CommandContext, opts: { project: string; status?: string; json?: boolean }): Promise<void> {
  const rows = await allAccounts(s, await project(s, opts.project), opts.status ? { status: [opts.status] } : {});
  if (opts.json) {
    const data = rows.map((a) => ({
      id: a.id,
      provider: a.provider,
      environment: a.environment,
      origin_owner_id: a.originOwnerId,
      origin_owner_name: a.originOwnerName,
      status: a.status,
      status_reasons: a.statusReasons.map((r) => r.code),
      last_verified_at: a.lastVerifiedAt && iso(a.lastVerifiedAt),
    }));
    return s.out(JSON.stringify({ data }));
  }
  s.out(
    table([
      ['ID', 'PROVIDER', 'END USER', 'STATUS', 'LAST VERIFIED'],
      ...rows.map((a) => [a.id, `${a.provider} (${a.environment})`, owner(a), a.status, iso(a.lastVerifiedAt) || 'never']),
    ]),
  );
}

/** The verdict of one test in plain words. */
function verdict(outcome: LiveTestOutcome): string {
  switch (outcome.result) {
    case 'ok':
      return 'the key works';
    case 'invalid_key':
    case 'missing_permission':
      return `${outcome.result === 'invalid_key' ? outcome.code : 'missing_permission'}: ${outcome.message}`;
    case 'unreachable':
      return `not verified: ${outcome.message}${outcome.providerStatus === null ? '' : ` (HTTP ${outcome.providerStatus})`}; status unchanged`;
  }
}

export async function accountsVerifyCommand(s: CommandContext, opts: { id?: string; all?: boolean; project: string }): Promise<void> {
  if (Boolean(opts.id) === Boolean(opts.all)) throw new CliError('give an account id or --all (not both)', 2);
  const projectId = await project(s, opts.project);
  const targets = await allAccounts(s, projectId, opts.all ? {} : { accountIds: [opts.id!] });
  if (!opts.all && targets.length === 0) throw new CliError(`there is no account ${opts.id} in project ${projectId}`);
  const verifier = await s.services.verifier();
  const results: { id: string; before: string; after: AccountRow | null; outcome: LiveTestOutcome | null }[] = [];
  const progress = opts.all ? s.progress({ verb: 'verified', unit: 'account(s)', total: targets.length }) : null;
  try {
    for (let i = 0; i < targets.length; i += AT_ONCE) {
      await Promise.all(
        targets.slice(i, i + AT_ONCE).map(async (a) => {
          const tested = await verifier.verifyNow({ id: a.id, projectId }, CLI_ACTOR);
          results.push({ id: a.id, before: a.status, after: tested?.account ?? null, outcome: tested?.outcome ?? null });
          progress?.update(results.length);
        }),
      );
    }
  } finally {
    progress?.stop();
  }
  const order = new Map(targets.map((a, i) => [a.id, i]));
  results.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
  const tested = results.filter((r) => r.after && r.outcome);
  if (tested.length) s.out(table(tested.map((r) => [r.id, r.after!.status, verdict(r.outcome!)])));
  const failing = tested.filter((r) => r.after!.status !== 'active' || r.outcome!.result === 'unreachable');
  const changed = tested.some((r) => r.before !== r.after!.status);
  if (changed && s.server === null && s.store.kind === 'pglite') s.note('The account.updated webhooks of the changed accounts go out when the server starts.');
  if (failing.length) {
    throw new CliError(`${failing.length} of ${tested.length} account(s) are not active or could not be verified: ${failing.map((r) => r.id).join(', ')}`);
  }
  s.note(`${tested.length} account(s) verified: every key works.`);
}
