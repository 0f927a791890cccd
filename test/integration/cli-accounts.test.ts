import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, startServer } from '../helpers/server.js';

t.test('the admin CLI sets the password policy, generates passwords, issues activation codes, unlocks', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-accounts-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

  t.match((await run('password-policy', 'get')).out, /at least 8 characters, 2 of/, 'the policy in words');
  const set = await json<{ min_length: number; lockout_threshold: number; totp_for_admins: boolean }>('password-policy', 'set', '--min-length', '10', '--lockout-threshold', '2', '--totp-for-admins', 'off');
  t.match(set, { min_length: 10, lockout_threshold: 2, totp_for_admins: false });
  const bad = await run('password-policy', 'set', '--min-length', '3');
  t.equal(bad.code, 1, 'a value out of range is refused');
  t.equal((await run('password-policy', 'set', '--totp-for-admins', 'maybe')).code, 1, 'on or off only');

  const added = await run('user', 'add', 'zhao.liu', '--name', '赵六');
  t.equal(added.code, 0);
  const initial = /initial password \(shown once[^)]*\): (\S+)/.exec(added.out)?.[1];
  t.ok(initial, 'a generated password is printed once');
  t.equal(await codeOf(new ApiClient(server.url).call('auth.login', { account: 'zhao.liu', password: initial! })), 'SB_PASSWORD_CHANGE_REQUIRED', 'and must be changed at first sign-in');
  t.equal((await run('user', 'add', 'weak.one', '--password', 'short-pw1')).code, 1, 'a typed password below the policy is refused');

  for (let i = 0; i < 2; i++) await codeOf(new ApiClient(server.url).call('auth.login', { account: 'zhao.liu', password: `wrong-guess-${i}` }));
  t.equal(await codeOf(new ApiClient(server.url).call('auth.login', { account: 'zhao.liu', password: initial! })), 'SB_ACCOUNT_LOCKED');
  t.match((await run('user', 'unlock', 'zhao.liu')).out, /Unlocked zhao\.liu/);
  t.equal(await codeOf(new ApiClient(server.url).call('auth.login', { account: 'zhao.liu', password: initial! })), 'SB_PASSWORD_CHANGE_REQUIRED', 'unlocked');

  const reset = await run('user', 'passwd', 'zhao.liu', '--generate');
  t.match(reset.out, /new password \(shown once/);
  t.equal((await run('user', 'passwd', 'zhao.liu')).code, 1, 'a password or --generate is needed');

  const dept = await server.admin.call('admin.dir.dept.create', { name: '研发部', org_id: 1 });
  await server.admin.call('admin.dir.person.create', { account: 'yf.a', name: '研发甲', depts: [dept.id] });
  await server.admin.call('admin.dir.person.create', { account: 'yf.b', name: '研发乙', depts: [dept.id] });
  const csv = (await run('user', 'activation-codes', '--dept', String(dept.id), '--csv')).out.split('\n');
  t.equal(csv[0], 'account,name,code,expires');
  t.same(csv.slice(1).map((l) => l.split(',')[0]).sort(), ['yf.a', 'yf.b'], 'a code for each imported person');
  t.match(csv[1], /,[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4},\d{4}-/);
  t.equal((await run('user', 'activation-codes')).code, 1, 'accounts or --dept');
  t.match((await run('user', 'totp-reset', 'zhao.liu')).out, /had no second factor/);
  t.match((await run('login-log', '--result', 'locked')).out, /zhao\.liu\s+.*locked/, 'the login log filters the new results');

  const rule = await json<{ device_types: string[] | null; approval: string | null }>('login-policy', 'set', 'dept', String(dept.id), '--devices', 'mobile,web', '--approval', 'new_device');
  t.same(rule.device_types, ['web', 'mobile']);
  t.equal(rule.approval, 'new_device');
  t.match((await run('login-policy', 'list')).out, /dept\s+\d+\s+web,mobile\s+new_device/, 'listed');
  t.equal((await run('login-policy', 'set', 'dept', String(dept.id), '--devices', 'fax')).code, 1, 'an unknown device type is refused');
  t.equal((await run('login-policy', 'set', 'dept', String(dept.id), '--approval', 'inherit')).code, 0);
  t.match((await run('login-policy', 'list')).out, /\(inherit\)/, 'inherit clears a field');
  t.match((await run('device', 'list', 'zhao.liu')).out, /device_id/, 'a person\'s devices');
  t.match((await run('approvals', 'list')).out, /device_id/, 'nothing waits: the header alone');
  t.equal((await run('approvals', 'decide', 'zhao.liu', 'x'.repeat(16), 'maybe')).code, 1, 'approve or refuse only');
  t.equal((await run('login-policy', 'delete', 'dept', String(dept.id))).code, 0);
});
