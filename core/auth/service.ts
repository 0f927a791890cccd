import { AppError } from '../../shared/errors.js';
import { hashPassword, hashToken, verifyPassword } from '../../shared/crypto.js';
import { randomId } from '../../shared/ids.js';
import type { LoginResult, SessionView } from '../../shared/protocol/types.js';
import type { Static } from '@sinclair/typebox';
import type { Cache } from '../../shared/cache/cache.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, LoginEventRecord, SessionRecord, Store } from '../ports.js';
import { createLogger } from '../../shared/log.js';
import { sessionView, userView } from '../presenters.js';
import type { RateLimiter } from '../rate-limit.js';
import type { LoginParams, PasswordParams } from './operations.js';

export interface ResolvedSession {
  userId: number;
  sessionId: string;
  expiresAt: number;
}

const SESSION_CACHE_MS = 60_000;
const log = createLogger('auth');
const cacheKey = (tokenHash: string) => `sess:${tokenHash}`;

/** Sign-in, token resolution and session revocation. */
export class AuthService {
  /**
   * Cache keys of ended sessions that could not be removed because the cache
   * was away. Until they are removed this process does not trust cached
   * sessions, so a Redis that comes back with old entries cannot revive them.
   */
  private readonly unforgotten = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly cache: Cache,
    private readonly events: EventSink,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly opts: { sessionTtlMs: number; loginAttemptsPerMinute: number; loginFailuresPerIpPerMinute: number; loginFailuresPerMinute: number },
  ) {}

  /** A real scrypt hash of a random password: unknown accounts are verified against it, so they cost what real ones do. */
  private dummyHash: Promise<string> | null = null;

  /**
   * The sign-in limits: attempts per account, failures per source address and failures overall
   * (password spraying across accounts). Counting failures per address and overall keeps a
   * whole office behind one address signing in freely while guessing is bounded.
   */
  private async checkSignInLimits(key: string, ip: string | null): Promise<void> {
    await this.limiter.check(key, this.opts.loginAttemptsPerMinute, 60_000);
    if (ip && (await this.limiter.peek(`login-fail-ip:${ip}`, 60_000)) >= this.opts.loginFailuresPerIpPerMinute) throw this.limiter.limited(60_000);
    if ((await this.limiter.peek('login-fail-all', 60_000)) >= this.opts.loginFailuresPerMinute) throw this.limiter.limited(60_000);
  }

  private async signInFailed(ip: string | null): Promise<never> {
    if (ip) await this.limiter.incr(`login-fail-ip:${ip}`, 60_000);
    await this.limiter.incr('login-fail-all', 60_000);
    throw new AppError('SB_BAD_CREDENTIALS');
  }

  /** Checks a password against a stored hash; a missing or empty hash costs one scrypt all the same. */
  private async verify(password: string, stored: string | undefined): Promise<boolean> {
    if (stored) return verifyPassword(password, stored);
    this.dummyHash ??= hashPassword(randomId(16));
    await verifyPassword(password, await this.dummyHash);
    return false;
  }

  async login(p: Static<typeof LoginParams>, ip: string | null): Promise<LoginResult> {
    const { account, password } = p;
    const deviceType = p.device_type ?? 'web';
    const deviceName = p.device_name ?? deviceType;
    const attempt = { account: account.slice(0, 64), ip, device_type: deviceType, device_name: deviceName };
    try {
      await this.checkSignInLimits(`login:${account.toLowerCase()}`, ip);
    } catch (e) {
      await this.recordAttempt({ ...attempt, user_id: null, result: 'rate_limited' });
      throw e;
    }

    const user = await this.store.users.byAccount(account);
    // Unknown accounts (and people without a password) cost one scrypt too: accounts cannot be listed by timing.
    if (!(await this.verify(password, user?.password_hash)) || !user) {
      await this.recordAttempt({ ...attempt, user_id: user?.id ?? null, result: 'bad_credentials' });
      return this.signInFailed(ip);
    }
    if (user.disabled) {
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'disabled' });
      throw new AppError('SB_USER_DISABLED');
    }

    const token = randomId(32);
    const now = this.clock.now();
    const rec: Omit<SessionRecord, 'revoked_at'> = {
      id: randomId(12), user_id: user.id, token_hash: hashToken(token), device_type: deviceType,
      device_name: deviceName, ip, created_at: now, expires_at: now + this.opts.sessionTtlMs, last_seen_at: now,
    };
    await this.store.sessions.create(rec);
    await this.recordAttempt({ ...attempt, user_id: user.id, result: 'ok' });
    return { token, session: sessionView({ ...rec, revoked_at: null }), user: userView(user) };
  }

  /** The login log (登录流水). A sign-in is not refused because its log line could not be written; the failure is logged. */
  private async recordAttempt(e: Omit<LoginEventRecord, 'id' | 'at'>): Promise<void> {
    try {
      await this.store.loginLog.record({ ...e, at: this.clock.now() });
    } catch (err) {
      log.error({ err, account: e.account, result: e.result }, 'login log: could not record a sign-in attempt');
    }
  }

  /** Token → session, cached briefly; revocation deletes the cache entry. */
  async resolve(token: unknown): Promise<ResolvedSession> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 128) throw new AppError('SB_UNAUTHENTICATED');
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const cached = (await this.forgetPending()) ? await this.cache.get(cacheKey(tokenHash)).catch(() => null) : null; // a cache miss falls through to the store
    let resolved: ResolvedSession | null = cached ? (JSON.parse(cached) as ResolvedSession) : null;
    if (!resolved) {
      const s = await this.store.sessions.byTokenHash(tokenHash);
      if (!s || s.revoked_at !== null) throw new AppError('SB_UNAUTHENTICATED');
      const user = await this.store.users.byId(s.user_id);
      if (!user || user.disabled) throw new AppError('SB_USER_DISABLED');
      resolved = { userId: s.user_id, sessionId: s.id, expiresAt: s.expires_at };
      await this.cache.set(cacheKey(tokenHash), JSON.stringify(resolved), SESSION_CACHE_MS).catch(() => {}); // the cache only saves a store read; the session was resolved from the store
    }
    if (resolved.expiresAt <= now) throw new AppError('SB_TOKEN_EXPIRED');
    return resolved;
  }

  async logout(actor: Actor): Promise<void> {
    const s = await this.store.sessions.revoke(actor.sessionId, this.clock.now());
    if (s) await this.forget([s], 'signed_out');
  }

  async mySessions(actor: Actor): Promise<SessionView[]> {
    const list = await this.store.sessions.listActive({ userId: actor.userId, now: this.clock.now(), limit: 200 });
    return list.map((s) => ({ ...sessionView(s), current: s.id === actor.sessionId }));
  }

  /**
   * Ends one of my own sessions. Someone else's session, an ended one and an unknown id all answer
   * SB_NOT_FOUND alike, so a user cannot probe other people's session ids.
   */
  async endMySession(actor: Actor, sessionId: string): Promise<{ ended: true }> {
    const s = await this.store.sessions.byId(sessionId);
    if (!s || s.user_id !== actor.userId || s.revoked_at !== null || s.expires_at <= this.clock.now()) throw new AppError('SB_NOT_FOUND', 'No such active session of yours');
    await this.endSession(sessionId, sessionId === actor.sessionId ? 'signed_out' : 'signed_out_by_user');
    return { ended: true };
  }

  async changePassword(actor: Actor, p: Static<typeof PasswordParams>, ip: string | null = null): Promise<void> {
    const { current_password: current, new_password: next } = p;
    // Limited like sign-in: a stolen token cannot brute-force the current password.
    await this.checkSignInLimits(`password:${actor.userId}`, ip);
    const user = await this.store.users.byId(actor.userId);
    if (!(await this.verify(current, user?.password_hash)) || !user) return this.signInFailed(ip);
    await this.store.users.update(user.id, { passwordHash: await hashPassword(next) }, this.clock.now());
    // Every other device signs in again with the new password.
    const now = this.clock.now();
    const others = (await this.store.sessions.listActive({ userId: user.id, now, limit: 10_000 })).filter((s) => s.id !== actor.sessionId);
    for (const s of others) await this.store.sessions.revoke(s.id, now);
    await this.forget(others, 'password_changed');
  }

  /** Ends all of a user's sessions: tokens stop working, sockets close. */
  async endAllSessions(userId: number, reason: string): Promise<number> {
    const ended = await this.store.sessions.revokeAllForUser(userId, this.clock.now());
    await this.forget(ended, reason);
    // Disabled or reset: whatever a relay cached of their rights goes too, not only their sockets.
    this.events.accessRevoked([userId]);
    return ended.length;
  }

  async endSession(sessionId: string, reason: string): Promise<boolean> {
    const s = await this.store.sessions.revoke(sessionId, this.clock.now());
    if (s) await this.forget([s], reason);
    return s !== null;
  }

  /** Sessions another service ended in its own transaction (a wipe order, core/devices): tokens forgotten, sockets closed. */
  async sessionsEnded(sessions: SessionRecord[], reason: string): Promise<void> {
    await this.forget(sessions, reason);
  }

  /** Retries removals that failed; true when none is left. */
  private async forgetPending(): Promise<boolean> {
    for (const key of this.unforgotten) {
      try {
        await this.cache.del(key);
        this.unforgotten.delete(key);
      } catch {
        return false;
      }
    }
    return true;
  }

  private async forget(sessions: SessionRecord[], reason: string): Promise<void> {
    await Promise.all(sessions.map((s) => this.cache.del(cacheKey(s.token_hash)).catch(() => { this.unforgotten.add(cacheKey(s.token_hash)); })));
    if (sessions.length) this.events.sessionsEnded(sessions.map((s) => s.id), reason);
  }
}
