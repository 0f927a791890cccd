import { AppError } from '../shared/errors.js';
import { PROTOCOL_VERSION, type ServerFrame } from '../shared/protocol/frames.js';
import type { UserView } from '../shared/protocol/types.js';
import type { RpcRequest } from '../shared/protocol/wire.js';
import type { PresenceReporter, PresenceStatus } from './presence.js';
import type { SendBatcher } from './send-batcher.js';
import type { Socket, SocketData, SocketRegistry } from './sessions.js';
import type { TokenCache } from './tokens.js';

type Rpc = <T>(method: string, payload: unknown) => Promise<T>;

export interface FrameDeps {
  rpc: Rpc;
  sends: SendBatcher;
  tokens: TokenCache;
  sockets: SocketRegistry;
  presence: PresenceReporter;
  frame(ws: Socket, f: ServerFrame): void;
  reportPresence(d: SocketData, status: PresenceStatus): void;
  centralUp(): boolean;
}

/** One parsed client frame: its socket, the socket's data, the frame and its `id` (when usable). */
export interface FrameCall { ws: Socket; d: SocketData; f: Record<string, unknown>; id: string | undefined }

type FrameHandler = (call: FrameCall, deps: FrameDeps) => Promise<void> | void;

function signedIn(d: SocketData): void {
  if (d.userId === null || d.sessionId === null) throw new AppError('SB_NOT_READY');
}

/** Send and read go to central with the socket's token; central verifies it and derives the actor. */
async function sendOrRead({ ws, d, f, id }: FrameCall, deps: FrameDeps): Promise<void> {
  signedIn(d);
  if (!id) throw new AppError('SB_VALIDATION', 'id: required');
  const credential = { token: d.sessionToken ?? '' };
  const request_id = `ws${d.connId}-${id}`;
  if (f.t === 'send') {
    const message = await deps.sends.send<ServerFrame & { seq: number }>({ credential, params: { conv_id: f.conv_id, cmid: f.cmid, body: f.body }, request_id });
    deps.frame(ws, { t: 'ack', id, message: message as never });
  } else {
    const r = await deps.rpc<{ read_seq: number }>('msg.read', { credential, params: { conv_id: f.conv_id, seq: f.seq }, request_id } satisfies RpcRequest);
    deps.frame(ws, { t: 'ack', id, read_seq: r.read_seq });
  }
}

/**
 * The client frames of protocol v1 (docs/protocol.md), one handler each. A handler throws an AppError to answer
 * with a coded error frame; the caller closes the socket only when `auth` fails.
 */
export const FRAME_HANDLERS: Record<string, FrameHandler> = {
  ping: ({ ws, id }, deps) => deps.frame(ws, { t: 'pong', id, now: Date.now() }),

  async auth({ ws, d, f, id }, deps) {
    if (d.userId !== null) {
      // A second auth on a live socket is a client mistake: say so and keep the socket (4001 means "bad token").
      deps.frame(ws, { t: 'error', id, error: new AppError('SB_VALIDATION', 'Already authenticated').toBody() });
      return;
    }
    const token = String(f.token ?? '');
    const r = await deps.tokens.resolve(token);
    const user = await deps.rpc<UserView>('users.me', { credential: { token } } satisfies RpcRequest);
    if (d.closed) return;
    if (d.authTimer) { clearTimeout(d.authTimer); d.authTimer = null; }
    d.sessionToken = token;
    d.early = [];
    deps.sockets.bind(ws, r.userId, r.sessionId);
    // Ready only once central can route events here: nothing pushed after "ready" can miss this socket.
    await deps.presence.reportNow(token, 'online');
    if (d.closed) return;
    deps.frame(ws, { t: 'ready', protocol: PROTOCOL_VERSION, user, session_id: r.sessionId, heartbeat_ms: 25_000, central: deps.centralUp() ? 'up' : 'down' });
    const early = d.early;
    d.early = null;
    for (const text of early) ws.send(text, false);
  },

  send: sendOrRead,
  read: sendOrRead,

  /** 正在输入: forwarded at most every 2 s per socket and conversation; a hint, so a failure is not answered unless asked (`id`). */
  async typing({ ws, d, f, id }, deps) {
    signedIn(d);
    const convId = Number(f.conv_id);
    if (!Number.isSafeInteger(convId) || convId < 1) throw new AppError('SB_VALIDATION', 'conv_id: must be a positive integer');
    const now = Date.now();
    d.typingAt ??= new Map();
    if ((d.typingAt.get(convId) ?? 0) > now - 2000) { if (id) deps.frame(ws, { t: 'ack', id }); return; }
    if (d.typingAt.size > 200) d.typingAt.clear();
    d.typingAt.set(convId, now);
    try {
      await deps.rpc('msg.typing', { credential: { token: d.sessionToken ?? '' }, params: { conv_id: convId }, request_id: `ws${d.connId}-typing` } satisfies RpcRequest);
      if (id) deps.frame(ws, { t: 'ack', id });
    } catch (e) {
      if (id) throw e; // unasked, a lost typing hint needs no answer: the next keystroke sends another
    }
  },

  presence({ ws, d, f, id }, deps) {
    signedIn(d);
    if (f.status !== 'online' && f.status !== 'away') throw new AppError('SB_VALIDATION', 'status: must be online or away');
    d.away = f.status === 'away';
    deps.reportPresence(d, f.status);
    if (id) deps.frame(ws, { t: 'ack', id });
  },
};
