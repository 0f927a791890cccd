import type { WebSocket } from 'uWebSockets.js';

/** Per-socket state kept by the relay. Nothing here matters after a crash. */
export interface SocketData {
  connId: number;
  ip: string;
  userId: number | null;
  sessionId: string | null;
  /** The session token this socket signed in with: forwarded to central, which verifies it on every request. */
  sessionToken: string | null;
  closed: boolean;
  authTimer: NodeJS.Timeout | null;
  tokens: number;
  lastRefill: number;
  violations: number;
  /** The client said it is idle. */
  away: boolean;
  /** Events that arrived between binding the socket and its `ready` frame, sent right after it. */
  early: string[] | null;
  /** When this socket last forwarded 正在输入, per conversation (the relay's throttle). */
  typingAt?: Map<number, number>;
}

/** Pushes one serialised event frame, or holds it until the socket's `ready` frame has gone out. */
export function pushText(ws: WebSocket<SocketData>, text: string): void {
  const d = ws.getUserData();
  if (d.closed || d.userId === null) return;
  if (d.early) { if (d.early.length < 1_000) d.early.push(text); return; }
  ws.send(text, false);
}

export type Socket = WebSocket<SocketData>;

/** The relay's index of live sockets by user and by session, for fan-out and revocation. */
export class SocketRegistry {
  private byUser = new Map<number, Set<Socket>>();
  private bySession = new Map<string, Set<Socket>>();
  private all = new Set<Socket>();

  get size(): number { return this.all.size; }
  get authenticatedUsers(): number { return this.byUser.size; }

  add(ws: Socket): void { this.all.add(ws); }

  bind(ws: Socket, userId: number, sessionId: string): void {
    const d = ws.getUserData();
    d.userId = userId;
    d.sessionId = sessionId;
    let u = this.byUser.get(userId);
    if (!u) this.byUser.set(userId, (u = new Set()));
    u.add(ws);
    let s = this.bySession.get(sessionId);
    if (!s) this.bySession.set(sessionId, (s = new Set()));
    s.add(ws);
  }

  remove(ws: Socket): void {
    this.all.delete(ws);
    const d = ws.getUserData();
    if (d.userId !== null) {
      const u = this.byUser.get(d.userId);
      u?.delete(ws);
      if (u && u.size === 0) this.byUser.delete(d.userId);
    }
    if (d.sessionId !== null) {
      const s = this.bySession.get(d.sessionId);
      s?.delete(ws);
      if (s && s.size === 0) this.bySession.delete(d.sessionId);
    }
  }

  ofUser(userId: number): Iterable<Socket> { return this.byUser.get(userId) ?? []; }
  ofSession(sessionId: string): Socket[] { return [...(this.bySession.get(sessionId) ?? [])]; }
  every(): Socket[] { return [...this.all]; }
}

/** Token bucket per connection: `rate` frames per second with bursts of `burst`. */
export function takeToken(d: SocketData, rate: number, burst: number, now: number): boolean {
  d.tokens = Math.min(burst, d.tokens + ((now - d.lastRefill) / 1000) * rate);
  d.lastRefill = now;
  if (d.tokens < 1) return false;
  d.tokens -= 1;
  return true;
}
