import type { ErrorBody } from '../errors.js';
import type { MessageView, ServerEvent, UserView } from './types.js';

export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 64 * 1024;
/** Relays re-report their live connections to central this often (presence entries expire after ~2). */
export const PRESENCE_HEARTBEAT_MS = 60_000;

/** Client → relay WebSocket frames. `id` correlates a reply. */
export type ClientFrame =
  | { t: 'auth'; id?: string; token: string }
  | { t: 'ping'; id?: string }
  | { t: 'send'; id: string; conv_id: number; cmid: string; body: { text: string; mentions?: number[]; mention_all?: boolean; reply_to?: number } | { file_id: number } }
  | { t: 'read'; id: string; conv_id: number; seq: number }
  /** 正在输入: the other members of a 1:1 or small group get a `typing` event (the relay forwards one per 2 s). */
  | { t: 'typing'; id?: string; conv_id: number }
  /** The client is idle ('away') or active again ('online'). */
  | { t: 'presence'; status: 'online' | 'away' };

/** Relay → client WebSocket frames. */
export type ServerFrame =
  | { t: 'ready'; protocol: number; user: UserView; session_id: string; heartbeat_ms: number; central: 'up' | 'down' }
  | { t: 'pong'; id?: string; now: number }
  | { t: 'ack'; id: string; message?: MessageView; read_seq?: number }
  | { t: 'error'; id?: string; error: ErrorBody }
  | { t: 'event'; event: ServerEvent }
  /** The relay lost (`down`, with `code` SB_CENTRAL_UNAVAILABLE) or regained (`up`) its link to central. */
  | { t: 'link'; central: 'up' | 'down'; code?: 'SB_CENTRAL_UNAVAILABLE' };

/** WebSocket close codes (4000-4999 are ours). */
export const CLOSE = {
  AUTH_FAILED: 4001,
  SESSION_ENDED: 4003,
  /** The session ended with a wipe order: the client erases what it keeps, then acknowledges (devices.wipeAck). */
  WIPED: 4010,
  AUTH_TIMEOUT: 4008,
  RATE_LIMITED: 4029,
  SLOW_CONSUMER: 4050,
  SHUTDOWN: 4099,
  /** Authentication could not be checked because the relay cannot reach central: try again or another relay. */
  CENTRAL_UNAVAILABLE: 4503,
} as const;
