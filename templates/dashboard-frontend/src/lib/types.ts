/** A row as sent by the backend: an object keyed by column name. */
export type Row = Record<string, unknown>;

/** Column types of the entity model (DESIGN.md §3); anything else is shown as text. */
export type FieldType =
  | 'String'
  | 'Integer'
  | 'Float'
  | 'Boolean'
  | 'Date'
  | 'DateTime'
  | 'Decimal'
  | 'Json'
  | 'Object'
  | 'List[Object]'
  | (string & {});

export interface FieldMeta {
  name: string;
  type: FieldType;
  nullable: boolean;
}

export interface EntityMeta {
  name: string;
  table: string;
  /** Name of the primary-key column, or null when unknown. */
  primaryKey: string | null;
  /** Columns in display order; the primary key comes first. */
  fields: FieldMeta[];
  doc?: string;
}

export interface Metadata {
  project: string | null;
  entities: EntityMeta[];
}

export interface Stats {
  /** Row count per entity name. */
  entities: Record<string, number>;
  /** message_status counts per status (processed, failed, dlq, …). */
  messageStatus: Record<string, number>;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** A message from WS /ws, after validation. */
export type ServerMessage =
  | { type: 'snapshot'; entity: string; rows: Row[] }
  | { type: 'rows'; entity: string; rows: Row[] }
  | { type: 'stats'; stats: Stats }
  | { type: 'error'; message: string };
