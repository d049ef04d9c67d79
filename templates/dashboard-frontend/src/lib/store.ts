import { mergeRows, rekey } from './rows';
import type { ConnectionStatus, EntityMeta, Metadata, Row, ServerMessage, Stats } from './types';

/** How long a new row stays highlighted (ms). Matches the CSS animation. */
export const HIGHLIGHT_MS = 2500;
export const DEFAULT_MAX_RECORDS = 100;

export interface EntityState {
  name: string;
  /** Live rows, newest first, deduplicated by primary key, capped. */
  rows: Row[];
  keys: string[];
  /** Rows on screen: the live rows, or a frozen copy while paused. */
  view: Row[];
  viewKeys: string[];
  /** True once a snapshot for this entity arrived. */
  loaded: boolean;
  /** Pause of this card alone (the global pause is in DashboardState). */
  paused: boolean;
  /** Live rows not yet on screen because the card is paused. */
  pending: number;
  /** Key → time it appeared on screen, for the highlight. */
  fresh: ReadonlyMap<string, number>;
  /** Rows added since the last stats message (keeps the count live between stats). */
  addedSinceStats: number;
}

export interface ConnectionState {
  status: ConnectionStatus;
  /** Consecutive failed attempts since the last successful connection. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  nextRetryAt: number | null;
  /** Whether the socket was ever open (tells "still loading" from "lost"). */
  everConnected: boolean;
}

export interface DashboardState {
  project: string | null;
  /** Metadata per entity; entities seen only on the wire get inferred metadata. */
  meta: Record<string, EntityMeta>;
  /** Whether `meta` came from the backend (authoritative) rather than entities.json. */
  metaSource: 'none' | 'file' | 'api';
  /** Card order. */
  order: string[];
  entities: Record<string, EntityState>;
  stats: Stats | null;
  connection: ConnectionState;
  backendError: string | null;
  maxRecords: number;
  globalPaused: boolean;
}

export type Action =
  | { type: 'meta'; metadata: Metadata; source: 'file' | 'api' }
  | { type: 'message'; message: ServerMessage }
  | { type: 'stats'; stats: Stats }
  | { type: 'connection'; status: ConnectionStatus; attempt?: number; nextRetryAt?: number | null }
  | { type: 'pause'; entity?: string; paused: boolean }
  | { type: 'setMax'; max: number }
  | { type: 'dismissError' }
  | { type: 'prune' };

export function initialState(maxRecords = DEFAULT_MAX_RECORDS): DashboardState {
  return {
    project: null,
    meta: {},
    metaSource: 'none',
    order: [],
    entities: {},
    stats: null,
    connection: { status: 'connecting', attempt: 0, nextRetryAt: null, everConnected: false },
    backendError: null,
    maxRecords,
    globalPaused: false,
  };
}

function emptyEntity(name: string): EntityState {
  return {
    name,
    rows: [],
    keys: [],
    view: [],
    viewKeys: [],
    loaded: false,
    paused: false,
    pending: 0,
    fresh: new Map(),
    addedSinceStats: 0,
  };
}

function inferMeta(name: string, rows: readonly Row[]): EntityMeta {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows.slice(0, 20)) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
    }
  }
  const primaryKey = seen.has('id') ? 'id' : null;
  if (primaryKey) cols.sort((a, b) => (a === 'id' ? -1 : b === 'id' ? 1 : 0));
  const fields = cols.map((c) => {
    const sample = rows.find((r) => r[c] !== null && r[c] !== undefined)?.[c];
    const type =
      typeof sample === 'number'
        ? Number.isInteger(sample)
          ? 'Integer'
          : 'Float'
        : typeof sample === 'boolean'
          ? 'Boolean'
          : typeof sample === 'object'
            ? 'Json'
            : 'String';
    return { name: c, type, nullable: true };
  });
  return { name, table: name, primaryKey, fields };
}

function countPending(keys: readonly string[], viewKeys: readonly string[]): number {
  if (keys.length === 0) return 0;
  const shown = new Set(viewKeys);
  let n = 0;
  for (const k of keys) if (!shown.has(k)) n++;
  return n;
}

function pruneFresh(fresh: ReadonlyMap<string, number>, keep: ReadonlySet<string> | null, now: number) {
  let changed = false;
  const out = new Map<string, number>();
  for (const [k, t] of fresh) {
    if (now - t < HIGHLIGHT_MS && (keep === null || keep.has(k))) out.set(k, t);
    else changed = true;
  }
  return changed ? out : fresh;
}

function withFresh(fresh: ReadonlyMap<string, number>, added: readonly string[], now: number, viewKeys: readonly string[]) {
  const visible = new Set(viewKeys);
  const out = new Map(pruneFresh(fresh, visible, now));
  for (const k of added) if (visible.has(k)) out.set(k, now);
  return out;
}

