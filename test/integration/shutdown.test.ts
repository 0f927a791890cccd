import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../shared/sdk/api.js';
import { exited, freePort, spawnNode } from '../helpers/process.js';

t.test('npm start path: first start leaves the admin password in a private file; Ctrl-C shuts down cleanly keeping acknowledged data', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-shutdown-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_PORT: String(port) };

  const first = await spawnNode('all-in-one', env, `${url}/healthz`);
  await new Promise((r) => setTimeout(r, 100));
  // Not a terminal: the generated password is in a file of the data directory, which the output names.
  t.match(first.output(), /Password: in \S*initial-admin-password/, 'the first start says where the generated administrator password is');
  const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const admin = new ApiClient(url, (await new ApiClient(url).call('auth.login', { account: 'admin', password })).token);
  const user = await admin.call('admin.users.create', { account: 'zhangsan', name: '张三', password: 'plain-words-123' });
  const conv = await admin.call('conv.direct', { user_id: user.id });
  const sends = await Promise.all(Array.from({ length: 50 }, (_, i) => admin.call('msg.send', { conv_id: conv.id, cmid: `m${i}`, body: { text: `消息 ${i}` } })));
  t.equal(sends.length, 50, '50 sends acknowledged');

  first.kill('SIGINT');
  const exit = await exited(first);
  t.equal(exit.code, 0, 'exits with status 0 on SIGINT');

  const second = await spawnNode('all-in-one', env, `${url}/healthz`);
  t.teardown(() => { second.kill('SIGKILL'); });
  t.notMatch(second.output(), /Password:/, 'the second start does not create another administrator');
  const admin2 = new ApiClient(url, (await new ApiClient(url).call('auth.login', { account: 'admin', password: password! })).token);
  const page = await admin2.call('msg.history', { conv_id: conv.id, after: 0, limit: 200 });
  t.same(page.messages.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 1), 'every acknowledged message is there, gap-free');
  second.kill('SIGTERM');
  t.equal((await exited(second)).code, 0, 'SIGTERM also exits cleanly');
});
