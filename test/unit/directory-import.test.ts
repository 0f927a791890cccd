import t from 'tap';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { decodeUtf8, parseCsv, toCsv } from '../../core/directory/import/csv.js';
import { documentFromTable, tableFromDocument } from '../../core/directory/import/document.js';
import { planImport } from '../../core/directory/import/plan.js';
import { decodeRtx, parseRtx } from '../../core/directory/import/rtx.js';
import { readXlsx, writeXlsx } from '../../core/directory/import/xlsx.js';
import { DirectoryModel } from '../../core/directory/model.js';
import { parseDocument } from '../../core/directory/import/parse.js';

const empty = () => DirectoryModel.from({ version: 0, orgs: [{ id: 1, name: 'Org', sort: 0 }], depts: [], people: [], policies: [], scopes: [] });
const HEADER = 'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status';

t.test('CSV: quotes, doubled quotes, CRLF, BOM; writes what it reads', async (t) => {
  const rows = parseCsv('a,"b,1","say ""hi"""\r\nx,"multi\nline",\n');
  t.same(rows, [['a', 'b,1', 'say "hi"'], ['x', 'multi\nline', '']]);
  t.same(parseCsv(toCsv(rows)), rows, 'round trip');
  const bom = decodeUtf8(Buffer.from('\ufeffa,b', 'utf8'));
  t.same(bom, { text: 'a,b' }, 'BOM dropped');
  const gbk = decodeUtf8(iconv.encode('部门,张三', 'gbk'));
  t.ok('issue' in gbk && /not valid UTF-8/.test(gbk.issue.reason), 'GBK bytes in a CSV are reported as the wrong encoding');
});

t.test('table layout → document → table is lossless', async (t) => {
  const csv = `${HEADER}\ndept,HQ,,总部,0\ndept,RD,HQ,研发部,1\nperson,,,张三,,zhangsan,San Zhang,male,138,,zs@x.cn,工程师,E1,,active\nmember,RD,,,3,zhangsan,,,,,,架构师\n`;
  const { doc, issues } = documentFromTable(parseCsv(csv));
  t.same(issues, []);
  t.same(doc.depts.map((d) => [d.key, d.parent, d.name]), [['HQ', null, '总部'], ['RD', 'HQ', '研发部']]);
  t.same(doc.members, [{ line: 5, account: 'zhangsan', dept: 'RD', title: '架构师', sort: 3 }]);
  const again = documentFromTable(tableFromDocument(doc));
  t.same(again.doc.people.map(({ line: _l, ...p }) => p), doc.people.map(({ line: _l, ...p }) => p));
});

t.test('xlsx: written by export, read back by import', async (t) => {
  const rows = [HEADER.split(','), ['dept', 'HQ', '', '总部', '0', '', '', '', '', '', '', '', '', '', '']];
  const back = await readXlsx(await writeXlsx(rows));
  t.ok('rows' in back);
  if ('rows' in back) t.same(back.rows, rows);
  const bad = await readXlsx(Buffer.from('not a zip'));
  t.ok('issue' in bad && /not an Excel/.test(bad.issue.reason));
});

t.test('RTX export in GBK (the fixture) and in UTF-8', async (t) => {
  const bytes = readFileSync('test/fixtures/rtx-org-gbk.xml');
  const text = decodeRtx(bytes);
  t.ok('text' in text);
  const { doc, issues } = parseRtx((text as { text: string }).text);
  t.same(issues, []);
  t.same(doc.depts.map((d) => [d.key, d.parent, d.name]), [['1', null, '腾讯通公司'], ['2', '1', '研发中心'], ['3', '2', '客户端组'], ['4', '1', '市场部']]);
  t.same(doc.people.map((p) => [p.account, p.name, p.gender, p.title]), [['zhangsan', '张三', 'male', '高级工程师'], ['lisi', '李四', 'female', '市场经理'], ['wangwu', '王五', 'male', '']]);
  t.same(doc.members.map((m) => [m.account, m.dept]), [['zhangsan', '3'], ['zhangsan', '4'], ['lisi', '4'], ['wangwu', '2']]);
  const utf8 = Buffer.from(iconv.decode(bytes, 'gbk').replace('gb2312', 'utf-8'), 'utf8');
  const parsed = await parseDocument('rtx', utf8);
  t.same(parsed.doc.people.map((p) => p.name), ['张三', '李四', '王五'], 'UTF-8 exports read the same');
  const mislabelled = await parseDocument('rtx', Buffer.from(bytes.toString('latin1').replace('gb2312', 'utf-8'), 'latin1'));
  t.match(mislabelled.issues[0]?.reason, /declares UTF-8 but is not valid UTF-8/, 'GBK bytes labelled UTF-8 are reported');
  const notRtx = await parseDocument('rtx', Buffer.from('<?xml version="1.0" encoding="utf-8"?><root/>'));
  t.match(notRtx.issues[0]?.reason, /not an RTX organisation export/);
});

t.test('bad files: every bad row with its line and reason, and no changes', async (t) => {
  const missing = documentFromTable(parseCsv('type,name\ndept,x\n'));
  t.match(missing.issues[0]?.reason, /missing columns: key, parent, account/);
  const csv = [
    HEADER,
    'dept,A,C,甲,0', 'dept,B,A,乙,0', 'dept,C,B,丙,0', // A → C → B → A: a cycle
    'dept,D,,丁,x',
    'dept,D,,丁二,0',
    'person,,,张三,,zhangsan,,,,,,,,,',
    'person,,,张三二,,zhangsan,,,,,,,,,',
    'person,,,,,bad account!,,,,,,,,,',
    'person,,,王五,,wangwu,,alien,,,,,,,gone',
    'member,NOPE,,,,wangwu,,,,,,',
    'member,D,,,,nobody,,,,,,',
    'frob,,,,,,,,,,,,,,',
  ].join('\n');
  const parsed = documentFromTable(parseCsv(csv));
  const plan = planImport(empty(), 1, parsed.doc);
  const all = [...parsed.issues, ...plan.issues].map((i) => `${i.line}: ${i.reason}`);
  const expect = [
    /^2: dept "A": is its own ancestor/, /^3: dept "B": is its own ancestor/, /^4: dept "C": is its own ancestor/,
    /^5: sort: "x" is not an integer/, /^6: dept: duplicate key "D"/, /^8: person "zhangsan": duplicate account/,
    /^9: person "bad account!": account must be/, /^10: person "wangwu": gender "alien"/, /^10: person "wangwu": status "gone"/,
    /^11: member "wangwu" in "NOPE": no such department key/, /^12: member "nobody" in "D": no such person/, /^13: type: "frob"/,
  ];
  for (const re of expect) t.ok(all.some((line) => re.test(line)), `reported: ${re.source}`);
  t.same(plan.changes, [], 'a plan with problems has no changes');
});

t.test('planning an import twice: the second plan is empty (idempotent)', async (t) => {
  const m = empty();
  const csv = `${HEADER}\ndept,HQ,,总部,0\ndept,RD,HQ,研发部,1\nperson,,,张三,,zhangsan,,,,,,,,,\nmember,RD,,,,zhangsan,,,,,,\n`;
  const { doc } = documentFromTable(parseCsv(csv));
  const first = planImport(m, 1, doc);
  t.equal(first.summary.depts_created, 2);
  t.equal(first.summary.people_created, 1);
  m.apply(first.changes.map((c) => (c.op === 'person' ? { ...c, person: { ...c.person, user_id: 7 } } : c)), 1);
  const second = planImport(m, 1, doc);
  t.same(second.changes, []);
  t.equal(second.summary.unchanged, 1);
});
