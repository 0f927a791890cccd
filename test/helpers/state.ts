import type { ApiClient } from '../../shared/sdk/api.js';
import { addMessage, emptyState, type ClientState } from '../../shared/sdk/state.js';
import type { ServerEvent } from '../../shared/protocol/types.js';
import { rawSocket } from './server.js';

/** A fresh fetch of everything a user sees: conversations and their full history. */
export async function fetchState(api: ApiClient, me: number): Promise<ClientState> {
  const state = emptyState(me);
  for (const c of await api.call('conv.list')) {
    state.conversations[c.id] = c;
    state.messages[c.id] = {};
    let after = 0;
    for (;;) {
      const page = await api.call('msg.history', { conv_id: c.id, after, limit: 200 });
      for (const m of page.messages) { state.messages[c.id]![m.seq] = m; after = m.seq; }
      if (!page.more || page.messages.length === 0) break;
    }
  }
  for (let before: number | undefined; ;) {
    const page = await api.call('fav.list', { before, limit: 100 });
    for (const f of page.favourites) state.favourites[f.id] = f;
    if (!page.more || page.favourites.length === 0) break;
    before = page.favourites[page.favourites.length - 1]!.id;
  }
  state.notify = await api.call('notify.get');
  return state;
}

/** What the SDK does for a conversation it sees for the first time: load its history. */
export async function loadHistory(api: ApiClient, state: ClientState, convId: number): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await api.call('msg.history', { conv_id: convId, after, limit: 200 });
    for (const m of page.messages) { addMessage(state, m); after = m.seq; }
    if (!page.more || page.messages.length === 0) break;
  }
}

/** Canonical JSON for comparison: members sorted, keys sorted. */
export function canonical(state: ClientState): unknown {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
  };
  const copy = structuredClone(state);
  for (const c of Object.values(copy.conversations)) c.members.sort((a, b) => a.user_id - b.user_id);
  // An empty message bucket and no bucket mean the same: nothing loaded.
  for (const [id, bucket] of Object.entries(copy.messages)) if (Object.keys(bucket).length === 0) delete copy.messages[Number(id)];
  return sortKeys(copy);
}

/** Listens on a raw WebSocket as the user and collects every pushed event. */
export async function eventTap(url: string, token: string): Promise<{ events: ServerEvent[]; close: () => void }> {
  const sock = await rawSocket(url);
  sock.ws.send(JSON.stringify({ t: 'auth', token }));
  await sock.next((f) => f.t === 'ready');
  return {
    get events() { return sock.frames.filter((f) => f.t === 'event').map((f) => f.event as ServerEvent); },
    close: () => sock.ws.close(),
  };
}

export { addMessage };
