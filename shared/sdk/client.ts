import { AppError, type ErrorBody } from '../errors.js';
import { CLOSE, type ClientFrame, type ServerFrame } from '../protocol/frames.js';
import type { ConversationView, DeviceType, HistoryPage, LoginResult, MessageView, PresenceView, ServerEvent, SyncResult, UserView } from '../protocol/types.js';
import { ApiClient } from './api.js';
import { DirectoryMirror } from './directory.js';
import type { DirChange } from '../protocol/directory.js';
import { Emitter } from './emitter.js';
import { addMessage, applyEvent, emptyState, removeConversation, sortedMessages, upsertConversation, type ClientState } from './state.js';

export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'closed';

/** Minimal WebSocket shape shared by browsers and the `ws` package. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
}
export type WebSocketCtor = new (url: string) => WebSocketLike;

export interface ClientOptions {
  baseUrl: string;
  /**
   * Further relays to fail over to (the organisation's other branches or a
   * standby). When a relay cannot be reached or drops the connection
   * abnormally, the client tries the next one in turn and resumes there from
   * its sync position; `baseUrl` is tried first.
   */
  fallbackUrls?: string[];
  token: string;
  WebSocket?: WebSocketCtor;
  /** Backoff bounds for reconnecting. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Messages fetched for a conversation seen for the first time. */
  initialPage?: number;
  /** A periodic resync catches anything a lost push hint missed. */
  resyncIntervalMs?: number;
  /**
   * State saved earlier (e.g. from IndexedDB) with the sync position it was
   * complete up to. Kept when it belongs to the signed-in user, so start()
   * only pulls what changed since; otherwise discarded.
   */
  restore?: { state: ClientState; pos: number };
  /**
   * A socket that has delivered nothing (not even a pong) for this long is
   * treated as dead and replaced: a half-open connection after a sleep or a
   * network change. Default: two server heartbeats plus 5 s.
   */
  silenceMs?: number;
}

type Events = {
  state: [ConnectionState];
  /** A message seen for the first time (each (conversation, seq) exactly once). */
  message: [MessageView];
  conversation: [ConversationView | null, number];
  event: [ServerEvent];
  changed: [];
  link: ['up' | 'down'];
  /** The session was ended by the server (signed out elsewhere, disabled, revoked). */
  ended: [string];
  presence: [PresenceView];
  /** Failed over to another relay (its base URL). */
  relay: [string];
  /** The directory copy changed: the changes applied, or null after a (re)loaded snapshot. */
  directory: [DirChange[] | null];
};

interface Outgoing {
  convId: number;
  cmid: string;
  body: { text: string } | { file_id: number };
  resolve: (m: MessageView) => void;
  reject: (e: AppError) => void;
  inFlight: boolean;
}

const RETRYABLE = new Set(['SB_CENTRAL_UNAVAILABLE', 'SB_BUSY', 'SB_RATE_LIMITED', 'SB_INTERNAL', 'SB_NOT_READY']);
const REQUEST_TIMEOUT_MS = 15_000;

/** A client message id; pages served over plain HTTP (not a secure context) have no randomUUID. */
export function newCmid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The client SDK: signs in, keeps a WebSocket open, resumes from its durable
 * sync position after any disconnect, fills gaps, and re-sends queued
 * messages until acknowledged. Applications read `state` and listen to events.
 */
export class SwitchboardClient extends Emitter<Events> {
  readonly api: ApiClient;
  state: ClientState;
  user: UserView | null = null;
  sessionId: string | null = null;
  /** Durable sync position: everything up to here has been applied. */
  pos = 0;
  connection: ConnectionState = 'idle';
  central: 'up' | 'down' = 'up';
  /** Presence of users learned from pushes and queries (not part of the synced state). */
  presence: Record<number, PresenceView> = {};
  /** The organisation directory, once loadDirectory() was called; kept current by pushes. */
  readonly directory: DirectoryMirror;

