import { OPERATION_LIST, type OperationName } from '../core/operations.js';
import { AppError } from '../shared/errors.js';
import type { AuthLevel, HttpMethod } from '../shared/protocol/api.js';

export interface Route {
  method: OperationName;
  http: HttpMethod;
  auth: AuthLevel;
  pattern: RegExp;
  names: string[];
  timeoutMs?: number;
}

/** Compiles the operation table's HTTP routes into matchers once, at start-up. */
export function compileRoutes(): Route[] {
  return OPERATION_LIST.flatMap(([method, op]) => {
    if (!op.http) return [];
    const names: string[] = [];
    const source = op.http[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return [{ method, http: op.http[0], auth: op.auth, pattern: new RegExp(`^${source}$`), names, timeoutMs: op.timeoutMs }];
  });
}
export type RouteMatch = { route: Route; pathParams: Record<string, string> } | { route: null; pathMatched: boolean };

export function matchRoute(routes: Route[], httpMethod: string, path: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.http !== httpMethod) continue;
    const pathParams: Record<string, string> = {};
    route.names.forEach((n, i) => { pathParams[n] = decodePathPart(m[i + 1]!, n); });
    return { route, pathParams };
  }
  return { route: null, pathMatched };
}

/** A path parameter as text; malformed percent-encoding is the client's mistake, not a fault of ours. */
function decodePathPart(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('SB_VALIDATION', `${name}: malformed percent-encoding`, { field: name });
  }
}
