import { useEffect, useState } from 'react';
import { EntityCard } from './components/EntityCard';
import { ErrorBanner } from './components/ErrorBanner';
import { fmt, Header } from './components/Header';
import { StoreContext, useDashboard, useLiveDashboard } from './hooks/useDashboard';
import { apiBase, initialMaxRecords } from './lib/settings';
import { entityCount, type DashboardStore } from './lib/store';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function EntityNav() {
  const order = useDashboard((s) => s.order);
  if (order.length < 2) return null;
  return (
    <nav aria-label="Entities" className="flex flex-wrap gap-2">
      {order.map((name) => (
        <NavChip key={name} name={name} />
      ))}
    </nav>
  );
}

function NavChip({ name }: { name: string }) {
  const count = useDashboard((s) => entityCount(s, name));
  return (
    <a
      href={`#entity-${name}`}
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-3 py-1 text-xs font-medium text-slate-700 hover:border-indigo-300 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300 dark:hover:border-indigo-700 dark:hover:text-indigo-300"
    >
      {name}
      <span className="tabular-nums text-slate-400 dark:text-slate-500">{fmt.format(count)}</span>
    </a>
  );
}

function Cards() {
  const order = useDashboard((s) => s.order);
  const status = useDashboard((s) => s.connection.status);
  if (order.length === 0) {
    return (
      <p className="rounded-xl border border-dashed border-slate-300 px-6 py-12 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
        {status === 'connecting'
          ? 'Loading entities…'
          : status === 'connected'
            ? 'No entities to show yet.'
            : 'Waiting for the backend to describe the entities…'}
      </p>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-5 2xl:grid-cols-2">
      {order.map((name) => (
        <EntityCard key={name} name={name} />
      ))}
    </div>
  );
}

function Title() {
  const project = useDashboard((s) => s.project) ?? 'nomnom';
  useEffect(() => {
    document.title = `${project} · dashboard`;
  }, [project]);
  return null;
}

/** The whole page for a given store (App wires the store to the backend). */
export function DashboardView({ store }: { store: DashboardStore }) {
  return (
    <StoreContext.Provider value={store}>
      <Title />
      <a
        href="#entities"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-indigo-600 focus:px-3 focus:py-2 focus:text-white"
      >
        Skip to entities
      </a>
      <div className="z-30 md:sticky md:top-0">
        <Header />
        <ErrorBanner />
      </div>
      <main id="entities" className="mx-auto max-w-[1800px] space-y-4 px-4 py-5 sm:px-6">
        <EntityNav />
        <Cards />
      </main>
    </StoreContext.Provider>
  );
}

export default function App() {
  const [options] = useState(() => ({
    apiBase: apiBase(window.location),
    pageBase: window.location.href,
    maxRecords: initialMaxRecords(window.location.search, storage()),
  }));
  return <DashboardView store={useLiveDashboard(options)} />;
}
