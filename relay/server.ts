import uWS from 'uWebSockets.js';
import { join, resolve } from 'node:path';
import type { Bus } from '../shared/bus/bus.js';
import { relayIdOf, type Config } from '../shared/config.js';
import type { Logger } from '../shared/log.js';
import { API, type Method } from '../shared/protocol/api.js';
import { CLOSE, PRESENCE_HEARTBEAT_MS, type ServerFrame } from '../shared/protocol/frames.js';
import { openApiDocument } from '../shared/protocol/openapi.js';
import { OPERATIONS } from '../core/operations.js';
import { SUBJECTS } from '../shared/subjects.js';
import { registerApiRoutes } from './api.js';
import { registerDirectoryRoutes } from './directory.js';
import { fanOut } from './fanout.js';
import { registerFileRoutes } from './files.js';
import { registerPages, registerStaticFiles } from './pages.js';
import { PresenceReporter, type PresenceStatus } from './presence.js';
import { SendBatcher } from './send-batcher.js';
import { SocketRegistry, type Socket, type SocketData } from './sessions.js';
import { StaticFiles } from './static.js';
import { TokenCache } from './tokens.js';
import { registerWebSocket } from './websocket.js';


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
  const sockets = new SocketRegistry();
  const files = new StaticFiles(opts.webRoot ?? resolve(process.cwd(), 'relay/web'));
  const started = Date.now();
  let centralUp = true;
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

  const app = config.tls
    ? uWS.SSLApp({ cert_file_name: config.tls.certFile, key_file_name: config.tls.keyFile, passphrase: config.tls.passphrase })
    : uWS.App();

  // ---- HTTP: pages and health, files, the directory's snapshots, the API, then the web client ---------------
  registerPages(app, {
    config, files, openapi: JSON.stringify(openApiDocument(opts.version, OPERATIONS)),
    health: () => ({
      status: centralUp ? 'ok' : 'degraded', role: config.role, version: opts.version, central: centralUp ? 'up' : 'down',
      connections: sockets.size, uptime_s: Math.round((Date.now() - started) / 1000), files: fileRoutes.stats(),
    }),
  });
  const fileRoutes = registerFileRoutes(app, {
    rpc, authenticate, maxBytes: config.files.maxBytes, cacheMaxBytes: config.files.relayCacheMaxBytes,
    cacheDir: config.files.relayCacheDir ?? join(config.dataDir, 'relay-cache'),
  });
  registerDirectoryRoutes(app, { rpc, authenticate });
  registerApiRoutes(app, { bus, tokens: tokenCache, log, maxBodyBytes: limits.maxBodyBytes });
  registerStaticFiles(app, { config, files });

  // ---- WebSocket ----------------------------------------------------------
  registerWebSocket(app, {
    limits, log,
    frames: { rpc, sends, tokens: tokenCache, sockets, presence, frame, reportPresence, centralUp: () => centralUp },
  });

  // ---- events from central --------------------------------------------------
  // This relay's bus identity may subscribe to its own subject and the broadcast subject, nothing else.
  const onEnvelope = fanOut({
    sockets, forgetSessions, dropGrants: (ids) => fileRoutes.dropGrants(ids), dropFileGrants: (ids) => fileRoutes.dropFileGrants(ids),
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
