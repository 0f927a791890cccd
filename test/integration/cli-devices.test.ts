import t from 'tap';
import type { DevicePolicy, WipeView } from '../../shared/protocol/devices.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, makeUser, startServer } from '../helpers/server.js';

t.test('the admin CLI wipes a device, lists wipe orders and sets the device policy', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-devices-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  const zhang = await makeUser(server, '张三');
  const session = (await zhang.api.call('auth.sessions'))[0]!;

  const wipe = await json<WipeView>('session', 'wipe', session.id);
  t.match(wipe, { session_id: session.id, user_id: zhang.user.id, reason: 'admin', state: 'pending' });
  await t.rejects(zhang.api.call('users.me'), { code: 'SB_WIPED' }, 'the device is told on its next call');
  t.equal((await run('session', 'wipe', session.id)).code, 1, 'an ended session cannot be wiped again');
  t.match((await run('wipes', '--user', zhang.user.account)).out, new RegExp(`${wipe.id}\\s+${session.id}.*admin.*pending`), 'listed as pending');
  await zhang.api.call('devices.wipeAck', { wipe_id: wipe.id });
  t.match(await json<WipeView[]>('wipes', '--state', 'acknowledged'), [{ id: wipe.id, state: 'acknowledged' }]);
  t.equal((await run('wipes', '--state', 'gone')).code, 1, 'an unknown state is refused');

  t.same(await json<DevicePolicy>('device-policy', 'get'), { require_pin: false, max_attempts: 5, updated_at: null }, 'the default');
  t.match(await json<DevicePolicy>('device-policy', 'set', '--require-pin', 'on', '--max-attempts', '3'), { require_pin: true, max_attempts: 3 });
  t.match((await run('device-policy', 'get')).out, /required[\s\S]*itself: 3/);
  t.equal((await run('device-policy', 'set', '--require-pin', 'maybe')).code, 1, 'on or off only');
  t.equal((await run('device-policy', 'set', '--max-attempts', '0')).code, 1, 'at least one wrong entry');
});
