import type { Test } from 'tap';
import { BUILTIN_ROLES } from '../../../core/roles/permissions.js';
import { code, fixtures, tag, type StoreHarness } from './harness.js';

/** Store contract, tiered administration: built-in roles, custom roles, grants, and the audit log's filters. */
export function rolesContract(t: Test, harness: () => StoreHarness): void {
  const f = fixtures(() => harness().store);

  t.test('roles: the built-in ones are seeded and never change; custom ones are named once', async (t) => {
    const s = harness().store.roles;
    const all = await s.listRoles();
    for (const b of Object.values(BUILTIN_ROLES)) t.match(all.find((r) => r.id === b.id), { name: b.name, permissions: [...b.permissions], builtin: true }, b.name);
    t.equal(await s.updateRole(BUILTIN_ROLES.super.id, { permissions: ['audit'] }), null, 'a built-in role is not updated');
    t.equal(await s.deleteRole(BUILTIN_ROLES.auditor.id), 'missing', 'nor deleted');
    const name = `role-${tag()}`;
    const role = await s.createRole({ name, permissions: ['people', 'audit'], at: 5 });
    t.match(role, { name, permissions: ['people', 'audit'], builtin: false, created_at: 5 });
    t.ok(role.id > BUILTIN_ROLES.auditor.id, 'custom ids follow the built-in ones');
    t.equal(await code(s.createRole({ name, permissions: ['apps'], at: 6 })), 'SB_CONFLICT', 'a taken name');
    const other = await s.createRole({ name: `${name}-2`, permissions: ['apps'], at: 6 });
    t.equal(await code(s.updateRole(other.id, { name })), 'SB_CONFLICT', 'renaming onto a taken name');
    t.match(await s.updateRole(role.id, { permissions: ['devices'] }), { name, permissions: ['devices'] });
    t.equal(await s.updateRole(999_999, { name: 'x' }), null, 'no such role');
    t.equal(await s.deleteRole(other.id), 'deleted');
    t.equal(await s.deleteRole(other.id), 'missing');
    t.equal(await s.roleById(other.id), null);
  });

  t.test('grants: added once per role and scope, listed per user, revoked, rescoped; a held role is kept', async (t) => {
    const s = harness().store.roles;
    const [u, v] = [await f.user(), await f.user()];
    t.same(await s.listGrants({ userId: u.id }), [], 'none yet');
    const role = await s.createRole({ name: `held-${tag()}`, permissions: ['people'], at: 1 });
    const a = await s.addGrant({ userId: u.id, roleId: role.id, deptIds: [3, 7], grantedBy: v.id, at: 10 });
    t.match(a, { user_id: u.id, role_id: role.id, dept_ids: [3, 7], granted_by: v.id, created_at: 10 });
    t.same(await s.addGrant({ userId: u.id, roleId: role.id, deptIds: [3, 7], grantedBy: null, at: 11 }), a, 'the same grant again is the same grant');
    const whole = await s.addGrant({ userId: u.id, roleId: BUILTIN_ROLES.auditor.id, deptIds: null, grantedBy: null, at: 12 });
    t.equal(whole.dept_ids, null, 'the whole organisation');
    t.same((await s.listGrants({ userId: u.id })).map((g) => g.id), [a.id, whole.id]);
    t.ok((await s.listGrants()).some((g) => g.id === whole.id), 'and among all grants');
    t.equal(await s.deleteRole(role.id), 'held', 'a held role is not deleted');
    t.ok(await s.roleById(role.id));
    t.equal(await s.rescopeAllOf(u.id, [9]), 2);
    t.same((await s.listGrants({ userId: u.id })).map((g) => g.dept_ids), [[9], [9]]);
    t.equal(await s.revokeGrant(a.id), true);
    t.equal(await s.revokeGrant(a.id), false, 'twice: nothing');
    t.equal(await s.grantById(a.id), null);
    t.equal(await s.revokeAllOf(u.id), 1);
    t.same(await s.listGrants({ userId: u.id }), []);
    t.equal(await s.deleteRole(role.id), 'deleted', 'no longer held');
  });

  t.test('grants: the same grant added concurrently is stored once', async (t) => {
    const s = harness().store.roles;
    const u = await f.user();
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => s.addGrant({ userId: u.id, roleId: BUILTIN_ROLES.hr.id, deptIds: [1], grantedBy: null, at: i })));
    t.equal(new Set(all.map((g) => g.id)).size, 1, 'one grant');
    t.equal((await s.listGrants({ userId: u.id })).length, 1);
  });

  t.test('audit log: filtered by actor, action, target and time', async (t) => {
    const s = harness().store;
    const action = `filter-${tag()}`;
    const [a, b] = [await f.user(), await f.user()];
    for (let i = 0; i < 6; i++) await s.audit.append({ actor_id: i % 2 ? a.id : b.id, action, target: `user:${i % 3}`, details: { i }, at: 1_000 + i });
    const ids = (rows: { details: unknown }[]) => rows.map((r) => (r.details as { i: number }).i);
    t.same(ids(await s.audit.list({ limit: 100, action })), [5, 4, 3, 2, 1, 0], 'by action, newest first');
    t.same(ids(await s.audit.list({ limit: 100, action, actorId: a.id })), [5, 3, 1], 'by actor');
    t.same(ids(await s.audit.list({ limit: 100, action, target: 'user:1' })), [4, 1], 'by target');
    t.same(ids(await s.audit.list({ limit: 100, action, since: 1_002, until: 1_004 })), [4, 3, 2], 'by time, both ends included');
    t.same(ids(await s.audit.list({ limit: 2, action, actorId: b.id })), [4, 2], 'limited');
    t.same(await s.audit.list({ limit: 10, action: `${action}-none` }), [], 'nothing matches');
  });
}
