import t from 'tap';
import { BUILTIN_ROLES } from '../../core/roles/permissions.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import { checkEvent } from '../../shared/protocol/event-schemas.js';
import { orgPerson, outcome } from '../helpers/admin-org.js';
import { makeUser, rawSocket, startServer } from '../helpers/server.js';

/**
 * 远程数据抹除: a wipe order ends the session and outlives it. The wiped token is refused everywhere with SB_WIPED
 * (the order's id and nothing else), its socket closes with 4010, and the only thing it can still do is acknowledge
 * its own order; the order and the acknowledgement are in the audit log.
 */
const wipeIdOf = async (p: Promise<unknown>): Promise<number | string> => {
  try { await p; return 'ok'; } catch (e) { return e instanceof AppError && e.code === 'SB_WIPED' ? (e.details as { wipe_id: number }).wipe_id : String((e as { code?: string }).code); }
};

t.test('the person wipes another device of theirs: it is told at once and on its next call, acknowledges, and its token does nothing else', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const phone = await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password, device_type: 'mobile', device_name: 'iPhone 15' });
  const phoneApi = new ApiClient(server.url, phone.token);
  const sock = await rawSocket(server.url);
  sock.ws.send(JSON.stringify({ t: 'auth', token: phone.token }));
  await sock.next((f) => f.t === 'ready');
  const watcher = await rawSocket(server.url);
  watcher.ws.send(JSON.stringify({ t: 'auth', token: zhang.token }));
  await watcher.next((f) => f.t === 'ready');

  const wipe = await zhang.api.call('devices.wipe', { session_id: phone.session.id });
  t.match(wipe, { session_id: phone.session.id, user_id: zhang.user.id, device_type: 'mobile', device_name: 'iPhone 15', reason: 'self', ordered_by: zhang.user.id, acked_at: null, state: 'pending' });
  t.equal((await sock.closed).code, 4010, 'the online device is closed with 4010 (wipe order) at once');
  const pushed = (await watcher.next((f) => f.t === 'event' && f.event.type === 'device.wipe')).event;
  t.match(pushed.wipe, { id: wipe.id, state: 'pending' }, 'my other devices hear of it');
  t.equal(checkEvent(pushed), null, 'as an event of its schema');

  t.equal(await wipeIdOf(phoneApi.call('users.me')), wipe.id, 'its next API call answers SB_WIPED with the order');
  t.equal(await wipeIdOf(phoneApi.call('conv.list')), wipe.id, 'every call');
  t.equal(await wipeIdOf(phoneApi.call('devices.wipes')), wipe.id, 'its own wipe list too: nothing is read through the order');
  const again = await rawSocket(server.url);
  again.ws.send(JSON.stringify({ t: 'auth', token: phone.token }));
  t.equal((await again.next((f) => f.t === 'error')).error.code, 'SB_WIPED', 'a new socket is told so');
  t.equal((await again.closed).code, 4010, 'and closed with 4010');
  t.same((await zhang.api.call('auth.sessions')).map((s) => s.id).includes(phone.session.id), false, 'the session is gone from my device list');
  t.match(await zhang.api.call('devices.wipes'), [{ id: wipe.id, state: 'pending' }], 'and the order is listed as pending');

  // Acknowledging: only with the wiped token, only its own order.
  await t.rejects(zhang.api.call('devices.wipeAck', { wipe_id: wipe.id }), { code: 'SB_NOT_FOUND' }, 'another session of the same person cannot acknowledge it');
  await t.rejects(new ApiClient(server.url).call('devices.wipeAck', { wipe_id: wipe.id }), { code: 'SB_UNAUTHENTICATED' }, 'nor can nobody');
  await t.rejects(phoneApi.call('devices.wipeAck', { wipe_id: wipe.id + 1 }), { code: 'SB_NOT_FOUND' }, 'nor another order with this token');
  t.same(await phoneApi.call('devices.wipeAck', { wipe_id: wipe.id }), { acknowledged: true });
  t.match((await watcher.next((f) => f.t === 'event' && f.event.type === 'device.wipe' && f.event.wipe.state === 'acknowledged')).event.wipe, { id: wipe.id });
  t.same(await phoneApi.call('devices.wipeAck', { wipe_id: wipe.id }), { acknowledged: true }, 'a repeated acknowledgement changes nothing');
  t.match(await zhang.api.call('devices.wipes'), [{ id: wipe.id, state: 'acknowledged', acked_at: Number }]);
  await t.rejects(phoneApi.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'once acknowledged, the token is simply dead');

  const audit = await server.admin.call('admin.audit', { target: `session:${phone.session.id}` });
  t.same(audit.map((e) => [e.action, e.actor_id]).reverse(), [['device.wipe', zhang.user.id], ['device.wipe_ack', zhang.user.id]], 'the order and its acknowledgement are audited, once each');
  watcher.ws.close();
});

