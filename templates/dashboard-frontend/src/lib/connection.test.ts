import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, LiveConnection, wsUrl } from './connection';
import { FakeSocket, fakeClock } from '../test-utils';
import type { ConnectionStatus, ServerMessage } from './types';

describe('backoff', () => {
  it('doubles from 500 ms and is capped at 5 s', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, DEFAULT_BACKOFF, mid))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('spreads by at most ±20% and never exceeds the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(400);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(600);
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 1)).toBe(5000);
  });
});

describe('LiveConnection', () => {
  function setup() {
    FakeSocket.all = [];
    const clock = fakeClock();
    const statuses: [ConnectionStatus, number, number | null][] = [];
    const messages: ServerMessage[] = [];
    let opens = 0;
    const conn = new LiveConnection({
      url: 'ws://h/ws',
      createSocket: (u) => new FakeSocket(u),
      onStatus: (s, i) => statuses.push([s, i.attempt, i.nextRetryAt]),
      onMessage: (m) => messages.push(m),
      onOpen: () => opens++,
      random: () => 0.5,
      connectTimeoutMs: 3000,
      ...clock,
    });
    return { conn, clock, statuses, messages, opens: () => opens };
  }

  it('connects, delivers parsed messages, and reconnects with growing delays', () => {
    const { conn, clock, statuses, messages, opens } = setup();
    conn.start();
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0].url).toBe('ws://h/ws');
    FakeSocket.all[0].open();
    FakeSocket.all[0].send({ type: 'rows', entity: 'Order', rows: [{ id: 1 }] });
    FakeSocket.all[0].onmessage?.({ data: 'garbage' });
    expect(messages).toEqual([{ type: 'rows', entity: 'Order', rows: [{ id: 1 }] }]);
    expect(statuses.map((s) => s[0])).toEqual(['connecting', 'connected']);

    FakeSocket.all[0].drop();
    expect(statuses.at(-1)).toEqual(['reconnecting', 1, 500]);
    clock.advance(499);
    expect(FakeSocket.all).toHaveLength(1);
    clock.advance(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].onerror?.({});
    FakeSocket.all[1].drop(); // error then close count once
    expect(statuses.at(-1)).toEqual(['reconnecting', 2, 500 + 1000]);
    clock.advance(1000);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2].open();
    expect(statuses.at(-1)).toEqual(['connected', 0, null]);
    expect(opens()).toBe(2);
    // After a successful connection the backoff starts over.
    FakeSocket.all[2].drop();
    expect(statuses.at(-1)?.[1]).toBe(1);
    conn.stop();
  });

  it('gives up on an attempt that never opens and ignores stale sockets', () => {
    const { conn, clock, statuses, messages } = setup();
    conn.start();
    clock.advance(3000);
    expect(FakeSocket.all[0].closed).toBe(true);
    expect(statuses.at(-1)?.[0]).toBe('reconnecting');
    FakeSocket.all[0].send({ type: 'error', message: 'late' });
    expect(messages).toEqual([]);
    conn.stop();
  });

  it('stop() closes the socket, cancels retries and reports disconnected', () => {
    const { conn, clock, statuses } = setup();
    conn.start();
    FakeSocket.all[0].drop();
    conn.stop();
    clock.advance(60000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses.at(-1)?.[0]).toBe('disconnected');
    expect(clock.pending()).toBe(0);
  });

  it('retryNow() skips the remaining delay', () => {
    const { conn } = setup();
    conn.start();
    FakeSocket.all[0].drop();
    conn.retryNow();
    expect(FakeSocket.all).toHaveLength(2);
    conn.stop();
  });

  it('builds ws:/wss: URLs matching the page', () => {
    expect(wsUrl('ws', 'http://h:3000/')).toBe('ws://h:3000/ws');
    expect(wsUrl('ws', 'https://h/dash/index.html?x=1#y')).toBe('wss://h/dash/ws');
  });
});
