import { computed, signal } from '@preact/signals';
import { SwitchboardClient, newCmid } from '../../../shared/sdk/client.js';
import type { ConversationView } from '../../../shared/protocol/types.js';
import { loadSnapshot, saveSnapshot, clearCache, type KnownUser, type Snapshot } from './cache.js';
import { OrgDirectory, type DirectorySource } from './directory.js';
import type { Names } from './format.js';
import { MessageActions } from './message-actions.js';
import { uploadWithProgress, type UploadError } from './upload.js';
import { forgetSession, loadDraft, loadOutbox, saveDraft, saveOutbox } from './storage.js';
import type { PinStatus } from '../../../shared/protocol/devices.js';
import { addFailure, checkLocalPin, clearFailures, forgetLocalPin, loadLocalPin, saveLocalPin, setLocalMax } from './pin.js';
import { wipeOrderOf } from './wipe.js';
import { ReceiptCounts } from './receipt-counts.js';

export interface Failed { cmid: string; text: string }
export interface Upload { cmid: string; name: string; /** 0 to 1. */ progress: number }
type PerConversation<T> = Readonly<Record<number, readonly T[]>>;
/** The security PIN gate: asking the server, asking for the PIN, asking to set one (the policy requires it), or open. */
export type PinMode = 'checking' | 'locked' | 'setup' | 'open';
/** A wipe order's id from central, null when only the socket's close (4010) said so, 'local' for wrong PINs offline. */
export type WipeCause = number | null | 'local';

/** Errors after which the saved token is worthless: the page signs out. */
const SIGNED_OUT: ReadonlySet<string> = new Set(['SB_UNAUTHENTICATED', 'SB_TOKEN_EXPIRED', 'SB_USER_DISABLED']);

/**
 * One signed-in user: the SDK client and what the views read from it. The SDK owns the state and applies
 * every server event; the signals here only tell the views that something they read has changed.
 */
export class Session implements Names {
  readonly client: SwitchboardClient;
  readonly directory: DirectorySource;
  /** The SDK's state changed (messages, conversations, read cursors); bumped at most once per frame. */
  readonly rev = signal(0);
  /** The connection, the link to central or the send queue changed. */
  readonly link = signal(0);
  readonly presence = signal(0);
  /** The directory or someone's details changed. */
  readonly people = signal(0);
  readonly failed = signal<PerConversation<Failed>>({});
  readonly uploads = signal<PerConversation<Upload>>({});
  /** The conversation list's filter, kept while the directory tab is open. */
  readonly chatSearch = signal('');
  /** Menus, reply, selection and dialogs of message actions (message-actions.ts). */
  readonly actions = new MessageActions();
  readonly pinMode = signal<PinMode>('checking');
  /** What the server said of my PIN, once it answered. */
  pinStatus: PinStatus | null = null;
  /** Receipt counts of my messages where cursors are not shared (large conversations), from central. */
  readonly receipts: ReceiptCounts;
  readonly conversations = computed(() => { void this.rev.value; return this.client.conversations(); });
  readonly unreadTotal = computed(() => this.conversations.value.filter((c) => !c.muted).reduce((a, c) => a + c.unread, 0));

  private readonly users: Record<number, KnownUser>;
  private readonly marking = new Set<number>();
  private frameQueued = false;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private retryNow: (() => void) | null = null;
  private stopped = false;

  /** Opens a session from a saved token, showing the cached history (if any) before the server answers. */
  static async open(base: string, token: string, uid: number, onSignedOut: () => void, onWiped: (cause: WipeCause) => void): Promise<Session> {
    return new Session(base, token, uid, uid ? await loadSnapshot(uid) : null, onSignedOut, onWiped);
  }

