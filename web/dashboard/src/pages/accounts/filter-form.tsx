// The Accounts filter form: search and owner (applied as the user stops typing), environment and
// status (at once), and Clear filters while any is set.
import { anyFilter, type Filters } from './filters.js';

export interface Draft {
  owner: string;
  search: string;
}

export function FilterForm(p: { filters: Filters; draft: Draft; setDraft(d: Draft): void; apply(f: Filters): void }) {
  return (
    <form class="filters" role="search" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="f-search">Search</label>
        <input
          id="f-search"
          type="search"
          placeholder="Owner, username, Stripe account…"
          value={p.draft.search}
          onInput={(e) => p.setDraft({ ...p.draft, search: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="f-owner">Owner ID</label>
        <input
          id="f-owner"
          type="text"
          placeholder="Exact owner ID"
          value={p.draft.owner}
          onInput={(e) => p.setDraft({ ...p.draft, owner: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="f-env">Environment</label>
        <select
          id="f-env"
          value={p.filters.environment}
          onChange={(e) => p.apply({ ...p.filters, environment: e.currentTarget.value as Filters['environment'] })}
        >
          <option value="">All</option>
          <option value="production">Live</option>
          <option value="test">Test</option>
        </select>
      </div>
      <div class="field">
        <label for="f-status">Status</label>
        <select id="f-status" value={p.filters.status} onChange={(e) => p.apply({ ...p.filters, status: e.currentTarget.value as Filters['status'] })}>
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="error">Error</option>
        </select>
      </div>
      {anyFilter(p.filters) && (
        <button
          type="button"
          class="btn btn-quiet"
          onClick={() => {
            p.setDraft({ owner: '', search: '' });
            p.apply({ ...p.filters, owner: '', environment: '', status: '', search: '' });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
