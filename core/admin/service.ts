import { AppError } from '../../shared/errors.js';
import { hashPassword } from '../../shared/crypto.js';
import type { AuditVerifyResult, ConversationView, SessionView, UserView } from '../../shared/protocol/types.js';
import type { Actor, AdminActor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { RolesService } from '../roles/service.js';
import { verifyAuditChain } from './audit-chain.js';
import { adminPasswordProblem, generateAdminPassword } from '../auth/admin-password.js';
import type { AuthService } from '../auth/service.js';
import { generatePassword, rulesOf } from '../auth/credentials.js';
import { passwordProblem } from '../auth/policy.js';
import type { MessagingService } from '../messaging/service.js';
import type { Clock, EventSink, Store } from '../ports.js';
import { sessionView, userView } from '../presenters.js';
import type { Static } from '@sinclair/typebox';
import type { AdminGroupParams, CreateUserParams } from './operations.js';

/**
 * Administration. Central's policy gate lets only administrators (within their scope) reach these methods;
 * what is left here are the rules of administration itself (the super administrator's, self-protection)
 * and an audit entry for every change.
 */
export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly messaging: MessagingService,
    private readonly events: EventSink,
    private readonly clock: Clock,
    private readonly roles: RolesService,
    private readonly directory: DirectoryService,
  ) {}

  private get credentials() { return this.auth.credentials; }

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

  async createUser(actor: Actor, p: Static<typeof CreateUserParams>): Promise<UserView & { password?: string }> {
    const { account } = p;
    const name = (p.name ?? account).trim() || account;
    const isAdmin = p.is_admin ?? false;
    if (isAdmin) await this.requireSuper(actor, 'Only the super administrator creates administrators');
    const policy = await this.credentials.policy();
    const generated = p.password === undefined ? generatePassword(policy.min_length) : null;
    const password = p.password ?? generated!;
    const problem = passwordProblem(password, account, policy);
    if (problem) throw new AppError('SB_WEAK_PASSWORD', `password: ${problem}`, { field: 'password', problem, policy: rulesOf(policy) });
    const mustChange = generated !== null || (p.must_change ?? policy.force_change_admin_set);
    const user = await this.store.users.create({ account, name, passwordHash: await hashPassword(password), isAdmin, at: this.clock.now() });
    await this.store.credentials.update(user.id, { password_set_at: this.clock.now(), must_change: mustChange });
    await this.audit(actor, 'user.create', `user:${user.id}`, { account, name, is_admin: isAdmin, generated: generated !== null, must_change: mustChange });
    if (isAdmin) await this.roles.grantEverything(actor, user.id);
    return generated ? { ...userView(user), password: generated } : userView(user);
  }

  /** Users in the administrator's scope only (someone outside it is not listed, nor counted). */
  async listUsers(actor: AdminActor, p: { q?: string; after?: number; limit?: number }): Promise<UserView[]> {
    const limit = p.limit ?? 100;
    const view = await this.directory.scopeView(actor.authority?.roots ?? null);
    const out: UserView[] = [];
    // Paged through, so a scoped administrator's page is never cut short by users they do not see.
    for (let after = p.after; ;) {
      const page = await this.store.users.list({ afterId: after, limit, query: p.q });
      for (const u of page) if (view.user(u.id) && out.length < limit) out.push(userView(u));
      if (out.length >= limit || page.length < limit) return out;
      after = page.at(-1)!.id;
    }
  }

  async setDisabled(actor: Actor, p: { user_id: number }, disabled: boolean): Promise<UserView> {
    const userId = p.user_id;
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

  async resetPassword(actor: Actor, p: { user_id: number; password?: string; generate?: boolean; must_change?: boolean }): Promise<UserView & { password?: string }> {
    const { user_id: userId } = p;
    if ((p.password === undefined) === !p.generate) throw new AppError('SB_VALIDATION', 'password or generate: exactly one of them', { field: 'password' });
    const target = await this.store.users.byId(userId);
    if (!target) throw new AppError('SB_NOT_FOUND', 'No such user');
    if (target.is_admin && userId !== actor.userId) await this.requireSuper(actor, "Only the super administrator resets another administrator's password");
    const policy = await this.credentials.policy();
    const generated = p.generate ? generatePassword(policy.min_length) : null;
    const password = p.password ?? generated!;
    await this.credentials.checkNew(target, password, { history: false });
    const mustChange = generated !== null || (p.must_change ?? policy.force_change_admin_set);
    await this.credentials.set(target, password, mustChange);
    const user = (await this.store.users.byId(userId)) ?? target;
    const ended = await this.auth.endAllSessions(userId, 'password_reset');
    await this.audit(actor, 'user.reset_password', `user:${userId}`, { sessions_ended: ended, generated: generated !== null, must_change: mustChange });
    return generated ? { ...userView(user), password: generated } : userView(user);
  }

  async setAdmin(actor: Actor, p: { user_id: number; is_admin: boolean }): Promise<UserView> {
    const { user_id: userId, is_admin: isAdmin } = p;
    await this.requireSuper(actor, 'Only the super administrator grants or revokes administrator rights');
    if (userId === actor.userId && !isAdmin) throw new AppError('SB_VALIDATION', 'user_id: administrators cannot demote themselves');
    const user = await this.store.users.update(userId, { isAdmin }, this.clock.now());
    if (!user) throw new AppError('SB_NOT_FOUND', 'No such user');
    await this.audit(actor, 'user.set_admin', `user:${userId}`, { is_admin: isAdmin });
    // The flag of before roles: on is 超级管理员 over everything, off ends every grant.
    if (isAdmin) await this.roles.grantEverything(actor, userId);
    else await this.roles.revokeEverything(actor, userId);
    return userView((await this.store.users.byId(userId)) ?? user);
  }

  /** Active sessions of the users in the administrator's scope only. */
  async listSessions(actor: AdminActor, p: { user_id?: number; limit?: number }): Promise<SessionView[]> {
    const limit = p.limit ?? 1000;
    const view = await this.directory.scopeView(actor.authority?.roots ?? null);
    const list = await this.store.sessions.listActive({ userId: p.user_id, now: this.clock.now(), limit: view.whole ? limit : 10_000 });
    return list.filter((x) => view.user(x.user_id)).slice(0, limit).map(sessionView);
  }

  async revokeSession(actor: Actor, p: { session_id: string }): Promise<{ revoked: boolean }> {
    const sessionId = p.session_id;
    const revoked = await this.auth.endSession(sessionId, 'revoked_by_admin');
    if (!revoked) throw new AppError('SB_NOT_FOUND', 'No such active session');
    await this.audit(actor, 'session.revoke', `session:${sessionId}`, {});
    return { revoked };
  }

  /** Creates a group on behalf of an owner (who need not be the admin). */
  async createGroup(actor: Actor, p: Static<typeof AdminGroupParams>): Promise<ConversationView> {
    const ownerId = p.owner_id ?? actor.userId;
    const view = await this.messaging.createGroup({ userId: ownerId, sessionId: actor.sessionId }, {
      title: p.title, member_ids: p.member_ids, cmid: p.cmid,
    });
    await this.audit(actor, 'group.create', `conversation:${view.id}`, { owner_id: ownerId, title: view.title, members: view.members.length });
    return view;
  }

  /** Walks the audit log's hash chain and reports the first broken link. */
  async verifyAudit(_actor: Actor): Promise<AuditVerifyResult> {
    return verifyAuditChain(this.store.audit);
  }

  /** Administrator rights as the policy gate reads them: an enabled user with is_admin. */
  async isAdmin(userId: number): Promise<boolean> {
    const user = await this.store.users.byId(userId);
    return user !== null && user !== undefined && !user.disabled && user.is_admin;
  }

  /** The operations of before roles (is_admin, scopes, other administrators' passwords) stay the first administrator's. */
  async requireSuper(actor: Actor, message = 'Super administrator rights required'): Promise<void> {
    const user = await this.store.users.byId(actor.userId);
    if (!user || user.disabled || !user.is_admin || !user.is_super) throw new AppError('SB_FORBIDDEN', message);
  }

  private async audit(actor: Actor | null, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor?.userId ?? null, action, target, details, at: this.clock.now() });
  }
}
