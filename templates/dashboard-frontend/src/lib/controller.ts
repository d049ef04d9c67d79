import { LiveConnection, wsUrl, type BackoffOptions, type SocketFactory } from './connection';
import { normalizeMetadata, normalizeStats } from './meta';
import type { DashboardStore } from './store';

export interface ControllerOptions {
  /** Base URL that api/…, ws and entities.json are resolved against. */
  apiBase: string;
  /** Where entities.json lives (next to index.html); defaults to apiBase. */
  pageBase?: string;
  fetch?: typeof fetch;
  createSocket?: SocketFactory;
  backoff?: Partial<BackoffOptions>;
  /** Refresh /api/stats this often when the socket sends no stats (ms; 0 = never). */
  statsRefreshMs?: number;
  random?: () => number;
}

async function getJson(f: typeof fetch, url: string, timeoutMs = 5000): Promise<unknown> {
  const ctl = typeof AbortController !== 'undefined' ? new AbortController() : null;
  const timer = ctl ? setTimeout(() => ctl.abort(), timeoutMs) : null;
  try {
    const res = await f(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: ctl?.signal });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return await res.json();
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Wires the store to the backend: metadata (entities.json, then the
 * authoritative /api/entities), stats, and the live WebSocket.
 * Returns a function that stops everything.
 */
export function startDashboard(store: DashboardStore, opts: ControllerOptions): () => void {
  const f = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const api = (path: string) => new URL(path, opts.apiBase).toString();
  let stopped = false;
  let lastStatsAt = 0;

  const loadApiMeta = () =>
    getJson(f, api('api/entities'))
      .then((body) => {
        const metadata = normalizeMetadata(body);
        if (metadata && !stopped) store.dispatch({ type: 'meta', metadata, source: 'api' });
      })
      .catch(() => {
        /* the connection status reports an unreachable backend */
      });

  const loadStats = () =>
    getJson(f, api('api/stats'))
      .then((body) => {
        const stats = normalizeStats(body);
        if (stats && !stopped) {
          lastStatsAt = Date.now();
          store.dispatch({ type: 'stats', stats });
        }
      })
      .catch(() => {});

  // entities.json is rendered by nomnom next to index.html: a fast first paint
  // of the cards and the project name. /api/entities overrides it.
  getJson(f, new URL('entities.json', opts.pageBase ?? opts.apiBase).toString())
    .then((body) => {
      const metadata = normalizeMetadata(body);
      if (metadata && !stopped) store.dispatch({ type: 'meta', metadata, source: 'file' });
    })
    .catch(() => {});
  void loadApiMeta();
  void loadStats();

  let opens = 0;
  const conn = new LiveConnection({
    url: wsUrl('ws', opts.apiBase),
    createSocket: opts.createSocket,
    backoff: opts.backoff,
    random: opts.random,
    onStatus: (status, info) => store.dispatch({ type: 'connection', status, ...info }),
    onMessage: (message) => {
      if (message.type === 'stats') lastStatsAt = Date.now();
      store.dispatch({ type: 'message', message });
    },
    onOpen: () => {
      opens += 1;
      if (opens > 1 || store.getState().metaSource !== 'api') void loadApiMeta();
      if (opens > 1) void loadStats();
    },
  });
  conn.start();

  const statsEvery = opts.statsRefreshMs ?? 10000;
  const statsTimer =
    statsEvery > 0
      ? setInterval(() => {
          if (store.getState().connection.status === 'connected' && Date.now() - lastStatsAt >= statsEvery) void loadStats();
        }, statsEvery)
      : null;

  const online = () => conn.retryNow();
  if (typeof window !== 'undefined') window.addEventListener('online', online);

  return () => {
    stopped = true;
    if (statsTimer) clearInterval(statsTimer);
    if (typeof window !== 'undefined') window.removeEventListener('online', online);
    conn.stop();
  };
}
