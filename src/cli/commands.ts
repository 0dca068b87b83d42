// What `master-key status|rotate` and `api-keys create|list|revoke` do, as handlers of the command
// registry (registry.ts): run in the CLI's process or inside the server holding the store. Output
// for people on stdout (or JSON with --json), progress and notes on stderr. No secret is ever
// printed but the new API key of `api-keys create`, once, alone on stdout.
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { LinkhubError } from '../errors/fail.js';
import { projects } from '../store/schema.js';
import { beginKeyFileRotation, finishKeyFileRotation } from '../vault/master-key.js';
import { masterKeyStatus, rotateMasterKey } from '../vault/rotation.js';
import type { CommandContext } from './context.js';
import { CliError } from './store.js';

/** A fixed-width table (first row: headings). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const ROLE = { current: 'current (LINKHUB_MASTER_KEY)', previous: 'previous (LINKHUB_MASTER_KEY_PREVIOUS)', unknown: 'not configured' };

export async function masterKeyStatusCommand(s: CommandContext, opts: { json?: boolean }): Promise<void> {
  const { out } = s;
  const keys = s.masterKeys();
  const rows = await masterKeyStatus(s.store.db, keys);
  if (opts.json) return out(JSON.stringify({ master_keys: rows.map((r) => ({ key_id: r.masterKeyId, data_keys: r.dataKeys, role: r.role })) }));
  // a key generated into the data directory is no environment variable's
  const role = (r: (typeof rows)[number]) => (r.role === 'current' && s.keyFile ? `current (${join(s.config.dataDir, 'master.key')})` : ROLE[r.role]);
  out(table([['MASTER KEY ID', 'DATA KEYS', 'ROLE'], ...rows.map((r) => [r.masterKeyId, String(r.dataKeys), role(r)])]));
  const elsewhere = rows.filter((r) => r.role !== 'current').reduce((n, r) => n + r.dataKeys, 0);
  out(
    elsewhere === 0
      ? 'Every data key is wrapped by the current master key.'
      : `${elsewhere} data key(s) are not wrapped by the current master key: run \`linkhub master-key rotate\`.`,
  );
}

export async function masterKeyRotateCommand(s: CommandContext, opts: { batchSize: number }): Promise<void> {
  const { out, note } = s;
  let keys = s.masterKeys();
  const before = await masterKeyStatus(s.store.db, keys);
  const unknown = before.filter((r) => r.role === 'unknown');
  if (unknown.length) {
    throw new CliError(
      `${unknown.map((r) => `${r.dataKeys} data key(s) are wrapped by master key ${r.masterKeyId}`).join(', ')}, which is neither LINKHUB_MASTER_KEY nor in LINKHUB_MASTER_KEY_PREVIOUS: add that key to LINKHUB_MASTER_KEY_PREVIOUS and run again (nothing was changed)`,
    );
  }
  if (s.keyFile) {
    const file = join(s.config.dataDir, 'master.key');
    const next = beginKeyFileRotation(s.config.dataDir);
    keys = { current: next.key, previous: [next.previous, ...keys.previous] };
    note(
      next.resumed
        ? `Resuming the rotation to the master key in ${file} (${file}.previous holds the old one).`
        : `Wrote a new master key to ${file}, the old one kept as ${file}.previous until every data key is re-wrapped: back up the new ${file} now.`,
    );
  }
  const pending = (await masterKeyStatus(s.store.db, keys)).filter((r) => r.role !== 'current').reduce((n, r) => n + r.dataKeys, 0);
  const progress = s.progress({ verb: 're-wrapped', unit: 'data key(s)', total: pending });
  let result: Awaited<ReturnType<typeof rotateMasterKey>>;
  try {
    result = await rotateMasterKey(s.store.db, keys, { batchSize: opts.batchSize, onProgress: (p) => progress.update(p.done) });
  } finally {
    progress.stop();
  }
  if (s.keyFile) finishKeyFileRotation(s.config.dataDir);
  const after = await masterKeyStatus(s.store.db, keys);
  const all = after.reduce((n, r) => n + r.dataKeys, 0);
  out(
    result.done === 0
      ? `Nothing to do: all ${all} data key(s) were already wrapped by the current master key ${result.currentKeyId}.`
      : `Rotated: ${result.done} data key(s) re-wrapped; all ${all} are wrapped by the current master key ${result.currentKeyId}.`,
  );
  if (s.config.masterKeyPrevious.length) out('LINKHUB_MASTER_KEY_PREVIOUS is no longer needed: remove it from every node and restart them one by one.');
}

export async function project(s: Pick<CommandContext, 'store'>, id: string): Promise<string> {
  const found = await s.store.db.select({ id: projects.id }).from(projects).where(eq(projects.id, id));
  if (found[0]) return id;
  const all = await s.store.db.select({ id: projects.id }).from(projects);
  throw new CliError(
    all.length
      ? `there is no project ${JSON.stringify(id)} (projects: ${all.map((p) => p.id).join(', ')})`
      : 'the store has no project yet: start Linkhub once first',
  );
}

export async function apiKeysCreateCommand(s: CommandContext, opts: { name: string; project: string }): Promise<void> {
  const created = await s.services.apiKeys.create(await project(s, opts.project), opts.name);
  s.note(`Created API key ${created.id} (${JSON.stringify(opts.name)}) in project ${opts.project}. It is shown only this once; store it now:`);
  s.out(created.key);
}

export async function apiKeysListCommand(s: CommandContext, opts: { project: string; json?: boolean }): Promise<void> {
  const { out } = s;
  const rows = await s.services.apiKeys.list(await project(s, opts.project));
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  if (opts.json) {
    const data = rows.map((r) => ({
      id: r.id,
      name: r.name,
      hint: r.hint,
      created_at: iso(r.createdAt),
      last_used_at: r.lastUsedAt && iso(r.lastUsedAt),
      revoked_at: r.revokedAt && iso(r.revokedAt),
    }));
    return out(JSON.stringify({ data }));
  }
  out(
    table([
      ['ID', 'NAME', 'ENDS WITH', 'CREATED', 'LAST USED', 'STATUS'],
      ...rows.map((r) => [r.id, r.name, r.hint, iso(r.createdAt), iso(r.lastUsedAt), r.revokedAt ? `revoked ${iso(r.revokedAt)}` : 'active']),
    ]),
  );
}

export async function apiKeysRevokeCommand(s: CommandContext, { id, ...opts }: { id: string; project: string }): Promise<void> {
  try {
    await s.services.apiKeys.revoke(await project(s, opts.project), id);
  } catch (e) {
    if (e instanceof LinkhubError && e.entry === 'api_key_not_found') throw new CliError(`there is no active API key ${id} in project ${opts.project}`);
    throw e;
  }
  s.out(`Revoked API key ${id}.`);
}
