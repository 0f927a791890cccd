import { AppError } from '../../shared/errors.js';
import type { Actor } from '../actor.js';
import type { DirectoryService } from '../directory/service.js';
import type { ScopeView } from '../directory/scope-view.js';
import type { Clock, GrantRecord, RoleRecord, Store } from '../ports.js';
import { needed, normalise, PERMISSIONS, SUPER_ROLE_ID, type Authority, type Permission, type PermissionNeed, type ScopeRoots } from './permissions.js';
import type { GrantView, RoleView } from './schemas.js';

/**
 * Tiered administration (docs/administration.md): roles are named permission sets, a grant gives one role to one
 * user over department subtrees or the whole organisation. The super administrator (users.is_super) holds
 * everything. Nobody grants beyond their own permissions and scope, and nobody changes their own grants.
 */
export class RolesService {
  constructor(private readonly store: Store, private readonly directory: DirectoryService, private readonly clock: Clock) {}

  /**
   * What an administrator holds for an operation's need (central's policy gate): the union of the scopes of
   * the grants whose role has every permission needed, or null when none has. 'any': any grant at all;
   * undefined (an operation that declares nothing): every permission.
   */
  async authority(userId: number, need: PermissionNeed | undefined): Promise<Authority | null> {
    const user = await this.store.users.byId(userId);
    if (!user || user.disabled) return null;
    if (user.is_super) return { roots: null };
    const grants = await this.store.roles.listGrants({ userId });
    if (grants.length === 0) return null;
    const roles = await this.roleMap();
    const want = needed(need);
    const fit = grants.filter((g) => {
      const role = roles.get(g.role_id);
      if (!role) return false;
      if (want === 'any') return true;
      return (want === 'all' ? PERMISSIONS : want).every((p) => role.permissions.includes(p));
    });
    return fit.length ? { roots: union(fit) } : null;
  }

  // ---- roles ----

  async listRoles(_actor: Actor): Promise<RoleView[]> {
    const [roles, grants] = await Promise.all([this.store.roles.listRoles(), this.store.roles.listGrants()]);
    return roles.map((r) => roleView(r, grants.filter((g) => g.role_id === r.id).length));
  }

  /** Roles are definitions for the whole organisation: only someone with every permission over all of it writes them. */
  async createRole(actor: Actor, p: { name: string; permissions: Permission[] }): Promise<RoleView> {
    await this.requireEverything(actor, 'Only an administrator with every permission over the whole organisation defines roles');
    const role = await this.store.roles.createRole({ name: roleName(p.name), permissions: normalise(p.permissions), at: this.clock.now() });
    await this.audit(actor, 'role.create', `role:${role.id}`, { name: role.name, permissions: role.permissions });
    return roleView(role, 0);
  }

  async updateRole(actor: Actor, p: { role_id: number; name?: string; permissions?: Permission[] }): Promise<RoleView> {
    await this.requireEverything(actor, 'Only an administrator with every permission over the whole organisation changes roles');
    const cur = await this.store.roles.roleById(p.role_id);
    if (!cur) throw new AppError('SB_NOT_FOUND', 'No such role');
    if (cur.builtin) throw new AppError('SB_FORBIDDEN', 'Built-in roles do not change');
    const role = await this.store.roles.updateRole(p.role_id, { name: p.name === undefined ? undefined : roleName(p.name), permissions: p.permissions && normalise(p.permissions) });
    if (!role) throw new AppError('SB_NOT_FOUND', 'No such role');
    await this.audit(actor, 'role.update', `role:${role.id}`, { name: role.name, permissions: role.permissions, before: { name: cur.name, permissions: cur.permissions } });
    const holders = (await this.store.roles.listGrants()).filter((g) => g.role_id === role.id);
    for (const userId of new Set(holders.map((g) => g.user_id))) await this.syncUser(userId);
    return roleView(role, holders.length);
  }

  async deleteRole(actor: Actor, p: { role_id: number }): Promise<{ deleted: boolean }> {
    await this.requireEverything(actor, 'Only an administrator with every permission over the whole organisation deletes roles');
    const cur = await this.store.roles.roleById(p.role_id);
    if (cur?.builtin) throw new AppError('SB_FORBIDDEN', 'Built-in roles cannot be deleted');
    const outcome = await this.store.roles.deleteRole(p.role_id);
    if (outcome === 'missing') throw new AppError('SB_NOT_FOUND', 'No such role');
    if (outcome === 'held') throw new AppError('SB_CONFLICT', 'The role is still granted; revoke its grants first');
    await this.audit(actor, 'role.delete', `role:${p.role_id}`, { name: cur?.name });
    return { deleted: true };
  }

