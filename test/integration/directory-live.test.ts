import t from 'tap';
import { stateFromSnapshot, applyDirChanges, snapshotOf, type DirPerson, type DirSnapshot } from '../../shared/protocol/directory.js';
import type { ParamsOf } from '../../core/operations.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { client, startServer, waitFor } from '../helpers/server.js';

t.test('directory: tree, memberships, snapshot + deltas, live push, confidentiality everywhere', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const dept = (params: ParamsOf<'admin.dir.dept.create'>) => admin.call('admin.dir.dept.create', params);
  const hq = await dept({ name: '总部' });
  const rd = await dept({ name: '研发部', parent_id: hq.id });
  const platform = await dept({ name: '平台组', parent_id: rd.id, sort: 2 });
  const sales = await dept({ name: '销售部', parent_id: hq.id });

  // Tree invariants: no cycles, moves within an org, deletes only when empty.
  await t.rejects(admin.call('admin.dir.dept.update', { dept_id: rd.id, parent_id: platform.id }), { code: 'SB_DEPT_CYCLE' }, 'cannot move under its own descendant');
  await t.rejects(admin.call('admin.dir.dept.update', { dept_id: rd.id, parent_id: rd.id }), { code: 'SB_DEPT_CYCLE' }, 'cannot be its own parent');

  const person = (params: ParamsOf<'admin.dir.person.create'>) => admin.call('admin.dir.person.create', params);
  const zs = await person({ account: 'zhangsan', name: '张三', mobile: '13800000001', email: 'zs@example.com', depts: [{ dept_id: platform.id, title: '工程师', sort: 1 }, { dept_id: sales.id, title: '售前顾问', sort: 5 }] });
  t.same(zs.depts.map((d) => [d.dept_id, d.title]), [[platform.id, '工程师'], [sales.id, '售前顾问']], 'one person in two departments, each with its own title');
  const ls = await person({ account: 'lisi', name: '李四', mobile: '13900000002', email: 'lisi@example.com', depts: [{ dept_id: rd.id, title: '经理' }] });
  await t.rejects(person({ account: 'lisi', name: 'x' }), { code: 'SB_CONFLICT' }, 'accounts are unique');
  await t.rejects(admin.call('admin.dir.dept.delete', { dept_id: rd.id }), { code: 'SB_DEPT_NOT_EMPTY' }, 'a department with people cannot just be deleted');

  // An employee signs in (the person is a user; an admin gives them a password).
  await admin.call('admin.users.password', { user_id: ls.user_id!, password: 'plain-words-123' });
  const login = await new ApiClient(server.url).call('auth.login', { account: 'lisi', password: 'plain-words-123' });
  const lisiApi = new ApiClient(server.url, login.token);
  const old: DirSnapshot = await lisiApi.directorySnapshot();
  t.equal(old.people.length, 2);

  const c = client(server.url, login.token);
  await c.start();
  await c.loadDirectory();
  t.teardown(() => c.stop());
  t.equal(c.directory.version, old.version, 'the SDK copy starts at the snapshot');

  // A change reaches the connected client as a delta.
  const started = Date.now();
  await admin.call('admin.dir.person.update', { person_id: zs.id, title: '高级工程师' });
  await waitFor(() => c.directory.state?.people.get(zs.id)?.title === '高级工程师', 3_000, 'live delta');
  t.ok(Date.now() - started < 3_000, 'the change arrived while connected');

  // Confidentiality: zhangsan's mobile and email are hidden from others; by department for the sales department.
  await admin.call('admin.dir.policy.set', { target: 'person', target_id: zs.id, fields: ['mobile', 'email'] });
  await admin.call('admin.dir.policy.set', { target: 'dept', target_id: rd.id, fields: ['title'] });
  await waitFor(() => c.directory.state?.people.get(zs.id)?.mobile === '***', 3_000, 'masked by delta');
  t.equal(c.directory.state!.people.get(ls.id)!.title, '***', 'a department policy covers its members');
  t.equal(c.directory.state!.people.get(zs.id)!.depts.find((d) => d.dept_id === platform.id)!.title, '***', 'and those below it, membership titles included');

  // Moves, renames, reorders and a delete with an explicit move of members.
  await admin.call('admin.dir.dept.update', { dept_id: sales.id, parent_id: rd.id, name: '销售与市场', sort: 9 });
  await admin.call('admin.dir.dept.delete', { dept_id: platform.id, move_to: sales.id });
  const moved = await admin.call('dir.person', { person_id: zs.id });
  t.same(moved.depts.map((d) => d.dept_id), [sales.id], 'members moved to move_to (merged with an existing membership)');

  // Snapshot/delta equivalence: old snapshot + delta == new snapshot, for this viewer.
  const delta = await lisiApi.call('dir.changes', { since: old.version });
  t.notOk(delta.reset);
  const replay = stateFromSnapshot(old);
  if (!delta.reset) applyDirChanges(replay, delta.changes, delta.version);
  const fresh = await lisiApi.directorySnapshot();
  t.same(snapshotOf(replay), fresh, 'applying the deltas to the old snapshot gives the new snapshot');
  await waitFor(() => c.directory.version === fresh.version, 3_000, 'SDK caught up');
  t.same(c.directory.snapshot(), fresh, 'the live SDK copy equals the new snapshot');

  // Confidentiality in every path for an employee.
  const masked = (p: DirPerson | undefined) => p !== undefined && p.mobile === '***' && p.email === '***';
  t.ok(masked(fresh.people.find((p) => p.id === zs.id)), 'snapshot');
  t.ok(masked(await lisiApi.call('dir.person', { person_id: zs.id })), 'profile');
  t.ok(masked((await lisiApi.call('dir.dept', { dept_id: sales.id })).members.find((p) => p.id === zs.id)), 'department member list');
  const byName = await lisiApi.call('dir.search', { q: 'zhangsan' });
  t.ok(masked(byName.results[0]?.person), 'search results');
  t.equal((await lisiApi.call('dir.search', { q: '13800000001' })).results.length, 0, 'not findable by a confidential mobile');
  t.equal((await lisiApi.call('dir.search', { q: 'zs@example' })).results.length, 0, 'nor by a confidential email');
  t.ok(JSON.stringify(delta).includes('***') && !JSON.stringify(delta).includes('13800000001'), 'deltas');
  // Admins (whole-directory scope) see the real values, and find by them.
  t.equal((await admin.call('dir.person', { person_id: zs.id })).mobile, '13800000001');
  t.equal((await admin.call('dir.search', { q: '13800000001' })).results[0]?.person.id, zs.id);
  t.equal((await admin.directorySnapshot()).people.find((p) => p.id === zs.id)!.mobile, '13800000001', 'admin snapshot');
  // A scoped admin sees real values only inside their scope.
  const scoped = await admin.call('admin.users.create', { account: 'hr', name: 'HR', password: 'plain-words-123', is_admin: true });
  await admin.call('admin.dir.scope.set', { user_id: scoped.id, dept_ids: [hq.id] });
  const hrLogin = await new ApiClient(server.url).call('auth.login', { account: 'hr', password: 'plain-words-123' });
  const hr = new ApiClient(server.url, hrLogin.token);
  t.equal((await hr.call('dir.person', { person_id: zs.id })).mobile, '13800000001', 'scope covers the person');
  const other = await dept({ name: '独立', org_id: 1 });
  await admin.call('admin.dir.dept.update', { dept_id: sales.id, parent_id: other.id });
  t.equal((await hr.call('dir.person', { person_id: zs.id })).mobile, '***', 'moved out of the scope: masked again');
  const exported = await hr.call('admin.dir.export', { format: 'csv' });
  const csv = Buffer.from(await hr.download(exported.id)).toString('utf8');
  t.ok(csv.includes('zhangsan') && csv.includes('***') && !csv.includes('13800000001'), 'exports: masked outside the exporting admin\'s scope');
  const full = await admin.call('admin.dir.export', { format: 'csv' });
  t.ok(Buffer.from(await admin.download(full.id)).toString('utf8').includes('13800000001'), 'and real for an admin who covers the person');
  // Everyone sees their own real profile.
  t.equal((await lisiApi.call('dir.person', { person_id: ls.id })).title, '', 'own profile unmasked');

  const audit = await admin.call('admin.audit', { limit: 100 });
  for (const a of ['dir.dept.create', 'dir.dept.update', 'dir.dept.delete', 'dir.person.create', 'dir.person.update', 'dir.policy.set', 'dir.scope.set']) {
    t.ok(audit.some((e) => e.action === a), `audited: ${a}`);
  }
});
