import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';

/**
 * The login log (登录流水) and the online list (在线列表) through the real relay: every attempt is recorded with
 * its outcome, a scoped administrator sees only their departments (counts included), and the online list
 * follows real connections.
 */
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

t.test('every sign-in attempt is logged with time, address, device and result', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const anon = new ApiClient(server.url);
  const started = Date.now();
  t.equal(await codeOf(anon.call('auth.login', { account: zhang.user.account, password: 'wrong-password', device_type: 'mobile', device_name: 'iPhone' })), 'SB_BAD_CREDENTIALS');
  t.equal(await codeOf(anon.call('auth.login', { account: 'nobody-here', password: 'whatever-1' })), 'SB_BAD_CREDENTIALS');
  await server.admin.call('admin.users.disable', { user_id: zhang.user.id });
  t.equal(await codeOf(anon.call('auth.login', { account: zhang.user.account, password: zhang.password, device_type: 'desktop' })), 'SB_USER_DISABLED');
  await server.admin.call('admin.users.enable', { user_id: zhang.user.id });
  await anon.call('auth.login', { account: zhang.user.account, password: zhang.password, device_type: 'desktop', device_name: 'Work PC' });

  const mine = await server.admin.call('admin.loginLog', { user_id: zhang.user.id });
  t.same(mine.map((e) => e.result), ['ok', 'disabled', 'bad_credentials', 'ok'], 'newest first: this sign-in, disabled, the wrong password, the first sign-in by makeUser');
  t.match(mine[0], { account: zhang.user.account, user_id: zhang.user.id, name: '张三', ip: '127.0.0.1', device_type: 'desktop', device_name: 'Work PC' });
  t.ok(mine[0]!.at >= started && mine[0]!.at <= Date.now(), 'its time');
  t.match(mine[2], { device_type: 'mobile', device_name: 'iPhone' });

  const unknown = await server.admin.call('admin.loginLog', { account: 'nobody-here' });
  t.equal(unknown.length, 1, 'an attempt on an account that does not exist is logged by the name typed');
  t.match(unknown[0], { user_id: null, name: null, result: 'bad_credentials' });

  const failures = await server.admin.call('admin.loginLog', { result: 'bad_credentials' });
  t.same(failures.map((e) => e.account).sort(), ['nobody-here', zhang.user.account].sort(), 'filter by result');
  t.equal((await server.admin.call('admin.loginLog', { since: Date.now() + 60_000 })).length, 0, 'filter by time');
  const page1 = await server.admin.call('admin.loginLog', { limit: 2 });
  const page2 = await server.admin.call('admin.loginLog', { limit: 2, before: page1[1]!.id });
  t.ok(page2.length > 0 && page2[0]!.id < page1[1]!.id, 'pages by id');

  const employee = await makeUser(server, '李四');
  t.equal(await codeOf(employee.api.call('admin.loginLog', {})), 'SB_FORBIDDEN', 'not for employees');
  t.equal(await codeOf(server.admin.call('admin.loginLog', { result: 'maybe' as never })), 'SB_VALIDATION', 'a bad filter is refused');
});

t.test('a scoped administrator sees only sign-ins and online people of their departments', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const sales = await server.admin.call('admin.dir.dept.create', { name: '销售部' });
  const rd = await server.admin.call('admin.dir.dept.create', { name: '研发部' });
  const person = async (account: string, name: string, dept: number) => {
    const p = await server.admin.call('admin.dir.person.create', { account, name, depts: [dept] });
    await server.admin.call('admin.users.password', { user_id: p.user_id!, password: 'a-strong-passphrase-1' });
    return p.user_id!;
  };
  const li = await person('lisi', '李四', sales.id);
  const wang = await person('wangwu', '王五', rd.id);
  const boss = await person('salesboss', '销售主管', sales.id);
  await server.admin.call('admin.users.setAdmin', { user_id: boss, is_admin: true });
  await server.admin.call('admin.dir.scope.set', { user_id: boss, dept_ids: [sales.id] });
  const signIn = (account: string) => new ApiClient(server.url).call('auth.login', { account, password: 'a-strong-passphrase-1', device_type: 'web' });
  const liToken = (await signIn('lisi')).token;
  const wangToken = (await signIn('wangwu')).token;
  const bossApi = new ApiClient(server.url, (await signIn('salesboss')).token);

  const seen = await bossApi.call('admin.loginLog', {});
  t.ok(seen.some((e) => e.user_id === li), 'their department\'s sign-ins');
  t.notOk(seen.some((e) => e.user_id === wang), 'nothing from another department');
  t.notOk(seen.some((e) => e.user_id === null), 'nor attempts on unknown accounts');
  t.equal(await codeOf(bossApi.call('admin.loginLog', { user_id: wang })), 'SB_FORBIDDEN', 'asking for someone outside the scope is refused');
  t.equal(await codeOf(bossApi.call('admin.online', { dept_id: rd.id })), 'SB_FORBIDDEN', 'and for a department outside it');
  t.ok((await server.admin.call('admin.loginLog', { dept_id: rd.id })).every((e) => e.user_id === wang), 'the super administrator filters by department');

  const liClient = client(server.url, liToken);
  const wangClient = client(server.url, wangToken);
  t.teardown(() => { liClient.stop(); wangClient.stop(); });
  await Promise.all([liClient.start(), wangClient.start()]);
  await waitFor(async () => (await server.admin.call('admin.online', {})).total >= 2, 10_000, 'both online');
  const all = await server.admin.call('admin.online', {});
  t.same(all.people.map((p) => p.user_id).sort(), [li, wang].sort(), 'everyone connected, for the super administrator');
  t.equal(all.by_device.web, 2, 'by device type');
  const scoped = await bossApi.call('admin.online', {});
  t.same(scoped.people.map((p) => p.name), ['李四'], 'the scoped administrator sees their department only');
  t.equal(scoped.total, 1, 'counts included');
  t.same(scoped.history, [], 'the organisation-wide history is not for a scoped administrator');

  wangClient.stop();
  await waitFor(async () => !(await server.admin.call('admin.online', {})).people.some((p) => p.user_id === wang), 10_000, 'wang offline');
  t.pass('a closed connection leaves the online list');

  const sample = await server.node.central!.services.signins.sampleOnline();
  t.equal(sample.total, 1, 'a sample counts who is online now');
  const withHistory = await server.admin.call('admin.online', { hours: 1 });
  t.same(withHistory.history.at(-1), sample, 'the online count over time');
});