t.test('nobody wipes someone else\'s device; the refusal tells nothing; revoking without wiping stays possible', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const li = await makeUser(server, '李四');
  const liSession = (await li.api.call('auth.sessions'))[0]!;
  const theirs = await zhang.api.call('devices.wipe', { session_id: liSession.id }).then(() => null, (e: AppError) => [e.code, e.message]);
  const unknown = await zhang.api.call('devices.wipe', { session_id: 'no-such-session' }).then(() => null, (e: AppError) => [e.code, e.message]);
  t.same(theirs, ['SB_NOT_FOUND', 'No such active session of yours'], 'someone else\'s session: not found');
  t.same(theirs, unknown, 'the same as an id that does not exist');
  t.equal((await li.api.call('users.me')).id, li.user.id, 'their session goes on');
  t.same(await li.api.call('devices.wipes'), [], 'and nothing was ordered');

  const other = await new ApiClient(server.url).call('auth.login', { account: li.user.account, password: li.password });
  t.same(await server.admin.call('admin.sessions.revoke', { session_id: other.session.id }), { revoked: true }, 'an administrator still only revokes');
  await t.rejects(new ApiClient(server.url, other.token).call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'a revoked token is refused, with no wipe order');
  t.same(await server.admin.call('admin.devices.wipes', { user_id: li.user.id }), []);
  await t.rejects(server.admin.call('admin.devices.wipe', { session_id: other.session.id }), { code: 'SB_NOT_FOUND' }, 'an ended session cannot be wiped');
});

t.test('an administrator with the devices permission wipes in scope; outside it the gate refuses and nothing changes', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const north = await admin.call('admin.dir.dept.create', { name: '华北', org_id: 1 });
  const south = await admin.call('admin.dir.dept.create', { name: '华南', org_id: 1 });
  const sec = await orgPerson(server, 'sec1', [north.id]);
  const bj = await orgPerson(server, 'bj1', [north.id]);
  const gz = await orgPerson(server, 'gz1', [south.id]);
  const hr = await orgPerson(server, 'hr1', [north.id]);
  await admin.call('admin.grants.add', { user_id: sec.userId, role_id: BUILTIN_ROLES.security.id, dept_ids: [north.id] });
  await admin.call('admin.grants.add', { user_id: hr.userId, role_id: BUILTIN_ROLES.hr.id, dept_ids: [north.id] });
  const bjSession = (await bj.api.call('auth.sessions'))[0]!.id;
  const gzSession = (await gz.api.call('auth.sessions'))[0]!.id;

  const state = async () => JSON.stringify([(await admin.call('admin.sessions.list', {})).length, await admin.call('admin.devices.wipes', {}), (await admin.call('admin.audit', { limit: 1000 })).length]);
  const before = await state();
  t.equal(await outcome(sec.api.call('admin.devices.wipe', { session_id: gzSession })), 'SB_FORBIDDEN', 'a session outside the scope: refused');
  t.equal(await outcome(sec.api.call('admin.devices.wipe', { session_id: 'no-such-session' })), 'SB_FORBIDDEN', 'an unknown session: the same');
  t.equal(await outcome(hr.api.call('admin.devices.wipe', { session_id: bjSession })), 'SB_FORBIDDEN', 'without the devices permission: refused');
  t.equal(await outcome(sec.api.call('admin.devices.wipes', { user_id: gz.userId })), 'SB_FORBIDDEN', 'listing someone outside the scope: refused');
  t.equal(await outcome(sec.api.call('admin.devices.policy.set', { require_pin: true })), 'SB_FORBIDDEN', 'the organisation\'s policy needs a whole-organisation grant');
  t.equal(await outcome(gz.api.call('devices.wipeAck', { wipe_id: 1 })), 'SB_NOT_FOUND', 'a live session has no order to acknowledge');
  t.equal(await state(), before, 'nothing changed');
  t.equal((await gz.api.call('users.me')).id, gz.userId, 'the person outside goes on');

  const wipe = await sec.api.call('admin.devices.wipe', { session_id: bjSession });
  t.match(wipe, { session_id: bjSession, user_id: bj.userId, reason: 'admin', ordered_by: sec.userId, state: 'pending' });
  t.equal(await wipeIdOf(bj.api.call('users.me')), wipe.id, 'the wiped device hears of the order on its next call');
  t.match(await sec.api.call('admin.devices.wipes', {}), [{ id: wipe.id, state: 'pending' }], 'the administrator sees it pending');
  t.match(await bj.api.call('devices.wipeAck', { wipe_id: wipe.id }), { acknowledged: true });
  t.match(await sec.api.call('admin.devices.wipes', { state: 'acknowledged' }), [{ id: wipe.id, state: 'acknowledged' }], 'then acknowledged');
  t.same(await sec.api.call('admin.devices.wipes', { state: 'pending' }), []);
  const orderedTwice = await admin.call('admin.devices.wipe', { session_id: bjSession }).then(() => 'ok', (e: AppError) => e.code);
  t.equal(orderedTwice, 'SB_NOT_FOUND', 'the session has ended: nothing more to wipe');
  const audit = await admin.call('admin.audit', { target: `session:${bjSession}` });
  t.same(audit.map((e) => [e.action, e.actor_id]).reverse(), [['device.wipe', sec.userId], ['device.wipe_ack', bj.userId]]);
});
