import { AppError } from '../../shared/errors.js';
import { hashPassword, hashToken, verifyPassword } from '../../shared/crypto.js';
import { randomId } from '../../shared/ids.js';
import type { LoginResult, SessionView } from '../../shared/protocol/types.js';
import type { Static } from '@sinclair/typebox';
import type { Cache } from '../../shared/cache/cache.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, LoginEventRecord, SessionRecord, Store, UserRecord } from '../ports.js';
import { createLogger } from '../../shared/log.js';
import { sessionView, userView } from '../presenters.js';
import type { RateLimiter } from '../rate-limit.js';
import type { CompleteSignInParams, LoginParams, PasswordParams } from './operations.js';
import { rulesOf, type ChangeReason, type Credentials } from './credentials.js';
import type { CredentialRecord } from './ports.js';
import { SignInTickets, type Attempt, type PendingSignIn } from './tickets.js';
import type { LoginPolicyService } from '../login-policy/service.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

const locked = (ms: number) => new AppError('SB_ACCOUNT_LOCKED', `Too many failed sign-ins: try again in ${Math.ceil(ms / 1000)} s`, { retry_after_ms: ms });

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
    readonly credentials: Credentials,
    private readonly loginPolicy: LoginPolicyService,
    private readonly opts: { sessionTtlMs: number; loginAttemptsPerMinute: number; loginFailuresPerIpPerMinute: number; loginFailuresPerMinute: number; issuer: string },
  ) {
    this.tickets = new SignInTickets(cache);
  }

  private readonly tickets: SignInTickets;

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

  private async signInFailed(ip: string | null, code: 'SB_BAD_CREDENTIALS' | 'SB_BAD_TOTP' = 'SB_BAD_CREDENTIALS'): Promise<never> {
    if (ip) await this.limiter.incr(`login-fail-ip:${ip}`, 60_000);
    await this.limiter.incr('login-fail-all', 60_000);
    throw new AppError(code);
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
    const attempt: Attempt = { account: account.slice(0, 64), ip, device_type: deviceType, device_name: p.device_name ?? deviceType, device_id: p.device_id ?? randomId(12) };
    try {
      await this.checkSignInLimits(`login:${account.toLowerCase()}`, ip);
    } catch (e) {
      await this.recordAttempt({ ...attempt, user_id: null, result: 'rate_limited' });
      throw e;
    }

    const user = await this.store.users.byAccount(account);
    const cred = user ? await this.credentials.get(user.id) : null;
    // A locked account is not even checked: guessing stops for the lock's length, whatever the guess.
    if (user && cred && this.credentials.lockedFor(cred) > 0) {
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'locked' });
      throw locked(this.credentials.lockedFor(cred));
    }
    // Unknown accounts (and people without a password) cost one scrypt too: accounts cannot be listed by timing.
    const byPassword = await this.verify(password, user?.password_hash);
    const byActivation = !byPassword && user !== null && cred !== null && (await this.credentials.activationMatches(cred, password));
    if (!user || !cred || (!byPassword && !byActivation)) {
      await this.recordAttempt({ ...attempt, user_id: user?.id ?? null, result: 'bad_credentials' });
      if (user) await this.countFailure(user.id);
      return this.signInFailed(ip);
    }
    if (user.disabled) {
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'disabled' });
      throw new AppError('SB_USER_DISABLED');
    }
    try {
      await this.loginPolicy.checkType(user, deviceType);
    } catch (e) {
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'device_not_allowed' });
      throw e;
    }
    if (cred.totp_secret) {
      if (!p.totp_code) {
        await this.recordAttempt({ ...attempt, user_id: user.id, result: 'totp_required' });
        throw new AppError('SB_TOTP_REQUIRED');
      }
      const step = matchTotp(cred.totp_secret, p.totp_code, this.clock.now(), cred.totp_last_step);
      if (step === null || !(await this.store.credentials.useTotpStep(user.id, step))) {
        await this.recordAttempt({ ...attempt, user_id: user.id, result: 'bad_totp' });
        await this.countFailure(user.id);
        return this.signInFailed(ip, 'SB_BAD_TOTP');
      }
    }
    await this.credentials.succeeded(cred);
    return this.nextStep(user, cred, attempt, await this.credentials.changeReason(cred, byActivation));
  }

  /** One more failure towards the lock; the answer says so when this one locked the account. */
  private async countFailure(userId: number): Promise<void> {
    const after = await this.credentials.failed(userId);
    if (this.credentials.lockedFor(after) > 0 && after.failures === 0) log.warn({ user_id: userId, lockouts: after.lockouts }, 'sign-in: account locked after repeated failures');
  }

  /**
   * After the password (and code) are right: a password to change, or a second factor to set up, or else the
   * session. The steps are carried by a short-lived single-use ticket, never by a session: no token exists
   * until every step the policy asks for is done.
   */
  private async nextStep(user: UserRecord, cred: CredentialRecord, attempt: Attempt, change: ChangeReason | null): Promise<LoginResult> {
    const policy = await this.credentials.policy();
    if (change) {
      const ticket = await this.tickets.issue({ user_id: user.id, step: 'password', attempt });
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'change_required' });
      throw new AppError('SB_PASSWORD_CHANGE_REQUIRED', undefined, { ticket, reason: change, policy: rulesOf(policy) });
    }
    if (user.is_admin && policy.totp_for_admins && !cred.totp_secret) {
      const secret = newTotpSecret();
      const ticket = await this.tickets.issue({ user_id: user.id, step: 'totp_setup', attempt, secret });
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'totp_setup_required' });
      throw new AppError('SB_TOTP_SETUP_REQUIRED', undefined, { ticket, secret, otpauth_uri: otpauthUri(this.opts.issuer, user.account, secret) });
    }
    return this.approvedSession(user, attempt);
  }

  /** The last step: a new device may have to wait for approval (登录授权) before its session is made. */
  private async approvedSession(user: UserRecord, attempt: Attempt): Promise<LoginResult> {
    const policy = await this.loginPolicy.effective(user);
    if (await this.loginPolicy.needsApproval(policy, user.id, attempt.device_id)) {
      await this.loginPolicy.request(user.id, { device_id: attempt.device_id, device_type: attempt.device_type, device_name: attempt.device_name, ip: attempt.ip });
      const ticket = await this.tickets.issue({ user_id: user.id, step: 'approval', attempt });
      await this.recordAttempt({ ...attempt, user_id: user.id, result: 'approval_required' });
      throw new AppError('SB_DEVICE_APPROVAL_REQUIRED', undefined, { ticket, device_id: attempt.device_id });
    }
    return this.startSession(user, attempt);
  }

  /** The second half of a sign-in that had a step to do: the new password, or the first code of a new authenticator. */
  async completeSignIn(p: Static<typeof CompleteSignInParams>, ip: string | null): Promise<LoginResult> {
    await this.limiter.check(`signin-step:${ip ?? '-'}`, this.opts.loginAttemptsPerMinute * 3, 60_000);
    const pending = await this.tickets.read(p.ticket);
    const user = pending ? await this.store.users.byId(pending.user_id) : null;
    if (!pending || !user) throw new AppError('SB_UNAUTHENTICATED', 'This sign-in step has expired; sign in again');
    if (user.disabled) throw new AppError('SB_USER_DISABLED');
    if (pending.step === 'password') {
      if (!p.new_password) throw new AppError('SB_VALIDATION', 'new_password: required to finish signing in', { field: 'new_password' });
      await this.credentials.checkNew(user, p.new_password, { history: true });
      if (!(await this.tickets.consume(p.ticket))) throw new AppError('SB_UNAUTHENTICATED', 'This sign-in step was already used; sign in again');
      await this.credentials.set(user, p.new_password, false);
      const after = (await this.store.users.byId(user.id))!;
      return this.nextStep(after, await this.credentials.get(user.id), pending.attempt, null);
    }
    if (pending.step === 'approval') return this.afterApproval(p.ticket, user, pending);
    if (!p.totp_code) throw new AppError('SB_VALIDATION', 'totp_code: required to finish signing in', { field: 'totp_code' });
    const step = matchTotp(pending.secret!, p.totp_code, this.clock.now(), 0);
    if (step === null) {
      await this.tickets.countMiss(p.ticket);
      throw new AppError('SB_BAD_TOTP');
    }
    if (!(await this.tickets.consume(p.ticket))) throw new AppError('SB_UNAUTHENTICATED', 'This sign-in step was already used; sign in again');
    await this.store.credentials.update(user.id, { totp_secret: pending.secret!, totp_pending: null, totp_last_step: step });
    return this.approvedSession(user, pending.attempt);
  }

  /** A sign-in waiting for approval asks again: still waiting, refused, or approved (then its session). */
  private async afterApproval(ticket: string, user: UserRecord, pending: PendingSignIn): Promise<LoginResult> {
    const device = await this.loginPolicy.status(user.id, pending.attempt.device_id);
    if (device?.status === 'pending') throw new AppError('SB_APPROVAL_PENDING');
    if (!(await this.tickets.consume(ticket))) throw new AppError('SB_UNAUTHENTICATED', 'This sign-in step was already used; sign in again');
    if (device?.status !== 'approved') {
      await this.recordAttempt({ ...pending.attempt, user_id: user.id, result: 'approval_denied' });
      throw new AppError('SB_FORBIDDEN', device ? 'The sign-in on this device was refused' : 'The request for approval expired; sign in again');
    }
    return this.startSession(user, pending.attempt);
  }

  private async startSession(user: UserRecord, attempt: Attempt): Promise<LoginResult> {
    const token = randomId(32);
    const now = this.clock.now();
    const rec: Omit<SessionRecord, 'revoked_at'> = {
      id: randomId(12), user_id: user.id, token_hash: hashToken(token), device_type: attempt.device_type,
      device_name: attempt.device_name, ip: attempt.ip, created_at: now, expires_at: now + this.opts.sessionTtlMs, last_seen_at: now,
    };
    await this.store.sessions.create(rec);
    await this.loginPolicy.seen(user.id, { device_id: attempt.device_id, device_type: attempt.device_type, device_name: attempt.device_name, ip: attempt.ip });
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
    await this.credentials.checkNew(user, next, { history: true });
    await this.credentials.set(user, next, false);
    // Every other device signs in again with the new password.
    const now = this.clock.now();
    const others = (await this.store.sessions.listActive({ userId: user.id, now, limit: 10_000 })).filter((s) => s.id !== actor.sessionId);
    for (const s of others) await this.store.sessions.revoke(s.id, now);
    await this.forget(others, 'password_changed');
  }

  /** Checks a person's current password for a sensitive change of their own (second factor), limited like sign-in. */
  async confirmPassword(actor: Actor, password: string, ip: string | null): Promise<UserRecord> {
    await this.checkSignInLimits(`password:${actor.userId}`, ip);
    const user = await this.store.users.byId(actor.userId);
    if (!(await this.verify(password, user?.password_hash)) || !user) return this.signInFailed(ip);
    return user;
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
