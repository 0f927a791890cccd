import { AppError } from '../../shared/errors.js';
import { hashPassword } from '../../shared/crypto.js';
import type { AuditEntry, AuditVerifyResult, ConversationView, SessionView, UserView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import { verifyAuditChain } from './audit-chain.js';
import { adminPasswordProblem, generateAdminPassword } from '../auth/admin-password.js';
import type { AuthService } from '../auth/service.js';
import type { MessagingService } from '../messaging/service.js';
import type { Clock, EventSink, Store } from '../ports.js';
import { sessionView, userView } from '../presenters.js';
import { ACCOUNT, bool, int, obj, optInt, optStr, str } from '../validate.js';

/**
 * Administration. Every method checks that the actor is an administrator
 * (here, not in the transport) and writes an audit entry for every change.
 */
export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly messaging: MessagingService,
    private readonly events: EventSink,
    private readonly clock: Clock,
  ) {}

  /**
   * First start: create the initial administrator. Returns the password if one was generated. A given
   * password weaker than the administrator rule is refused (SB_VALIDATION) and nothing is created.
   */
  async ensureInitialAdmin(account: string, password: string | null): Promise<{ created: boolean; password: string | null }> {
    if ((await this.store.users.count()) > 0) return { created: false, password: null };
    const problem = password ? adminPasswordProblem(password, account) : null;
    if (problem) throw new AppError('SB_VALIDATION', `password: too weak for the first administrator: ${problem}`, { field: 'password' });
    const generated = password ? null : generateAdminPassword(account);
    const user = await this.store.users.create({
      account, name: 'Administrator', passwordHash: await hashPassword(password ?? generated!), isAdmin: true, isSuper: true, at: this.clock.now(),
    });
    await this.audit(null, 'user.create', `user:${user.id}`, { account, is_admin: true, bootstrap: true });
    return { created: true, password: generated };
  }

  async createUser(actor: Actor, params: unknown): Promise<UserView> {
    await this.requireAdmin(actor);
    const p = obj(params);
    const account = str(p.account, 'account', { max: 64, pattern: ACCOUNT });
    const name = str(p.name ?? account, 'name', { max: 100 }).trim() || account;
    const password = str(p.password, 'password', { min: 8, max: 256 });
    const isAdmin = p.is_admin === undefined ? false : bool(p.is_admin, 'is_admin');
    if (isAdmin) await this.requireSuper(actor, 'Only the super administrator creates administrators');
    const user = await this.store.users.create({ account, name, passwordHash: await hashPassword(password), isAdmin, at: this.clock.now() });
    await this.audit(actor, 'user.create', `user:${user.id}`, { account, name, is_admin: isAdmin });
    return userView(user);
  }

  async listUsers(actor: Actor, params: unknown): Promise<UserView[]> {
    await this.requireAdmin(actor);
    const p = obj(params ?? {});
    const users = await this.store.users.list({
      afterId: optInt(p.after, 'after', { min: 0 }),
      limit: optInt(p.limit, 'limit', { min: 1, max: 1000 }) ?? 100,
      query: optStr(p.q, 'q', { max: 100 }),
    });
    return users.map(userView);
  }

  async setDisabled(actor: Actor, params: unknown, disabled: boolean): Promise<UserView> {
    await this.requireAdmin(actor);
    const userId = int(obj(params).user_id, 'user_id', { min: 1 });
    if (userId === actor.userId && disabled) throw new AppError('SB_VALIDATION', 'user_id: administrators cannot disable themselves');
    const target = await this.store.users.byId(userId);
    if (target?.is_super) throw new AppError('SB_FORBIDDEN', 'The super administrator cannot be disabled');
    if (target?.is_admin) await this.requireSuper(actor, 'Only the super administrator disables or enables administrators');
    const user = await this.store.users.update(userId, { disabled }, this.clock.now());
    if (!user) throw new AppError('SB_NOT_FOUND', 'No such user');
    const ended = disabled ? await this.auth.endAllSessions(userId, 'user_disabled') : 0;
    await this.audit(actor, disabled ? 'user.disable' : 'user.enable', `user:${userId}`, { sessions_ended: ended });
    return userView(user);
  }

  async resetPassword(actor: Actor, params: unknown): Promise<UserView> {
    await this.requireAdmin(actor);
    const p = obj(params);
    const userId = int(p.user_id, 'user_id', { min: 1 });
    const password = str(p.password, 'password', { min: 8, max: 256 });
    const target = await this.store.users.byId(userId);
    if (!target) throw new AppError('SB_NOT_FOUND', 'No such user');
    if (target.is_admin && userId !== actor.userId) await this.requireSuper(actor, "Only the super administrator resets another administrator's password");
    const user = await this.store.users.update(userId, { passwordHash: await hashPassword(password) }, this.clock.now());
    if (!user) throw new AppError('SB_NOT_FOUND', 'No such user');
    const ended = await this.auth.endAllSessions(userId, 'password_reset');
    await this.audit(actor, 'user.reset_password', `user:${userId}`, { sessions_ended: ended });
    return userView(user);
  }

  async setAdmin(actor: Actor, params: unknown): Promise<UserView> {
    await this.requireAdmin(actor);
    const p = obj(params);
    const userId = int(p.user_id, 'user_id', { min: 1 });
    const isAdmin = bool(p.is_admin, 'is_admin');
    await this.requireSuper(actor, 'Only the super administrator grants or revokes administrator rights');
    if (userId === actor.userId && !isAdmin) throw new AppError('SB_VALIDATION', 'user_id: administrators cannot demote themselves');
    const user = await this.store.users.update(userId, { isAdmin }, this.clock.now());
    if (!user) throw new AppError('SB_NOT_FOUND', 'No such user');
    await this.audit(actor, 'user.set_admin', `user:${userId}`, { is_admin: isAdmin });
    return userView(user);
  }

  async listSessions(actor: Actor, params: unknown): Promise<SessionView[]> {
    await this.requireAdmin(actor);
    const p = obj(params ?? {});
    const userId = optInt(p.user_id, 'user_id', { min: 1 });
    const list = await this.store.sessions.listActive({ userId, now: this.clock.now(), limit: optInt(p.limit, 'limit', { min: 1, max: 10_000 }) ?? 1000 });
    return list.map(sessionView);
  }

  async revokeSession(actor: Actor, params: unknown): Promise<{ revoked: boolean }> {
    await this.requireAdmin(actor);
    const sessionId = str(obj(params).session_id, 'session_id', { max: 64 });
    const revoked = await this.auth.endSession(sessionId, 'revoked_by_admin');
    if (!revoked) throw new AppError('SB_NOT_FOUND', 'No such active session');
    await this.audit(actor, 'session.revoke', `session:${sessionId}`, {});
    return { revoked };
  }

  /** Creates a group on behalf of an owner (who need not be the admin). */
  async createGroup(actor: Actor, params: unknown): Promise<ConversationView> {
    await this.requireAdmin(actor);
    const p = obj(params);
    const ownerId = int(p.owner_id ?? actor.userId, 'owner_id', { min: 1 });
    const view = await this.messaging.createGroup({ userId: ownerId, sessionId: actor.sessionId }, {
      title: p.title, member_ids: p.member_ids, cmid: p.cmid,
    });
    await this.audit(actor, 'group.create', `conversation:${view.id}`, { owner_id: ownerId, title: view.title, members: view.members.length });
    return view;
  }

  async auditLog(actor: Actor, params: unknown): Promise<AuditEntry[]> {
    await this.requireAdmin(actor);
    const p = obj(params ?? {});
    return this.store.audit.list({
      limit: optInt(p.limit, 'limit', { min: 1, max: 1000 }) ?? 100,
      beforeId: optInt(p.before, 'before', { min: 1 }),
    });
  }

  /** Walks the audit log's hash chain and reports the first broken link. */
  async verifyAudit(actor: Actor): Promise<AuditVerifyResult> {
    await this.requireAdmin(actor);
    return verifyAuditChain(this.store.audit);
  }

  async requireAdmin(actor: Actor): Promise<void> {
    const user = await this.store.users.byId(actor.userId);
    if (!user || user.disabled || !user.is_admin) throw new AppError('SB_FORBIDDEN', 'Administrator rights required');
  }

  /** Until tiered administration exists, the first administrator alone manages administrators and scopes. */
  async requireSuper(actor: Actor, message = 'Super administrator rights required'): Promise<void> {
    const user = await this.store.users.byId(actor.userId);
    if (!user || user.disabled || !user.is_admin || !user.is_super) throw new AppError('SB_FORBIDDEN', message);
  }

  private async audit(actor: Actor | null, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor?.userId ?? null, action, target, details, at: this.clock.now() });
  }
}
