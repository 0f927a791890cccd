import { AppError } from '../errors.js';
import type { ConversationView, DeviceType, HistoryPage, LoginResult, MessageView, PresenceView, UserView } from '../protocol/types.js';
import { ApiClient } from './api.js';
import { RelayConnection, type ReadyFrame } from './connection.js';
import { DirectoryMirror } from './directory.js';
import { Emitter } from './emitter.js';
import type { ClientEvents, ClientOptions, ConnectionState, WebSocketCtor } from './options.js';
import { newCmid, Outbox, type QueuedSend } from './outbox.js';
import { applyEvent, emptyState, type ClientState } from './state.js';
import { SyncEngine } from './sync.js';
import type { ServerFrame } from '../protocol/frames.js';

export type { ClientOptions, ConnectionState, WebSocketCtor, WebSocketLike } from './options.js';
export { newCmid, encodeQueue, decodeQueue, type QueuedSend } from './outbox.js';

/**
 * The client SDK: signs in, keeps a WebSocket open, resumes from its durable
 * sync position after any disconnect, fills gaps, and re-sends queued
 * messages until acknowledged. Applications read `state` and listen to events.
 * Composed of the relay connection (connection.ts), the outbox (outbox.ts) and the sync (sync.ts).
 */
export class SwitchboardClient extends Emitter<ClientEvents> {
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

  private readonly link: RelayConnection;
  private readonly outbox: Outbox;
  private readonly sync: SyncEngine;
  private resyncTimer: ReturnType<typeof setInterval> | null = null;
  private started = false;

