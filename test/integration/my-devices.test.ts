import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { makeUser, rawSocket, startServer } from '../helpers/server.js';

/**
 * 登录设备: a person lists their own signed-in devices (this one marked) and signs one out; its token stops and
 * its socket closes at once. Nobody ends a session that is not theirs, and the refusal does not tell whether
 * the id exists.
 */
t.test('I see my devices, this one marked, and sign another out: its token and socket end at once', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const phone = await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password, device_type: 'mobile', device_name: 'iPhone 15' });
  const phoneApi = new ApiClient(server.url, phone.token);
  const sock = await rawSocket(server.url);
  sock.ws.send(JSON.stringify({ t: 'auth', token: phone.token }));
  await sock.next((f) => f.t === 'ready');

  const mine = await zhang.api.call('auth.sessions');
  t.equal(mine.length, 2, 'both devices');
  const here = mine.find((s) => s.current);
  const there = mine.find((s) => !s.current);
  t.equal(mine.filter((s) => s.current).length, 1, 'exactly one is this device');
  t.match(there, { id: phone.session.id, device_type: 'mobile', device_name: 'iPhone 15', ip: '127.0.0.1', user_id: zhang.user.id });
  t.ok(here && here.id !== phone.session.id, 'this device is the web session');
  t.same((await phoneApi.call('auth.sessions')).find((s) => s.current)?.id, phone.session.id, 'each device sees itself as current');

  t.same(await zhang.api.call('auth.endSession', { session_id: phone.session.id }), { ended: true });
  t.equal((await sock.closed).code, 4003, 'the phone\'s socket is closed with 4003 (session ended)');
  await t.rejects(phoneApi.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'the phone\'s token stops working');
  t.same((await zhang.api.call('auth.sessions')).map((s) => s.id), [here!.id], 'the list is down to this device');
  await t.rejects(zhang.api.call('auth.endSession', { session_id: phone.session.id }), { code: 'SB_NOT_FOUND' }, 'an ended session cannot be ended again');
  t.equal((await zhang.api.call('users.me')).id, zhang.user.id, 'this device is still signed in');
});

t.test('nobody ends someone else\'s session; malformed ids are refused; ending my own is signing out', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const li = await makeUser(server, '李四');
  const liSession = (await li.api.call('auth.sessions'))[0]!;

  const theirs = await zhang.api.call('auth.endSession', { session_id: liSession.id }).then(() => null, (e: { code?: string; message?: string }) => e);
  const unknown = await zhang.api.call('auth.endSession', { session_id: 'no-such-session' }).then(() => null, (e: { code?: string; message?: string }) => e);
  t.equal(theirs?.code, 'SB_NOT_FOUND', 'someone else\'s session: not found');
  t.same([theirs?.code, theirs?.message], [unknown?.code, unknown?.message], 'the same answer as for an id that does not exist');
  t.equal((await li.api.call('users.me')).id, li.user.id, 'and their session goes on');
  t.equal((await server.admin.call('admin.loginLog', { user_id: li.user.id })).length, 1, 'nothing was written about them');

  await t.rejects(zhang.api.call('auth.endSession', { session_id: '' }), { code: 'SB_NOT_FOUND', message: 'No such API route' }, 'an empty id names no route');
  await t.rejects(zhang.api.call('auth.endSession', { session_id: 'x'.repeat(65) }), { code: 'SB_VALIDATION' }, 'an over-long id is refused');
  await t.rejects(new ApiClient(server.url).call('auth.endSession', { session_id: liSession.id }), { code: 'SB_UNAUTHENTICATED' }, 'not without signing in');

  t.equal((await zhang.api.call('auth.sessions')).length, 1, 'none of that ended anything');
  const self = (await zhang.api.call('auth.sessions'))[0]!;
  t.same(await zhang.api.call('auth.endSession', { session_id: self.id }), { ended: true }, 'my own current session');
  await t.rejects(zhang.api.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'is signing out');
});

t.test('changing my password signs my other devices out and keeps this one', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  const phone = await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password, device_type: 'mobile' });
  await t.rejects(zhang.api.call('auth.password', { current_password: 'not-my-password', new_password: 'a-new-passphrase' }), { code: 'SB_BAD_CREDENTIALS' }, 'the current password is checked');
  t.equal((await zhang.api.call('auth.sessions')).length, 2, 'a refused change ends nothing');
  await zhang.api.call('auth.password', { current_password: zhang.password, new_password: 'a-new-passphrase' });
  await t.rejects(new ApiClient(server.url, phone.token).call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'the phone is signed out');
  t.same((await zhang.api.call('auth.sessions')).map((s) => s.current), [true], 'this device stays');
  await t.rejects(new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password }), { code: 'SB_BAD_CREDENTIALS' }, 'the old password no longer works');
  t.ok((await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: 'a-new-passphrase' })).token, 'the new one does');
});