  // ---- grants ----

  /** The grants of the people an administrator can see (their own always), optionally of one user. */
  async listGrants(actor: Actor, p: { user_id?: number }): Promise<GrantView[]> {
    const mine = await this.authority(actor.userId, 'any');
    const view = await this.directory.scopeView(mine ? mine.roots : []);
    const grants = (await this.store.roles.listGrants(p.user_id === undefined ? {} : { userId: p.user_id }))
      .filter((g) => g.user_id === actor.userId || view.user(g.user_id));
    return this.views(grants);
  }

  /**
   * Gives a role to a user over department subtrees (absent or null: the whole organisation). The granter must
   * hold every permission of the role over all of that scope, and see the user; nobody grants to themselves.
   */
  async addGrant(actor: Actor, p: { user_id: number; role_id: number; dept_ids?: number[] | null }): Promise<GrantView> {
    if (p.user_id === actor.userId) throw new AppError('SB_FORBIDDEN', 'Nobody grants to themselves');
    const role = await this.store.roles.roleById(p.role_id);
    if (!role) throw new AppError('SB_NOT_FOUND', 'No such role');
    const target = await this.store.users.byId(p.user_id);
    if (!target) throw new AppError('SB_NOT_FOUND', 'No such user');
    const deptIds = p.dept_ids === undefined || p.dept_ids === null ? null : [...new Set(p.dept_ids)].sort((a, b) => a - b);
    if (deptIds !== null && deptIds.length === 0) throw new AppError('SB_VALIDATION', 'dept_ids: name at least one department, or null for the whole organisation', { field: 'dept_ids' });
    await this.requireSight(actor, p.user_id);
    // Unknown departments lie outside every scoped administrator's scope: they learn nothing of what exists.
    await this.requireCovers(actor, role, deptIds, 'grant');
    const any = await this.directory.scopeView(null);
    for (const d of deptIds ?? []) if (!any.dept(d)) throw new AppError('SB_NOT_FOUND', `No such department ${d}`, { field: 'dept_ids' });
    const grant = await this.store.roles.addGrant({ userId: p.user_id, roleId: role.id, deptIds, grantedBy: actor.userId, at: this.clock.now() });
    await this.syncUser(p.user_id);
    await this.audit(actor, 'grant.add', `user:${p.user_id}`, { grant_id: grant.id, role_id: role.id, role: role.name, dept_ids: deptIds });
    return (await this.views([grant]))[0]!;
  }

  /** Ends one grant; the revoker's own powers must cover it as they would to give it. */
  async revokeGrant(actor: Actor, p: { grant_id: number }): Promise<GrantView> {
    const grant = await this.store.roles.grantById(p.grant_id);
    if (!grant) throw new AppError('SB_NOT_FOUND', 'No such grant');
    if (grant.user_id === actor.userId) throw new AppError('SB_FORBIDDEN', 'Nobody changes their own grants');
    await this.requireSight(actor, grant.user_id);
    const role = await this.store.roles.roleById(grant.role_id);
    if (role) await this.requireCovers(actor, role, grant.dept_ids, 'revoke');
    const view = (await this.views([grant]))[0]!;
    if (!(await this.store.roles.revokeGrant(grant.id))) throw new AppError('SB_NOT_FOUND', 'No such grant');
    await this.syncUser(grant.user_id);
    await this.audit(actor, 'grant.revoke', `user:${grant.user_id}`, { grant_id: grant.id, role_id: grant.role_id, role: role?.name, dept_ids: grant.dept_ids });
    return view;
  }

  // ---- the administrator flag of before roles (admin.users.create with is_admin, admin.users.setAdmin) ----

  /** A new administrator made the old way holds 超级管理员 over the whole organisation, as they did then. */
  async grantEverything(actor: Actor | null, userId: number): Promise<void> {
    if ((await this.store.roles.listGrants({ userId })).length) return;
    const grant = await this.store.roles.addGrant({ userId, roleId: SUPER_ROLE_ID, deptIds: null, grantedBy: actor?.userId ?? null, at: this.clock.now() });
    await this.syncUser(userId);
    await this.audit(actor, 'grant.add', `user:${userId}`, { grant_id: grant.id, role_id: SUPER_ROLE_ID, role: '超级管理员', dept_ids: null });
  }

