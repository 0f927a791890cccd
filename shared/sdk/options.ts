import type { DirChange } from '../protocol/directory.js';
import type { ConversationView, MessageView, PresenceView, ServerEvent } from '../protocol/types.js';
import type { ClientState } from './state.js';

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

export type ClientEvents = {
  state: [ConnectionState];
  /** A message seen for the first time (each (conversation, seq) exactly once). */
  message: [MessageView];
  conversation: [ConversationView | null, number];
  event: [ServerEvent];
  changed: [];
  link: ['up' | 'down'];
  /** The session was ended by the server (signed out elsewhere, disabled, revoked); 'wiped' for a wipe order (close 4010). */
  ended: [string];
  presence: [PresenceView];
  /** Failed over to another relay (its base URL). */
  relay: [string];
  /** The directory copy changed: the changes applied, or null after a (re)loaded snapshot. */
  directory: [DirChange[] | null];
};
