import { describe, expect, it } from 'vitest';
import { normalizeMetadata } from './meta';
import { createStore, entityCount, HIGHLIGHT_MS, initialState, reduce, type Action, type DashboardState } from './store';
import type { Row } from './types';

const META = normalizeMetadata({
  project: 'tpch',
  entities: [
    { name: 'Order', table: 'orders', primary_key: 'id', fields: [{ name: 'order_key', type: 'Integer', nullable: false }] },
    { name: 'OrderLineItem', table: 'order_line_items', primary_key: 'id', fields: [{ name: 'line_number', type: 'Integer' }] },
  ],
})!;

const order = (id: number, extra: Row = {}): Row => ({ id, order_key: 1000 + id, ...extra });
const ids = (rows: Row[]) => rows.map((r) => r.id);

function run(actions: Action[], start: DashboardState = initialState(), now = 1000): DashboardState {
  return actions.reduce((s, a) => reduce(s, a, now), start);
}
const snapshot = (entity: string, rows: Row[]): Action => ({ type: 'message', message: { type: 'snapshot', entity, rows } });
const rowsMsg = (entity: string, rows: Row[]): Action => ({ type: 'message', message: { type: 'rows', entity, rows } });
const meta: Action = { type: 'meta', metadata: META, source: 'api' };

