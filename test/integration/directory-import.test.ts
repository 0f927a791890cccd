import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { DirDept, DirPerson, DirSnapshot } from '../../shared/protocol/directory.js';
import type { AuditEntry } from '../../shared/protocol/types.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, makeUser, startServer } from '../helpers/server.js';

const HEADER = 'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status';

/** The org without volatile ids, for comparing two imports of the same content. */
function shape(s: DirSnapshot) {
  const depts = new Map(s.depts.map((d) => [d.id, d]));
  const path = (id: number): string => { const d = depts.get(id)!; return d.parent_id === null ? d.name : `${path(d.parent_id)}/${d.name}`; };
  return {
    depts: s.depts.map((d) => `${path(d.id)}#${d.sort}`).sort(),
    people: s.people.map((p) => ({ ...p, id: 0, user_id: 0, depts: p.depts.map((m) => `${path(m.dept_id)}:${m.title}:${m.sort}`).sort() })).sort((a, b) => a.account.localeCompare(b.account)),
  };
}

t.test('imports and exports through the relay and the admin CLI', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { dir, run, json } = adminCli(t, 'sb-dir-cli-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  const snap = () => server.admin.directorySnapshot();

  // ---- CSV import: dry run, real run, idempotent second run ----------------------------
  const csv = join(dir, 'org.csv');
  writeFileSync(csv, [
    HEADER,
    'dept,HQ,,总部,0', 'dept,RD,HQ,研发部,1', 'dept,FE,RD,"前端组, 北京",2', 'dept,MK,HQ,市场部,3',
    'person,,,张三,,zhangsan,San Zhang,male,13800000001,,zs@corp.cn,工程师,E001,,active',
    'person,,,李四,,lisi,,female,13900000002,,lisi@corp.cn,经理,E002,,active',
    'person,,,王五,,wangwu,,,,,,,E003,,left',
    'member,FE,,,1,zhangsan,,,,,,前端工程师', 'member,MK,,,2,zhangsan,,,,,,顾问', 'member,RD,,,0,lisi,,,,,,研发经理', 'member,HQ,,,9,wangwu,,,,,,',
  ].join('\n'));
  const before = await snap();
  const dry = await json<{ ok: boolean; summary: Record<string, number> }>('org', 'import', csv, '--dry-run');
  t.ok(dry.ok);
  t.equal(dry.summary.people_created, 3);
  t.equal((await snap()).version, before.version, 'a dry run changes nothing');
  const first = await run('org', 'import', csv);
  t.equal(first.code, 0, first.out);
  t.match(first.out, /people created 3/);
  const afterFirst = await snap();
  t.equal(afterFirst.depts.length, 4);
  t.same(afterFirst.people.find((p) => p.account === 'zhangsan')!.depts.map((d) => d.title).sort(), ['前端工程师', '顾问'], 'two departments, two titles');
  const second = await json<{ summary: Record<string, number>; version: number }>('org', 'import', csv);
  t.equal(second.version, afterFirst.version, 'importing the same file again changes nothing');
  t.equal(second.summary.unchanged, 3);

  // ---- CLI department and person commands --------------------------------------------
  const list = await run('dept', 'list');
  t.match(list.out, /总部 \(#\d+\) 1 people\n {2}研发部/);
  const ops = await json<DirDept>('dept', 'add', '运维组', '--parent', String(afterFirst.depts.find((d) => d.name === '研发部')!.id));
  t.equal(ops.name, '运维组');
  t.equal((await run('dept', 'rename', String(ops.id), '运维与SRE')).code, 0);
  t.equal((await run('dept', 'sort', String(ops.id), '7')).code, 0);
  t.equal((await run('dept', 'move', String(ops.id), '--parent', 'top')).code, 0);
  const zl = await json<DirPerson>('person', 'add', 'zhaoliu', '--name', '赵六', '--mobile', '13700000003', '--dept', `${ops.id}:值班工程师:1`);
  t.same(zl.depts, [{ dept_id: ops.id, title: '值班工程师', sort: 1 }]);
  t.equal((await run('dept', 'delete', String(ops.id))).code, 1, 'not empty');
  t.equal((await json<DirPerson>('person', 'set', 'zhaoliu', '--email', 'zl@corp.cn', '--dept', '')).depts.length, 0, 'memberships replaced');
  t.equal((await run('dept', 'delete', String(ops.id))).code, 0, 'empty now');
  const found = await json<{ person: DirPerson; matched: string }[]>('person', 'search', 'zs');
  t.equal(found[0]?.person.account, 'zhangsan', 'found by initials');
  t.match((await run('person', 'show', 'zhangsan')).out, /mobile: 13800000001/);
  t.equal((await run('person', 'delete', 'zhaoliu')).code, 0);
  t.equal((await run('policy', 'set', 'person', 'zhangsan', '--fields', 'mobile')).code, 0);
  t.match((await run('policy', 'list')).out, /person\s+\d+\s+mobile/);

  // ---- export → import round trips (CSV and Excel) -----------------------------------
  for (const format of ['csv', 'xlsx']) {
    const file = join(dir, `export.${format}`);
    t.equal((await run('org', 'export', file)).code, 0);
    const exported = await snap();
    const again = await json<{ version: number; summary: Record<string, number> }>('org', 'import', file);
    t.equal(again.version, exported.version, `${format}: importing an export changes nothing`);
    // Into a fresh server: the same org.
    const other = await startServer();
    const api = other.admin;
    const upload = await api.upload(`export.${format}`, 'application/octet-stream', readFileSync(file));
    await api.call('admin.dir.import', { file_id: upload.id, format: format as 'csv' | 'xlsx' });
    t.same(shape(await api.directorySnapshot()), shape(exported), `${format}: export then import gives the same org`);
    await other.stop();
  }

  // ---- RTX export in GBK ----------------------------------------------------------------
  const rtxOrg = await json<{ id: number }>('org', 'create', 'RTX');
  const rtx = await json<{ ok: boolean; summary: Record<string, number> }>('org', 'import', 'test/fixtures/rtx-org-gbk.xml', '--org', String(rtxOrg.id));
  t.ok(rtx.ok);
  t.equal(rtx.summary.depts_created, 4);
  const withRtx = await snap();
  t.ok(withRtx.depts.some((d) => d.name === '客户端组' && d.org_id === rtxOrg.id), 'GBK names decoded');
  const zs = withRtx.people.find((p) => p.account === 'zhangsan')!;
  t.equal(zs.depts.length, 4, 'the same person in two org structures');

  // ---- bad files: a clear report and no change ------------------------------------------
  const state = await snap();
  const bad = async (name: string, content: Buffer | string, format: string, expect: RegExp) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    const dryRun = await run('org', 'import', file, '--format', format, '--dry-run');
    t.equal(dryRun.code, 1, `${name}: dry run fails`);
    t.match(dryRun.out, expect, `${name}: dry run says why`);
    const real = await run('org', 'import', file, '--format', format);
    t.equal(real.code, 1, `${name}: import refused`);
    t.match(real.out, expect, `${name}: and says why`);
    t.equal((await snap()).version, state.version, `${name}: nothing changed`);
  };
  await bad('gbk.csv', iconv.encode(`${HEADER}\ndept,X,,部门,0\n`, 'gbk'), 'csv', /line 1: the file is not valid UTF-8/);
  await bad('columns.csv', 'type,name\ndept,x\n', 'csv', /line 1: missing columns: key, parent, account/);
  await bad('dupes.csv', `${HEADER}\ndept,HQ,,总部,0\nperson,,,甲,,dup,,,,,,,,,\nperson,,,乙,,dup,,,,,,,,,\n`, 'csv', /line 4: person "dup": duplicate account \(first on line 3\)/);
  await bad('cycle.csv', `${HEADER}\ndept,A,B,甲,0\ndept,B,A,乙,0\n`, 'csv', /line 2: dept "A": is its own ancestor[\s\S]*line 3: dept "B": is its own ancestor/);
  await bad('notxlsx.xlsx', 'plain text', 'xlsx', /line 1: the file is not an Excel/);
  await bad('mislabelled.xml', Buffer.from(readFileSync('test/fixtures/rtx-org-gbk.xml').toString('latin1').replace('gb2312', 'utf-8'), 'latin1'), 'rtx', /declares UTF-8 but is not valid UTF-8/);

  // ---- only administrators; everything audited ----------------------------------------------
  const employee = await makeUser(server);
  const upload = await employee.api.upload('org.csv', 'text/csv', readFileSync(csv));
  await t.rejects(employee.api.call('admin.dir.import', { file_id: upload.id }), { code: 'SB_FORBIDDEN' });
  await t.rejects(employee.api.call('admin.dir.export', {}), { code: 'SB_FORBIDDEN' });
  const audit = await json<AuditEntry[]>('audit', '--limit', '200');
  for (const a of ['dir.import', 'dir.import.rejected', 'dir.export', 'dir.dept.create', 'dir.person.create', 'dir.person.delete', 'dir.policy.set', 'dir.org.create']) {
    t.ok(audit.some((e) => e.action === a), `audited: ${a}`);
  }
});
