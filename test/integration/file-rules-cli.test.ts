import t from 'tap';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, startServer } from '../helpers/server.js';

t.test('the admin CLI sets, lists and removes file-sending rules', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-rules-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  t.match(await run('filerule', 'list'), { code: 0, out: /only the server's limits/ });
  const dept = await json<{ id: number }>('dept', 'add', '设计部');
  await json('person', 'add', 'wu', '--name', '吴', '--dept', String(dept.id));

  const set = await run('filerule', 'set', 'dept', String(dept.id), '--max-bytes', '20MB', '--block', 'exe,.BAT');
  t.equal(set.code, 0, set.out);
  t.equal(set.out, `dept #${dept.id}: at most 20971520 bytes; never exe, bat`);
  t.match(await json('filerule', 'set', 'person', 'wu', '--allow', 'pdf,image/*'), { scope: 'person', allowed: ['pdf', 'image/*'], max_bytes: null, blocked: null }, 'a person by account');
  t.match(await run('filerule', 'list'), { out: /dept #\d+: at most 20971520 bytes; never exe, bat\nperson #\d+: only pdf, image\/\*/ });
  const bad = await run('filerule', 'set', 'dept', String(dept.id), '--max-bytes', 'lots');
  t.equal(bad.code, 1, 'a size that is not one');
  t.match(await run('filerule', 'delete', 'person', 'wu'), { code: 0, out: /Removed the rule of person wu/ });
  t.match(await run('filerule', 'delete', 'person', 'wu'), { code: 0, out: /had no rule/ });
  t.match(await run('filerule', 'set', 'team', '1'), { code: 1 }, 'an unknown scope');
});
