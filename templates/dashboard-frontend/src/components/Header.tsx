import { useId } from 'react';
import { useDashboard, useStore } from '../hooks/useDashboard';
import { MAX_RECORDS_LIMIT, saveMaxRecords } from '../lib/settings';
import { entityCount } from '../lib/store';
import { ConnectionStatus } from './ConnectionStatus';
import { PauseIcon, PlayIcon } from './icons';

export const fmt = new Intl.NumberFormat('en-US');

const STATUS_ORDER = ['processed', 'processing', 'failed', 'dlq'];
const STATUS_TONE: Record<string, string> = {
  processed: 'text-emerald-700 dark:text-emerald-400',
  processing: 'text-sky-700 dark:text-sky-400',
  failed: 'text-red-700 dark:text-red-400',
  dlq: 'text-amber-700 dark:text-amber-400',
};
const STATUS_LABEL: Record<string, string> = { dlq: 'DLQ' };

const MAX_CHOICES = [25, 50, 100, 250, 500, 1000];

function Tile({ label, value, tone, testId }: { label: string; value: string; tone?: string; testId?: string }) {
  return (
    <div className="min-w-[4.5rem] rounded-lg border border-slate-200 bg-white px-3 py-1.5 dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-[11px] font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`text-base font-semibold sm:text-lg tabular-nums leading-tight ${tone ?? ''}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function MessageTiles() {
  const ms = useDashboard((s) => s.stats?.messageStatus);
  if (!ms) return null;
  const keys = [
    ...STATUS_ORDER.filter((k) => k in ms || k === 'processed' || k === 'failed'),
    ...Object.keys(ms)
      .filter((k) => !STATUS_ORDER.includes(k))
      .sort(),
  ];
  return (
    <>
      {keys.map((k) => (
        <Tile
          key={k}
          label={STATUS_LABEL[k] ?? k}
          value={fmt.format(ms[k] ?? 0)}
          tone={(ms[k] ?? 0) > 0 ? STATUS_TONE[k] : undefined}
          testId={`messages-${k}`}
        />
      ))}
    </>
  );
}

export function Header() {
  const store = useStore();
  const project = useDashboard((s) => s.project) ?? 'nomnom';
  const entityTotal = useDashboard((s) => s.order.length);
  const totalRows = useDashboard((s) => s.order.reduce((n, name) => n + entityCount(s, name), 0));
  const paused = useDashboard((s) => s.globalPaused);
  const maxRecords = useDashboard((s) => s.maxRecords);
  const selectId = useId();
  const setMax = (n: number) => {
    const max = Math.min(n, MAX_RECORDS_LIMIT);
    store.dispatch({ type: 'setMax', max });
    saveMaxRecords(max, window.localStorage);
    // Keep a ?max= in the address in step, so a reload keeps the choice.
    const url = new URL(window.location.href);
    if (url.searchParams.has('max')) {
      url.searchParams.set('max', String(max));
      window.history.replaceState(window.history.state, '', url);
    }
  };
  const choices = MAX_CHOICES.includes(maxRecords) ? MAX_CHOICES : [...MAX_CHOICES, maxRecords].sort((a, b) => a - b);

  return (
    <header className="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
      <div className="mx-auto flex max-w-[1800px] flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
        <div className="flex min-w-0 items-center gap-3">
          <div
            className="grid size-9 shrink-0 place-items-center rounded-lg bg-indigo-600 text-white shadow-sm"
            aria-hidden="true"
          >
            <svg viewBox="0 0 16 16" className="size-5" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round">
              <path d="M4 11V5l4 4 4-4v6" />
            </svg>
          </div>
          <div className="min-w-0">
            <h1 className="truncate text-lg font-semibold leading-tight" data-testid="project-name">
              {project}
            </h1>
            <p className="text-xs text-slate-500 dark:text-slate-400">Live ingestion dashboard</p>
          </div>
        </div>

        <dl className="flex flex-wrap items-stretch gap-2" aria-label="Totals">
          <Tile label="Rows" value={fmt.format(totalRows)} testId="total-rows" />
          <Tile label="Entities" value={fmt.format(entityTotal)} testId="total-entities" />
          <MessageTiles />
        </dl>

        <div className="ml-auto flex flex-wrap items-center gap-3">
          <label htmlFor={selectId} className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
            Rows per card
            <select
              id={selectId}
              value={maxRecords}
              onChange={(e) => setMax(Number(e.target.value))}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100"
              data-testid="max-records"
            >
              {choices.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => store.dispatch({ type: 'pause', paused: !paused })}
            aria-pressed={paused}
            className={`inline-flex items-center gap-1.5 rounded-md border px-3 py-1.5 text-sm font-medium shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ${
              paused
                ? 'border-amber-300 bg-amber-50 text-amber-900 hover:bg-amber-100 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200'
                : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'
            }`}
            data-testid="pause-all"
          >
            {paused ? <PlayIcon className="size-4" /> : <PauseIcon className="size-4" />}
            {paused ? 'Resume all' : 'Pause all'}
          </button>
          <ConnectionStatus />
        </div>
      </div>
    </header>
  );
}
