import { DEFAULT_MAX_RECORDS } from './store';

export const MAX_RECORDS_KEY = 'nomnom.dashboard.maxRecords';
export const MAX_RECORDS_LIMIT = 10000;

function parseMax(v: string | null | undefined): number | null {
  if (v === null || v === undefined || !/^\s*\d+\s*$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 ? Math.min(n, MAX_RECORDS_LIMIT) : null;
}

/**
 * Rows kept per card: ?max=N in the page URL wins, then the saved setting,
 * then the default (100).
 */
export function initialMaxRecords(search: string, storage: Pick<Storage, 'getItem'> | null): number {
  const fromQuery = parseMax(new URLSearchParams(search).get('max'));
  if (fromQuery !== null) return fromQuery;
  let saved: string | null = null;
  try {
    saved = storage?.getItem(MAX_RECORDS_KEY) ?? null;
  } catch {
    /* storage disabled */
  }
  return parseMax(saved) ?? DEFAULT_MAX_RECORDS;
}

export function saveMaxRecords(n: number, storage: Pick<Storage, 'setItem'> | null) {
  try {
    storage?.setItem(MAX_RECORDS_KEY, String(n));
  } catch {
    /* storage disabled */
  }
}

/** Base URL of the backend: the page itself, or ?api=URL for development. */
export function apiBase(location: { href: string; search: string }): string {
  const override = new URLSearchParams(location.search).get('api');
  if (override) {
    try {
      const u = new URL(override, location.href);
      if (!u.pathname.endsWith('/')) u.pathname += '/';
      return u.toString();
    } catch {
      /* fall through */
    }
  }
  return location.href;
}
