import { AppError } from '../errors.js';
import type { ConversationView, HistoryPage, MessageView, PresenceView, ServerEvent, SyncResult } from '../protocol/types.js';
import type { ApiClient } from './api.js';
import type { DirectoryMirror } from './directory.js';
import type { ClientEvents } from './options.js';
import { addMessage, applyEvent, removeConversation, sortedMessages, updateMessage, upsertConversation, type ClientState } from './state.js';

/** The parts of the client the sync works on (its public state). */
export interface SyncHost {
  state: ClientState;
  /** Durable sync position: everything up to here has been applied. */
  pos: number;
  readonly api: ApiClient;
  readonly directory: DirectoryMirror;
  presence: Record<number, PresenceView>;
}

export type Emit = <K extends keyof ClientEvents>(name: K, ...args: ClientEvents[K]) => void;

/**
 * Keeps the client's state current: pulls what changed since the sync position, fills message gaps,
 * and applies pushed events (a push that skips ahead pulls the gap).
 */
export class SyncEngine {
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private fills = new Map<number, Promise<void>>();

  constructor(private readonly host: SyncHost, private readonly emit: Emit, private readonly initialPage: number) {}

  messages(convId: number): MessageView[] {
    return sortedMessages(this.host.state, convId);
  }

  /** Pulls everything that changed since `pos`, then fills message gaps. Coalesces concurrent calls. */
  resync(): Promise<void> {
    if (this.syncing) { this.syncAgain = true; return this.syncing; }
    const h = this.host;
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          const r: SyncResult = await h.api.call('sync', { since: h.pos });
          for (const id of r.removed) { removeConversation(h.state, id); this.emit('conversation', null, id); }
          for (const view of r.conversations) this.mergeConversation(view);
          const favs = (h.state.favourites ??= {});
          for (const f of r.favourites) favs[f.id] = f;
          for (const id of r.favourites_removed) delete favs[id];
          if (r.notify_settings) h.state.notify = r.notify_settings;
          await Promise.all(r.conversations.map((c) => this.fill(c.id)));
          // Recalls and edits while away (older holdings than the sync's bound keep their old copy: docs/messages.md).
          for (const m of r.updated ?? []) updateMessage(h.state, m);
          // Only now is everything up to r.pos applied, so only now may pos advance.
          h.pos = Math.max(h.pos, r.pos);
          this.emit('changed');
        } while (this.syncAgain);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  mergeConversation(view: ConversationView): void {
    const state = this.host.state;
    const known = state.conversations[view.id];
    upsertConversation(state, view);
    const conv = state.conversations[view.id]!;
    // Messages we hold that the snapshot predates stay authoritative for the tail.
    if (known && known.last_seq > conv.last_seq) { conv.last_seq = known.last_seq; conv.last_message = known.last_message; }
    this.emit('conversation', conv, view.id);
  }

  /** Fetches every message after the newest one held (or the latest page for a new conversation). */
  fill(convId: number): Promise<void> {
    const running = this.fills.get(convId);
    const api = this.host.api;
    const next = (running ?? Promise.resolve()).then(async () => {
      for (;;) {
        const conv = this.host.state.conversations[convId];
        if (!conv) return;
        const held = this.messages(convId);
        const newest = held.length ? held[held.length - 1]!.seq : 0;
        const gap = firstGap(held);
        let page: HistoryPage;
        if (gap !== null) page = await api.call('msg.history', { conv_id: convId, after: gap - 1, limit: 200 });
        else if (newest < conv.last_seq && held.length === 0) page = await api.call('msg.history', { conv_id: convId, limit: this.initialPage });
        else if (newest < conv.last_seq) page = await api.call('msg.history', { conv_id: convId, after: newest, limit: 200 });
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

  /** Adds a message once (to a known conversation) and announces it. */
  insert(m: MessageView): boolean {
    const state = this.host.state;
    if (!state.conversations[m.conv_id]) return false;
    if (!addMessage(state, m)) return false;
    this.emit('message', m);
    return true;
  }

  onEvent(event: ServerEvent): void {
    const h = this.host;
    this.emit('event', event);
    if (event.type === 'directory.changed') {
      h.directory.onEvent(event);
      return;
    }
    if (event.type === 'presence.updated') {
      h.presence[event.presence.user_id] = event.presence;
      this.emit('presence', event.presence);
      return;
    }
    if (event.type === 'message.new') {
      const conv = h.state.conversations[event.conv_id];
      if (!conv) { void this.resync(); return; }
      const held = this.messages(event.conv_id);
      const newest = held.length ? held[held.length - 1]!.seq : 0;
      this.insert(event.message);
      // A hint that skips ahead means something was missed: pull the gap.
      if (held.length > 0 && event.message.seq > newest + 1) void this.fill(event.conv_id);
      this.emit('changed');
      return;
    }
    if (event.type === 'conversation.updated' && !h.state.conversations[event.conversation.id]) {
      applyEvent(h.state, event);
      const conv = h.state.conversations[event.conversation.id];
      if (conv) { this.emit('conversation', conv, conv.id); void this.fill(conv.id); }
      this.emit('changed');
      return;
    }
    if (applyEvent(h.state, event)) {
      if (event.type === 'conversation.updated' || event.type === 'conversation.removed') {
        const id = event.type === 'conversation.updated' ? event.conversation.id : event.conv_id;
        this.emit('conversation', h.state.conversations[id] ?? null, id);
      }
      this.emit('changed');
    }
  }
}

/** The first missing seq between the oldest and newest message held, if any. */
function firstGap(held: MessageView[]): number | null {
  for (let i = 1; i < held.length; i++) if (held[i]!.seq !== held[i - 1]!.seq + 1) return held[i - 1]!.seq + 1;
  return null;
}
