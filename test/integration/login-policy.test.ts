import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import type { LoginResult, ServerEvent } from '../../shared/protocol/types.js';
import { checkEvent } from '../../shared/protocol/event-schemas.js';
import { orgPerson } from '../helpers/admin-org.js';
import { rawSocket, signIn, startServer, type TestServer } from '../helpers/server.js';

/**
 * 登录授权 through the relay: device types per organisation, department and person (the most specific decides),
 * and a first sign-in on a new device that waits until an administrator in scope, or the person from a device
 * already signed in, approves it.
 */
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => {
  if (!(e instanceof AppError)) throw e;
  return e;
});
const codeOf = async (p: Promise<unknown>) => (await fail(p)).code;
const login = (server: TestServer, account: string, password: string, extra: Record<string, unknown> = {}) =>
  new ApiClient(server.url).callUnchecked<LoginResult>('auth.login', { account, password, device_type: 'web', ...extra });
const complete = (server: TestServer, ticket: string) => new ApiClient(server.url).callUnchecked<LoginResult>('auth.completeSignIn', { ticket });
const DEVICE_A = 'device-a-0123456789';
const DEVICE_B = 'device-b-0123456789';

t.test('device types: the organisation, a department and a person each narrow or widen what may sign in', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const dept = await server.admin.call('admin.dir.dept.create', { name: '生产部', org_id: 1 });
  const worker = await orgPerson(server, 'gongren', [dept.id]);
  await orgPerson(server, 'wenyuan', []);
  const password = (account: string) => `${account}-password-1`;

  await server.admin.call('admin.loginPolicy.set', { scope: 'org', target_id: 1, device_types: ['web', 'desktop', 'mobile'] });
  t.equal(await codeOf(login(server, 'wenyuan', password('wenyuan'), { device_type: 'cli' })), 'SB_DEVICE_NOT_ALLOWED', 'the organisation allows no command line');
  await server.admin.call('admin.loginPolicy.set', { scope: 'dept', target_id: dept.id, device_types: ['mobile'] });
  const refused = await fail(login(server, 'gongren', password('gongren')));
  t.equal(refused.code, 'SB_DEVICE_NOT_ALLOWED', 'the department allows phones only');
  t.same((refused.details as { allowed: string[] }).allowed, ['mobile'], 'and says what is allowed');
  t.ok((await login(server, 'gongren', password('gongren'), { device_type: 'mobile' })).token, 'a phone signs in');
  t.ok((await login(server, 'wenyuan', password('wenyuan'))).token, 'people outside the department keep the organisation\'s rule');
  await server.admin.call('admin.loginPolicy.set', { scope: 'person', target_id: worker.person.id, device_types: ['mobile', 'web'] });
  t.ok((await login(server, 'gongren', password('gongren'))).token, 'the person\'s own rule decides over the department\'s');
  t.same(await worker.api.call('auth.loginPolicy'), { device_types: ['web', 'mobile'], approval: 'none' }, 'the person reads what applies to them');
  t.ok((await login(server, 'admin', 'admin-password-for-tests', { device_type: 'cli' })).token, 'the super administrator is never locked out by a rule');

  const log = (await server.admin.call('admin.loginLog', { user_id: worker.userId })).map((e) => e.result);
  t.ok(log.includes('device_not_allowed'), `the login log says why (${log.join(', ')})`);
  t.equal(await codeOf(server.admin.callUnchecked('admin.loginPolicy.set', { scope: 'dept', target_id: dept.id, device_types: [] })), 'SB_VALIDATION', 'an empty list is refused');
  t.equal(await codeOf(server.admin.callUnchecked('admin.loginPolicy.set', { scope: 'dept', target_id: dept.id, device_types: ['fax'] })), 'SB_VALIDATION', 'an unknown type is refused');
  t.equal(await codeOf(server.admin.call('admin.loginPolicy.set', { scope: 'dept', target_id: 99_999, approval: 'new_device' })), 'SB_NOT_FOUND', 'a rule on nobody is refused');
  const rules = await server.admin.call('admin.loginPolicy.list');
  t.equal(rules.length, 3, 'nothing else was stored');
  t.equal((await server.admin.call('admin.audit', { action: 'login.policy.set' })).length, 3, 'each change audited');
  t.same(await server.admin.call('admin.loginPolicy.delete', { scope: 'dept', target_id: dept.id }), { deleted: true });
});

