import t from 'tap';
import type { GrantView, RoleView } from '../../core/roles/schemas.js';
import { adminCli } from '../helpers/cli.js';
import { orgPerson } from '../helpers/admin-org.js';
import { ADMIN_PASSWORD, startServer } from '../helpers/server.js';

t.test('the admin CLI manages roles and grants, and reads and exports the audit log', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-roles-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  const dept = await server.admin.call('admin.dir.dept.create', { name: '财务部', org_id: 1 });
  const wang = await orgPerson(server, 'wangwu', [dept.id]);

  const roles = await json<RoleView[]>('roles', 'list');
  t.same(roles.filter((r) => r.builtin).map((r) => r.name), ['超级管理员', '人事管理员', '安全管理员', '审计员'], 'the built-in roles');
  t.match((await run('roles', 'list')).out, /审计员\s+audit\s+yes/, 'a readable table');
  const custom = await json<RoleView>('roles', 'create', '财务审计', '--permissions', 'audit,people');
  t.same(custom.permissions, ['people', 'audit']);
  t.equal((await run('roles', 'create', 'bad', '--permissions', 'root')).code, 1, 'an unknown permission is refused');
  t.equal((await json<RoleView>('roles', 'update', String(custom.id), '--name', '财务审计员')).name, '财务审计员');

  const grant = await json<GrantView>('grants', 'add', 'wangwu', '财务审计员', '--depts', String(dept.id));
  t.match(grant, { user_id: wang.userId, role_name: '财务审计员', dept_ids: [dept.id], dept_names: ['财务部'] });
  t.match((await run('grants', 'list', '--user', 'wangwu')).out, /财务审计员\s+财务部/, 'listed with names');
  t.equal((await run('grants', 'add', 'wangwu', 'no-such-role')).code, 1, 'an unknown role is refused');
  t.equal((await run('grants', 'revoke', String(grant.id))).code, 0);
  t.equal((await run('roles', 'delete', String(custom.id))).code, 0);

  const csv = (await run('audit', '--action', 'grant.add', '--since', '2020-01-01', '--format', 'csv')).out.split('\r\n');
  t.equal(csv[0], 'id,time,actor_id,actor,action,target,target_name,details', 'a CSV header');
  t.equal(csv.length, 2, 'one grant.add entry');
  t.match(csv[1], new RegExp(`^\\d+,\\d{4}-\\d\\d-\\d\\dT[^,]+,1,Administrator,grant\\.add,user:${wang.userId},wangwu-名,"\\{""grant_id""`), 'with names beside the ids');
  t.match((await run('audit', '--actor', 'admin', '--action', 'grant.revoke')).out, /Administrator \(#1\)\s+grant\.revoke\s+user:\d+ wangwu-名/, 'a readable table with names');
  t.equal((await run('audit', '--until', '2000-01-01', '--format', 'csv')).out, 'id,time,actor_id,actor,action,target,target_name,details', 'nothing before 2000');
  t.equal((await run('audit', '--since', 'yesterday-ish')).code, 1, 'a date that is no date is refused');
  t.equal((await run('audit', '--format', 'xml')).code, 1, 'an unknown format is refused');
});
