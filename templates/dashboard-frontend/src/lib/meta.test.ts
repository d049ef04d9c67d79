import { describe, expect, it } from 'vitest';
import { normalizeMetadata, normalizeStats, parseServerMessage } from './meta';

describe('metadata', () => {
  it('accepts a bare array and puts the primary key column first', () => {
    const m = normalizeMetadata([
      {
        name: 'Order',
        table: 'orders',
        primary_key: 'id',
        fields: [
          { name: 'order_key', type: 'Integer', nullable: false },
          { name: 'comment', type: 'String', nullable: true },
        ],
      },
    ])!;
    expect(m.project).toBeNull();
    expect(m.entities[0]).toMatchObject({ name: 'Order', table: 'orders', primaryKey: 'id' });
    expect(m.entities[0].fields).toEqual([
      { name: 'id', type: 'Integer', nullable: false },
      { name: 'order_key', type: 'Integer', nullable: false },
      { name: 'comment', type: 'String', nullable: true },
    ]);
  });

  it('accepts {project, entities}, a primary key object, and a listed key column', () => {
    const m = normalizeMetadata({
      project: 'tpch',
      entities: [
        {
          name: 'Product',
          primary_key: { name: 'pid', type: 'String' },
          fields: [{ name: 'name', type: 'String' }, { name: 'pid', type: 'String' }, { name: 'dropped', type: 'Json', persisted: false }],
        },
        { name: 'Product' },
        { nope: true },
      ],
    })!;
    expect(m.project).toBe('tpch');
    expect(m.entities).toHaveLength(1);
    expect(m.entities[0].table).toBe('Product');
    expect(m.entities[0].fields.map((f) => f.name)).toEqual(['pid', 'name']);
  });

  it('rejects bodies without entities', () => {
    expect(normalizeMetadata({ hello: 1 })).toBeNull();
    expect(normalizeMetadata('x')).toBeNull();
  });
});

describe('stats', () => {
  it('reads the documented shape', () => {
    expect(normalizeStats({ entities: { Order: 12 }, message_status: { processed: 10, failed: 1 } })).toEqual({
      entities: { Order: 12 },
      messageStatus: { processed: 10, failed: 1 },
    });
  });

  it('tolerates lists, nested counts and numeric strings', () => {
    expect(
      normalizeStats({
        entities: [{ name: 'Order', count: '7' }, { entity: 'Customer', rows: 2 }],
        message_status: { processed: { count: 3 }, dlq: 'x' },
      }),
    ).toEqual({ entities: { Order: 7, Customer: 2 }, messageStatus: { processed: 3 } });
    expect(normalizeStats({ entities: { A: 1 } })).toEqual({ entities: { A: 1 }, messageStatus: {} });
    expect(normalizeStats({})).toBeNull();
  });
});

describe('WebSocket messages', () => {
  it('parses every message type', () => {
    expect(parseServerMessage('{"type":"snapshot","entity":"Order","rows":[{"id":1},5]}')).toEqual({
      type: 'snapshot',
      entity: 'Order',
      rows: [{ id: 1 }],
    });
    expect(parseServerMessage({ type: 'rows', entity: 'Order', rows: [] })).toEqual({ type: 'rows', entity: 'Order', rows: [] });
    expect(parseServerMessage('{"type":"stats","entities":{"Order":1},"message_status":{"processed":1}}')).toEqual({
      type: 'stats',
      stats: { entities: { Order: 1 }, messageStatus: { processed: 1 } },
    });
    expect(parseServerMessage('{"type":"error","message":"db down"}')).toEqual({ type: 'error', message: 'db down' });
  });

  it('ignores what it does not understand', () => {
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage('{"type":"hello"}')).toBeNull();
    expect(parseServerMessage('{"type":"rows"}')).toBeNull();
    expect(parseServerMessage('[1,2]')).toBeNull();
  });
});