  private ws: WebSocketLike | null = null;
  private readonly WS: WebSocketCtor;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private resyncTimer: ReturnType<typeof setInterval> | null = null;
  private waiting = new Map<string, { resolve: (f: ServerFrame) => void; reject: (e: AppError) => void; timer: ReturnType<typeof setTimeout> }>();
  private outbox: Outgoing[] = [];
  private frameSeq = 0;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private fills = new Map<number, Promise<void>>();
  private stopped = false;
  private started = false;
  private lastFrameAt = 0;
  private readonly relays: string[];
  private relayIndex = 0;
  /** The current socket reached `ready`: a later drop retries the same relay once before moving on. */
  private wasReady = false;

  constructor(private readonly opts: ClientOptions) {
    super();
    this.relays = [opts.baseUrl, ...(opts.fallbackUrls ?? []).filter((u) => u !== opts.baseUrl)];
    this.api = new ApiClient(opts.baseUrl, opts.token);
    this.directory = new DirectoryMirror(this.api, { isAdmin: () => this.user?.is_admin === true, changed: (c) => this.emit('directory', c) });
    // A saved state is readable at once (a page shows its cached history); start() keeps it only for its own user.
    this.state = opts.restore?.state ?? emptyState(0);
    const WS = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!WS) throw new Error('No WebSocket implementation: pass one in ClientOptions.WebSocket');
    this.WS = WS;
  }

  static async login(baseUrl: string, account: string, password: string, device: { type?: DeviceType; name?: string } = {}): Promise<LoginResult> {
    return new ApiClient(baseUrl).call('auth.login', { account, password, device_type: device.type ?? 'web', device_name: device.name });
  }

  get token(): string { return this.opts.token; }

  /** The relay currently in use (changes on failover). */
  get relayUrl(): string { return this.relays[this.relayIndex]!; }

  /** Moves to the next relay in the list; HTTP calls follow at once. */
  private nextRelay(): void {
    if (this.relays.length < 2) return;
    this.relayIndex = (this.relayIndex + 1) % this.relays.length;
    this.api.baseUrl = this.relayUrl;
    this.emit('relay', this.relayUrl);
  }

  /** Loads who I am, connects, and resolves after the first full sync. */
  async start(): Promise<void> {
    for (let tried = 0; ; tried++) {
      try {
        this.user = await this.api.call('users.me');
        break;
      } catch (e) {
        // This relay (or its link to central) is down: start at the next one.
        if (!(e instanceof AppError) || e.code !== 'SB_CENTRAL_UNAVAILABLE' || tried + 1 >= this.relays.length) throw e;
        this.nextRelay();
      }
    }
    if (!this.user) throw new AppError('SB_INTERNAL');
    const saved = this.opts.restore;
    if (saved && saved.state.me === this.user.id) {
      this.state = saved.state;
      this.pos = saved.pos;
    } else {
      this.state = emptyState(this.user.id);
      this.pos = 0;
    }
    this.stopped = false;
    this.started = true;
    if (this.opts.resyncIntervalMs !== 0) {
      this.resyncTimer = setInterval(() => { if (this.connection === 'online') void this.resync(); }, this.opts.resyncIntervalMs ?? 30_000);
    }
    const first = new Promise<void>((resolve) => {
      const off = this.on('state', (s) => { if (s === 'online') { off(); resolve(); } });
    });
    this.open();
    await first;
    await this.resync();
  }

  /** Stops reconnecting and closes the socket. Queued messages stay queued. */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.ws?.close(1000, 'bye');
    this.ws = null;
    this.setConnection('closed');
  }

  /**
   * Reconnects now instead of waiting out the backoff (the network came back,
   * the machine woke up). A connected client just resyncs.
   */
  wake(): void {
    if (this.stopped || !this.started) return;
    if (this.ws) { if (this.connection === 'online') void this.resync().catch(() => {}); return; } // resync retries on the next connect
    if (this.reconnectTimer) { clearTimeout(this.reconnectTimer); this.reconnectTimer = null; }
    this.open();
  }

  /** Messages queued and not yet acknowledged, oldest first. */
  queued(convId?: number): { convId: number; cmid: string; body: { text: string } | { file_id: number } }[] {
    return this.outbox.filter((o) => convId === undefined || o.convId === convId).map(({ convId: c, cmid, body }) => ({ convId: c, cmid, body }));
  }

  /** Drops the socket as a network failure would; the client reconnects by itself. */
  dropConnection(): void {
    this.ws?.close(4000, 'dropped');
  }

  async logout(): Promise<void> {
    try { await this.api.call('auth.logout'); } finally { this.stop(); }
  }

  // ---- messaging --------------------------------------------------------------

  conversations(): ConversationView[] {
    return Object.values(this.state.conversations)
      .sort((a, b) => (b.last_message?.created_at ?? b.created_at) - (a.last_message?.created_at ?? a.created_at));
  }

  messages(convId: number): MessageView[] {
    return sortedMessages(this.state, convId);
  }

  /**
   * Queues a text message and sends it as soon as the socket is up; a retry
   * after reconnecting carries the same cmid, so the server stores it once.
   */
  send(convId: number, text: string, cmid: string = newCmid()): Promise<MessageView> {
    return this.enqueue(convId, { text }, cmid);
  }

  /** Uploads a file through the relay and shares it in the conversation. */
  async sendFile(convId: number, name: string, mime: string, bytes: Uint8Array | Blob, cmid: string = newCmid()): Promise<MessageView> {
    const file = await this.api.upload(name, mime, bytes);
    return this.enqueue(convId, { file_id: file.id }, cmid);
  }

  private enqueue(convId: number, body: Outgoing['body'], cmid: string): Promise<MessageView> {
    return new Promise<MessageView>((resolve, reject) => {
      this.outbox.push({ convId, cmid, body, resolve, reject, inFlight: false });
      this.flushOutbox();
    });
  }

  get pendingCount(): number { return this.outbox.length; }

  async markRead(convId: number, seq?: number): Promise<number> {
    const conv = this.state.conversations[convId];
    const target = seq ?? conv?.last_seq ?? 0;
    if (conv && conv.read_seq >= target) return conv.read_seq;
    const r: { read_seq: number } = await this.api.call('msg.read', { conv_id: convId, seq: target });
    applyEvent(this.state, { type: 'read.updated', conv_id: convId, user_id: this.state.me, read_seq: r.read_seq });
    this.emit('changed');
    return r.read_seq;
  }

  async openDirect(userId: number): Promise<ConversationView> {
    const view: ConversationView = await this.api.call('conv.direct', { user_id: userId });
    this.mergeConversation(view);
    return this.state.conversations[view.id]!;
  }

  async createGroup(title: string, memberIds: number[], cmid: string = newCmid()): Promise<ConversationView> {
    const view: ConversationView = await this.api.call('conv.group', { title, member_ids: memberIds, cmid });
    this.mergeConversation(view);
    await this.fill(view.id);
    return this.state.conversations[view.id]!;
  }

  /** Loads older messages of a conversation (scrolling up). Returns how many were added. */
  async loadOlder(convId: number, limit = 50): Promise<number> {
    const loaded = this.messages(convId);
    const before = loaded[0]?.seq ?? (this.state.conversations[convId]?.last_seq ?? 0) + 1;
    if (before <= 1) return 0;
    const page: HistoryPage = await this.api.call('msg.history', { conv_id: convId, before, limit });
    let added = 0;
    for (const m of page.messages) if (this.insert(m)) added++;
    if (added) this.emit('changed');
    return added;
  }

  /** True when every message from seq 1 to the last is loaded. */
  complete(convId: number): boolean {
    const conv = this.state.conversations[convId];
    const bucket = this.state.messages[convId] ?? {};
    if (!conv) return false;
    for (let s = 1; s <= conv.last_seq; s++) if (!bucket[s]) return false;
    return true;
  }

  // ---- sync -------------------------------------------------------------------

  /** Pulls everything that changed since `pos`, then fills message gaps. Coalesces concurrent calls. */
  resync(): Promise<void> {
    if (this.syncing) { this.syncAgain = true; return this.syncing; }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          const r: SyncResult = await this.api.call('sync', { since: this.pos });
          for (const id of r.removed) { removeConversation(this.state, id); this.emit('conversation', null, id); }
          for (const view of r.conversations) this.mergeConversation(view);
          await Promise.all(r.conversations.map((c) => this.fill(c.id)));
          // Only now is everything up to r.pos applied, so only now may pos advance.
          this.pos = Math.max(this.pos, r.pos);
          this.emit('changed');
        } while (this.syncAgain);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private mergeConversation(view: ConversationView): void {
    const known = this.state.conversations[view.id];
    upsertConversation(this.state, view);
    const conv = this.state.conversations[view.id]!;
    // Messages we hold that the snapshot predates stay authoritative for the tail.
    if (known && known.last_seq > conv.last_seq) { conv.last_seq = known.last_seq; conv.last_message = known.last_message; }
    this.emit('conversation', conv, view.id);
  }

  /** Fetches every message after the newest one held (or the latest page for a new conversation). */
  private fill(convId: number): Promise<void> {
    const running = this.fills.get(convId);
    const next = (running ?? Promise.resolve()).then(async () => {
      for (;;) {
        const conv = this.state.conversations[convId];
        if (!conv) return;
        const held = this.messages(convId);
        const newest = held.length ? held[held.length - 1]!.seq : 0;
        const gap = this.firstGap(convId, held);
        let page: HistoryPage;
        if (gap !== null) page = await this.api.call('msg.history', { conv_id: convId, after: gap - 1, limit: 200 });
        else if (newest < conv.last_seq && held.length === 0) page = await this.api.call('msg.history', { conv_id: convId, limit: this.opts.initialPage ?? 50 });
        else if (newest < conv.last_seq) page = await this.api.call('msg.history', { conv_id: convId, after: newest, limit: 200 });
        else return;
        let added = 0;
        for (const m of page.messages) if (this.insert(m)) added++;
        if (page.messages.length === 0) return;
        if (added) this.emit('changed');
      }
    }).catch((e: unknown) => {
      // A removed conversation or a lost link: the next resync tries again.
      if (!(e instanceof AppError)) throw e;
    }).finally(() => { if (this.fills.get(convId) === next) this.fills.delete(convId); });
    this.fills.set(convId, next);
    return next;
  }

  /** The first missing seq between the oldest and newest message held, if any. */
  private firstGap(convId: number, held: MessageView[]): number | null {
    for (let i = 1; i < held.length; i++) if (held[i]!.seq !== held[i - 1]!.seq + 1) return held[i - 1]!.seq + 1;
    void convId;
    return null;
  }

  private insert(m: MessageView): boolean {
    if (!this.state.conversations[m.conv_id]) return false;
    if (!addMessage(this.state, m)) return false;
    this.emit('message', m);
    return true;
  }

  /** Asks for the presence of up to 500 users and remembers it. */
  async queryPresence(userIds: number[]): Promise<PresenceView[]> {
    const list: PresenceView[] = await this.api.call('presence.query', { user_ids: userIds });
    for (const p of list) this.presence[p.user_id] = p;
    return list;
  }

  /** Marks this device idle ('away') or active; others see it in presence. */
  setAway(away: boolean): void {
    this.raw({ t: 'presence', status: away ? 'away' : 'online' });
  }

  /** Downloads the directory snapshot once; deltas keep it current from then on. */
  loadDirectory(): Promise<void> {
    return this.directory.load();
  }

  private onEvent(event: ServerEvent): void {
    this.emit('event', event);
    if (event.type === 'directory.changed') {
      this.directory.onEvent(event);
      return;
    }
    if (event.type === 'presence.updated') {
      this.presence[event.presence.user_id] = event.presence;
      this.emit('presence', event.presence);
      return;
    }
    if (event.type === 'message.new') {
      const conv = this.state.conversations[event.conv_id];
      if (!conv) { void this.resync(); return; }
      const held = this.messages(event.conv_id);
      const newest = held.length ? held[held.length - 1]!.seq : 0;
      this.insert(event.message);
      // A hint that skips ahead means something was missed: pull the gap.
      if (held.length > 0 && event.message.seq > newest + 1) void this.fill(event.conv_id);
      this.emit('changed');
      return;
    }
    if (event.type === 'conversation.updated' && !this.state.conversations[event.conversation.id]) {
      applyEvent(this.state, event);
      const conv = this.state.conversations[event.conversation.id];
      if (conv) { this.emit('conversation', conv, conv.id); void this.fill(conv.id); }
      this.emit('changed');
      return;
    }
    if (applyEvent(this.state, event)) {
      if (event.type === 'conversation.updated' || event.type === 'conversation.removed') {
        const id = event.type === 'conversation.updated' ? event.conversation.id : event.conv_id;
        this.emit('conversation', this.state.conversations[id] ?? null, id);
      }
      this.emit('changed');
    }
  }

  // ---- socket -----------------------------------------------------------------

  private wsUrl(): string {
    return this.relayUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws';
  }

  private setConnection(s: ConnectionState): void {
    if (this.connection === s) return;
    this.connection = s;
    this.emit('state', s);
  }

  private open(): void {
    if (this.stopped) return;
    this.setConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new this.WS(this.wsUrl());
    this.ws = ws;
    this.wasReady = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ t: 'auth', token: this.opts.token } satisfies ClientFrame));
    };
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      let f: ServerFrame;
      try { f = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as ServerFrame; } catch { return; }
      this.onFrame(f);
    };
    ws.onerror = () => { /* onclose follows */ };
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.heartbeat) { clearInterval(this.heartbeat); this.heartbeat = null; }
      for (const [, w] of this.waiting) { clearTimeout(w.timer); w.reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'connection lost')); }
      this.waiting.clear();
      for (const o of this.outbox) o.inFlight = false;
      if (ev.code === CLOSE.AUTH_FAILED || ev.code === CLOSE.SESSION_ENDED) {
        this.stopped = true;
        this.setConnection('closed');
        this.emit('ended', ev.reason || 'session ended');
        return;
      }
      if (this.stopped) return;
      // A relay that could not be reached, or that went away (abnormal close, shutting down): try the next one.
      // A deliberate drop of a working connection retries the same relay first.
      if (!this.wasReady || ev.code === 1006 || ev.code === CLOSE.SHUTDOWN) this.nextRelay();
      this.attempt += 1;
      this.setConnection('reconnecting');
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
        this.user = f.user;
        this.sessionId = f.session_id;
        this.central = f.central;
        this.attempt = 0;
        this.wasReady = true;
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = this.watch(f.heartbeat_ms);
        this.setConnection('online');
        // Resume: pull what was missed while away, then re-send the queue.
        void this.resync().catch(() => {}); // retried on the next connect or central-up
        if (this.directory.state) void this.directory.pull().catch(() => {}); // the next directory event pulls again
        this.flushOutbox();
        return;
      case 'event':
        this.onEvent(f.event);
        return;
      case 'link':
        this.central = f.central;
        this.emit('link', f.central);
        if (f.central === 'up') { this.flushOutbox(); void this.resync().catch(() => {}); } // retried on the next connect
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
    }
  }

  private raw(f: ClientFrame): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(f));
  }

  private request(f: ClientFrame & { id: string }): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1) { reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'not connected')); return; }
      const timer = setTimeout(() => { this.waiting.delete(f.id); reject(new AppError('SB_CENTRAL_UNAVAILABLE', 'request timed out')); }, REQUEST_TIMEOUT_MS);
      this.waiting.set(f.id, { resolve, reject, timer });
      this.raw(f);
    });
  }

  /**
   * Sends what is queued: one message in flight per conversation, so a user's
   * messages keep their order whichever central process stores them.
   */
  private flushOutbox(): void {
    if (this.connection !== 'online' || !this.ws) return;
    const busy = new Set<number>();
    for (const o of this.outbox) {
      if (busy.has(o.convId)) continue;
      busy.add(o.convId);
      if (o.inFlight) continue;
      o.inFlight = true;
      const id = `s${++this.frameSeq}`;
      this.request({ t: 'send', id, conv_id: o.convId, cmid: o.cmid, body: o.body }).then((f) => {
        const m = (f as { message?: MessageView }).message!;
        this.outbox = this.outbox.filter((x) => x !== o);
        this.insert(m);
        this.emit('changed');
        o.resolve(m);
        this.flushOutbox();
      }, (e: AppError) => {
        o.inFlight = false;
        if (RETRYABLE.has(e.code)) {
          // Kept in the queue: tried again shortly, and on every reconnect or link-up.
          setTimeout(() => this.flushOutbox(), 250 + Math.random() * 500);
          return;
        }
        this.outbox = this.outbox.filter((x) => x !== o);
        o.reject(e);
        this.flushOutbox();
      });
    }
  }
}
