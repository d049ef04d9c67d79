import { parseServerMessage } from './meta';
import type { ConnectionStatus, ServerMessage } from './types';

export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  initialMs: number;
  /** Upper bound of the delay (ms). */
  maxMs: number;
  factor: number;
  /** ± fraction of random spread, so many tabs do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 5000, factor: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (1-based): exponential, capped, jittered. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const exp = opts.initialMs * Math.pow(opts.factor, Math.max(0, attempt - 1));
  const base = Math.min(opts.maxMs, exp);
  const spread = base * opts.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(opts.maxMs, Math.round(base + spread)));
}

/** The subset of the browser WebSocket the client uses (tests pass a fake). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface StatusInfo {
  attempt: number;
  nextRetryAt: number | null;
}

export interface LiveConnectionOptions {
  url: string;
  onMessage: (msg: ServerMessage) => void;
  onStatus: (status: ConnectionStatus, info: StatusInfo) => void;
  /** Called each time the socket opens (e.g. to refresh metadata). */
  onOpen?: () => void;
  createSocket?: SocketFactory;
  backoff?: Partial<BackoffOptions>;
  /** An attempt that has not opened after this long is abandoned (ms). */
  connectTimeoutMs?: number;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  random?: () => number;
}

/**
 * A WebSocket that stays connected: on close or error it retries with capped
 * exponential backoff. Every (re)connection receives a fresh snapshot from the
 * backend, which the store uses to replace each card's rows.
 */
export class LiveConnection {
  private readonly opts: LiveConnectionOptions;
  private readonly backoff: BackoffOptions;
  private socket: SocketLike | null = null;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private attempt = 0;
  private everOpened = false;
  private stopped = true;

  constructor(opts: LiveConnectionOptions) {
    this.opts = opts;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
  }

  private get now() {
    return this.opts.now ?? (() => Date.now());
  }

  private setT(fn: () => void, ms: number): unknown {
    return (this.opts.setTimeout ?? ((f, m) => globalThis.setTimeout(f, m)))(fn, ms);
  }

  private clearT(id: unknown) {
    if (id === null) return;
    (this.opts.clearTimeout ?? ((i) => globalThis.clearTimeout(i as ReturnType<typeof setTimeout>)))(id);
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    this.clearT(this.retryTimer);
    this.clearT(this.connectTimer);
    this.retryTimer = this.connectTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onclose = s.onerror = s.onmessage = null;
      try {
        s.close(1000, 'client stopped');
      } catch {
        /* already closed */
      }
    }
    this.opts.onStatus('disconnected', { attempt: this.attempt, nextRetryAt: null });
  }

  /** Skips the remaining backoff delay (e.g. when the browser comes back online). */
  retryNow() {
    if (this.stopped || this.retryTimer === null) return;
    this.clearT(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  private open() {
    this.retryTimer = null;
    const status: ConnectionStatus = this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting';
    this.opts.onStatus(status, { attempt: this.attempt, nextRetryAt: null });
    let socket: SocketLike;
    try {
      socket = (this.opts.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike))(this.opts.url);
    } catch {
      this.fail(null);
      return;
    }
    this.socket = socket;
    this.connectTimer = this.setT(() => {
      this.connectTimer = null;
      this.fail(socket);
    }, this.opts.connectTimeoutMs ?? 5000);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.clearT(this.connectTimer);
      this.connectTimer = null;
      this.attempt = 0;
      this.everOpened = true;
      this.opts.onStatus('connected', { attempt: 0, nextRetryAt: null });
      this.opts.onOpen?.();
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      const msg = parseServerMessage(ev.data);
      if (msg) this.opts.onMessage(msg);
    };
    socket.onerror = () => this.fail(socket);
    socket.onclose = () => this.fail(socket);
  }

  /** The current socket failed or closed: schedule the next attempt. */
  private fail(socket: SocketLike | null) {
    if (this.stopped || this.socket !== socket) return;
    this.socket = null;
    this.clearT(this.connectTimer);
    this.connectTimer = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      try {
        socket.close();
      } catch {
        /* ignore */
      }
    }
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.backoff, this.opts.random);
    const nextRetryAt = this.now() + delay;
    this.opts.onStatus('reconnecting', { attempt: this.attempt, nextRetryAt });
    this.retryTimer = this.setT(() => this.open(), delay);
  }
}

/** ws:// or wss:// URL of `path`, relative to the page (so any mount path works). */
export function wsUrl(path: string, base: string): string {
  const u = new URL(path, base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.hash = '';
  return u.toString();
}