/** Applies a snapshot or new rows to one entity. */
function applyRows(
  e: EntityState,
  rows: readonly Row[],
  replace: boolean,
  primaryKey: string | null,
  max: number,
  frozen: boolean,
  now: number,
): EntityState {
  const merged = mergeRows(e.rows, e.keys, rows, primaryKey, max, replace);
  const addedCount = replace ? 0 : merged.added.length;
  // The first snapshot is the initial view, not news: no highlight.
  const highlight = e.loaded || !replace ? merged.added : [];
  if (frozen) {
    return {
      ...e,
      rows: merged.rows,
      keys: merged.keys,
      loaded: true,
      pending: countPending(merged.keys, e.viewKeys),
      addedSinceStats: e.addedSinceStats + addedCount,
    };
  }
  return {
    ...e,
    rows: merged.rows,
    keys: merged.keys,
    view: merged.rows,
    viewKeys: merged.keys,
    loaded: true,
    pending: 0,
    fresh: withFresh(e.fresh, highlight, now, merged.keys),
    addedSinceStats: e.addedSinceStats + addedCount,
  };
}

/** Shows the live rows of a card that was paused, highlighting what was held back. */
function unfreeze(e: EntityState, now: number): EntityState {
  const shown = new Set(e.viewKeys);
  const added = e.keys.filter((k) => !shown.has(k));
  return {
    ...e,
    view: e.rows,
    viewKeys: e.keys,
    pending: 0,
    fresh: withFresh(e.fresh, added, now, e.keys),
  };
}

function ensureEntity(state: DashboardState, name: string, rows: readonly Row[]): DashboardState {
  if (state.entities[name] && state.meta[name]) return state;
  const meta = state.meta[name] ? state.meta : { ...state.meta, [name]: inferMeta(name, rows) };
  const entities = state.entities[name] ? state.entities : { ...state.entities, [name]: emptyEntity(name) };
  const order = state.order.includes(name) ? state.order : [...state.order, name];
  return { ...state, meta, entities, order };
}

function isFrozen(state: DashboardState, e: EntityState): boolean {
  return state.globalPaused || e.paused;
}

