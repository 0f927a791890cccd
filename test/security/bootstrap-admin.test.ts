import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { adminPasswordProblem, generateAdminPassword } from '../../core/auth/admin-password.js';
import { INITIAL_PASSWORD_FILE, showInitialPassword } from '../../central/initial-password.js';
import { ApiClient } from '../../shared/sdk/api.js';
import type { LoginResult } from '../../shared/protocol/types.js';
import { exited, freePort, spawnNode } from '../helpers/process.js';

/** Issue 10 item 6: the first administrator's password has a floor, and a generated one never reaches the log. */

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bootstrap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('the administrator password rule', async (t) => {
  const weak: [string, RegExp][] = [
    ['short-Pw1!', /at least 12 characters/],
    ['Password1234', /most common/],
    ['P@ssw0rd2024!!', /most common/],
    ['changeme-123456', /most common/],
    ['admin12345678', /account name/],
    ['AdminAdminAdmin!', /account name/],
    ['aaaaaaaaaaaaaaaa', /5 different characters/],
    ['ababababcdcdcdcd', /5 different characters/],
    ['123456789012', /run of digits/],
    ['98765432109876', /run of digits/],
  ];
  for (const [password, why] of weak) t.match(adminPasswordProblem(password, 'admin'), why, `refused: ${password}`);
  for (const password of ['correct horse battery', 'admin-password-for-tests', 'Zq7#kD02mLpx', '839201746512', '财务部管理员的长密码一二三']) {
    t.equal(adminPasswordProblem(password, 'admin'), null, `accepted: ${password}`);
  }
  const generated = Array.from({ length: 200 }, () => generateAdminPassword('admin'));
  t.ok(generated.every((p) => p.length >= 24 && adminPasswordProblem(p, 'admin') === null), 'every generated password meets the rule');
  t.equal(new Set(generated).size, 200, 'and none repeats');
});

t.test('a weak configured password stops the first start with a clear message, creating nobody', async (t) => {
  const dataDir = scratch(t);
  const port = await freePort();
  const node = await spawnNode('all-in-one', { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: 'password1234' }, null);
  const exit = await exited(node);
  t.equal(exit.code, 1, 'the process exits with status 1');
  t.match(node.output(), /admin\.password \(SWITCHBOARD_ADMIN_PASSWORD\) is too weak for the first administrator: it is one of the most common passwords/, node.output().trim());
  const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 0, 'no administrator was created');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n, 0, 'nor audited');
});

t.test('a generated password is shown once, outside the log at info level, and signs in', async (t) => {
  const dataDir = scratch(t);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = await spawnNode('all-in-one', { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_PORT: String(port), SWITCHBOARD_ADMIN_PASSWORD: '', SWITCHBOARD_LOG_LEVEL: 'info' }, `${url}/healthz`);
  t.teardown(() => { node.kill('SIGKILL'); });
  await new Promise((r) => setTimeout(r, 100));

  const file = join(dataDir, INITIAL_PASSWORD_FILE);
  t.equal(statSync(file).mode & 0o777, 0o600, 'stdout is not a terminal, so the password is in a file only this user can read');
  const password = readFileSync(file, 'utf8').trim();
  t.equal(adminPasswordProblem(password, 'admin'), null, 'it meets the administrator rule');

  const output = node.output();
  const logLines = output.split('\n').filter((l) => l.startsWith('{'));
  t.ok(logLines.some((l) => /"level":30/.test(l) && /created the initial administrator/.test(l)), 'info-level log lines were captured');
  t.notOk(output.includes(password), 'the password is nowhere in the output or the log');
  t.match(output, new RegExp(`Password: in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the output names the file');

  const login = await new ApiClient(url).call<LoginResult>('auth.login', { account: 'admin', password, device_type: 'cli' });
  t.ok(login.user.is_admin, 'the generated password signs the administrator in');
});

t.test('at a terminal the generated password is printed there, once, and no file is written', async (t) => {
  const dataDir = scratch(t);
  const written: string[] = [];
  const password = generateAdminPassword('admin');
  const file = showInitialPassword({ account: 'admin', password, dataDir, port: 7080, out: { isTTY: true, write: (s: string) => written.push(s) } });
  t.equal(file, null);
  t.equal(written.length, 1, 'one write');
  t.equal(written[0]!.split(password).length - 1, 1, 'with the password in it once');
  t.notOk(existsSync(join(dataDir, INITIAL_PASSWORD_FILE)), 'no file');
});
