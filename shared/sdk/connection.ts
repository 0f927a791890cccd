import { AppError, type ErrorBody } from '../errors.js';
import { CLOSE, type ClientFrame, type ServerFrame } from '../protocol/frames.js';
import type { ClientOptions, ConnectionState, WebSocketCtor, WebSocketLike } from './options.js';

const REQUEST_TIMEOUT_MS = 15_000;

export type ReadyFrame = Extract<ServerFrame, { t: 'ready' }>;

/** What the connection tells the client it serves. */
export interface ConnectionHost {
  setConnection(s: ConnectionState): void;
  /** The socket signed in; the connection has already reset its backoff and heartbeat. */
  ready(f: ReadyFrame): void;
  /** Any frame that is not a reply to a request (events, link changes). */
  frame(f: ServerFrame): void;
  /** The socket closed: requests in flight were refused. */
  lost(): void;
  /** The server ended the session; nothing reconnects. */
  ended(reason: string): void;
  /** Failed over to another relay. */
  relayChanged(url: string): void;
}

/**
 * One WebSocket to a relay at a time: signs in, answers requests by id, pings and replaces a silent
 * socket, reconnects with backoff, and fails over along the list of relays.
 */
export class RelayConnection {
  private ws: WebSocketLike | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private waiting = new Map<string, { resolve: (f: ServerFrame) => void; reject: (e: AppError) => void; timer: ReturnType<typeof setTimeout> }>();
  private lastFrameAt = 0;
  private readonly relays: string[];
  private relayIndex = 0;
  /** The current socket reached `ready`: a later drop retries the same relay once before moving on. */
  private wasReady = false;
  stopped = false;

  constructor(private readonly opts: ClientOptions, private readonly WS: WebSocketCtor, private readonly host: ConnectionHost) {
    this.relays = [opts.baseUrl, ...(opts.fallbackUrls ?? []).filter((u) => u !== opts.baseUrl)];
  }

  get relayCount(): number { return this.relays.length; }

  /** The relay currently in use (changes on failover). */
  get relayUrl(): string { return this.relays[this.relayIndex]!; }

  /** A socket exists (open or still opening). */
  get hasSocket(): boolean { return this.ws !== null; }

  /** Moves to the next relay in the list. */
  nextRelay(): void {
    if (this.relays.length < 2) return;
    this.relayIndex = (this.relayIndex + 1) % this.relays.length;
    this.host.relayChanged(this.relayUrl);
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Stops reconnecting and closes the socket. */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws?.close(1000, 'bye');
    this.ws = null;
  }

  /** Opens a socket now instead of waiting out the backoff. */
  reconnectNow(): void {
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = null; }
    this.open();
  }

  /** Drops the socket as a network failure would; it reconnects by itself. */
  drop(): void {
    this.ws?.close(4000, 'dropped');
  }

  private wsUrl(): string {
    return this.relayUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws';
  }

  private open(): void {
    if (this.stopped) return;
    this.host.setConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new this.WS(this.wsUrl());
    this.ws = ws;
    this.wasReady = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ t: 'auth', token: this.opts.token } satisfies ClientFrame));
    };
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      let f: ServerFrame;
      try { f = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as ServerFrame; } catch { return; } // not a frame: nothing to act on
      this.onFrame(f);
    };
    ws.onerror = () => { /* onclose follows */ };
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.heartbeat) { clearInterval(this.heartbeat); this.heartbeat = null; }
      for (const [, w] of this.waiting) { clearTimeout(w.timer); w.reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'connection lost')); }
      this.waiting.clear();
      this.host.lost();
      if (ev.code === CLOSE.AUTH_FAILED || ev.code === CLOSE.SESSION_ENDED || ev.code === CLOSE.WIPED) {
        this.stopped = true;
        this.host.setConnection('closed');
        // A wipe order: the reason says so whatever text came with it (the client erases itself, then acknowledges).
        this.host.ended(ev.code === CLOSE.WIPED ? 'wiped' : ev.reason || 'session ended');
        return;
      }
      if (this.stopped) return;
      // A relay that could not be reached, or that went away (abnormal close, shutting down): try the next one.
      // A deliberate drop of a working connection retries the same relay first.
      if (!this.wasReady || ev.code === 1006 || ev.code === CLOSE.SHUTDOWN) this.nextRelay();
      this.attempt += 1;
      this.host.setConnection('reconnecting');
      const min = this.opts.reconnectMinMs ?? 250;
      const max = this.opts.reconnectMaxMs ?? 10_000;
      const delay = Math.min(max, min * 2 ** Math.min(this.attempt - 1, 10)) * (0.5 + Math.random() / 2);
      this.reconnectTimer = setTimeout(() => { this.reconnectTimer = null; this.open(); }, delay);
    };
  }

  /** Pings every heartbeat; replaces a socket that stayed silent too long (timers also catch up after a sleep). */
  private watch(heartbeatMs: number): ReturnType<typeof setInterval> {
    const silence = this.opts.silenceMs ?? heartbeatMs * 2 + 5_000;
    let pingedAt = Date.now();
    return setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (Date.now() - this.lastFrameAt > silence) {
        // Treat it as closed now (the browser may not notice a dead link for minutes); its real close is ignored.
        ws.onclose?.({ code: 4000, reason: 'silent' });
        try { ws.close(4000, 'silent'); } catch { /* already closing */ }
        return;
      }
      if (Date.now() - pingedAt >= heartbeatMs) { pingedAt = Date.now(); this.raw({ t: 'ping' }); }
    }, Math.max(50, Math.min(heartbeatMs, silence / 4)));
  }

  private onFrame(f: ServerFrame): void {
    switch (f.t) {
      case 'ready':
        this.attempt = 0;
        this.wasReady = true;
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = this.watch(f.heartbeat_ms);
        this.host.ready(f);
        return;
      case 'ack':
      case 'error': {
        const id = f.id;
        const w = id ? this.waiting.get(id) : undefined;
        if (!w || !id) return;
        this.waiting.delete(id);
        clearTimeout(w.timer);
        if (f.t === 'ack') w.resolve(f);
        else w.reject(AppError.fromBody(f.error as ErrorBody));
        return;
      }
      default:
        this.host.frame(f);
    }
  }

  /** Sends a frame if the socket is open; otherwise drops it (presence and pings need no retry). */
  raw(f: ClientFrame): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(f));
  }

  /** Sends a frame and resolves with the reply carrying its id. */
  request(f: ClientFrame & { id: string }): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1) { reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'not connected')); return; }
      const timer = setTimeout(() => { this.waiting.delete(f.id); reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'request timed out')); }, REQUEST_TIMEOUT_MS);
      this.waiting.set(f.id, { resolve, reject, timer });
      this.raw(f);
    });
  }
}
