import uWS from 'uWebSockets.js';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Bus } from '../shared/bus/bus.js';
import { relayIdOf, type Config } from '../shared/config.js';
import { AppError, toErrorBody } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { API, type Method } from '../shared/protocol/api.js';
import { CLOSE, type ServerFrame } from '../shared/protocol/frames.js';
import { openApiDocument } from '../shared/protocol/openapi.js';
import { OPERATIONS } from '../core/operations.js';
import type { RpcRequest } from '../shared/protocol/wire.js';
import { SUBJECTS } from '../shared/subjects.js';
import { readBody, requestIdFrom, send, sendError, sendJson, watchAbort } from './http.js';
import { parseJsonObject } from './json.js';
import { compileRoutes, matchRoute } from './routes.js';
import { SocketRegistry, takeToken, type Socket, type SocketData } from './sessions.js';
import { StaticFiles } from './static.js';
import { registerFileRoutes } from './files.js';
import { registerDirectoryRoutes } from './directory.js';
import { join } from 'node:path';
import { PRESENCE_HEARTBEAT_MS } from '../shared/protocol/frames.js';
import { SendBatcher } from './send-batcher.js';
import { TokenCache } from './tokens.js';
import { FRAME_HANDLERS, type FrameDeps } from './frames.js';
import { fanOut } from './fanout.js';
import { PresenceReporter, type PresenceStatus } from './presence.js';


const AUTH_TIMEOUT_MS = 10_000;

/**
 * Headers on every page and asset: no inline or foreign script, never framed, no referrer leaks, HTTPS pinned
 * when TLS is on. The client's own files are the only script; images may be blob:/data: (previews).
 */
export function webSecurityHeaders(tls: boolean): Record<string, string> {
  return {
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' https: wss: ws:; "
      + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** The `id` of a frame that is refused before it is parsed: read from its first bytes only. */
function peekFrameId(message: ArrayBuffer | string): string | undefined {
  const head = typeof message === 'string' ? message.slice(0, 512) : Buffer.from(message, 0, Math.min(message.byteLength, 512)).toString('utf8');
  return /"id"\s*:\s*"([^"\\]{1,64})"/.exec(head)?.[1];
}
const HEALTH_INTERVAL_MS = 2_000;

export interface RelayNode {
  port: number;
  stop(): Promise<void>;
  stats(): { connections: number; users: number };
}

/**
 * The relay: terminates client HTTP and WebSocket connections and forwards
 * every request to central over the bus. No business rule and no SQL here.
 */
