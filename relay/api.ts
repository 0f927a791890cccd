import type uWS from 'uWebSockets.js';
import type { Bus } from '../shared/bus/bus.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import type { RpcRequest } from '../shared/protocol/wire.js';
import { SUBJECTS } from '../shared/subjects.js';
import { readBody, requestIdFrom, sendError, sendJson, watchAbort } from './http.js';
import { parseJsonObject } from './json.js';
import { compileRoutes, matchRoute } from './routes.js';
import type { TokenCache } from './tokens.js';

export interface ApiDeps {
  bus: Bus;
  tokens: TokenCache;
  log: Logger;
  maxBodyBytes: number;
}

/**
 * `/api/v1/*`: each route of the operation table becomes one bus request to central. Path params, query string
 * and JSON body are merged into the params; central checks them, the policy and the credential.
 */
export function registerApiRoutes(app: uWS.TemplatedApp, deps: ApiDeps): void {
  const { bus, tokens, log, maxBodyBytes } = deps;
  const routes = compileRoutes();
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
    const bodyPromise = httpMethod !== 'GET' ? readBody(res, maxBodyBytes) : Promise.resolve(Buffer.alloc(0));
    void (async () => {
      try {
        const raw = await bodyPromise;
        const body = raw.length > 0 ? parseJsonObject(raw.toString('utf8'), 'Request body') : {};
        const params = { ...Object.fromEntries(new URLSearchParams(query)), ...body, ...pathParams };
        // The relay checks the token only to fail fast; central verifies the forwarded credential itself.
        // An open operation still carries a bearer token it was given, unchecked (devices.wipeAck: the ended session's own).
        const bearer = /^Bearer\s+(.+)$/i.exec(authz)?.[1]?.trim();
        const credential = route.auth !== 'none' ? (await tokens.authenticate(authz)).credential : bearer ? { token: bearer } : undefined;
        const request: RpcRequest = { credential, ip, params, request_id: requestId };
        const result = await bus.request(SUBJECTS.rpc(route.method), request, route.timeoutMs ? { timeoutMs: route.timeoutMs } : undefined);
        sendJson(res, state, 200, result ?? {}, { 'x-request-id': requestId });
      } catch (e) {
        if (!(e instanceof AppError)) log.error({ err: e, request_id: requestId, method: route.method }, 'request failed');
        sendError(res, state, e, requestId);
      }
    })();
  });
}
