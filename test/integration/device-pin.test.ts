import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import { makeUser, startServer } from '../helpers/server.js';

/** 安全密码: set by the person, kept as a slow hash, checked by the server under a limit; the policy's number of wrong entries wipes the device. */
t.test('a PIN is set, changed with the current one, verified, and cleared unless the policy requires one', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const zhang = await makeUser(server, '张三');
  t.same(await zhang.api.call('devices.pin'), { set: false, set_at: null, required: false, max_attempts: 5 }, 'none at first; five wrong entries by default');
  await t.rejects(zhang.api.call('devices.pin.set', { pin: '12a4' }), { code: 'SB_VALIDATION' }, 'digits only');
  await t.rejects(zhang.api.call('devices.pin.set', { pin: '123' }), { code: 'SB_VALIDATION' }, 'at least four');
  t.match(await zhang.api.call('devices.pin.set', { pin: '2468' }), { set: true, set_at: Number });
  await t.rejects(zhang.api.call('devices.pin.set', { pin: '1357' }), { code: 'SB_VALIDATION' }, 'changing it needs the current one');
  await t.rejects(zhang.api.call('devices.pin.set', { pin: '1357', current_pin: '0000' }), { code: 'SB_BAD_CREDENTIALS' }, 'the right current one');
  t.same(await zhang.api.call('devices.pin.verify', { pin: '2468' }), { ok: true });
  await zhang.api.call('devices.pin.set', { pin: '1357', current_pin: '2468' });
  t.same(await zhang.api.call('devices.pin.verify', { pin: '2468' }), { ok: false }, 'the old one no longer verifies');
  t.same(await zhang.api.call('devices.pin.verify', { pin: '1357' }), { ok: true });

  t.match(await server.admin.call('admin.devices.policy.set', { require_pin: true, max_attempts: 3 }), { require_pin: true, max_attempts: 3, updated_at: Number });
  t.match(await zhang.api.call('devices.pin'), { set: true, required: true, max_attempts: 3 }, 'the person sees the policy');
  await t.rejects(zhang.api.call('devices.pin.clear', { current_pin: '1357' }), { code: 'SB_FORBIDDEN' }, 'a required PIN cannot be removed');
  await server.admin.call('admin.devices.policy.set', { require_pin: false });
  t.match(await server.admin.call('admin.devices.policy.get'), { require_pin: false, max_attempts: 3 }, 'a partial change keeps the rest');
  t.match(await zhang.api.call('devices.pin.clear', { current_pin: '1357' }), { set: false });
  await t.rejects(zhang.api.call('devices.pin.verify', { pin: '1357' }), { code: 'SB_NOT_FOUND' }, 'nothing to verify');
  const audit = await server.admin.call('admin.audit', { action: 'device_policy.set' });
  t.equal(audit.length, 2, 'policy changes are audited');
});

t.test('wrong PINs verified by the server wipe the device at the policy\'s number; the client may also report its own count', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  await server.admin.call('admin.devices.policy.set', { max_attempts: 3 });
  const zhang = await makeUser(server, '张三');
  await zhang.api.call('devices.pin.set', { pin: '2468' });
  const laptop = new ApiClient(server.url, (await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password })).token);
  t.same(await laptop.call('devices.pin.verify', { pin: '0000' }), { ok: false });
  t.same(await laptop.call('devices.pin.verify', { pin: '1111' }), { ok: false });
  const third = await laptop.call('devices.pin.verify', { pin: '2222' }).then(() => null, (e: AppError) => e);
  t.equal(third?.code, 'SB_WIPED', 'the third wrong one wipes this device');
  const wipeId = (third?.details as { wipe_id: number }).wipe_id;
  t.match(await zhang.api.call('devices.wipes'), [{ id: wipeId, reason: 'pin', state: 'pending' }]);
  t.equal((await zhang.api.call('devices.pin.verify', { pin: '2468' })).ok, true, 'the other device is untouched');
  t.same(await laptop.call('devices.wipeAck', { wipe_id: wipeId }), { acknowledged: true });

  const tablet = new ApiClient(server.url, (await new ApiClient(server.url).call('auth.login', { account: zhang.user.account, password: zhang.password })).token);
  const own = await tablet.call('devices.pin.wipe');
  t.match(own, { reason: 'pin', ordered_by: zhang.user.id, state: 'pending' }, 'a client that counted wrong entries itself ends its session with an order');
  await t.rejects(tablet.call('users.me'), { code: 'SB_WIPED' });

  // The check is limited per person across devices, whatever the answer: four so far, six more reach ten.
  for (let i = 0; i < 6; i++) await zhang.api.call('devices.pin.verify', { pin: '2468' });
  await t.rejects(zhang.api.call('devices.pin.verify', { pin: '2468' }), { code: 'SB_RATE_LIMITED' }, 'past ten checks a minute: refused');
});