t.test('a new device waits for approval: by an administrator in scope, or by the person from a device already signed in', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const sales = await server.admin.call('admin.dir.dept.create', { name: '销售部', org_id: 1 });
  const hrDept = await server.admin.call('admin.dir.dept.create', { name: '人事部', org_id: 1 });
  const li = await orgPerson(server, 'lisi', [sales.id]);
  const password = 'lisi-password-1';
  const hr = await orgPerson(server, 'renshi', [hrDept.id]);
  await server.admin.call('admin.users.setAdmin', { user_id: hr.userId, is_admin: true });
  await server.admin.call('admin.dir.scope.set', { user_id: hr.userId, dept_ids: [hrDept.id] });
  const hrApi = new ApiClient(server.url, await signIn(server.url, 'renshi', 'renshi-password-1'));
  const other = await orgPerson(server, 'wangwu', [sales.id]);
  // lisi's first device signed in before the rule: it is known and trusted.
  t.ok((await login(server, 'lisi', password, { device_id: DEVICE_A })).token);
  await server.admin.call('admin.loginPolicy.set', { scope: 'org', target_id: 1, approval: 'new_device' });
  t.ok((await login(server, 'lisi', password, { device_id: DEVICE_A })).token, 'a device already known signs in directly');

  // lisi's signed-in device hears about the request.
  const socket = await rawSocket(server.url);
  const token = (await login(server, 'lisi', password, { device_id: DEVICE_A })).token;
  socket.ws.send(JSON.stringify({ t: 'auth', token }));
  await socket.next((f) => f.t === 'ready');

  const waiting = await fail(login(server, 'lisi', password, { device_id: DEVICE_B, device_type: 'mobile', device_name: 'iPhone' }));
  t.equal(waiting.code, 'SB_DEVICE_APPROVAL_REQUIRED', 'a new device waits');
  const { ticket } = waiting.details as { ticket: string };
  const pushed = await socket.next((f) => f.t === 'event' && (f.event as ServerEvent).type === 'device.approval');
  const event = pushed.event as Extract<ServerEvent, { type: 'device.approval' }>;
  t.equal(checkEvent(event), null, 'the pushed event matches its schema');
  t.match(event.device, { user_id: li.userId, device_id: DEVICE_B, device_type: 'mobile', device_name: 'iPhone', status: 'pending' });
  t.equal(await codeOf(complete(server, ticket)), 'SB_APPROVAL_PENDING', 'asking again before a decision: still waiting');

  // An administrator outside lisi's department cannot see or decide it.
  t.same(await hrApi.call('admin.deviceApprovals.list'), [], 'outside their scope: not listed');
  t.equal(await codeOf(hrApi.call('admin.deviceApprovals.decide', { user_id: li.userId, device_id: DEVICE_B, approve: true })), 'SB_FORBIDDEN', 'nor decided');
  t.equal(await codeOf(complete(server, ticket)), 'SB_APPROVAL_PENDING', 'still waiting');

  const listed = await server.admin.call('admin.deviceApprovals.list');
  t.same(listed.map((d) => d.device_id), [DEVICE_B], 'an administrator in scope sees it');
  await server.admin.call('admin.deviceApprovals.decide', { user_id: li.userId, device_id: DEVICE_B, approve: true });
  const done = await complete(server, ticket);
  t.ok(done.token, 'approved: the waiting sign-in finishes with a session');
  t.equal(await codeOf(complete(server, ticket)), 'SB_UNAUTHENTICATED', 'the ticket works once');
  t.ok((await login(server, 'lisi', password, { device_id: DEVICE_B })).token, 'and the device is trusted from now on');
  t.equal(await codeOf(server.admin.call('admin.deviceApprovals.decide', { user_id: li.userId, device_id: DEVICE_B, approve: false })), 'SB_NOT_FOUND', 'a decided request cannot be decided again');

  // The person refuses a third device from one already signed in.
  const third = await fail(login(server, 'lisi', password, { device_id: 'device-c-0123456789' }));
  const mine = await li.api.call('auth.deviceApprovals');
  t.same(mine.map((d) => d.device_id), ['device-c-0123456789'], 'the person sees what waits');
  await li.api.call('auth.decideDevice', { device_id: 'device-c-0123456789', approve: false });
  t.equal(await codeOf(complete(server, (third.details as { ticket: string }).ticket)), 'SB_FORBIDDEN', 'refused: no session');
  t.equal(await codeOf(other.api.call('auth.decideDevice', { device_id: DEVICE_B, approve: true })), 'SB_NOT_FOUND', 'nobody decides for someone else');

  const audit = (await server.admin.call('admin.audit', {})).map((e) => e.action);
  t.ok(audit.includes('device.approve') && audit.includes('device.deny'), 'both decisions are audited');
  const devices = await server.admin.call('admin.devices.list', { user_id: li.userId });
  t.same(devices.map((d) => d.status).sort(), ['approved', 'approved', 'approved', 'denied'], 'the person\'s devices with their state (the one orgPerson signed in from too)');
  t.same(await server.admin.call('admin.devices.forget', { user_id: li.userId, device_id: DEVICE_B }), { forgotten: true });
  t.equal(await codeOf(login(server, 'lisi', password, { device_id: DEVICE_B })), 'SB_DEVICE_APPROVAL_REQUIRED', 'a forgotten device is new again');
  const log = (await server.admin.call('admin.loginLog', { user_id: li.userId })).map((e) => e.result);
  t.ok(log.includes('approval_required') && log.includes('approval_denied'), `logged (${log.join(', ')})`);
  socket.ws.close();
});
