import type { EntityMeta, FieldMeta, Metadata, Row, ServerMessage, Stats } from './types';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function normalizeField(raw: unknown): FieldMeta | null {
  if (typeof raw === 'string') return { name: raw, type: 'String', nullable: true };
  if (!isObject(raw)) return null;
  const name = str(raw.name) ?? str(raw.column);
  if (!name) return null;
  if (raw.persisted === false) return null;
  return {
    name,
    type: str(raw.type) ?? str(raw.sql_type) ?? 'String',
    nullable: raw.nullable === true,
  };
}

/** One entry of /api/entities or entities.json → EntityMeta (null when unusable). */
export function normalizeEntity(raw: unknown): EntityMeta | null {
  if (!isObject(raw)) return null;
  const name = str(raw.name);
  if (!name) return null;
  const pkRaw = raw.primary_key ?? raw.primaryKey;
  let primaryKey: string | null = null;
  let pkType = 'Integer';
  if (typeof pkRaw === 'string') primaryKey = pkRaw || null;
  else if (isObject(pkRaw)) {
    primaryKey = str(pkRaw.name) ?? str(pkRaw.column);
    pkType = str(pkRaw.type) ?? pkType;
  }
  const rawFields = Array.isArray(raw.fields) ? raw.fields : Array.isArray(raw.columns) ? raw.columns : [];
  const seen = new Set<string>();
  const fields: FieldMeta[] = [];
  for (const f of rawFields) {
    const field = normalizeField(f);
    if (field && !seen.has(field.name)) {
      seen.add(field.name);
      fields.push(field);
    }
  }
  if (primaryKey) {
    const i = fields.findIndex((f) => f.name === primaryKey);
    const pkField = i >= 0 ? fields.splice(i, 1)[0] : { name: primaryKey, type: pkType, nullable: false };
    fields.unshift(pkField);
  }
  const doc = str(raw.doc) ?? undefined;
  return { name, table: str(raw.table) ?? str(raw.conformant_table) ?? name, primaryKey, fields, doc };
}

/**
 * Accepts the body of GET /api/entities or entities.json: either an array of
 * entities or an object {project?, entities: [...]}.
 */
export function normalizeMetadata(raw: unknown): Metadata | null {
  let list: unknown;
  let project: string | null = null;
  if (Array.isArray(raw)) list = raw;
  else if (isObject(raw)) {
    list = raw.entities;
    project = str(raw.project) ?? str(raw.project_name) ?? str(raw.name);
  }
  if (!Array.isArray(list)) return null;
  const entities: EntityMeta[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    const meta = normalizeEntity(e);
    if (meta && !seen.has(meta.name)) {
      seen.add(meta.name);
      entities.push(meta);
    }
  }
  return { project, entities };
}

function toCount(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (isObject(v)) return toCount(v.count ?? v.rows ?? v.total);
  return null;
}

function toCounts(raw: unknown, keyNames: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      const n = toCount(v);
      if (n !== null) out[k] = n;
    }
  } else if (Array.isArray(raw)) {
    // [{name|entity|status: "x", count: 3}, ...]
    for (const item of raw) {
      if (!isObject(item)) continue;
      const key = keyNames.map((k) => str(item[k])).find((k) => k !== null);
      const n = toCount(item);
      if (key && n !== null) out[key] = n;
    }
  }
  return out;
}

/** Body of GET /api/stats or a {"type":"stats"} message → Stats. Tolerant of shapes. */
export function normalizeStats(raw: unknown): Stats | null {
  if (!isObject(raw)) return null;
  const ents = raw.entities ?? raw.counts ?? raw.rows;
  const ms = raw.message_status ?? raw.messageStatus ?? raw.messages;
  if (ents === undefined && ms === undefined) return null;
  return {
    entities: toCounts(ents, ['name', 'entity']),
    messageStatus: toCounts(ms, ['status', 'name']),
  };
}

function toRows(v: unknown): Row[] {
  return Array.isArray(v) ? (v.filter(isObject) as Row[]) : [];
}

/** Parses one WS text frame; returns null for anything unrecognised. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  let raw: unknown = data;
  if (typeof data === 'string') {
    try {
      raw = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (!isObject(raw)) return null;
  switch (raw.type) {
    case 'snapshot':
    case 'rows': {
      const entity = str(raw.entity);
      if (!entity) return null;
      return { type: raw.type, entity, rows: toRows(raw.rows) };
    }
    case 'stats': {
      const stats = normalizeStats(raw.data !== undefined && isObject(raw.data) ? raw.data : raw);
      return stats ? { type: 'stats', stats } : null;
    }
    case 'error':
      return { type: 'error', message: str(raw.message) ?? str(raw.error) ?? 'The backend reported an error.' };
    default:
      return null;
  }
}
