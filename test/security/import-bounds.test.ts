import t from 'tap';
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/errors.js';
import { parseCsv } from '../../core/directory/import/csv.js';
import { IMPORT_LIMITS, ImportBudget } from '../../core/directory/import/limits.js';
import { parseDocument } from '../../core/directory/import/parse.js';
import { planImport } from '../../core/directory/import/plan.js';
import { RTX_ROOT } from '../../core/directory/import/rtx.js';
import { DirectoryModel } from '../../core/directory/model.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** Findings on directory imports: every file below is hostile, built here, and each is refused or parsed in bounded time and memory. */

const HEADER = 'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status';

async function sheet(rows: string[][], extra?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('org');
  for (const r of rows) ws.addRow(r);
  extra?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Imports through the relay as the administrator; resolves to the refusal (or null when it imported). */
async function importFile(server: TestServer, name: string, bytes: Buffer, format: 'csv' | 'xlsx' | 'rtx'): Promise<AppError | null> {
  const file = await server.admin.upload(name, 'application/octet-stream', bytes);
  try {
    await server.admin.call('admin.dir.import', { file_id: file.id, format });
    return null;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

function refusal(fn: () => unknown): AppError {
  try { fn(); } catch (e) { if (e instanceof AppError) return e; throw e; }
  throw new Error('expected a refusal');
}

const details = (e: AppError | null) => e?.details as { limit?: string; max?: number; row?: number; column?: number; column_letters?: string; issues: { line: number; reason: string }[] } | undefined;

t.test('an xlsx with one cell at XFD400 is refused at once, naming the column and row; nothing changes', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const rows = [HEADER.split(','), ['dept', 'HQ', '', '总部', '0']];
  const hostile = await sheet(rows, (ws) => { ws.getCell('XFD400').value = 'x'; });
  t.ok(hostile.length < 10_000, `the file is small (${hostile.length} bytes)`);
  const before = await server.admin.directorySnapshot();
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const err = await importFile(server, 'wide.xlsx', hostile, 'xlsx');
  const elapsed = performance.now() - started;
  const grown = (process.memoryUsage().rss - rss) / 1e6;
  t.equal(err?.code, 'SB_IMPORT_INVALID');
  t.equal(err?.status, 422);
  t.match(details(err), { limit: 'columns', max: 64, row: 400, column: 16384, column_letters: 'XFD' });
  t.match(err?.message, /row 400, column XFD \(16384\).*64 columns/);
  t.match(details(err)?.issues[0], { line: 400, reason: /column XFD/ }, 'reported as an issue the CLI prints');
  t.ok(elapsed < 2000, `refused in ${elapsed.toFixed(0)} ms`);
  t.ok(grown < 200, `RSS grew ${grown.toFixed(1)} MB`);
  t.equal((await server.admin.directorySnapshot()).version, before.version, 'nothing changed');
  // The same sheet without the stray cell imports (empty styled cells far out cost nothing either).
  const normal = await sheet(rows, (ws) => { ws.getCell('XFD400').style = { font: { bold: true } }; });
  t.equal(await importFile(server, 'normal.xlsx', normal, 'xlsx'), null, 'the real rows import');
  t.ok((await server.admin.directorySnapshot()).depts.some((d) => d.name === '总部'));
});

t.test('RTX XML with thousands of unclosed <Sys_User> tags parses in linear time and is reported', async (t) => {
  const item = (i: number) => `<Item ID="${i}" UserName="user${i}" Name="N${i}" Gender="0"/>`;
  const rtx = (bytes: number) => {
    const head = `<?xml version="1.0" encoding="utf-8"?>\n<${RTX_ROOT}>\n<RTX_Dept><Item DeptID="1" PDeptID="0" DeptName="HQ"/></RTX_Dept>\n`;
    let body = '';
    for (let i = 0; body.length < bytes; i++) body += `<Sys_User>\n${item(i)}\n`;
    return Buffer.from(head + body, 'utf8');
  };
  const time = (bytes: Buffer) => {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      const r = parseDocument('rtx', bytes);
      best = Math.min(best, performance.now() - s);
      t.match(r.issues, [{ line: 4, reason: /<Sys_User> is not closed/ }]);
      t.equal(r.issues.length, 1, 'one report, not one per tag');
    }
    return best;
  };
  const small = rtx(256 * 1024);
  const large = rtx(2 * 1024 * 1024);
  t.ok((large.toString().match(/<Sys_User>/g) ?? []).length > 10_000, 'tens of thousands of unclosed tags');
  time(small); // warm up
  const a = time(small);
  const b = time(large);
  t.ok(b < 2000, `2 MB parsed in ${b.toFixed(0)} ms`);
  // Linear is 8×, quadratic 64×: the line between them leaves a factor of three for a noisy machine (best of five).
  t.ok(b / a < 24, `8× the input costs ${(b / a).toFixed(1)}× the time (${a.toFixed(1)} → ${b.toFixed(1)} ms)`);

  // A megabyte-long attribute name (the old attribute pattern backtracked over it) and a huge character reference.
  const longName = Buffer.from(`<${RTX_ROOT}><RTX_Dept><Item ${'a'.repeat(1_000_000)} DeptID="1" DeptName="&#99999999999;"/></RTX_Dept><Sys_User></Sys_User></${RTX_ROOT}>`);
  const s = performance.now();
  const parsed = parseDocument('rtx', longName);
  t.ok(performance.now() - s < 1000, 'a long attribute run is one pass');
  t.same(parsed.doc.depts.map((d) => [d.key, d.name]), [['1', '&#99999999999;']], 'an invalid character reference stays as written');
});

t.test('a CSV over the row cap is refused with SB_IMPORT_INVALID and nothing is imported', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const lines = [HEADER];
  for (let i = 1; i <= IMPORT_LIMITS.maxRows; i++) lines.push(`dept,D${i},,部门${i},0`);
  const before = await server.admin.directorySnapshot();
  const err = await importFile(server, 'rows.csv', Buffer.from(lines.join('\n')), 'csv');
  t.equal(err?.code, 'SB_IMPORT_INVALID');
  t.match(details(err), { limit: 'rows', max: IMPORT_LIMITS.maxRows, row: IMPORT_LIMITS.maxRows + 1 });
  t.match(err?.message, new RegExp(`too many rows at row ${IMPORT_LIMITS.maxRows + 1}: the import limit is ${IMPORT_LIMITS.maxRows} rows`));
  const dry = await server.admin.call('admin.dir.import', { file_id: (await server.admin.upload('rows.csv', 'text/csv', Buffer.from(lines.join('\n')))).id, dry_run: true })
    .catch((e: unknown) => e);
  t.match(dry, { code: 'SB_IMPORT_INVALID' }, 'a dry run is refused the same way');
  const after = await server.admin.directorySnapshot();
  t.equal(after.version, before.version, 'nothing changed');
  t.equal(after.depts.length, before.depts.length, 'no department imported');
  // At the cap it is accepted (parsing only: the plan for that many departments is not this test's subject).
  t.equal(parseDocument('csv', Buffer.from(lines.slice(0, -1).join('\n'))).doc.depts.length, IMPORT_LIMITS.maxRows - 1);
});

