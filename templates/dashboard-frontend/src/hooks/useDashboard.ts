import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { startDashboard, type ControllerOptions } from '../lib/controller';
import { createStore, type DashboardState, type DashboardStore, type EntityState } from '../lib/store';

/**
 * Creates the dashboard store and keeps it fed from the backend for as long as
 * the calling component is mounted.
 */
export function useLiveDashboard(options: ControllerOptions & { maxRecords?: number }): DashboardStore {
  const [store] = useState(() => createStore({ maxRecords: options.maxRecords }));
  const { apiBase, pageBase, fetch, createSocket, backoff, statsRefreshMs, random } = options;
  useEffect(() => {
    const stop = startDashboard(store, { apiBase, pageBase, fetch, createSocket, backoff, statsRefreshMs, random });
    return stop;
  }, [store, apiBase, pageBase, fetch, createSocket, backoff, statsRefreshMs, random]);
  useEffect(() => () => store.dispose(), [store]);
  return store;
}

export const StoreContext = createContext<DashboardStore | null>(null);

export function useStore(): DashboardStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext is missing');
  return store;
}

/**
 * Subscribes to a slice of the state. The selector must return a value that is
 * referentially stable while that slice is unchanged (a field of the state),
 * so a message for one entity re-renders only what shows that entity.
 */
export function useStoreSelector<T>(store: DashboardStore, selector: (s: DashboardState) => T): T {
  const get = () => selector(store.getState());
  return useSyncExternalStore(store.subscribe, get, get);
}

/** useStoreSelector on the store from StoreContext. */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStoreSelector(useStore(), selector);
}

export function useEntity(name: string): EntityState | undefined {
  return useDashboard((s) => s.entities[name]);
}
