import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AuditEntry, UserView } from '../../shared/protocol/types.js';
import type { DirDept } from '../../shared/protocol/directory.js';
import { ADMIN_PASSWORD, startServer } from '../helpers/server.js';

/**
 * The README's CLI examples, run verbatim against a real all-in-one node: every
 * shell block marked `<!-- cli-example -->`, one line at a time, in order, as
 * a reader would paste them. Only the environment differs from the README's
 * reader: SWITCHBOARD_SERVER and SWITCHBOARD_PASSWORD point at this test's node
 * (the README tells the reader to set the password the same way).
 */
// Each `npx` start costs a second or more, several on a busy machine.
t.setTimeout(240_000);

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/<!-- cli-example -->\s*```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const commands = blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

function sh(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile('/bin/sh', ['-c', line], { cwd, env, timeout: 60_000 }, (e, stdout, stderr) => {
      done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

t.test('every CLI example in the README runs as written on a fresh node', async (t) => {
  t.ok(blocks.length >= 2, 'the README marks its CLI examples');
  t.ok(commands.length >= 8, `${commands.length} commands`);
  t.ok(commands.some((c) => c.includes('--members lisi,wangwu')), 'the group example is among them');

  const server = await startServer();
  t.teardown(() => server.stop());
  // Inside the repository, so `npx switchboard` finds this package's own bin, as it does for the reader.
  const cwd = mkdtempSync(join(resolve('dist'), 'readme-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SWITCHBOARD_SERVER: server.url,
    SWITCHBOARD_PASSWORD: ADMIN_PASSWORD,
    SWITCHBOARD_CREDENTIALS: join(cwd, 'credentials.json'),
    // npx must run the local bin, never fetch a package of that name.
    npm_config_yes: 'false',
    npm_config_offline: 'true',
  };

  for (const line of commands) {
    const r = await sh(line, cwd, env);
    t.equal(r.code, 0, `${line}${r.code ? `\n${r.out}` : ''}`);
    if (r.code) break;
  }

  const users = await server.admin.call<UserView[]>('admin.users.list', { limit: 100 });
  t.same(users.map((u) => u.account).sort(), ['admin', 'lisi', 'wangwu', 'zhangsan', 'zhaoliu'], 'the users the examples made, and the imported person');
  t.ok(users.find((u) => u.account === 'lisi')?.disabled, 'lisi is disabled');
  const audit = await server.admin.call<AuditEntry[]>('admin.audit', { limit: 50 });
  t.ok(audit.some((e) => e.action === 'group.create'), 'the group was created');
  const snap = await server.admin.directorySnapshot();
  t.same(snap.depts.map((d: DirDept) => d.name).sort(), ['总部', '研发部'], 'the imported departments');
});
