import type { FieldType } from './types';

export type CellKind = 'null' | 'number' | 'boolean' | 'json' | 'datetime' | 'text';

export interface Cell {
  kind: CellKind;
  text: string;
  /** Full value for a tooltip when `text` is shortened or reformatted. */
  title?: string;
}

const NUMERIC_TYPES = new Set(['Integer', 'Float', 'Decimal', 'BIGINT', 'INTEGER', 'NUMERIC', 'DOUBLE PRECISION']);
const JSON_TYPES = new Set(['Json', 'Object', 'List[Object]', 'JSONB', 'JSON']);

export function isNumericType(type: FieldType): boolean {
  return NUMERIC_TYPES.has(type);
}

const MAX_TEXT = 120;

function shorten(s: string): Cell {
  return s.length > MAX_TEXT ? { kind: 'text', text: s.slice(0, MAX_TEXT - 1) + '…', title: s } : { kind: 'text', text: s };
}

function pad(n: number, w = 2) {
  return String(n).padStart(w, '0');
}

/** "2024-05-01T09:30:00.123Z" → "2024-05-01 09:30:00" in UTC; keeps unparseable text. */
export function formatDateTime(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const ms = d.getUTCMilliseconds();
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '') +
    'Z'
  );
}

/** How a value is shown in a table cell, by column type. */
export function formatCell(value: unknown, type: FieldType): Cell {
  if (value === null || value === undefined) return { kind: 'null', text: '—', title: 'null' };
  if (JSON_TYPES.has(type) || (typeof value === 'object' && value !== null)) {
    let text: string;
    if (typeof value === 'string') {
      try {
        text = JSON.stringify(JSON.parse(value));
      } catch {
        text = value;
      }
    } else text = JSON.stringify(value);
    const c = shorten(text);
    return { ...c, kind: 'json' };
  }
  if (typeof value === 'boolean' || type === 'Boolean') {
    const b = value === true || value === 'true' || value === 't' || value === 1;
    const f = value === false || value === 'false' || value === 'f' || value === 0;
    if (b || f) return { kind: 'boolean', text: b ? 'true' : 'false' };
    return shorten(String(value));
  }
  if (isNumericType(type) || typeof value === 'number') {
    return { kind: 'number', text: String(value) };
  }
  if (type === 'DateTime' && typeof value === 'string') {
    const text = formatDateTime(value);
    return { kind: 'datetime', text, title: text === value ? undefined : value };
  }
  return shorten(String(value));
}

/** Plain text of a value, used by the filter box and the CSV export. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
