// The table both tabs share, with its error, empty and loading messages and "Load more".
import type { ComponentChildren } from 'preact';
import { ErrorAlert } from '../../components/display.js';
import { TableHead } from '../../components/table-head.js';
import type { usePaged } from './use-paged.js';

/** The table of a tab (an empty column heading is an action column), its messages and "Load more". */
export function LogTable(p: {
  list: ReturnType<typeof usePaged<unknown>>;
  caption: string;
  columns: string[];
  what: string;
  empty: string;
  children: ComponentChildren;
}) {
  const { rows, next, max, loading, error, loadMore } = p.list;
  const shown = rows?.length ?? 0;
  return (
    <>
      <ErrorAlert error={error} />
      <div class="table-wrap" aria-busy={loading ? 'true' : 'false'}>
        <table class="table">
          <caption class="sr-only">{p.caption}</caption>
          <TableHead columns={p.columns} />
          <tbody>{p.children}</tbody>
        </table>
        {!loading && shown === 0 && !error && <p class="empty muted">{p.empty}</p>}
        {loading && !rows && <p class="empty muted">Loading {p.what}…</p>}
      </div>
      <nav class="pager" aria-label="More">
        <span class="muted">
          {shown ? `${shown} ${p.what} shown` : ''}
          {!next && max !== null && shown >= max && ` (the newest ${max}: narrow the time range for older ones)`}
        </span>
        {next && (
          <button type="button" class="btn" aria-disabled={loading ? 'true' : undefined} onClick={() => !loading && loadMore()}>
            Load more
          </button>
        )}
      </nav>
    </>
  );
}
