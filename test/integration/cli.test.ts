import t from 'tap';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { ApiClient } from '../../shared/sdk/api.js';
import type { AuditEntry, ConversationView, LoginResult, SessionView, UserView } from '../../shared/protocol/types.js';
import type { DirDept } from '../../shared/protocol/directory.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, rawSocket, startServer } from '../helpers/server.js';

t.test('the admin CLI manages users, groups and sessions through the audited API', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-');

  t.equal((await run('user', 'list')).code, 1, 'refuses before login');
  const login = await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD);
  t.equal(login.code, 0, login.out);
  t.equal(statSync(process.env.SWITCHBOARD_CREDENTIALS!).mode & 0o777, 0o600, 'credentials are private to the user');

  const zs = await json<UserView>('user', 'add', 'zhangsan', '--name', '张三', '--password', 'initial-pass');
  t.equal(zs.name, '张三');
  await json<UserView>('user', 'add', 'lisi', '--name', '李四', '--password', 'initial-pass');
  t.equal((await run('user', 'add', 'lisi', '--password', 'initial-pass')).code, 1, 'a duplicate account is refused');
  const list = await json<UserView[]>('user', 'list');
  t.same(list.map((u) => u.account).sort(), ['admin', 'lisi', 'zhangsan']);
  t.match((await run('user', 'list')).out, /zhangsan\s+张三/, 'a readable table');

  const group = await json<ConversationView>('group', 'create', '--title', '项目组', '--owner', 'zhangsan', '--members', 'lisi');
  t.equal(group.title, '项目组');
  t.equal(group.owner_id, zs.id, 'owned by zhangsan, not by the admin');

  const zsLogin = await new ApiClient(server.url).call<LoginResult>('auth.login', { account: 'zhangsan', password: 'initial-pass' });
  const sock = await rawSocket(server.url);
  sock.ws.send(JSON.stringify({ t: 'auth', token: zsLogin.token }));
  await sock.next((f) => f.t === 'ready');
  const sessions = await json<SessionView[]>('sessions', '--user', 'zhangsan');
  t.equal(sessions.length, 1, 'lists the user\'s sessions');
  t.equal((await run('user', 'disable', 'zhangsan')).code, 0);
  t.equal((await sock.closed).code, 4003, 'disabling ends the user\'s live session');
  t.equal((await run('user', 'enable', 'zhangsan')).code, 0);
  t.equal((await run('user', 'passwd', 'zhangsan', '--password', 'second-pass')).code, 0);
  t.ok(await new ApiClient(server.url).call('auth.login', { account: 'zhangsan', password: 'second-pass' }), 'the new password works');
  const again = await json<SessionView[]>('sessions', '--user', 'zhangsan');
  t.equal((await run('session', 'revoke', again[0]!.id)).code, 0);
  t.equal((await json<SessionView[]>('sessions', '--user', 'zhangsan')).length, 0, 'revoked');

  const audit = await json<AuditEntry[]>('audit');
  const actions = audit.map((e) => e.action);
  for (const action of ['user.create', 'group.create', 'user.disable', 'user.enable', 'user.reset_password', 'session.revoke']) {
    t.ok(actions.includes(action), `audited: ${action}`);
  }
  t.ok(audit.filter((e) => e.action !== 'user.create' || (e.details as { bootstrap?: boolean }).bootstrap !== true).every((e) => e.actor_id === 1), 'each entry names the acting admin');
  t.equal((await run('frobnicate')).code, 2, 'unknown commands print help and fail');
  delete process.env.SWITCHBOARD_CREDENTIALS;
});

t.test('the real program refuses unknown flags and commands with exit code 2 and names flags as typed', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-flags-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  const program = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['dist/scripts/switchboard.js', ...args], { env: { ...process.env } }, (e, stdout, stderr) => {
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr });
    });
  });

  const typo = await program('admin', 'dept', 'delete', '3', '--moveto', '4');
  t.equal(typo.code, 2, 'an unknown flag exits 2');
  t.equal(typo.stderr, 'switchboard: unknown flag --moveto; did you mean --move-to?\n');
  const command = await program('admin', 'usres', 'list');
  t.equal(command.code, 2, 'an unknown command exits 2');
  t.equal(command.stderr, "switchboard: unknown command 'admin usres list'; did you mean 'admin user list'?\n");
  t.equal((await program('al-in-one')).stderr, "switchboard: unknown command 'al-in-one'; did you mean 'all-in-one'?\n");
  t.match((await program('admin', 'dept', 'delete', '--help')).stdout, 'Usage: switchboard admin dept delete DEPT_ID [--move-to DEPT_ID]');

  const top = await json<DirDept>('dept', 'add', '总部');
  await json<DirDept>('dept', 'add', '研发部', '--parent', String(top.id));
  const refused = await program('admin', 'dept', 'delete', String(top.id));
  t.equal(refused.code, 1);
  t.match(refused.stderr, /^error SB_DEPT_NOT_EMPTY: .*pass --move-to\n$/, 'the server\'s move_to reads as the flag --move-to');
  t.notMatch(refused.stderr, 'move_to');
  t.equal((await program('admin', 'dept', 'delete', String(top.id), '--move-to', String(top.id))).code, 1, 'the flag reaches the server');
});
