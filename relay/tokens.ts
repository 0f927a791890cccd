import { AppError } from '../shared/errors.js';
import { INTERNAL } from '../shared/protocol/api.js';
import type { Caller } from '../shared/protocol/wire.js';

export interface Resolved { userId: number; sessionId: string; expiresAt: number }
type Rpc = <T>(method: string, payload: unknown) => Promise<T>;

const LOCAL_TOKEN_TTL_MS = 10_000;
const STALE_TOKEN_MS = 3_600_000;
const MAX_TOKENS = 50_000;

/**
 * Session tokens this relay has resolved, for 10 s. Only to bind sockets and fail fast: central verifies the
 * forwarded token on every request itself. Cut off from central, a token seen within the hour keeps working
 * here (branch autonomy); an ended session is forgotten the moment central says so.
 */
export class TokenCache {
  private readonly tokens = new Map<string, { r: Resolved; until: number }>();

  constructor(private readonly rpc: Rpc) {}

  async resolve(token: string): Promise<Resolved> {
    const hit = this.tokens.get(token);
    if (hit && hit.r.expiresAt <= Date.now()) { this.tokens.delete(token); throw new AppError('SB_TOKEN_EXPIRED'); }
    if (hit && hit.until > Date.now()) return hit.r;
    let r: Resolved;
    try {
      r = await this.rpc<Resolved>(INTERNAL.resolve, { params: { token } });
    } catch (e) {
      if (hit && e instanceof AppError && e.code === 'SB_CENTRAL_UNAVAILABLE' && hit.until + STALE_TOKEN_MS > Date.now() && hit.r.expiresAt > Date.now()) return hit.r;
      if (hit) this.tokens.delete(token);
      throw e;
    }
    if (this.tokens.size > MAX_TOKENS) this.tokens.clear();
    this.tokens.set(token, { r, until: Date.now() + LOCAL_TOKEN_TTL_MS });
    return r;
  }

  /** The caller of an HTTP request, from its `Authorization: Bearer` header. */
  async authenticate(authorization: string): Promise<Caller> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    if (!token) throw new AppError('SB_UNAUTHENTICATED');
    const r = await this.resolve(token);
    return { userId: r.userId, sessionId: r.sessionId, credential: { token } };
  }

  forgetSessions(ids: string[]): void {
    const set = new Set(ids);
    for (const [token, v] of this.tokens) if (set.has(v.r.sessionId)) this.tokens.delete(token);
  }
}
