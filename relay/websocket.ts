import { randomUUID } from 'node:crypto';
import uWS from 'uWebSockets.js';
import type { Config } from '../shared/config.js';
import { AppError, toErrorBody } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { CLOSE } from '../shared/protocol/frames.js';
import { FRAME_HANDLERS, type FrameDeps } from './frames.js';
import { parseJsonObject } from './json.js';
import { takeToken, type Socket, type SocketData } from './sessions.js';

const AUTH_TIMEOUT_MS = 10_000;

/** The `id` of a frame that is refused before it is parsed: read from its first bytes only. */
function peekFrameId(message: ArrayBuffer | string): string | undefined {
  const head = typeof message === 'string' ? message.slice(0, 512) : Buffer.from(message, 0, Math.min(message.byteLength, 512)).toString('utf8');
  return /"id"\s*:\s*"([^"\\]{1,64})"/.exec(head)?.[1];
}

/**
 * `/ws`: the socket's life (upgrade, auth timeout, per-socket rate limit, size and binary checks, close) and
 * the dispatch of each frame to its handler in FRAME_HANDLERS (relay/frames.ts).
 */
export function registerWebSocket(app: uWS.TemplatedApp, deps: { limits: Config['limits']; log: Logger; frames: FrameDeps }): void {
  const { limits, log, frames } = deps;
  const { sockets, frame, reportPresence } = frames;
  let connCounter = 0;

  async function onFrame(ws: Socket, text: string): Promise<void> {
    const d = ws.getUserData();
    let f: Record<string, unknown>;
    try {
      f = parseJsonObject(text, 'Frame');
    } catch (e) {
      frame(ws, { t: 'error', id: peekFrameId(text), error: toErrorBody(e) });
      return;
    }
    const id = typeof f.id === 'string' && f.id.length <= 64 ? f.id : undefined;
    try {
      const handler = typeof f.t === 'string' && Object.hasOwn(FRAME_HANDLERS, f.t) ? FRAME_HANDLERS[f.t] : undefined;
      if (!handler) throw new AppError('SB_UNKNOWN_TYPE', `Unknown frame type: ${String(f.t).slice(0, 32)}`);
      await handler({ ws, d, f, id }, frames);
    } catch (e) {
      const body = toErrorBody(e);
      frame(ws, { t: 'error', id, error: body });
      // "Could not check" is not "refused": the client retries (here or at another relay) instead of giving up.
      // A token whose session ended with a wipe order learns of it here (central said SB_WIPED).
      if (f.t === 'auth' && !d.closed) ws.end(body.code === 'SB_CENTRAL_UNAVAILABLE' ? CLOSE.CENTRAL_UNAVAILABLE : body.code === 'SB_WIPED' ? CLOSE.WIPED : CLOSE.AUTH_FAILED, body.code);
    }
  }

  app.ws<SocketData>('/ws', {
    compression: uWS.DISABLED,
    // uWS itself cuts off frames beyond 1 MiB; below that we answer SB_FRAME_TOO_LARGE and keep the socket.
    maxPayloadLength: Math.max(limits.maxFrameBytes * 4, 1024 * 1024),
    maxBackpressure: 4 * 1024 * 1024,
    closeOnBackpressureLimit: 1,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const ip = Buffer.from(res.getRemoteAddressAsText()).toString();
      const data: SocketData = {
        connId: ++connCounter, ip, userId: null, sessionId: null, sessionToken: null, closed: false, authTimer: null,
        tokens: limits.frameBurst, lastRefill: Date.now(), violations: 0, away: false, early: null,
      };
      res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
      const d = ws.getUserData();
      d.authTimer = setTimeout(() => { if (!d.closed && d.userId === null) ws.end(CLOSE.AUTH_TIMEOUT, 'SB_UNAUTHENTICATED'); }, AUTH_TIMEOUT_MS);
    },
    message: (ws, message, isBinary) => {
      const d = ws.getUserData();
      if (!takeToken(d, limits.framesPerSecond, limits.frameBurst, Date.now())) {
        d.violations += 1;
        if (d.violations > limits.frameBurst) { ws.end(CLOSE.RATE_LIMITED, 'SB_RATE_LIMITED'); return; }
        // The refusal answers the request it refuses, so the client need not wait out its timeout.
        frame(ws, { t: 'error', id: peekFrameId(message), error: new AppError('SB_RATE_LIMITED').toBody() });
        return;
      }
      if (message.byteLength > limits.maxFrameBytes) {
        frame(ws, { t: 'error', id: peekFrameId(message), error: new AppError('SB_FRAME_TOO_LARGE').toBody() });
        return;
      }
      if (isBinary) {
        frame(ws, { t: 'error', error: new AppError('SB_BAD_FRAME', 'Binary frames are not used in protocol v1').toBody() });
        return;
      }
      onFrame(ws, Buffer.from(message).toString('utf8')).catch((e: unknown) => {
        // A fault of ours, not the client's: logged with an id, answered as SB_INTERNAL, the socket and process stay up.
        const requestId = randomUUID();
        log.error({ err: e, request_id: requestId, conn: d.connId }, 'websocket frame failed');
        frame(ws, { t: 'error', error: new AppError('SB_INTERNAL', `Internal error (request ${requestId})`).toBody() });
      });
    },
    close: (ws) => {
      const d = ws.getUserData();
      d.closed = true;
      if (d.authTimer) clearTimeout(d.authTimer);
      sockets.remove(ws);
      // Offline only when this was the session's last socket on this relay.
      if (d.userId !== null && d.sessionId !== null && sockets.ofSession(d.sessionId).length === 0) reportPresence(d, 'offline');
    },
  });
}
