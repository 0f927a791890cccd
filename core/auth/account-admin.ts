import { AppError } from '../../shared/errors.js';
import type { Actor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { Clock, Store, UserRecord } from '../ports.js';
import type { Credentials } from './credentials.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './policy.js';
import type { AuthService } from './service.js';

export interface ActivationCode {
  user_id: number;
  account: string;
  name: string;
  code: string;
  expires_at: number;
}

const MAX_CODES = 5000;

/**
 * What administrators do to accounts' credentials: the password policy, unlocking, resetting a second factor,
 * activation codes for people who have no password yet (imports). The policy gate has checked permission and
 * scope; every change is audited here.
 */
export class AccountAdmin {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly credentials: Credentials,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly requireSuper: (actor: Actor, message: string) => Promise<void>,
  ) {}

  policy(): Promise<PasswordPolicy> {
    return this.credentials.policy();
  }

  async setPolicy(actor: Actor, patch: Partial<PasswordPolicy>): Promise<PasswordPolicy> {
    const before = await this.credentials.policy();
    // Only the policy's own keys: the params schema lets unknown ones through, the stored policy must not.
    const known = Object.entries(patch).filter(([k]) => k in DEFAULT_PASSWORD_POLICY);
    const changed = Object.fromEntries(known.filter(([k, v]) => before[k as keyof PasswordPolicy] !== v));
    const after = { ...before, ...changed };
    if (Object.keys(changed).length === 0) return before;
    await this.store.credentials.setPolicy(after);
    await this.audit(actor, 'password_policy.set', 'org', { changed, before: Object.fromEntries(Object.keys(changed).map((k) => [k, before[k as keyof PasswordPolicy]])) });
    return after;
  }

  private async target(actor: Actor, userId: number, what: string): Promise<UserRecord> {
    const user = await this.store.users.byId(userId);
    if (!user) throw new AppError('SB_NOT_FOUND', 'No such user');
    if (user.is_admin && userId !== actor.userId) await this.requireSuper(actor, `Only the super administrator ${what} of another administrator`);
    return user;
  }

  async unlock(actor: Actor, p: { user_id: number }): Promise<{ unlocked: boolean }> {
    const user = await this.target(actor, p.user_id, 'unlocks the account');
    const cred = await this.credentials.get(user.id);
    const wasLocked = this.credentials.lockedFor(cred) > 0;
    await this.store.credentials.update(user.id, { failures: 0, lockouts: 0, locked_until: null });
    await this.audit(actor, 'user.unlock', `user:${user.id}`, { was_locked: wasLocked });
    return { unlocked: wasLocked };
  }

  /** A lost phone: the second factor goes, and so do the person's sessions; the next sign-in sets it up again if required. */
  async resetTotp(actor: Actor, p: { user_id: number }): Promise<{ reset: boolean; sessions_ended: number }> {
    const user = await this.target(actor, p.user_id, 'resets the second factor');
    const cred = await this.credentials.get(user.id);
    await this.store.credentials.update(user.id, { totp_secret: null, totp_pending: null });
    const ended = cred.totp_secret ? await this.auth.endAllSessions(user.id, 'totp_reset') : 0;
    await this.audit(actor, 'user.reset_totp', `user:${user.id}`, { had_totp: cred.totp_secret !== null, sessions_ended: ended });
    return { reset: cred.totp_secret !== null, sessions_ended: ended };
  }

  /**
   * One-time activation codes (激活码), each replacing the person's earlier one: for the people named, or for
   * everyone in a department subtree who has no password yet (just imported). The codes are in this answer only.
   */
  async activationCodes(actor: Actor, p: { user_ids?: number[]; dept_id?: number }): Promise<ActivationCode[]> {
    if ((p.user_ids === undefined) === (p.dept_id === undefined)) throw new AppError('SB_VALIDATION', 'user_ids or dept_id: exactly one of them', { field: 'user_ids' });
    const users = p.user_ids ? await this.named(actor, p.user_ids) : await this.withoutPassword(p.dept_id!);
    const out: ActivationCode[] = [];
    for (const u of users) {
      if (u.disabled) continue;
      out.push({ user_id: u.id, account: u.account, name: u.name, ...(await this.credentials.issueActivation(u.id)) });
    }
    await this.audit(actor, 'user.activation_codes', p.dept_id === undefined ? 'users' : `dept:${p.dept_id}`, { count: out.length, user_ids: out.slice(0, 100).map((c) => c.user_id) });
    return out;
  }

  private async named(actor: Actor, ids: number[]): Promise<UserRecord[]> {
    const users = await this.store.users.byIds([...new Set(ids)]);
    if (users.length !== new Set(ids).size) throw new AppError('SB_NOT_FOUND', 'No such user');
    for (const u of users) if (u.is_admin && u.id !== actor.userId) await this.requireSuper(actor, 'Only the super administrator issues activation codes to administrators');
    return users;
  }

  private async withoutPassword(deptId: number): Promise<UserRecord[]> {
    const view = await this.directory.scopeView([deptId]);
    if (!view.dept(deptId)) throw new AppError('SB_NOT_FOUND', 'No such department');
    const out: UserRecord[] = [];
    for (let after: number | undefined; ;) {
      const page = await this.store.users.list({ afterId: after, limit: 1000 });
      for (const u of page) if (u.password_hash === '' && !u.is_admin && view.user(u.id)) out.push(u);
      if (out.length > MAX_CODES) throw new AppError('SB_VALIDATION', `dept_id: more than ${MAX_CODES} people at once; issue codes per sub-department`, { field: 'dept_id' });
      if (page.length < 1000) return out;
      after = page.at(-1)!.id;
    }
  }

  private async audit(actor: Actor, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor.userId, action, target, details, at: this.clock.now() });
  }
}