t.test('CSV columns: a value past column 64 is refused where it is; empty trailing cells are ignored', async (t) => {
  const wide = `${HEADER}\ndept,HQ,,总部,0${','.repeat(60)}x\n`;
  t.match(refusal(() => parseDocument('csv', Buffer.from(wide))).details, { limit: 'columns', row: 2, column: 65, column_letters: 'BM' });
  const commas = `${HEADER}\ndept,HQ,,总部,0${','.repeat(1_000_000)}\n`;
  const s = performance.now();
  const rows = parseCsv(commas);
  t.ok(performance.now() - s < 1000, 'a million commas are one pass');
  t.equal(rows[1]!.length, 64, 'kept up to the last allowed column');
  t.same(parseDocument('csv', Buffer.from(commas)).doc.depts.map((d) => d.key), ['HQ']);
});

t.test('the time budget stops a parse that runs too long', async (t) => {
  let clock = 0;
  const budget = new ImportBudget({ ...IMPORT_LIMITS, maxParseMs: 10 }, () => clock++); // one ms per reading of the clock
  const err = refusal(() => parseCsv(`${HEADER}\n${'dept,A,,a,0\n'.repeat(10_000)}`, budget));
  t.match(err, { code: 'SB_IMPORT_INVALID', details: { limit: 'time', max: 10 } });
  t.match(err.message, /parsing took too long at row \d+/);
});

t.test('input bytes and unpacked bytes are capped, whatever the zip headers claim', async (t) => {
  const small = { ...IMPORT_LIMITS, maxBytes: 1000 };
  t.match(refusal(() => parseDocument('csv', Buffer.alloc(1001, 0x41), small)).details, { limit: 'bytes', max: 1000 });
  const bomb = await sheet([HEADER.split(','), ['dept', 'HQ', '', 'x'.repeat(3_000_000), '0']]);
  const limits = { ...IMPORT_LIMITS, maxUnpackedBytes: 1_000_000 };
  t.match(refusal(() => parseDocument('xlsx', bomb, limits)).details, { limit: 'unpacked_bytes', max: 1_000_000 });
  // The same file with every size in its central directory rewritten to 100 bytes: inflating stops at the cap anyway.
  const lying = Buffer.from(bomb);
  for (let p = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); p >= 0; p = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), p + 4)) {
    if (lying.readUInt32LE(p + 24) > 100) lying.writeUInt32LE(100, p + 24);
  }
  t.match(refusal(() => parseDocument('xlsx', lying, limits)).details, { limit: 'unpacked_bytes' });
  t.ok(parseDocument('xlsx', bomb).doc.depts[0]?.name.length === 3_000_000, 'within the default cap it reads');
});

t.test('a file with thousands of bad rows reports the first thousand and counts the rest', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const csv = [HEADER, ...Array.from({ length: 3000 }, (_v, i) => `frob,${i},,,`)].join('\n');
  const err = await importFile(server, 'bad.csv', Buffer.from(csv), 'csv');
  t.equal(err?.code, 'SB_IMPORT_INVALID');
  const issues = details(err)!.issues;
  t.equal(issues.length, IMPORT_LIMITS.maxIssues + 1);
  t.match(issues.at(-1), { reason: /… and 2000 more problem\(s\) after line 1001/ });
  t.match(err?.message, /3000 problem\(s\)/, 'the message counts them all');
});

t.test('a chain of 100,000 departments is checked for cycles in linear time', async (t) => {
  const model = DirectoryModel.from({ version: 0, orgs: [{ id: 1, name: 'Org', sort: 0 }], depts: [], people: [], policies: [], scopes: [] });
  const depts = Array.from({ length: 100_000 }, (_v, i) => ({ line: i + 2, key: `K${i}`, parent: i === 0 ? null : `K${i - 1}`, name: `d${i}`, sort: 0 }));
  const s = performance.now();
  const plan = planImport(model, 1, { depts, people: [], members: [] });
  t.ok(performance.now() - s < 2000, `planned in ${(performance.now() - s).toFixed(0)} ms`);
  t.same(plan.issues, []);
  t.equal(plan.summary.depts_created, 100_000);
  depts[0]!.parent = 'K99999'; // close the chain into one cycle
  t.equal(planImport(model, 1, { depts, people: [], members: [] }).issues.length, 100_000, 'every department on the cycle is named');
});
