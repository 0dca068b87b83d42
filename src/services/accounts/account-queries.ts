// Reading linked accounts: the one filter of the platform API (/accounts) and the Dashboard, with
// OFFSET pages (StackOne's `page`/`page_size`) and keyset ("seek") pages newest first by
// (created_at, id), so that page N costs the same as page 1 on the accounts_project_created
// index, whatever N is (the Dashboard's Accounts page).
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { EnvironmentKey } from '../../connectors/types.js';
import { fail } from '../../errors/fail.js';
import type { Db } from '../../store/db.js';
import { accounts } from '../../store/schema.js';
import type { AccountRow } from './account-view.js';

export interface AccountFilter {
  originOwnerId?: string;
  originOwnerIds?: string[];
  providers?: string[];
  accountIds?: string[];
  status?: string[];
  environment?: EnvironmentKey;
  search?: string;
}
export interface KeysetPage {
  rows: AccountRow[];
  /** Opaque cursor for the next (older) page, or null on the last page. */
  nextCursor: string | null;
}

/**
 * The cursor carries created_at as Postgres prints it (microseconds), not as a JS Date (milliseconds):
 * rows written by SQL `now()` would otherwise be skipped or repeated at page boundaries.
 */
export function encodeCursor(createdAtText: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAtText, id])).toString('base64url');
}

/** How Postgres prints a timestamptz as text (DateStyle ISO), e.g. 2026-01-02 03:04:05.123456+00. */
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)?$/;

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && PG_TIMESTAMPTZ.test(v[0]) && v[1].length <= 100) {
      return { createdAt: v[0], id: v[1] };
    }
  } catch {
    /* fall through */
  }
  throw fail('invalid_cursor', { field: 'cursor', route: 'this server' }, { field: 'cursor' });
}

export function accountFilterSql(projectId: string, f: AccountFilter): SQL {
  const conds: SQL[] = [eq(accounts.projectId, projectId)];
  const owners = [...(f.originOwnerIds ?? []), ...(f.originOwnerId ? [f.originOwnerId] : [])];
  if (owners.length) conds.push(inArray(accounts.originOwnerId, owners));
  if (f.providers?.length) conds.push(inArray(accounts.provider, f.providers));
  if (f.accountIds?.length) conds.push(inArray(accounts.id, f.accountIds));
  if (f.status?.length) conds.push(inArray(accounts.status, f.status));
  if (f.environment) conds.push(eq(accounts.environment, f.environment));
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    conds.push(
      sql`(${accounts.originOwnerId} ILIKE ${like} OR ${accounts.originOwnerName} ILIKE ${like} OR ${accounts.originUsername} ILIKE ${like} OR ${accounts.label} ILIKE ${like} OR ${accounts.externalAccountName} ILIKE ${like} OR ${accounts.externalAccountId} ILIKE ${like} OR ${accounts.id} = ${f.search})`,
    );
  }
  return and(...conds)!;
}

/** Newest first; `page` is 1-based. */
export function listAccountsPage(db: Db, projectId: string, f: AccountFilter, page: number, pageSize: number): Promise<AccountRow[]> {
  return db
    .select()
    .from(accounts)
    .where(accountFilterSql(projectId, f))
    .orderBy(desc(accounts.createdAt), desc(accounts.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
}

export async function listAccountsKeyset(
  db: Db,
  projectId: string,
  filter: AccountFilter,
  opts: { cursor?: string | null; limit: number },
): Promise<KeysetPage> {
  const where: SQL[] = [accountFilterSql(projectId, filter)];
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    where.push(sql`(${accounts.createdAt}, ${accounts.id}) < (${c.createdAt}::timestamptz, ${c.id})`);
  }
  const rows = await db
    .select({ row: accounts, createdAtText: sql<string>`${accounts.createdAt}::text` })
    .from(accounts)
    .where(and(...where))
    .orderBy(desc(accounts.createdAt), desc(accounts.id))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return { rows: page.map((r) => r.row), nextCursor: more && last ? encodeCursor(last.createdAtText, last.row.id) : null };
}