export async function startRelay(opts: { config: Config; bus: Bus; log: Logger; version: string; webRoot?: string }): Promise<RelayNode> {
  const { config, bus, log } = opts;
  const limits = config.limits;
  const routes = compileRoutes();
  const sockets = new SocketRegistry();
  const files = new StaticFiles(opts.webRoot ?? resolve(process.cwd(), 'relay/web'));
  const openapi = JSON.stringify(openApiDocument(opts.version, OPERATIONS));
  const started = Date.now();
  let centralUp = true;
  let connCounter = 0;
  let listenSocket: uWS.us_listen_socket | null = null;

  const rpc = <T>(method: string, payload: unknown) => bus.request<T>(SUBJECTS.rpc(method), payload);
  const sends = new SendBatcher(rpc);

  const tokenCache = new TokenCache(rpc);
  const authenticate = (authorization: string) => tokenCache.authenticate(authorization);
  const forgetSessions = (ids: string[]) => tokenCache.forgetSessions(ids);

  // Presence: connection changes are batched to central and re-reported each heartbeat; the same reports
  // route events here (see PresenceReporter).
  const relayId = relayIdOf(config);
  const presence = new PresenceReporter(rpc, relayId, log);
  const reportPresence = (d: SocketData, status: PresenceStatus) => {
    if (d.sessionToken !== null) presence.report(d.sessionToken, status);
  };
  /** Every signed-in socket, reported again: on each heartbeat, when the bus link returns, when a central asks. */
  const reannounce = () => {
    for (const ws of sockets.every()) {
      const d = ws.getUserData();
      if (d.userId !== null && d.sessionId !== null && !d.closed) reportPresence(d, d.away ? 'away' : 'online');
    }
  };
  const presenceHeartbeat = setInterval(reannounce, PRESENCE_HEARTBEAT_MS);
  presenceHeartbeat.unref();

  const frame = (ws: Socket, f: ServerFrame): void => {
    if (!ws.getUserData().closed) ws.send(JSON.stringify(f), false);
  };

  const securityHeaders = webSecurityHeaders(config.tls !== null);
  const app = config.tls
    ? uWS.SSLApp({ cert_file_name: config.tls.certFile, key_file_name: config.tls.keyFile, passphrase: config.tls.passphrase })
    : uWS.App();

  // ---- HTTP ---------------------------------------------------------------
  app.get('/healthz', (res) => {
    const state = watchAbort(res);
    sendJson(res, state, 200, {
      status: centralUp ? 'ok' : 'degraded', role: config.role, version: opts.version, central: centralUp ? 'up' : 'down',
      connections: sockets.size, uptime_s: Math.round((Date.now() - started) / 1000), files: fileRoutes.stats(),
    });
  });

  app.get('/openapi.json', (res) => {
    send(res, watchAbort(res), 200, openapi, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/api/v1/branding', (res) => sendJson(res, watchAbort(res), 200, config.branding));

  // The installed app's manifest carries the organisation's branding.
  const manifest = JSON.stringify({
    name: config.branding.productName, short_name: config.branding.productName, start_url: '/', scope: '/', display: 'standalone',
    background_color: '#ffffff', theme_color: config.branding.themeColor, lang: 'zh-CN',
    icons: [{ src: config.branding.logoUrl ?? '/icon.svg', sizes: 'any', type: config.branding.logoUrl?.endsWith('.png') ? 'image/png' : 'image/svg+xml', purpose: 'any' }],
  });
  app.get('/manifest.webmanifest', (res) => {
    send(res, watchAbort(res), 200, manifest, { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'no-cache' });
  });

  const fileRoutes = registerFileRoutes(app, {
    rpc, authenticate, maxBytes: config.files.maxBytes, cacheMaxBytes: config.files.relayCacheMaxBytes,
    cacheDir: config.files.relayCacheDir ?? join(config.dataDir, 'relay-cache'),
  });

  registerDirectoryRoutes(app, { rpc, authenticate });

  app.any('/api/*', (res, req) => {
    const state = watchAbort(res);
    const httpMethod = req.getCaseSensitiveMethod().toUpperCase();
    const path = req.getUrl();
    const query = req.getQuery() ?? '';
    const authz = req.getHeader('authorization');
    const ip = Buffer.from(res.getRemoteAddressAsText()).toString();
    const requestId = requestIdFrom(req.getHeader('x-request-id'));
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(routes, httpMethod, path);
    } catch (e) {
      sendError(res, state, e, requestId);
      return;
    }
    if (!match.route) {
      sendError(res, state, new AppError(match.pathMatched ? 'SB_UNKNOWN_TYPE' : 'SB_NOT_FOUND', match.pathMatched ? 'Method not allowed here' : 'No such API route'));
      return;
    }
    const { route, pathParams } = match;
    const hasBody = httpMethod !== 'GET';
    const bodyPromise = hasBody ? readBody(res, limits.maxBodyBytes) : Promise.resolve(Buffer.alloc(0));
    void (async () => {
      try {
        const raw = await bodyPromise;
        const body = raw.length > 0 ? parseJsonObject(raw.toString('utf8'), 'Request body') : {};
        const params = { ...Object.fromEntries(new URLSearchParams(query)), ...body, ...pathParams };
        // The relay checks the token only to fail fast; central verifies the forwarded credential itself.
        const credential = route.auth !== 'none' ? (await authenticate(authz)).credential : undefined;
        const request: RpcRequest = { credential, ip, params, request_id: requestId };
        const result = route.timeoutMs
          ? await bus.request(SUBJECTS.rpc(route.method), request, { timeoutMs: route.timeoutMs })
          : await rpc(route.method, request);
        sendJson(res, state, 200, result ?? {}, { 'x-request-id': requestId });
      } catch (e) {
        if (!(e instanceof AppError)) log.error({ err: e, request_id: requestId, method: route.method }, 'request failed');
        sendError(res, state, e, requestId);
      }
    })();
  });

  app.get('/*', (res, req) => {
    const state = watchAbort(res);
    const url = req.getUrl();
    const gzipOk = req.getHeader('accept-encoding').includes('gzip');
    // Client-side routes fall back to the app shell.
    const file = files.get(url) ?? (url.includes('.') ? null : files.get('/'));
    if (!file) { sendJson(res, state, 404, { error: { code: 'SB_NOT_FOUND', message: 'Not found' } }); return; }
    const headers: Record<string, string> = { ...securityHeaders, 'content-type': file.type, 'cache-control': url === '/' || url.endsWith('.html') ? 'no-cache' : 'public, max-age=300' };
    if (gzipOk && file.gzip) send(res, state, 200, file.gzip, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
    else send(res, state, 200, file.body, headers);
  });

  // Another method on a page, an asset or /healthz: a coded refusal (uWS would otherwise close the connection unanswered).
  app.any('/*', (res) => sendError(res, watchAbort(res), new AppError('SB_UNKNOWN_TYPE', 'Only GET is served here')));

  // ---- WebSocket ----------------------------------------------------------
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
      await handler({ ws, d, f, id }, frameDeps);
    } catch (e) {
      const body = toErrorBody(e);
      if (f.t === 'auth') {
        frame(ws, { t: 'error', id, error: body });
        // "Could not check" is not "refused": the client retries (here or at another relay) instead of giving up.
        if (!d.closed) ws.end(body.code === 'SB_CENTRAL_UNAVAILABLE' ? CLOSE.CENTRAL_UNAVAILABLE : CLOSE.AUTH_FAILED, body.code);
        return;
      }
      frame(ws, { t: 'error', id, error: body });
    }
  }

  const frameDeps: FrameDeps = {
    rpc, sends, tokens: tokenCache, sockets, presence, frame, reportPresence, centralUp: () => centralUp,
  };

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

  // ---- events from central --------------------------------------------------
  // This relay's bus identity may subscribe to its own subject and the broadcast subject, nothing else.
  const onEnvelope = fanOut({
    sockets, forgetSessions, dropGrants: (ids) => fileRoutes.dropGrants(ids),
    // A central just started: proof enough that central is back (setCentral re-announces too).
    reannounced: () => { if (centralUp) reannounce(); else setCentral(true); },
  });
  const unsubscribeOwn = bus.subscribe(SUBJECTS.relayEvents(relayId), onEnvelope);
  const unsubscribeAll = bus.subscribe(SUBJECTS.broadcast, onEnvelope);

  // ---- central link ---------------------------------------------------------
  const setCentral = (up: boolean) => {
    if (up === centralUp) return;
    centralUp = up;
    log.warn({ central: up ? 'up' : 'down' }, 'central link changed');
    if (up) reannounce();
    const text = JSON.stringify((up ? { t: 'link', central: 'up' } : { t: 'link', central: 'down', code: 'SB_CENTRAL_UNAVAILABLE' }) satisfies ServerFrame);
    for (const ws of sockets.every()) if (!ws.getUserData().closed && ws.getUserData().userId !== null) ws.send(text, false);
  };
  const unstatus = bus.onStatus((up) => {
    // Central may have restarted or forgotten us while the bus link was down, however briefly.
    if (up && centralUp) reannounce();
    setCentral(up);
  });
  const healthTimer = setInterval(() => {
    bus.request(SUBJECTS.rpc('health.ping'), {}, { timeoutMs: 1_500 }).then(() => setCentral(true), () => setCentral(false));
  }, HEALTH_INTERVAL_MS);
  healthTimer.unref();

  const port = await new Promise<number>((ok, fail) => {
    app.listen(config.host, config.port, (token) => {
      if (!token) { fail(new Error(`cannot listen on ${config.host}:${config.port}`)); return; }
      listenSocket = token;
      ok(uWS.us_socket_local_port(token));
    });
  });
  log.info({ port, methods: Object.keys(API).length as number }, 'relay listening');

  return {
    port,
    stats: () => ({ connections: sockets.size, users: sockets.authenticatedUsers }),
    async stop() {
      clearInterval(healthTimer);
      clearInterval(presenceHeartbeat);
      unstatus();
      unsubscribeOwn();
      unsubscribeAll();
      if (listenSocket) uWS.us_listen_socket_close(listenSocket);
      listenSocket = null;
      for (const ws of sockets.every()) if (!ws.getUserData().closed) ws.end(CLOSE.SHUTDOWN, 'shutdown');
      presence.stop();
    },
  };
}

export type { Method };
