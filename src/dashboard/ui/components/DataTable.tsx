/**
 * A table with a text filter and click-to-sort columns, used by every list page.
 * Test hooks: data-testid="filter-input" on the filter box, data-testid="sort-<column key>" on sortable
 * headers, and the page's own row test id (e.g. "cluster-row") with data-key=<row key> on each row.
 * Rows are drawn 200 at a time ("show-more" draws the next 200): filtering and sorting see every row,
 * but an org of 1,500 clusters does not make the browser lay out 1,500 rows before the first shows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { DataState } from '../hooks';

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  /** Value to sort by; columns without one are not sortable. */
  sort?: (row: T) => string | number | null | undefined;
  class?: string;
}

interface Props<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowTestId: string;
  /** The filter box: the text a row is matched on (case-insensitive substring), and what the empty box says. */
  filter?: { text: (row: T) => string; placeholder: string };
  initialSort?: { key: string; desc: boolean };
  empty: string;
  toolbar?: ComponentChildren;
  /** The load the rows come from: its first run shows "Loading…", and after a failure `emptyOnError` replaces `empty`. */
  state?: Pick<DataState<unknown>, 'data' | 'error' | 'loading'>;
  emptyOnError?: string;
}

export const ROWS_PER_DRAW = 200;

function compare(a: unknown, b: unknown): number {
  const na = a === null || a === undefined || a === '';
  const nb = b === null || b === undefined || b === '';
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export function DataTable<T>(props: Props<T>) {
  const { rows, columns, rowKey, rowTestId, filter, initialSort, toolbar, state } = props;
  const filterText = filter?.text;
  const loading = state?.loading && !state.data;
  const empty = state?.error ? (props.emptyOnError ?? 'No data: the last request failed.') : props.empty;
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState(initialSort ?? null);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    let list = q && filterText ? rows.filter((r) => filterText(r).toLowerCase().includes(q)) : rows.slice();
    const col = sort && columns.find((c) => c.key === sort.key);
    if (sort && col?.sort) {
      const by = col.sort;
      list = list.sort((a, b) => {
        const va = by(a);
        const vb = by(b);
        const nullish = (v: unknown) => v === null || v === undefined || v === '';
        if (nullish(va) || nullish(vb)) return compare(va, vb); // empty values last either way
        return sort.desc ? compare(vb, va) : compare(va, vb);
      });
    }
    return list;
  }, [rows, query, sort, columns, filterText]);

  const [drawn, setDrawn] = useState(ROWS_PER_DRAW);
  useEffect(() => setDrawn(ROWS_PER_DRAW), [query, sort]);
  const visible = shown.length > drawn ? shown.slice(0, drawn) : shown;

  const toggle = (key: string) => setSort((s) => (s && s.key === key ? { key, desc: !s.desc } : { key, desc: false }));

  return (
    <div class="card table-card">
      {(filter || toolbar) && (
        <div class="table-toolbar">
          {filter && (
            <input
              class="filter"
              type="search"
              placeholder={filter.placeholder}
              value={query}
              onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
              data-testid="filter-input"
              aria-label="Filter rows"
            />
          )}
          {toolbar}
        </div>
      )}
      <div class="table-scroll">
        <table class="table">
          <thead>
            <tr>
              {columns.map((c) => {
                const active = sort?.key === c.key;
                const ariaSort = active ? (sort!.desc ? 'descending' : 'ascending') : undefined;
                return (
                  <th key={c.key} class={c.class} aria-sort={ariaSort}>
                    {c.sort ? (
                      <button
                        type="button"
                        class={`th-sort${active ? ' active' : ''}`}
                        onClick={() => toggle(c.key)}
                        data-testid={`sort-${c.key}`}
                      >
                        {c.label}
                        <span class="sort-arrow" aria-hidden="true">
                          {active ? (sort!.desc ? '▼' : '▲') : '↕'}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={rowKey(r)} data-testid={rowTestId} data-key={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.class}>
                    {c.render(r)}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr class="empty-row">
                <td colSpan={columns.length}>{loading ? 'Loading…' : query ? 'No rows match the filter.' : empty}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {visible.length < shown.length && (
        <div class="table-more">
          <span class="muted">
            Showing {visible.length.toLocaleString()} of {shown.length.toLocaleString()}
          </span>
          <button type="button" class="btn" onClick={() => setDrawn((d) => d + ROWS_PER_DRAW)} data-testid="show-more">
            Show {Math.min(ROWS_PER_DRAW, shown.length - visible.length).toLocaleString()} more
          </button>
        </div>
      )}
    </div>
  );
}