  private constructor(
    base: string, token: string, private readonly uid: number, snap: Snapshot | null,
    private readonly onSignedOut: () => void, private readonly onWiped: (cause: WipeCause) => void,
  ) {
    const c = new SwitchboardClient({ baseUrl: base, token, reconnectMaxMs: 5_000, restore: snap ? { state: snap.state, pos: snap.pos } : undefined });
    this.client = c;
    this.directory = new OrgDirectory(c);
    this.users = snap?.users ?? {};
    for (const cv of Object.values(c.state.conversations)) for (const m of cv.members) this.users[m.user_id] ??= { id: m.user_id, name: m.name, account: '' };
    c.on('changed', () => { this.bump(); this.scheduleSave(); this.saveQueue(); });
    c.on('state', () => { this.link.value++; });
    c.on('link', () => { this.link.value++; });
    c.on('presence', () => { this.presence.value++; });
    c.on('ended', (reason) => (reason === 'wiped' ? this.onWiped(null) : this.onSignedOut()));
    c.on('directory', () => { this.people.value++; });
    this.receipts = new ReceiptCounts(c.api, () => { this.rev.value++; });
    c.on('event', (ev) => {
      if (ev.type === 'user.updated') { this.users[ev.user.id] = ev.user; this.people.value++; }
      // In a large conversation someone read past my messages (or sent, which reads what came before): counts are asked again.
      const large = 'conv_id' in ev && c.state.conversations[ev.conv_id]?.cursors_shared === false;
      if (large && ev.type === 'read.updated' && ev.user_id !== this.me) this.receipts.stale(ev.conv_id, ev.read_seq);
      if (large && ev.type === 'message.new' && ev.message.sender_id !== this.me) this.receipts.stale(ev.conv_id, ev.message.seq);
    });
    // Messages written earlier and not yet acknowledged (the page was closed while offline): same cmid, stored once.
    for (const q of loadOutbox(uid)) c.resend(q).catch(() => { /* stays in the saved queue until sent */ });
  }

  get me(): number { return this.client.user?.id ?? (this.client.state.me || this.uid); }
  get myName(): string | undefined { return this.client.user?.name; }
  known(userId: number): string | undefined { return this.users[userId]?.name; }
  remember(p: { userId: number | null; name: string; account: string }): void {
    if (p.userId !== null) this.users[p.userId] = { id: p.userId, name: p.name, account: p.account };
  }
  conv(id: number): ConversationView | undefined { return this.client.state.conversations[id]; }

  /** Connects, retrying with backoff until the server answers; a token the server refuses signs out. */
  async run(): Promise<void> {
    for (let delay = 1000; !this.stopped; delay = Math.min(delay * 2, 15_000)) {
      try {
        await this.client.start();
        break;
      } catch (e) {
        if (SIGNED_OUT.has((e as { code?: string }).code ?? '')) { this.onSignedOut(); return; }
        const wipe = wipeOrderOf(e);
        if (wipe !== null) { this.onWiped(wipe); return; }
        this.link.value++;
        await new Promise<void>((r) => { this.retryNow = r; setTimeout(r, delay); });
        this.retryNow = null;
      }
    }
    if (this.stopped) return;
    localStorage.setItem('sb.uid', String(this.client.user!.id));
    this.rev.value++;
    this.scheduleSave();
  }

  /** The network came back: retry at once instead of waiting out the backoff. */
  online(): void { this.retryNow?.(); this.client.wake(); }
  /** The network is gone: drop the socket now, so the banner shows it without waiting for a heartbeat. */
  offline(): void { this.client.dropConnection(); this.link.value++; }
  /** The tab is visible again: reconnect if needed, and let an open chat mark what is now seen. */
  visible(): void { this.client.wake(); this.rev.value++; }

  /** `opts`: the people (and @所有人) picked while typing, as references the server checks; the message answered. */
  send(convId: number, text: string, opts: { mentions?: number[]; mention_all?: boolean; replyTo?: number; urgent?: boolean } = {}): void {
    const cmid = newCmid();
    this.client.send(convId, text, cmid, opts).catch(() => this.addFailed(convId, { cmid, text }));
    this.saveQueue();
    this.rev.value++;
    this.link.value++;
  }

  /** Uploads through the relay with progress, then sends; a refusal is shown with the text `failedText` makes of it. */
  sendFile(convId: number, file: File, failedText: (e: UploadError) => string): void {
    const cmid = newCmid();
    const set = (fn: (list: readonly Upload[]) => Upload[]) => { this.uploads.value = { ...this.uploads.value, [convId]: fn(this.uploads.value[convId] ?? []) }; };
    set((l) => [...l, { cmid, name: file.name, progress: 0 }]);
    uploadWithProgress(this.client.api.baseUrl, this.client.api.token ?? '', file, (progress) => set((l) => l.map((u) => (u.cmid === cmid ? { ...u, progress } : u))))
      .then((f) => this.client.shareFile(convId, f.id, cmid))
      .catch((e: UploadError) => this.addFailed(convId, { cmid, text: failedText(e) }))
      .finally(() => set((l) => l.filter((u) => u.cmid !== cmid)));
  }

