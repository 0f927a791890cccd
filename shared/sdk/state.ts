import type { ConversationShared, ConversationView, FavouriteView, MessageView, NotifySettings, ServerEvent, TextBody } from '../protocol/types.js';

/**
 * The client's view of the world and the one reducer that applies server
 * events to it. The SDK, the web client and the state tests all use this, so
 * "events applied to stale state equal a fresh fetch" is tested on real code.
 */
export interface ClientState {
  me: number;
  conversations: Record<number, ConversationView>;
  /** Loaded messages per conversation, keyed by seq. */
  messages: Record<number, Record<number, MessageView>>;
  /** My favourites (收藏) known here, by id: from sync, pushes and the pages loaded. */
  favourites: Record<number, FavouriteView>;
  /** My notification settings; null until known (the defaults apply). */
  notify: NotifySettings | null;
}

export function emptyState(me: number): ClientState {
  return { me, conversations: {}, messages: {}, favourites: {}, notify: null };
}

export function sortedMessages(state: ClientState, convId: number): MessageView[] {
  return Object.values(state.messages[convId] ?? {}).sort((a, b) => a.seq - b.seq);
}

function countsAsUnread(m: MessageView, me: number, readSeq: number): boolean {
  return m.seq > readSeq && m.sender_id !== me && m.kind !== 'system';
}

/**
 * Unread = others' non-system messages after my read cursor. Exact when the
 * messages after the cursor are loaded; otherwise the server's count is kept.
 */
function recount(state: ClientState, conv: ConversationView, fallback: number): number {
  const loaded = state.messages[conv.id] ?? {};
  for (let s = conv.read_seq + 1; s <= conv.last_seq; s++) if (!loaded[s]) return fallback;
  let n = 0;
  for (let s = conv.read_seq + 1; s <= conv.last_seq; s++) if (countsAsUnread(loaded[s]!, state.me, conv.read_seq)) n++;
  return n;
}

/** 有人@我: someone else's text that names me or everyone. */
export function mentionsMe(m: MessageView, me: number): boolean {
  if (m.kind !== 'text' || m.sender_id === me || !('text' in m.body)) return false;
  return m.body.mention_all === true || (m.body.mentions ?? []).includes(me);
}

/** At most this many unread mention seqs are kept per conversation (as the server lists them). */
const MENTION_SEQS_LISTED = 100;

/** My read cursor moved to `readSeq`: the mentions up to it are read. */
function readMentions(conv: ConversationView, readSeq: number): void {
  if (readSeq >= conv.last_seq) { conv.mentions_unread = 0; conv.mention_seqs = []; return; }
  const rest = conv.mention_seqs.filter((s) => s > readSeq);
  conv.mentions_unread = Math.max(rest.length, conv.mentions_unread - (conv.mention_seqs.length - rest.length));
  conv.mention_seqs = rest;
}

/** Inserts a message; returns false when that (conversation, seq) was already there. */
export function addMessage(state: ClientState, m: MessageView): boolean {
  const bucket = (state.messages[m.conv_id] ??= {});
  if (bucket[m.seq]) return false;
  bucket[m.seq] = m;
  const conv = state.conversations[m.conv_id];
  if (!conv) return true;
  // A message at or below last_seq was already counted by the server's snapshot
  // (or is a gap being filled): recount instead of adding it a second time.
  const known = m.seq <= conv.last_seq;
  if (m.seq > conv.last_seq) {
    conv.last_seq = m.seq;
    conv.last_message = m;
  }
  // Sending reads everything before: where cursors are shared, everyone's copy of the sender's moves.
  const sender = conv.cursors_shared !== false ? conv.members.find((x) => x.user_id === m.sender_id) : undefined;
  if (sender && sender.read_seq < m.seq) sender.read_seq = m.seq;
  if (m.sender_id === state.me && conv.read_seq < m.seq) {
    conv.read_seq = m.seq;
    conv.unread = recount(state, conv, 0);
    readMentions(conv, m.seq);
  } else if (known) {
    conv.unread = recount(state, conv, conv.unread);
  } else if (countsAsUnread(m, state.me, conv.read_seq)) {
    conv.unread += 1;
    if (mentionsMe(m, state.me)) {
      conv.mentions_unread += 1;
      if (conv.mention_seqs.length < MENTION_SEQS_LISTED) conv.mention_seqs.push(m.seq);
    }
  }
  return true;
}

/**
 * A recalled or edited message in its current state (message.updated, or a sync's `updated`): replaces the
 * copy held and the conversation's last message; a recall also hides the quotes of it in replies held.
 * Returns true if anything held changed.
 */
export function updateMessage(state: ClientState, m: MessageView): boolean {
  const bucket = state.messages[m.conv_id];
  const conv = state.conversations[m.conv_id];
  let changed = false;
  if (bucket?.[m.seq] && JSON.stringify(bucket[m.seq]) !== JSON.stringify(m)) { bucket[m.seq] = structuredClone(m); changed = true; }
  if (conv?.last_message?.seq === m.seq && JSON.stringify(conv.last_message) !== JSON.stringify(m)) { conv.last_message = structuredClone(m); changed = true; }
  if (m.kind !== 'recalled') return changed;
  // New objects, not edits in place: views skip re-rendering a message whose object is unchanged.
  const hidden = (x: MessageView | null | undefined): MessageView | null => {
    const q = x && x.kind === 'text' ? (x.body as TextBody).reply_to : undefined;
    if (!x || !q || q.seq !== m.seq || q.kind === 'recalled') return null;
    changed = true;
    return { ...x, body: { ...(x.body as TextBody), reply_to: { ...q, kind: 'recalled', excerpt: '' } } };
  };
  for (const x of Object.values(bucket ?? {})) { const y = hidden(x); if (y) bucket![x.seq] = y; }
  const last = hidden(conv?.last_message);
  if (last) conv!.last_message = last;
  return changed;
}

