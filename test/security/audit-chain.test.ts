import t from 'tap';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MIGRATIONS, migrationSql } from '../../central/store/schema.js';
import { verifyAuditChain } from '../../core/admin/audit-chain.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, makeUser, startServer } from '../helpers/server.js';

/** Issue 10 item 8: the audit log is evidence — its actor is the verified one, and tampering shows. */

const codeOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

t.test('tampering with the database file is found by verify, through the API and the CLI', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const employee = await makeUser(server, 'Employee');
  const outsider = await makeUser(server, 'Outsider');
  for (let i = 0; i < 4; i++) await server.admin.call('admin.users.create', { account: `audited${i}`, name: `Audited ${i}`, password: 'plain-words-123' });
  await server.admin.call('admin.users.disable', { user_id: employee.user.id });
  await server.admin.call('admin.users.enable', { user_id: employee.user.id });

  const verify = () => server.admin.call('admin.audit.verify');
  const entries = (await server.admin.call('admin.audit', { limit: 100 })).reverse();
  t.same(await verify(), { ok: true, rows: entries.length }, `intact: ${entries.length} rows`);

  const { run } = adminCli(t, 'sb-audit-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  t.same(await run('audit', 'verify'), { code: 0, out: `audit chain intact: ${entries.length} rows` }, 'the CLI says so and exits 0');

  t.equal(await codeOf(outsider.api.call('admin.audit.verify')), 'SB_FORBIDDEN', 'an employee may not run it');
  t.equal(await codeOf(new ApiClient(server.url).call('admin.audit.verify')), 'SB_UNAUTHENTICATED', 'nor may anyone signed out');

  // Someone with the database file hides what an administrator did, while the node runs.
  const file = new Database(join(server.dataDir, 'switchboard.db'));
  t.teardown(() => file.close());
  file.pragma('busy_timeout = 5000');
  const victim = entries[4]!;
  file.prepare('UPDATE audit_log SET details = ? WHERE id = ?').run('{"account":"someone-else"}', victim.id);
  t.match(await verify(), { ok: false, rows: 4, first_broken: { id: victim.id, reason: /changed/ } }, 'a changed row is reported');
  const broken = await run('audit', 'verify');
  t.equal(broken.code, 1, 'the CLI exits non-zero');
  t.match(broken.out, new RegExp(`^audit chain broken at row ${victim.id}: `), broken.out);

  file.prepare('UPDATE audit_log SET details = ? WHERE id = ?').run(JSON.stringify(victim.details), victim.id);
  t.same(await verify(), { ok: true, rows: entries.length }, 'intact again once the row is restored');

  file.prepare('DELETE FROM audit_log WHERE id = ?').run(victim.id);
  t.match(await verify(), { ok: false, rows: 4, first_broken: { id: entries[5]!.id, reason: /removed/ } }, 'a removed row is reported at the row after it');
  t.match((await run('audit', 'verify')).out, new RegExp(`^audit chain broken at row ${entries[5]!.id}: `));
});

t.test('the actor of every entry is the verified session\'s user, whatever the request says', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = await server.admin.call('users.me', {});
  const deputy = await makeUser(server, 'Deputy');
  await server.admin.call('admin.users.setAdmin', { user_id: deputy.user.id, is_admin: true });
  const created = await deputy.api.callUnchecked<{ id: number }>('admin.users.create', {
    account: 'forgedactor', password: 'plain-words-123', actor_id: admin.id, actor: { userId: admin.id, sessionId: 'x' }, user_id: admin.id,
  });
  await deputy.api.callUnchecked('admin.dir.dept.create', { name: 'Forged', actor_id: admin.id });
  const entries = await server.admin.call('admin.audit', { limit: 100 });
  const byDeputy = entries.filter((e) => e.target === `user:${created.id}` || e.action === 'dir.dept.create');
  t.equal(byDeputy.length, 2);
  t.ok(byDeputy.every((e) => e.actor_id === deputy.user.id), 'recorded as the deputy, who was signed in');
  const setAdmin = entries.find((e) => e.action === 'user.set_admin')!;
  t.equal(setAdmin.actor_id, admin.id, 'and the administrator\'s own action as the administrator');
  t.ok(entries.filter((e) => !(e.details as { bootstrap?: boolean }).bootstrap).every((e) => e.actor_id !== null), 'only the bootstrap entry has no actor');
});

t.test('a database from before the chain is chained on upgrade', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-audit-upgrade-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'switchboard.db');
  const old = new Database(path);
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version < 7)) {
    for (const sql of migrationSql(m, 'sqlite')) old.exec(sql);
    old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 1)').run(m.version);
  }
  const insert = old.prepare('INSERT INTO audit_log (actor_id, action, target, details, at) VALUES (?, ?, ?, ?, ?)');
  old.transaction(() => { for (let i = 0; i < 2_500; i++) insert.run(i % 5 || null, 'user.create', `user:${i}`, JSON.stringify({ i, 名: '值' }), 1_000 + i); })();
  old.prepare('DELETE FROM audit_log WHERE id = 17').run(); // ids need not be dense
  old.close();

  const store = new SqliteStore(path);
  t.teardown(() => store.close());
  t.same(await verifyAuditChain(store.audit, 500), { ok: true, rows: 2_499 }, 'the rows already there are chained in id order');
  await store.audit.append({ actor_id: 1, action: 'after.upgrade', target: 'x', details: {}, at: 9_999 });
  t.same(await verifyAuditChain(store.audit), { ok: true, rows: 2_500 }, 'and new rows carry on the chain');
});