describe('dashboard reducer', () => {
  it('creates one entity per metadata entry, in order, with the project name', () => {
    const s = run([meta]);
    expect(s.order).toEqual(['Order', 'OrderLineItem']);
    expect(s.project).toBe('tpch');
    expect(s.meta.Order.fields.map((f) => f.name)).toEqual(['id', 'order_key']);
    expect(s.entities.Order.loaded).toBe(false);
  });

  it('a snapshot replaces the rows, newest first, without highlighting them', () => {
    let s = run([meta, snapshot('Order', [order(1), order(3), order(2)])]);
    expect(ids(s.entities.Order.view)).toEqual([3, 2, 1]);
    expect(s.entities.Order.loaded).toBe(true);
    expect(s.entities.Order.fresh.size).toBe(0);
    s = run([snapshot('Order', [order(7), order(8)])], s);
    expect(ids(s.entities.Order.view)).toEqual([8, 7]);
  });

  it('new rows are prepended, deduplicated by primary key and capped', () => {
    const start = initialState(5);
    let s = run([meta, snapshot('Order', [order(1), order(2), order(3)])], start);
    s = run([rowsMsg('Order', [order(3, { order_key: 9 }), order(4), order(5), order(5)])], s, 2000);
    expect(ids(s.entities.Order.view)).toEqual([5, 4, 3, 2, 1]);
    // The newer version of a duplicate key wins.
    expect(s.entities.Order.view[2].order_key).toBe(9);
    expect([...s.entities.Order.fresh.keys()].sort()).toEqual(['4', '5']);
    s = run([rowsMsg('Order', [order(6), order(7)])], s, 2100);
    expect(ids(s.entities.Order.view)).toEqual([7, 6, 5, 4, 3]);
    expect(s.entities.Order.rows.length).toBe(5);
  });

  it('orders big integer keys sent as strings numerically', () => {
    const big = (id: string): Row => ({ id, order_key: 1 });
    const s = run([meta, snapshot('Order', [big('9007199254740993'), big('99'), big('9007199254740995'), big('100')])]);
    expect(ids(s.entities.Order.view)).toEqual(['9007199254740995', '9007199254740993', '100', '99']);
  });

  it('keeps arrival order for non-numeric keys (rows arrive oldest first)', () => {
    const u = (id: string): Row => ({ id });
    let s = run([meta, snapshot('Order', [u('a'), u('b')])]);
    s = run([rowsMsg('Order', [u('c'), u('d')])], s);
    expect(ids(s.entities.Order.view)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('stats set the counts; rows arriving between stats keep the count live', () => {
    let s = run([meta, snapshot('Order', [order(1)]), { type: 'stats', stats: { entities: { Order: 40 }, messageStatus: { processed: 40 } } }]);
    expect(entityCount(s, 'Order')).toBe(40);
    s = run([rowsMsg('Order', [order(2), order(3)])], s);
    expect(entityCount(s, 'Order')).toBe(42);
    s = run([{ type: 'message', message: { type: 'stats', stats: { entities: { Order: 43 }, messageStatus: { processed: 43 } } } }], s);
    expect(entityCount(s, 'Order')).toBe(43);
    expect(s.stats?.messageStatus.processed).toBe(43);
    // Without stats the count is the number of rows held.
    expect(entityCount(run([meta, snapshot('Order', [order(1), order(2)])]), 'Order')).toBe(2);
  });

  it('resynchronises on reconnect: the fresh snapshot replaces the rows, no duplicates', () => {
    let s = run([meta, snapshot('Order', [order(1), order(2)]), rowsMsg('Order', [order(3)])]);
    s = run([{ type: 'connection', status: 'reconnecting', attempt: 1, nextRetryAt: 5000 }], s);
    expect(s.connection.status).toBe('reconnecting');
    expect(ids(s.entities.Order.view)).toEqual([3, 2, 1]); // last known rows stay on screen
    s = run([{ type: 'connection', status: 'connected' }, snapshot('Order', [order(2), order(3), order(4), order(5)])], s, 9000);
    expect(s.connection).toMatchObject({ status: 'connected', attempt: 0, everConnected: true });
    expect(ids(s.entities.Order.view)).toEqual([5, 4, 3, 2]);
    // Rows that appeared while disconnected are highlighted, the others are not.
    expect([...s.entities.Order.fresh.keys()].sort()).toEqual(['4', '5']);
  });

  it('pausing a card holds back new rows and shows them on resume', () => {
    let s = run([meta, snapshot('Order', [order(1)]), snapshot('OrderLineItem', [{ id: 1 }])]);
    s = run([{ type: 'pause', entity: 'Order', paused: true }], s);
    const before = s.entities.Order.view;
    s = run([rowsMsg('Order', [order(2), order(3)]), rowsMsg('Order', [order(3), order(4)]), rowsMsg('OrderLineItem', [{ id: 2 }])], s);
    expect(s.entities.Order.view).toBe(before);
    expect(s.entities.Order.pending).toBe(3);
    expect(ids(s.entities.OrderLineItem.view)).toEqual([2, 1]); // other cards stay live
    s = run([{ type: 'pause', entity: 'Order', paused: false }], s, 5000);
    expect(ids(s.entities.Order.view)).toEqual([4, 3, 2, 1]);
    expect(s.entities.Order.pending).toBe(0);
    expect([...s.entities.Order.fresh.keys()].sort()).toEqual(['2', '3', '4']);
  });

  it('a snapshot while paused is held back too, and applied on resume', () => {
    let s = run([meta, snapshot('Order', [order(1), order(2)]), { type: 'pause', paused: true }]);
    s = run([snapshot('Order', [order(2), order(3)])], s);
    expect(ids(s.entities.Order.view)).toEqual([2, 1]);
    expect(s.entities.Order.pending).toBe(1);
    s = run([{ type: 'pause', paused: false }], s);
    expect(ids(s.entities.Order.view)).toEqual([3, 2]);
  });

  it('global pause freezes every card; resuming keeps individually paused cards frozen', () => {
    let s = run([meta, snapshot('Order', [order(1)]), snapshot('OrderLineItem', [{ id: 1 }])]);
    s = run([{ type: 'pause', entity: 'OrderLineItem', paused: true }, { type: 'pause', paused: true }], s);
    s = run([rowsMsg('Order', [order(2)]), rowsMsg('OrderLineItem', [{ id: 2 }])], s);
    expect(ids(s.entities.Order.view)).toEqual([1]);
    expect(s.entities.Order.pending).toBe(1);
    s = run([{ type: 'pause', paused: false }], s);
    expect(ids(s.entities.Order.view)).toEqual([2, 1]);
    expect(ids(s.entities.OrderLineItem.view)).toEqual([1]);
    expect(s.entities.OrderLineItem.pending).toBe(1);
    // A card paused on its own stays paused while the global pause toggles.
    s = run([{ type: 'pause', entity: 'OrderLineItem', paused: false }], s);
    expect(ids(s.entities.OrderLineItem.view)).toEqual([2, 1]);
  });

  it('messages for one entity leave the other entities untouched (no re-render)', () => {
    const s1 = run([meta, snapshot('Order', [order(1)]), snapshot('OrderLineItem', [{ id: 1 }])]);
    const s2 = run([rowsMsg('Order', [order(2)])], s1);
    expect(s2.entities.OrderLineItem).toBe(s1.entities.OrderLineItem);
    expect(s2.entities.Order).not.toBe(s1.entities.Order);
  });

  it('lowering the cap trims every card', () => {
    let s = run([meta, snapshot('Order', [1, 2, 3, 4, 5].map((i) => order(i)))]);
    s = run([{ type: 'setMax', max: 2 }], s);
    expect(ids(s.entities.Order.view)).toEqual([5, 4]);
    expect(s.maxRecords).toBe(2);
  });

  it('rows for an entity without metadata get a card with inferred columns', () => {
    const s = run([meta, snapshot('Mystery', [{ id: 1, label: 'x', n: 2.5, ok: true, data: { a: 1 } }])]);
    expect(s.order).toEqual(['Order', 'OrderLineItem', 'Mystery']);
    expect(s.meta.Mystery.primaryKey).toBe('id');
    expect(s.meta.Mystery.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'Integer'],
      ['label', 'String'],
      ['n', 'Float'],
      ['ok', 'Boolean'],
      ['data', 'Json'],
    ]);
  });

  it('entities.json never overrides /api/entities, whatever arrives first', () => {
    const file = normalizeMetadata({ project: 'from-file', entities: [{ name: 'Stale', primary_key: 'id', fields: [] }] })!;
    const api = normalizeMetadata([{ name: 'Order', primary_key: 'id', fields: [] }])!;
    const a = run([{ type: 'meta', metadata: file, source: 'file' }, { type: 'meta', metadata: api, source: 'api' }]);
    const b = run([{ type: 'meta', metadata: api, source: 'api' }, { type: 'meta', metadata: file, source: 'file' }]);
    for (const s of [a, b]) {
      expect(s.order).toEqual(['Order']);
      expect(s.project).toBe('from-file');
    }
  });

  it('re-keys rows when the primary key becomes known after the data', () => {
    let s = run([snapshot('Thing', [{ code: 'b', id: 1 }, { code: 'a', id: 2 }, { code: 'a', id: 3 }])]);
    expect(s.entities.Thing.view.length).toBe(3);
    s = run([{ type: 'meta', metadata: normalizeMetadata([{ name: 'Thing', primary_key: 'code', fields: [] }])!, source: 'api' }], s);
    expect(s.entities.Thing.keys).toEqual(['a', 'b']);
  });

  it('backend errors are shown until dismissed, data arrives, or a new connection opens', () => {
    let s = run([meta, { type: 'connection', status: 'connected' }, { type: 'message', message: { type: 'error', message: 'db down' } }]);
    expect(s.backendError).toBe('db down');
    expect(run([{ type: 'dismissError' }], s).backendError).toBeNull();
    expect(run([rowsMsg('Order', [order(1)])], s).backendError).toBeNull();
    s = run([{ type: 'connection', status: 'reconnecting', attempt: 1 }], s);
    expect(s.backendError).toBe('db down');
    expect(run([{ type: 'connection', status: 'connected' }], s).backendError).toBeNull();
  });
});

describe('store', () => {
  it('notifies subscribers and expires highlights after HIGHLIGHT_MS', () => {
    let now = 0;
    const timers: { fn: () => void; at: number }[] = [];
    const store = createStore({
      now: () => now,
      setTimeout: (fn, ms) => timers.push({ fn, at: now + ms }),
      clearTimeout: () => {},
    });
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    store.dispatch(meta);
    store.dispatch(snapshot('Order', [order(1)]));
    store.dispatch(rowsMsg('Order', [order(2)]));
    expect(calls).toBe(3);
    expect(store.getState().entities.Order.fresh.has('2')).toBe(true);
    expect(timers).toHaveLength(1);
    now = timers[0].at;
    expect(now).toBeGreaterThanOrEqual(HIGHLIGHT_MS);
    timers[0].fn();
    expect(store.getState().entities.Order.fresh.size).toBe(0);
    expect(calls).toBe(4);
    // Actions that change nothing notify nobody.
    store.dispatch({ type: 'dismissError' });
    expect(calls).toBe(4);
    unsubscribe();
    store.dispatch(rowsMsg('Order', [order(3)]));
    expect(calls).toBe(4);
    store.dispose();
  });

  it('keeps expiring highlights that were still young when the timer fired', () => {
    let now = 0;
    const timers: { fn: () => void; at: number }[] = [];
    const store = createStore({ now: () => now, setTimeout: (fn, ms) => timers.push({ fn, at: now + ms }), clearTimeout: () => {} });
    store.dispatch(meta);
    store.dispatch(snapshot('Order', [order(1)]));
    store.dispatch(rowsMsg('Order', [order(2)]));
    now = 2000;
    store.dispatch(rowsMsg('Order', [order(3)]));
    expect(timers).toHaveLength(1);
    now = timers[0].at;
    timers[0].fn();
    expect([...store.getState().entities.Order.fresh.keys()]).toEqual(['3']);
    expect(timers).toHaveLength(2);
    now = timers[1].at;
    timers[1].fn();
    expect(store.getState().entities.Order.fresh.size).toBe(0);
    expect(timers).toHaveLength(2);
    store.dispose();
  });
});