  constructor(private readonly opts: ClientOptions) {
    super();
    this.api = new ApiClient(opts.baseUrl, opts.token);
    this.directory = new DirectoryMirror(this.api, { isAdmin: () => this.user?.is_admin === true, changed: (c) => this.emit('directory', c) });
    // A saved state is readable at once (a page shows its cached history); start() keeps it only for its own user.
    this.state = opts.restore?.state ?? emptyState(0);
    const WS = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!WS) throw new Error('No WebSocket implementation: pass one in ClientOptions.WebSocket');
    this.sync = new SyncEngine(this, (name, ...args) => this.emit(name, ...args), opts.initialPage ?? 50);
    this.link = new RelayConnection(opts, WS, {
      setConnection: (s) => this.setConnection(s),
      ready: (f) => this.onReady(f),
      frame: (f) => this.onFrame(f),
      lost: () => this.outbox.lost(),
      ended: (reason) => this.emit('ended', reason),
      relayChanged: (url) => { this.api.baseUrl = url; this.emit('relay', url); },
    });
    this.outbox = new Outbox({
      canSend: () => this.connection === 'online' && this.link.hasSocket,
      request: (f) => this.link.request(f),
      delivered: (m) => { this.sync.insert(m); this.emit('changed'); },
    });
  }

  /**
   * Signs in. Where the password policy asks for a step first, this rejects with SB_TOTP_REQUIRED (call again
   * with `totpCode`), SB_PASSWORD_CHANGE_REQUIRED, SB_TOTP_SETUP_REQUIRED or SB_DEVICE_APPROVAL_REQUIRED (finish
   * with completeSignIn and the error's details.ticket; for an approval, ask again until it stops answering
   * SB_APPROVAL_PENDING). `id` is the device's own id, kept across sign-ins, so an approved device stays approved.
   */
  static async login(baseUrl: string, account: string, password: string, device: { type?: DeviceType; name?: string; id?: string; totpCode?: string } = {}): Promise<LoginResult> {
    return new ApiClient(baseUrl).call('auth.login', {
      account, password, device_type: device.type ?? 'web', device_name: device.name, device_id: device.id, ...(device.totpCode ? { totp_code: device.totpCode } : {}),
    });
  }

  /** The step a sign-in asked for: a new password, or the first code of a new authenticator. May ask for the next step in turn. */
  static async completeSignIn(baseUrl: string, step: { ticket: string; newPassword?: string; totpCode?: string }): Promise<LoginResult> {
    return new ApiClient(baseUrl).call('auth.completeSignIn', {
      ticket: step.ticket, ...(step.newPassword ? { new_password: step.newPassword } : {}), ...(step.totpCode ? { totp_code: step.totpCode } : {}),
    });
  }

  get token(): string { return this.opts.token; }

  /** The relay currently in use (changes on failover). */
  get relayUrl(): string { return this.link.relayUrl; }

  /** Loads who I am, connects, and resolves after the first full sync. */
  async start(): Promise<void> {
    for (let tried = 0; ; tried++) {
      try {
        this.user = await this.api.call('users.me');
        break;
      } catch (e) {
        // This relay (or its link to central) is down: start at the next one.
        if (!(e instanceof AppError) || e.code !== 'SB_CENTRAL_UNAVAILABLE' || tried + 1 >= this.link.relayCount) throw e;
        this.link.nextRelay();
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
    this.started = true;
    if (this.opts.resyncIntervalMs !== 0) {
      this.resyncTimer = setInterval(() => { if (this.connection === 'online') void this.resync(); }, this.opts.resyncIntervalMs ?? 30_000);
    }
    const first = new Promise<void>((resolve) => {
      const off = this.on('state', (s) => { if (s === 'online') { off(); resolve(); } });
    });
    this.link.start();
    await first;
    await this.resync();
  }

  /** Stops reconnecting and closes the socket. Queued messages stay queued. */
  stop(): void {
    this.link.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.setConnection('closed');
  }

  /**
   * Reconnects now instead of waiting out the backoff (the network came back,
   * the machine woke up). A connected client just resyncs.
   */
  wake(): void {
    if (this.link.stopped || !this.started) return;
    if (this.link.hasSocket) { if (this.connection === 'online') void this.resync().catch(() => {}); return; } // resync retries on the next connect
    this.link.reconnectNow();
  }

  /** Messages queued and not yet acknowledged, oldest first. */
  queued(convId?: number): QueuedSend[] {
    return this.outbox.queued(convId);
  }

  /** Queues again a send saved by an earlier page (`queued()`, kept with `encodeQueue`): the same cmid and body. */
  resend(q: QueuedSend): Promise<MessageView> {
    return this.outbox.enqueue(q.convId, q.body, q.cmid);
  }

  /** Drops the socket as a network failure would; the client reconnects by itself. */
  dropConnection(): void {
    this.link.drop();
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
    return this.sync.messages(convId);
  }

  /**
   * Queues a text message and sends it as soon as the socket is up; a retry
   * after reconnecting carries the same cmid, so the server stores it once.
   */
  send(convId: number, text: string, cmid: string = newCmid(), opts: { mentions?: number[]; mention_all?: boolean; replyTo?: number; urgent?: boolean } = {}): Promise<MessageView> {
    const { replyTo, urgent, ...refs } = opts;
    return this.outbox.enqueue(convId, { text, ...refs, ...(replyTo ? { reply_to: replyTo } : {}), ...(urgent ? { urgent: true } : {}) }, cmid);
  }

  /** Uploads a file through the relay and shares it in the conversation. */
  async sendFile(convId: number, name: string, mime: string, bytes: Uint8Array | Blob, cmid: string = newCmid()): Promise<MessageView> {
    const file = await this.api.upload(name, mime, bytes);
    return this.outbox.enqueue(convId, { file_id: file.id }, cmid);
  }

  /** Shares a file already uploaded (its id from the upload) in the conversation. */
  shareFile(convId: number, fileId: number, cmid: string = newCmid()): Promise<MessageView> {
    return this.outbox.enqueue(convId, { file_id: fileId }, cmid);
  }

  get pendingCount(): number { return this.outbox.size; }

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
    this.sync.mergeConversation(view);
    return this.state.conversations[view.id]!;
  }

  async createGroup(title: string, memberIds: number[], cmid: string = newCmid()): Promise<ConversationView> {
    const view: ConversationView = await this.api.call('conv.group', { title, member_ids: memberIds, cmid });
    this.sync.mergeConversation(view);
    await this.sync.fill(view.id);
    return this.state.conversations[view.id]!;
  }

  /** Starts a discussion (多人讨论) with the others named, and has it in the state before it returns. */
  async startDiscussion(memberIds: number[], cmid: string = newCmid()): Promise<ConversationView> {
    const view: ConversationView = await this.api.call('conv.discussion', { member_ids: memberIds, cmid });
    this.sync.mergeConversation(view);
    await this.sync.fill(view.id);
    return this.state.conversations[view.id]!;
  }

  /** Loads older messages of a conversation (scrolling up). Returns how many were added. */
  async loadOlder(convId: number, limit = 50): Promise<number> {
    const loaded = this.messages(convId);
    const before = loaded[0]?.seq ?? (this.state.conversations[convId]?.last_seq ?? 0) + 1;
    if (before <= 1) return 0;
    const page: HistoryPage = await this.api.call('msg.history', { conv_id: convId, before, limit });
    let added = 0;
    for (const m of page.messages) if (this.sync.insert(m)) added++;
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

  /** Pulls everything that changed since `pos`, then fills message gaps. Coalesces concurrent calls. */
  resync(): Promise<void> {
    return this.sync.resync();
  }

  // ---- presence and directory ----------------------------------------------------

  /** Asks for the presence of up to 500 users and remembers it. */
  async queryPresence(userIds: number[]): Promise<PresenceView[]> {
    const list: PresenceView[] = await this.api.call('presence.query', { user_ids: userIds });
    for (const p of list) this.presence[p.user_id] = p;
    return list;
  }

  /** Marks this device idle ('away') or active; others see it in presence. */
  setAway(away: boolean): void {
    this.link.raw({ t: 'presence', status: away ? 'away' : 'online' });
  }

  /**
   * 正在输入: tells the other members I am typing, at most every 3 s per conversation (call it on every keystroke).
   * A hint over the socket only: offline, nothing is queued.
   */
  typing(convId: number): void {
    const now = Date.now();
    if ((this.typingSent.get(convId) ?? 0) > now - 3000) return;
    this.typingSent.set(convId, now);
    this.link.raw({ t: 'typing', conv_id: convId });
  }

  private readonly typingSent = new Map<number, number>();

  /** Downloads the directory snapshot once; deltas keep it current from then on. */
  loadDirectory(): Promise<void> {
    return this.directory.load();
  }

  // ---- the connection's news ------------------------------------------------------

  private setConnection(s: ConnectionState): void {
    if (this.connection === s) return;
    this.connection = s;
    this.emit('state', s);
  }

  private onReady(f: ReadyFrame): void {
    this.user = f.user;
    this.sessionId = f.session_id;
    this.central = f.central;
    this.setConnection('online');
    // Resume: pull what was missed while away, then re-send the queue.
    void this.resync().catch(() => {}); // retried on the next connect or central-up
    if (this.directory.state) void this.directory.pull().catch(() => {}); // the next directory event pulls again
    this.outbox.flush();
  }

  private onFrame(f: ServerFrame): void {
    if (f.t === 'event') { this.sync.onEvent(f.event); return; }
    if (f.t === 'link') {
      this.central = f.central;
      this.emit('link', f.central);
      if (f.central === 'up') { this.outbox.flush(); void this.resync().catch(() => {}); } // retried on the next connect
    }
  }
}