  /** Marks the conversation read up to its newest message, when the reader can see it and the server can hear. */
  markRead(convId: number): void {
    const c = this.conv(convId);
    if (!c || c.read_seq >= c.last_seq || this.marking.has(convId) || document.visibilityState !== 'visible' || this.client.connection !== 'online') return;
    this.marking.add(convId);
    this.client.markRead(convId).catch(() => { /* the next render at the bottom tries again */ }).finally(() => this.marking.delete(convId));
  }

  /**
   * On open: a PIN known on this device locks at once (without the network); otherwise the server says whether
   * one is set (then asked and verified there) or required (then set first).
   */
  async checkPin(): Promise<void> {
    const local = loadLocalPin(this.uid);
    if (local) this.pinMode.value = 'locked';
    try {
      const st = await this.client.api.call('devices.pin');
      this.pinStatus = st;
      if (local && st.set) { setLocalMax(this.uid, st.max_attempts); return; }
      if (local) forgetLocalPin(this.uid); // removed on another device
      this.pinMode.value = st.set ? 'locked' : st.required ? 'setup' : 'open';
    } catch (e) {
      if (wipeOrderOf(e) !== null) return; // run() obeys the order
      if (!local) this.pinMode.value = 'open'; // offline, no PIN known here
    }
  }

  /** Wrong entries in a row that wipe this device: the policy as last heard (kept with the local verifier when offline). */
  get pinMax(): number {
    return this.pinStatus?.max_attempts ?? loadLocalPin(this.uid)?.maxAttempts ?? 5;
  }

  /** One PIN entry: checked here when this device knows the PIN, else by the server (which may answer SB_WIPED). */
  async tryPin(pin: string): Promise<{ ok: true } | { ok: false; left: number }> {
    const local = loadLocalPin(this.uid);
    const max = this.pinMax;
    const ok = local ? await checkLocalPin(local, pin) : (await this.client.api.call('devices.pin.verify', { pin })).ok;
    if (ok) {
      if (!local) await saveLocalPin(this.uid, pin, max);
      clearFailures(this.uid);
      this.pinMode.value = 'open';
      return { ok: true };
    }
    return { ok: false, left: max - addFailure(this.uid) };
  }

  /** A PIN set or changed here: this device checks it locally from now on. */
  async pinSet(pin: string, status: PinStatus): Promise<void> {
    this.pinStatus = status;
    await saveLocalPin(this.uid, pin, status.max_attempts);
    clearFailures(this.uid);
    this.pinMode.value = 'open';
  }

  pinCleared(status: PinStatus): void {
    this.pinStatus = status;
    forgetLocalPin(this.uid);
  }

  draft(convId: number): string { return loadDraft(this.me, convId); }
  saveDraft(convId: number, text: string): void { saveDraft(this.me, convId, text); }

  /** Stops the client and forgets everything this device kept for the user. */
  async end(callServer: boolean): Promise<void> {
    this.stopped = true;
    this.retryNow?.();
    this.receipts.stop();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    const c = this.client;
    if (callServer) await c.logout().catch(() => c.stop()); else c.stop();
    forgetSession();
    await clearCache();
  }

  private addFailed(convId: number, f: Failed): void {
    this.failed.value = { ...this.failed.value, [convId]: [...(this.failed.value[convId] ?? []), f] };
  }

  private bump(): void {
    if (this.frameQueued) return;
    this.frameQueued = true;
    requestAnimationFrame(() => { this.frameQueued = false; this.rev.value++; });
  }

  /** The IndexedDB snapshot, written once changes settle. */
  private scheduleSave(): void {
    if (this.saveTimer || this.stopped || !this.client.user) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      const user = this.client.user;
      if (user && !this.stopped) void saveSnapshot(user.id, { state: this.client.state, pos: this.client.pos, users: this.users });
    }, 800);
  }

  /** Mirrors the SDK's send queue to localStorage, so a reload while offline re-sends it. */
  private saveQueue(): void {
    if (this.stopped || !this.me) return;
    saveOutbox(this.me, this.client.queued());
  }
}
