import { memo, useDeferredValue, useId, useMemo, useState } from 'react';
import { useDashboard, useStore } from '../hooks/useDashboard';
import { csvFileName, downloadText, toCsv } from '../lib/csv';
import { formatCell, isNumericType, plainText } from '../lib/format';
import { entityCount, HIGHLIGHT_MS } from '../lib/store';
import type { EntityMeta, FieldMeta, Row } from '../lib/types';
import { fmt } from './Header';
import { DownloadIcon, PauseIcon, PlayIcon, SearchIcon } from './icons';

const CELL_TONE = {
  null: 'text-slate-400 dark:text-slate-500',
  number: 'text-right tabular-nums',
  boolean: '',
  json: 'font-mono text-[12px] text-slate-600 dark:text-slate-300',
  datetime: 'tabular-nums whitespace-nowrap',
  text: '',
} as const;

const TableRow = memo(function TableRow({
  rowKey,
  row,
  columns,
  fresh,
}: {
  rowKey: string;
  row: Row;
  columns: FieldMeta[];
  fresh: boolean;
}) {
  return (
    <tr data-key={rowKey} className={fresh ? 'row-new' : undefined}>
      {columns.map((c) => {
        const cell = formatCell(row[c.name], c.type);
        const numeric = cell.kind === 'number' || (cell.kind === 'null' && isNumericType(c.type));
        return (
          <td
            key={c.name}
            data-col={c.name}
            title={cell.title}
            className={`max-w-[22rem] truncate px-3 py-1.5 ${CELL_TONE[cell.kind]} ${numeric ? 'text-right' : ''}`}
          >
            {cell.kind === 'null' ? (
              <span aria-label="null">—</span>
            ) : cell.kind === 'boolean' ? (
              <span
                className={`inline-flex items-center rounded px-1.5 text-[11px] font-medium ring-1 ring-inset ${
                  cell.text === 'true'
                    ? 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30'
                    : 'bg-slate-50 text-slate-600 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30'
                }`}
              >
                {cell.text}
              </span>
            ) : (
              cell.text
            )}
          </td>
        );
      })}
    </tr>
  );
});

function matches(row: Row, columns: FieldMeta[], needle: string): boolean {
  for (const c of columns) {
    const v = row[c.name];
    if (v === null || v === undefined) continue;
    if (plainText(v).toLowerCase().includes(needle)) return true;
  }
  return false;
}

const btn =
  'inline-flex items-center gap-1.5 rounded-md border px-2.5 py-1 text-xs font-medium shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-50';
const btnIdle =
  'border-slate-300 bg-white text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700';