  async revokeEverything(actor: Actor, userId: number): Promise<void> {
    const grants = await this.store.roles.listGrants({ userId });
    if (grants.length === 0) return;
    await this.store.roles.revokeAllOf(userId);
    await this.syncUser(userId);
    for (const g of grants) await this.audit(actor, 'grant.revoke', `user:${userId}`, { grant_id: g.id, role_id: g.role_id, dept_ids: g.dept_ids });
  }

  // ---- rules ----

  private async requireEverything(actor: Actor, message: string): Promise<void> {
    const a = await this.authority(actor.userId, undefined);
    if (!a || a.roots !== null) throw new AppError('SB_FORBIDDEN', message);
  }

  /** The user must be someone the actor administers (in some grant's scope). */
  private async requireSight(actor: Actor, userId: number): Promise<void> {
    const a = await this.authority(actor.userId, 'any');
    if (!a || !(await this.directory.scopeView(a.roots)).user(userId)) throw new AppError('SB_FORBIDDEN', 'Outside your administration scope');
  }

  /** Every permission of the role, held over all of the scope: or SB_GRANT_EXCEEDS naming what is missing. */
  private async requireCovers(actor: Actor, role: RoleRecord, deptIds: ScopeRoots, verb: 'grant' | 'revoke'): Promise<void> {
    for (const perm of role.permissions as Permission[]) {
      const a = await this.authority(actor.userId, perm);
      const view: ScopeView | null = a ? await this.directory.scopeView(a.roots) : null;
      if (!view) throw new AppError('SB_GRANT_EXCEEDS', `You cannot ${verb} the ${perm} permission: you do not hold it`, { permission: perm });
      if (!view.contains(deptIds)) throw new AppError('SB_GRANT_EXCEEDS', `You cannot ${verb} the ${perm} permission beyond your own scope`, { permission: perm, dept_ids: deptIds });
    }
  }

  /** After a user's grants changed: the administrator flag follows them, and so does whose confidential fields they see. */
  private async syncUser(userId: number): Promise<void> {
    const user = await this.store.users.byId(userId);
    if (!user || user.is_super) return;
    const grants = await this.store.roles.listGrants({ userId });
    if (user.is_admin !== grants.length > 0) await this.store.users.update(userId, { isAdmin: grants.length > 0 }, this.clock.now());
    const people = await this.authority(userId, 'people');
    await this.directory.syncViewScope(userId, grants.length === 0 || people?.roots === null ? [] : people ? [...people.roots!] : [0]);
  }

  private async roleMap(): Promise<Map<number, RoleRecord>> {
    return new Map((await this.store.roles.listRoles()).map((r) => [r.id, r]));
  }

  private async views(grants: GrantRecord[]): Promise<GrantView[]> {
    const roles = await this.roleMap();
    const users = new Map((await this.store.users.byIds([...new Set(grants.map((g) => g.user_id))])).map((u) => [u.id, u]));
    const m = await this.directory.current();
    return grants.map((g) => ({
      id: g.id, user_id: g.user_id, user_name: users.get(g.user_id)?.name ?? '', role_id: g.role_id, role_name: roles.get(g.role_id)?.name ?? '',
      dept_ids: g.dept_ids, dept_names: (g.dept_ids ?? []).map((d) => (m.depts.has(d) ? m.path(d) : '')), granted_by: g.granted_by, created_at: g.created_at,
    }));
  }

  private async audit(actor: Actor | null, action: string, target: string, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor?.userId ?? null, action, target, details, at: this.clock.now() });
  }
}

function union(grants: GrantRecord[]): ScopeRoots {
  if (grants.some((g) => g.dept_ids === null)) return null;
  return [...new Set(grants.flatMap((g) => g.dept_ids!))].sort((a, b) => a - b);
}

function roleView(r: RoleRecord, holders: number): RoleView {
  return { id: r.id, name: r.name, permissions: normalise(r.permissions), builtin: r.builtin, holders };
}

function roleName(v: string): string {
  const name = v.trim();
  if (!name) throw new AppError('SB_VALIDATION', 'name: must not be blank', { field: 'name' });
  return name;
}
