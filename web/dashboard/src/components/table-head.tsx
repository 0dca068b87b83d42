// The heading row every Dashboard table shares: one column heading per name; an empty name is an
// action column, named for screen readers only.
export function TableHead(p: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {p.columns.map((c, i) => (
          <th scope="col" key={c || `actions-${i}`}>
            {c || <span class="sr-only">Actions</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}
