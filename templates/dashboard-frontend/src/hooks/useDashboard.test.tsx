// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DashboardView } from '../App';
import { FakeSocket } from '../test-utils';
import { useLiveDashboard } from './useDashboard';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ENTITIES = {
  project: 'tpch',
  entities: [
    {
      name: 'Order',
      table: 'orders',
      primary_key: 'id',
      fields: [
        { name: 'id', type: 'Integer', nullable: false },
        { name: 'order_key', type: 'Integer', nullable: false },
        { name: 'comment', type: 'String', nullable: true },
      ],
    },
    { name: 'OrderLineItem', table: 'order_line_items', primary_key: 'id', fields: [{ name: 'line_number', type: 'Integer' }] },
  ],
};

function fakeFetch(routes: Record<string, unknown>) {
  return vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    const key = Object.keys(routes).find((k) => url.endsWith(k));
    const body = key === undefined ? undefined : routes[key];
    return {
      ok: body !== undefined,
      status: body !== undefined ? 200 : 404,
      json: async () => body,
    } as Response;
  });
}

const order = (id: number, comment: string | null = null) => ({ id, order_key: 5000 + id, comment });

let root: Root;
let container: HTMLElement;

function Harness({ fetch }: { fetch: typeof globalThis.fetch }) {
  const store = useLiveDashboard({
    apiBase: 'http://dash.test/',
    fetch,
    createSocket: (u) => new FakeSocket(u),
    random: () => 0.5,
    statsRefreshMs: 0,
  });
  return <DashboardView store={store} />;
}

const $ = (sel: string) => container.querySelector(sel);
const $$ = (sel: string) => Array.from(container.querySelectorAll(sel));
const status = () => $('[data-testid=connection-status]')?.textContent;
const card = (name: string) => $(`[data-testid=entity-card][data-entity="${name}"]`)!;
const ids = (name: string) => Array.from(card(name).querySelectorAll('tbody td[data-col=id]')).map((td) => td.textContent);
const socket = () => FakeSocket.all[FakeSocket.all.length - 1];
const send = async (msg: unknown) => act(async () => socket().send(msg));

async function flush() {
  await act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
}