export function upsertConversation(state: ClientState, view: ConversationView): void {
  state.conversations[view.id] = structuredClone(view);
}

export function removeConversation(state: ClientState, convId: number): void {
  delete state.conversations[convId];
  delete state.messages[convId];
}

function applyShared(state: ClientState, shared: ConversationShared): void {
  const mine = shared.members.find((m) => m.user_id === state.me);
  if (!mine) { removeConversation(state, shared.id); return; }
  const old = state.conversations[shared.id];
  const view: ConversationView = {
    // Unshared cursors (a large conversation) are 0 in the members: mine is what I held, or, new to me, where I joined.
    ...structuredClone(shared), read_seq: shared.cursors_shared !== false ? mine.read_seq : (old?.read_seq ?? shared.last_seq), unread: old?.unread ?? 0, muted: old?.muted ?? false,
    mentions_unread: old?.mentions_unread ?? 0, mention_seqs: [...(old?.mention_seqs ?? [])],
  };
  // Keep the newest last message we know of (a push may have overtaken this snapshot).
  if (old && old.last_seq > view.last_seq) { view.last_seq = old.last_seq; view.last_message = old.last_message; }
  state.conversations[shared.id] = view;
  view.unread = recount(state, view, view.unread);
  if (old && view.read_seq > old.read_seq) readMentions(view, view.read_seq);
}

/** Applies one pushed event. Returns true if the state changed. */
export function applyEvent(state: ClientState, event: ServerEvent): boolean {
  switch (event.type) {
    case 'message.new':
      return addMessage(state, event.message);
    case 'message.updated':
      return updateMessage(state, event.message);
    case 'conversation.updated':
      applyShared(state, event.conversation);
      return true;
    case 'conversation.removed':
      if (event.user_id !== state.me || !state.conversations[event.conv_id]) return false;
      removeConversation(state, event.conv_id);
      return true;
    case 'read.updated': {
      const conv = state.conversations[event.conv_id];
      if (!conv) return false;
      // Where cursors are not shared, a read of mine by someone else is a hint to count receipts again, not state.
      const member = conv.cursors_shared !== false ? conv.members.find((m) => m.user_id === event.user_id) : undefined;
      let changed = false;
      if (member && member.read_seq < event.read_seq) { member.read_seq = event.read_seq; changed = true; }
      if (event.user_id === state.me && conv.read_seq < event.read_seq) {
        const before = conv.read_seq;
        conv.read_seq = event.read_seq;
        conv.unread = recount(state, conv, Math.max(0, conv.unread - (event.read_seq - before)));
        readMentions(conv, event.read_seq);
        changed = true;
      }
      return changed;
    }
    case 'member.settings': {
      const conv = state.conversations[event.conv_id];
      if (!conv || conv.muted === event.muted) return false;
      conv.muted = event.muted;
      return true;
    }
    case 'favourite.added':
      (state.favourites ??= {})[event.favourite.id] = structuredClone(event.favourite);
      return true;
    case 'favourite.removed':
      if (!state.favourites?.[event.id]) return false;
      delete state.favourites[event.id];
      return true;
    case 'notify.settings':
      state.notify = structuredClone(event.settings);
      return true;
    case 'user.updated':
      for (const conv of Object.values(state.conversations)) {
        for (const m of conv.members) if (m.user_id === event.user.id) m.name = event.user.name;
      }
      return true;
    default:
      return false;
  }
}

/** Receipt summary for one message: how many of the other members have read it. */
export function readBy(conv: ConversationView, m: MessageView): { read: number; of: number; readers: number[] } {
  const others = conv.members.filter((x) => x.user_id !== m.sender_id);
  const readers = others.filter((x) => x.read_seq >= m.seq).map((x) => x.user_id);
  return { read: readers.length, of: others.length, readers };
}

/**
 * Receipt counts for many messages of one conversation: the members' read cursors sorted once, then a binary
 * search per message, instead of a pass over every member for every message (readBy) — what a 5,000-member
 * group needs when a screen of bubbles each shows "N 人未读".
 */
export function receiptCounter(conv: ConversationView): (m: MessageView) => { read: number; of: number } {
  const cursors = conv.members.map((x) => x.read_seq).sort((a, b) => a - b);
  const bySender = new Map<number, number>();
  return (m) => {
    let lo = 0;
    let hi = cursors.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cursors[mid]! < m.seq) lo = mid + 1; else hi = mid; }
    let senderCursor = bySender.get(m.sender_id);
    if (senderCursor === undefined) {
      senderCursor = conv.members.find((x) => x.user_id === m.sender_id)?.read_seq ?? -1;
      bySender.set(m.sender_id, senderCursor);
    }
    const isMember = senderCursor >= 0;
    return { read: cursors.length - lo - (isMember && senderCursor >= m.seq ? 1 : 0), of: conv.members.length - (isMember ? 1 : 0) };
  };
}
