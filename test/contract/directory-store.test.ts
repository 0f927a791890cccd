import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { DirectoryStore, Store } from '../../core/ports.js';
import type { DirPerson } from '../../shared/protocol/directory.js';
import { MIGRATIONS, migrationSql } from '../../central/store/schema.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { mysqlDirectoryStore } from '../../central/store/mysql/directory.js';

const person = (id: number, account: string, depts: number[], extra: Partial<DirPerson> = {}): DirPerson => ({
  id, user_id: null, account, name: account, english_name: '', gender: '', mobile: '', phone: '', email: '', title: '', employee_no: '', avatar: '',
  status: 'active', depts: depts.map((d) => ({ dept_id: d, title: `t${d}`, sort: d })), ...extra,
});

/** The same contract for every directory store. */
async function contract(t: Test, dir: DirectoryStore, users: (account: string) => Promise<{ id: number; disabled: boolean } | null>): Promise<void> {
  const start = await dir.load();
  t.equal(start.version, 0);
  t.same(start.orgs, [{ id: 1, name: 'Organisation', sort: 0 }], 'the seeded org');

  const r1 = await dir.commit(0, [
    { op: 'dept', dept: { id: 1, org_id: 1, parent_id: null, name: '总部', sort: 0, ext_id: null } },
    { op: 'dept', dept: { id: 2, org_id: 1, parent_id: 1, name: '研发', sort: 1, ext_id: 'RD' } },
    { op: 'person', person: person(1, 'zhangsan', [1, 2], { name: '张三', mobile: '138' }) },
  ], 1000);
  t.equal(r1.version, 1);
  const zs = r1.changes.find((c) => c.op === 'person');
  const userId = zs && zs.op === 'person' ? zs.person.user_id : null;
  t.ok(userId, 'the person got a user id');
  t.equal((await users('zhangsan'))?.id, userId, 'and the user exists');
  await t.rejects(dir.commit(0, [{ op: 'org', org: { id: 2, name: 'x', sort: 0 } }], 1001), { code: 'SB_CONFLICT' }, 'a stale version is refused');
  t.equal(await dir.version(), 1, 'and changed nothing');

  const many = Array.from({ length: 1200 }, (_, i) => person(10 + i, `bulk${i}`, [2]));
  const r2 = await dir.commit(1, [...many.map((p) => ({ op: 'person' as const, person: p })), { op: 'policy', policy: { id: 1, target: 'dept', target_id: 2, fields: ['mobile'] } },
    { op: 'scope', user_id: 99, dept_ids: [2] }, { op: 'person', person: person(1, 'zhangsan', [2], { name: '张三', status: 'left' }) }], 1002);
  t.equal(r2.version, 2);
  t.equal((await users('zhangsan'))?.disabled, true, 'a person who left cannot sign in');
  const r3 = await dir.commit(2, [{ op: 'person.delete', id: 10 }, { op: 'dept.delete', id: 1 }, { op: 'dept', dept: { id: 2, org_id: 1, parent_id: null, name: '研发', sort: 1, ext_id: 'RD' } }], 1003);
  t.equal(r3.version, 3);

  const loaded = await dir.load();
  t.equal(loaded.version, 3);
  t.same(loaded.depts, [{ id: 2, org_id: 1, parent_id: null, name: '研发', sort: 1, ext_id: 'RD' }]);
  t.equal(loaded.people.length, 1 + 1199);
  const z = loaded.people.find((p) => p.id === 1)!;
  t.same(z.depts, [{ dept_id: 2, title: 't2', sort: 2 }], 'memberships replaced with the person');
  t.equal(z.status, 'left');
  t.same(loaded.policies, [{ id: 1, target: 'dept', target_id: 2, fields: ['mobile'] }]);
  t.same(loaded.scopes, [{ user_id: 99, dept_ids: [2] }]);

  const since1 = await dir.changesSince(1, 100);
  t.ok(since1.more, 'paged');
  t.equal(since1.changes.length, 100);
  t.ok(since1.changes.every((c) => c.version === 2));
  const all = await dir.changesSince(0, 10_000);
  t.equal(all.changes.length, 3 + 1200 + 3 + 3);
  t.same([...new Set(all.changes.map((c) => c.version))], [1, 2, 3], 'in version order');
  t.equal(all.changes.filter((c) => c.version === 3)[0]!.change.op, 'person.delete', 'deletes first within a version');
}

t.test('SQLite directory store', async (t) => {
  const dirPath = mkdtempSync(join(tmpdir(), 'sb-dir-'));
  const store: Store = new SqliteStore(join(dirPath, 'db.sqlite'));
  t.teardown(async () => { await store.close(); rmSync(dirPath, { recursive: true, force: true }); });
  await contract(t, store.directory, async (a) => { const u = await store.users.byAccount(a); return u && { id: u.id, disabled: u.disabled }; });
});

t.test('MariaDB directory store', async (t) => {
  const name = `sb_dir_${process.pid}_${Date.now()}`;
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  } catch (e) {
    t.fail(`MariaDB at 127.0.0.1:3306 is required: ${(e as Error).message}`);
    return;
  }
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  const pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: name, connectionLimit: 4 });
  t.teardown(async () => { await pool.end(); await admin.query(`DROP DATABASE ${name}`); await admin.end(); });
  for (const m of MIGRATIONS) for (const sql of migrationSql(m, 'mysql')) await pool.query(sql);
  await contract(t, mysqlDirectoryStore(pool), async (a) => {
    const [rows] = await pool.query('SELECT id, disabled FROM users WHERE account = ?', [a]) as unknown as [{ id: number; disabled: number }[]];
    return rows[0] ? { id: Number(rows[0].id), disabled: rows[0].disabled === 1 } : null;
  });
});