describe('useLiveDashboard + page', () => {
  let fetch: ReturnType<typeof fakeFetch>;

  beforeEach(async () => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    fetch = fakeFetch({
      'entities.json': { project: 'tpch', entities: [] },
      'api/entities': ENTITIES,
      'api/stats': { entities: { Order: 2, OrderLineItem: 0 }, message_status: { processed: 2 } },
    });
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    await act(async () => root.render(<Harness fetch={fetch} />));
    await flush();
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    container.remove();
    vi.useRealTimers();
  });

  it('loads metadata and stats, connects, and renders a card per entity', async () => {
    const urls = fetch.mock.calls.map((c) => String(c[0]));
    expect(urls).toEqual(
      expect.arrayContaining(['http://dash.test/entities.json', 'http://dash.test/api/entities', 'http://dash.test/api/stats']),
    );
    expect(socket().url).toBe('ws://dash.test/ws');
    expect(status()).toBe('Connecting…');
    expect($('[role=alert]')).toBeNull();
    expect($$('[data-testid=entity-card]').map((c) => c.getAttribute('data-entity'))).toEqual(['Order', 'OrderLineItem']);
    expect($('[data-testid=project-name]')?.textContent).toBe('tpch');

    await act(async () => socket().open());
    expect(status()).toBe('Connected');
    expect($('[data-testid=connection-status]')?.getAttribute('data-color')).toBe('green');

    await send({ type: 'snapshot', entity: 'Order', rows: [order(1), order(2, 'hello, "world"')] });
    expect(ids('Order')).toEqual(['2', '1']);
    expect(card('Order').querySelector('th')?.textContent).toBe('id');
    expect(card('Order').querySelector('td[data-col=comment]')?.textContent).toBe('hello, "world"');
    // null is a muted dash
    expect(card('Order').querySelectorAll('tbody tr')[1].querySelector('td[data-col=comment]')?.textContent).toBe('—');
    expect(card('Order').querySelector('[data-testid=entity-count]')?.textContent).toBe('2 rows');
    expect($('[data-testid=total-rows]')?.textContent).toBe('2');
  });

  it('prepends new rows with a highlight, and resyncs from the snapshot after a reconnect', async () => {
    await act(async () => socket().open());
    await send({ type: 'snapshot', entity: 'Order', rows: [order(1), order(2)] });
    await send({ type: 'rows', entity: 'Order', rows: [order(3), order(2)] });
    expect(ids('Order')).toEqual(['3', '2', '1']);
    const rows = card('Order').querySelectorAll('tbody tr');
    expect(rows[0].classList.contains('row-new')).toBe(true);
    expect(rows[1].classList.contains('row-new')).toBe(false);
    expect(card('Order').querySelector('[data-testid=entity-count]')?.textContent).toBe('3 rows');

    // Backend goes away: red status and an alert.
    await act(async () => socket().drop());
    expect(status()).toBe('Reconnecting…');
    expect($('[data-testid=connection-status]')?.getAttribute('data-color')).toBe('red');
    expect($('[role=alert]')?.textContent).toContain('Lost the connection');
    expect(ids('Order')).toEqual(['3', '2', '1']);

    // First retry after 500 ms fails, the second after another 1000 ms succeeds.
    await act(async () => vi.advanceTimersByTime(500));
    expect(FakeSocket.all).toHaveLength(2);
    await act(async () => socket().drop());
    await act(async () => vi.advanceTimersByTime(999));
    expect(FakeSocket.all).toHaveLength(2);
    await act(async () => vi.advanceTimersByTime(1));
    expect(FakeSocket.all).toHaveLength(3);
    await act(async () => socket().open());
    await flush();
    expect(status()).toBe('Connected');
    expect($('[role=alert]')).toBeNull();
    await send({ type: 'snapshot', entity: 'Order', rows: [order(2), order(3), order(4)] });
    expect(ids('Order')).toEqual(['4', '3', '2']);
    // Metadata and stats are fetched again after the reconnect.
    expect(fetch.mock.calls.filter((c) => String(c[0]).endsWith('api/stats')).length).toBe(2);
  });

  it('pauses and resumes a card, and filters its rows', async () => {
    await act(async () => socket().open());
    await send({ type: 'snapshot', entity: 'Order', rows: [order(1, 'apple'), order(2, 'banana')] });
    const pause = card('Order').querySelector<HTMLButtonElement>('[data-testid=entity-pause]')!;
    await act(async () => pause.click());
    expect(pause.getAttribute('aria-pressed')).toBe('true');
    await send({ type: 'rows', entity: 'Order', rows: [order(3, 'cherry')] });
    expect(ids('Order')).toEqual(['2', '1']);
    expect(card('Order').querySelector('[data-testid=entity-paused]')?.textContent).toContain('1 new row waiting');
    await act(async () => pause.click());
    expect(ids('Order')).toEqual(['3', '2', '1']);

    const input = card('Order').querySelector<HTMLInputElement>('[data-testid=entity-filter]')!;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(input, 'AN');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(ids('Order')).toEqual(['2']);
  });

  it('global pause holds every card until resumed', async () => {
    await act(async () => socket().open());
    await send({ type: 'snapshot', entity: 'Order', rows: [order(1)] });
    const all = $('[data-testid=pause-all]') as HTMLButtonElement;
    await act(async () => all.click());
    await send({ type: 'rows', entity: 'Order', rows: [order(2)] });
    expect(ids('Order')).toEqual(['1']);
    expect(all.textContent).toContain('Resume all');
    await act(async () => all.click());
    expect(ids('Order')).toEqual(['2', '1']);
  });

  it('shows backend errors in the alert banner until data flows again', async () => {
    await act(async () => socket().open());
    await send({ type: 'error', message: 'database unavailable' });
    expect($('[role=alert]')?.textContent).toContain('database unavailable');
    await send({ type: 'rows', entity: 'Order', rows: [order(1)] });
    expect($('[role=alert]')).toBeNull();
  });

  it('closes the socket when unmounted', async () => {
    const s = socket();
    await act(async () => root.unmount());
    expect(s.closed).toBe(true);
    root = createRoot(container); // for afterEach
  });
});