/** The dashboard reducer. Pure: `now` is passed in for the highlight timestamps. */
export function reduce(state: DashboardState, action: Action, now: number): DashboardState {
  switch (action.type) {
    case 'meta': {
      // Backend metadata is authoritative; entities.json never overrides it.
      if (action.source === 'file' && state.metaSource === 'api') {
        return state.project || !action.metadata.project ? state : { ...state, project: action.metadata.project };
      }
      const meta: Record<string, EntityMeta> = {};
      const order: string[] = [];
      for (const m of action.metadata.entities) {
        meta[m.name] = m;
        order.push(m.name);
      }
      // Entities that have data but no metadata stay, after the described ones.
      for (const name of state.order) {
        if (!meta[name] && state.entities[name]?.loaded) {
          meta[name] = state.meta[name];
          order.push(name);
        }
      }
      const entities: Record<string, EntityState> = {};
      for (const name of order) {
        let e = state.entities[name] ?? emptyEntity(name);
        const oldPk = state.meta[name]?.primaryKey ?? null;
        if (e.rows.length > 0 && oldPk !== meta[name].primaryKey) {
          const pk = meta[name].primaryKey;
          const live = rekey(e.rows, pk, state.maxRecords);
          const shown = isFrozen(state, e) ? rekey(e.view, pk, state.maxRecords) : live;
          e = { ...e, rows: live.rows, keys: live.keys, view: shown.rows, viewKeys: shown.keys, fresh: new Map() };
        }
        entities[name] = e;
      }
      return {
        ...state,
        project: action.metadata.project ?? state.project,
        meta,
        metaSource: action.source,
        order,
        entities,
      };
    }
    case 'message': {
      const m = action.message;
      switch (m.type) {
        case 'snapshot':
        case 'rows': {
          const s = ensureEntity(state, m.entity, m.rows);
          const e = s.entities[m.entity];
          const next = applyRows(
            e,
            m.rows,
            m.type === 'snapshot',
            s.meta[m.entity].primaryKey,
            s.maxRecords,
            isFrozen(s, e),
            now,
          );
          return {
            ...s,
            entities: { ...s.entities, [m.entity]: next },
            backendError: null,
          };
        }
        case 'stats':
          return reduce(state, { type: 'stats', stats: m.stats }, now);
        case 'error':
          return { ...state, backendError: m.message };
      }
      return state;
    }
    case 'stats': {
      let entities = state.entities;
      for (const [name, e] of Object.entries(state.entities)) {
        if (e.addedSinceStats !== 0 && action.stats.entities[name] !== undefined) {
          if (entities === state.entities) entities = { ...entities };
          entities[name] = { ...e, addedSinceStats: 0 };
        }
      }
      return { ...state, stats: action.stats, entities };
    }
    case 'connection': {
      const c = state.connection;
      const connected = action.status === 'connected';
      const connection: ConnectionState = {
        status: action.status,
        attempt: action.attempt ?? (connected ? 0 : c.attempt),
        nextRetryAt: action.nextRetryAt ?? null,
        everConnected: c.everConnected || connected,
      };
      return {
        ...state,
        connection,
        // A fresh connection starts clean; the backend re-reports lasting errors.
        backendError: connected && c.status !== 'connected' ? null : state.backendError,
      };
    }
    case 'pause': {
      if (action.entity === undefined) {
        if (state.globalPaused === action.paused) return state;
        const entities: Record<string, EntityState> = {};
        for (const [name, e] of Object.entries(state.entities)) {
          // Resuming globally shows every card that is not paused on its own.
          entities[name] = !action.paused && !e.paused ? unfreeze(e, now) : e;
        }
        return { ...state, globalPaused: action.paused, entities };
      }
      const e = state.entities[action.entity];
      if (!e || e.paused === action.paused) return state;
      let next: EntityState = { ...e, paused: action.paused };
      if (!action.paused && !state.globalPaused) next = unfreeze(next, now);
      return { ...state, entities: { ...state.entities, [action.entity]: next } };
    }
    case 'setMax': {
      const max = Math.max(1, Math.floor(action.max));
      if (!Number.isFinite(max) || max === state.maxRecords) return state;
      const entities: Record<string, EntityState> = {};
      for (const [name, e] of Object.entries(state.entities)) {
        if (e.rows.length <= max && e.view.length <= max) entities[name] = e;
        else {
          const rows = e.rows.slice(0, max);
          const keys = e.keys.slice(0, max);
          const view = e.view.slice(0, max);
          const viewKeys = e.viewKeys.slice(0, max);
          entities[name] = { ...e, rows, keys, view, viewKeys, pending: isFrozen(state, e) ? countPending(keys, viewKeys) : 0 };
        }
      }
      return { ...state, maxRecords: max, entities };
    }
    case 'dismissError':
      return state.backendError === null ? state : { ...state, backendError: null };
    case 'prune': {
      let entities = state.entities;
      for (const [name, e] of Object.entries(state.entities)) {
        const fresh = pruneFresh(e.fresh, null, now);
        if (fresh !== e.fresh) {
          if (entities === state.entities) entities = { ...entities };
          entities[name] = { ...e, fresh };
        }
      }
      return entities === state.entities ? state : { ...state, entities };
    }
  }
}

/** Row count shown for an entity: the table's count from stats, kept live between stats. */
export function entityCount(state: DashboardState, name: string): number {
  const e = state.entities[name];
  const fromStats = state.stats?.entities[name];
  if (fromStats === undefined) return e ? e.rows.length : 0;
  return fromStats + (e ? e.addedSinceStats : 0);
}

export type Listener = () => void;

export interface DashboardStore {
  getState(): DashboardState;
  dispatch(action: Action): void;
  subscribe(listener: Listener): () => void;
  /** Cancels the highlight timer. */
  dispose(): void;
}

export interface StoreOptions {
  maxRecords?: number;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

/**
 * A tiny external store: components subscribe with useSyncExternalStore and
 * select their own slice, so a message for one entity re-renders one card.
 */
export function createStore(options: StoreOptions = {}): DashboardStore {
  const now = options.now ?? (() => Date.now());
  const setT = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearT = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>));
  let state = initialState(options.maxRecords);
  const listeners = new Set<Listener>();
  let pruneTimer: unknown = null;

  function hasFresh(s: DashboardState) {
    for (const e of Object.values(s.entities)) if (e.fresh.size > 0) return true;
    return false;
  }

  function schedulePrune() {
    if (pruneTimer !== null || !hasFresh(state)) return;
    pruneTimer = setT(() => {
      pruneTimer = null;
      dispatch({ type: 'prune' });
      schedulePrune(); // highlights that are still young
    }, HIGHLIGHT_MS + 50);
  }

  function dispatch(action: Action) {
    const next = reduce(state, action, now());
    if (next === state) return;
    state = next;
    for (const l of Array.from(listeners)) l();
    schedulePrune();
  }

  return {
    getState: () => state,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      if (pruneTimer !== null) clearT(pruneTimer);
      pruneTimer = null;
      listeners.clear();
    },
  };
}
