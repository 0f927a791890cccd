import t from 'tap';
import { BUILTIN_ROLES } from '../../core/roles/permissions.js';
import { orgPerson, outcome } from '../helpers/admin-org.js';
import { startServer } from '../helpers/server.js';

const { hr: HR, security: SECURITY, auditor: AUDITOR, super: SUPER } = BUILTIN_ROLES;

t.test('tiered administration: permissions, scopes, grants that never exceed the granter', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const north = await admin.call('admin.dir.dept.create', { name: '华北', org_id: 1 });
  const beijing = await admin.call('admin.dir.dept.create', { name: '北京', parent_id: north.id });
  const south = await admin.call('admin.dir.dept.create', { name: '华南', org_id: 1 });
  const hr = await orgPerson(server, 'hr1', [north.id]);
  const sec = await orgPerson(server, 'sec1', [north.id]);
  const bj = await orgPerson(server, 'bj1', [beijing.id]);
  const gz = await orgPerson(server, 'gz1', [south.id]);
  await admin.call('admin.dir.policy.set', { target: 'person', target_id: gz.person.id, fields: ['mobile'] });
  await admin.call('admin.dir.person.update', { person_id: gz.person.id, mobile: '13800000000' });

  const hrGrant = await admin.call('admin.grants.add', { user_id: hr.userId, role_id: HR.id, dept_ids: [north.id] });
  t.match(hrGrant, { user_id: hr.userId, user_name: 'hr1-名', role_name: '人事管理员', dept_ids: [north.id], dept_names: ['华北'] });
  const secGrant = await admin.call('admin.grants.add', { user_id: sec.userId, role_id: SECURITY.id, dept_ids: null });

  // Permission and scope, checked by the gate before any handler.
  const listed = (await hr.api.call('admin.users.list', { limit: 1000 })).map((u) => u.id).sort((a, b) => a - b);
  t.same(listed, [hr.userId, sec.userId, bj.userId].sort((a, b) => a - b), 'people outside the scope are not listed (nor the super administrator)');
  t.equal((await hr.api.call('admin.dir.person.update', { person_id: bj.person.id, title: '工程师' })).title, '工程师', 'inside the scope: allowed');
  t.equal(await outcome(hr.api.call('admin.dir.person.update', { person_id: gz.person.id, title: 'x' })), 'SB_FORBIDDEN', 'outside the scope: refused');
  t.equal(await outcome(hr.api.call('admin.sessions.list', {})), 'SB_FORBIDDEN', 'without the devices permission: refused');
  t.equal(await outcome(hr.api.call('admin.audit', {})), 'SB_FORBIDDEN', 'without the audit permission: refused');
  t.equal((await hr.api.call('dir.person', { person_id: gz.person.id })).mobile, '***', 'confidential fields outside the scope stay masked');
  t.ok((await sec.api.call('admin.sessions.list', {})).length >= 1, 'the security administrator lists sessions');
  t.equal(await outcome(sec.api.call('admin.dir.person.update', { person_id: bj.person.id, title: 'y' })), 'SB_FORBIDDEN', 'but changes no people');

  // Grants within the granter's own powers only.
  const state = async () => JSON.stringify([await admin.call('admin.grants.list', {}), (await admin.call('admin.audit', { limit: 1000 })).length, await admin.call('admin.roles.list', {})]);
  const before = await state();
  const refusals: [string, () => Promise<unknown>, string][] = [
    ['grant to self', () => hr.api.call('admin.grants.add', { user_id: hr.userId, role_id: HR.id, dept_ids: null }), 'SB_FORBIDDEN'],
    ['revoke own grant', () => hr.api.call('admin.grants.revoke', { grant_id: hrGrant.id }), 'SB_FORBIDDEN'],
    ['wider scope than mine', () => hr.api.call('admin.grants.add', { user_id: bj.userId, role_id: HR.id, dept_ids: [south.id] }), 'SB_GRANT_EXCEEDS'],
    ['the whole organisation', () => hr.api.call('admin.grants.add', { user_id: bj.userId, role_id: HR.id }), 'SB_GRANT_EXCEEDS'],
    ['permissions I do not hold', () => hr.api.call('admin.grants.add', { user_id: bj.userId, role_id: AUDITOR.id, dept_ids: [beijing.id] }), 'SB_GRANT_EXCEEDS'],
    ['a department that does not exist', () => hr.api.call('admin.grants.add', { user_id: bj.userId, role_id: HR.id, dept_ids: [99_999] }), 'SB_GRANT_EXCEEDS'],
    ['a user outside my scope', () => hr.api.call('admin.grants.add', { user_id: gz.userId, role_id: HR.id, dept_ids: [beijing.id] }), 'SB_FORBIDDEN'],
    ['revoke a grant beyond mine', () => hr.api.call('admin.grants.revoke', { grant_id: secGrant.id }), 'SB_GRANT_EXCEEDS'],
    ['define a role', () => hr.api.call('admin.roles.create', { name: '自定义', permissions: ['people'] }), 'SB_FORBIDDEN'],
    ['malformed: role_id', () => hr.api.callUnchecked('admin.grants.add', { user_id: bj.userId, role_id: 'x' }), 'SB_VALIDATION'],
    ['malformed: empty dept_ids', () => hr.api.callUnchecked('admin.grants.add', { user_id: bj.userId, role_id: HR.id, dept_ids: [] }), 'SB_VALIDATION'],
    ['malformed: unknown permission', () => admin.callUnchecked('admin.roles.create', { name: 'bad', permissions: ['root'] }), 'SB_VALIDATION'],
    ['unknown role', () => admin.call('admin.grants.add', { user_id: bj.userId, role_id: 9_999 }), 'SB_NOT_FOUND'],
    ['change a built-in role', () => admin.call('admin.roles.update', { role_id: SUPER.id, permissions: ['audit'] }), 'SB_FORBIDDEN'],
    ['delete a held role', () => admin.call('admin.roles.delete', { role_id: HR.id }), 'SB_FORBIDDEN'],
    ['not an administrator', () => bj.api.call('admin.grants.add', { user_id: gz.userId, role_id: AUDITOR.id }), 'SB_FORBIDDEN'],
  ];
  for (const [what, call, code] of refusals) t.equal(await outcome(call()), code, `${what}: ${code}`);
  t.equal(await state(), before, 'nothing changed by the refusals');

  // Inside them, granting works; the new administrator holds exactly that.
  const bjGrant = await hr.api.call('admin.grants.add', { user_id: bj.userId, role_id: HR.id, dept_ids: [beijing.id] });
  t.same((await bj.api.call('admin.users.list', {})).map((u) => u.id), [bj.userId], 'the new administrator sees their subtree only');
  t.equal(await outcome(bj.api.call('admin.dir.person.update', { person_id: hr.person.id, title: 'z' })), 'SB_FORBIDDEN', 'not the parent department');
  await hr.api.call('admin.grants.revoke', { grant_id: bjGrant.id });
  t.equal(await outcome(bj.api.call('admin.users.list', {})), 'SB_FORBIDDEN', 'revoked: no administrator any more');

  // Custom roles.
  const custom = await admin.call('admin.roles.create', { name: '通讯录管理员', permissions: ['departments', 'people', 'people'] });
  t.same(custom.permissions, ['people', 'departments']);
  const g = await admin.call('admin.grants.add', { user_id: gz.userId, role_id: custom.id, dept_ids: [south.id] });
  t.equal(await outcome(admin.call('admin.roles.delete', { role_id: custom.id })), 'SB_CONFLICT', 'a role still held is not deleted');
  await admin.call('admin.grants.revoke', { grant_id: g.id });
  t.same(await admin.call('admin.roles.delete', { role_id: custom.id }), { deleted: true });

  // Every grant change is in the audit log, with names.
  const grants = await sec.api.call('admin.audit', { action: 'grant.add' });
  t.ok(grants.length >= 4, 'grant.add entries');
  t.match(grants.find((e) => e.target === `user:${bj.userId}`), { actor_id: hr.userId, actor_name: 'hr1-名', target_name: 'bj1-名', details: { role: '人事管理员', dept_ids: [beijing.id] } });
  t.ok((await sec.api.call('admin.audit', { action: 'grant.revoke' })).length >= 2, 'grant.revoke entries');
});