/** One card per entity: count, filter, pause, CSV export and the newest rows. */
export const EntityCard = memo(function EntityCard({ name }: { name: string }) {
  const store = useStore();
  const meta: EntityMeta | undefined = useDashboard((s) => s.meta[name]);
  const entity = useDashboard((s) => s.entities[name]);
  const count = useDashboard((s) => entityCount(s, name));
  const globalPaused = useDashboard((s) => s.globalPaused);
  const maxRecords = useDashboard((s) => s.maxRecords);
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const filterId = useId();
  const headingId = useId();

  const columns = meta?.fields ?? [];
  const rows = entity?.view ?? [];
  const keys = entity?.viewKeys ?? [];
  const needle = deferredFilter.trim().toLowerCase();

  const visible = useMemo(() => {
    const out: { key: string; row: Row }[] = [];
    rows.forEach((row, i) => {
      if (!needle || matches(row, columns, needle)) out.push({ key: keys[i], row });
    });
    return out;
  }, [rows, keys, columns, needle]);

  if (!meta || !entity) return null;
  const paused = entity.paused || globalPaused;
  const now = Date.now();
  const freshKeys = entity.fresh;

  const exportCsv = () => {
    const cols = columns.map((c) => c.name);
    downloadText(csvFileName(name, new Date()), toCsv(cols, visible.map((v) => v.row)));
  };

  return (
    <section
      id={`entity-${name}`}
      aria-labelledby={headingId}
      data-testid="entity-card"
      data-entity={name}
      data-paused={paused ? 'true' : 'false'}
      className="flex min-w-0 scroll-mt-4 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-col gap-x-4 gap-y-2 border-b border-slate-200 px-4 py-3 sm:flex-row sm:flex-wrap sm:items-center dark:border-slate-800">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline gap-x-2">
            <h2 id={headingId} className="text-base font-semibold" data-testid="entity-name">
              {name}
            </h2>
            <span className="truncate font-mono text-xs text-slate-500 dark:text-slate-400">{meta.table}</span>
            <span
              className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-semibold whitespace-nowrap tabular-nums text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
              data-testid="entity-count"
              title="Rows in the table"
            >
              {fmt.format(count)} {count === 1 ? 'row' : 'rows'}
            </span>
          </div>
          <p className="mt-0.5 truncate text-xs text-slate-500 dark:text-slate-400" title={meta.doc}>
            {needle
              ? `${visible.length} of ${rows.length} rows match the filter`
              : `Newest ${fmt.format(rows.length)} shown (up to ${fmt.format(maxRecords)})`}
            {meta.doc ? ` · ${meta.doc}` : ''}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <div className="relative min-w-0 flex-1 sm:w-44 sm:flex-none">
            <label htmlFor={filterId} className="sr-only">
              Filter {name} rows
            </label>
            <SearchIcon className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-slate-400" />
            <input
              id={filterId}
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setFilter('');
              }}
              placeholder="Filter…"
              autoComplete="off"
              spellCheck={false}
              data-testid="entity-filter"
              className="w-full min-w-0 rounded-md border border-slate-300 bg-white py-1 pr-2 pl-7 text-xs text-slate-900 placeholder:text-slate-400 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100"
            />
          </div>
          <button
            type="button"
            className={`${btn} ${
              entity.paused
                ? 'border-amber-300 bg-amber-50 text-amber-900 hover:bg-amber-100 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200'
                : btnIdle
            }`}
            aria-pressed={entity.paused}
            onClick={() => store.dispatch({ type: 'pause', entity: name, paused: !entity.paused })}
            data-testid="entity-pause"
            title={globalPaused ? 'All cards are paused' : undefined}
          >
            {entity.paused ? <PlayIcon className="size-3.5" /> : <PauseIcon className="size-3.5" />}
            {entity.paused ? 'Resume' : 'Pause'}
            <span className="sr-only"> {name} updates</span>
          </button>
          <button
            type="button"
            className={`${btn} ${btnIdle}`}
            onClick={exportCsv}
            disabled={visible.length === 0}
            data-testid="entity-export"
          >
            <DownloadIcon className="size-3.5" />
            CSV
            <span className="sr-only"> export of {name} rows</span>
          </button>
        </div>
      </div>

      {paused && (
        <div
          className="flex items-center gap-2 border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/50 dark:text-amber-200"
          data-testid="entity-paused"
        >
          <PauseIcon className="size-3.5" />
          Live updates paused{entity.pending > 0 ? ` · ${entity.pending} new ${entity.pending === 1 ? 'row' : 'rows'} waiting` : ''}
        </div>
      )}

      <div
        className="max-h-[22rem] min-h-[7rem] overflow-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500"
        tabIndex={0}
        role="region"
        aria-label={`${name} rows`}
      >
        <table className="w-full border-separate border-spacing-0 text-[13px]">
          <caption className="sr-only">
            {name}: newest rows first
          </caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c.name}
                  scope="col"
                  title={`${c.type}${c.nullable ? ', nullable' : ''}${c.name === meta.primaryKey ? ', primary key' : ''}`}
                  className={`sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-3 py-2 text-left text-[11px] font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300 ${
                    isNumericType(c.type) ? 'text-right' : ''
                  }`}
                >
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="[&>tr:nth-child(even)]:bg-slate-50/60 dark:[&>tr:nth-child(even)]:bg-slate-800/30">
            {visible.map(({ key, row }) => {
              const t = freshKeys.get(key);
              return <TableRow key={key} rowKey={key} row={row} columns={columns} fresh={t !== undefined && now - t < HIGHLIGHT_MS} />;
            })}
          </tbody>
        </table>
        {visible.length === 0 && (
          <p className="px-4 py-6 text-center text-sm text-slate-500 dark:text-slate-400" data-testid="entity-empty">
            {!entity.loaded ? 'Waiting for data…' : rows.length === 0 ? 'No rows yet.' : 'No rows match the filter.'}
          </p>
        )}
      </div>
    </section>
  );
});
