import type { Rng } from './random.js';
import { deflateRepeated, zip, type ZipEntry } from './zip.js';

export type ImportFormat = 'csv' | 'xlsx' | 'rtx';
export interface ImportFile { format: ImportFormat; shape: string; bytes: Buffer }

const HEADER = 'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status';
const RTX_ROOT = 'RTX2005OrLater_Exported_Data_9D373D5B-AA39-42e7-A819-BF5F7A8961FC';

/** A small, well-formed org with random text in it: the import may well accept it. */
function smallOrg(r: Rng): string[] {
  const rows = [HEADER, 'dept,FZ,,Fuzz HQ,0'];
  for (let i = 0; i < r.int(1, 20); i++) rows.push(`dept,FZ${i},${r.chance(0.8) ? 'FZ' : `FZ${r.int(0, 30)}`},"${r.text(12).replace(/"/g, '""')}",${r.int(-3, 9)}`);
  for (let i = 0; i < r.int(1, 20); i++) rows.push(`person,,,"${r.text(10).replace(/"/g, '""')}",,fzimp-${r.int(0, 500)},,${r.pick(['male', 'female', '', '?'])},${r.ascii(12)},,,,,,active`);
  return rows;
}

function sheet(rowsXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowsXml}</sheetData></worksheet>`;
}

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const headerRow = `<row r="1">${HEADER.split(',').map((h, i) => cell(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`;

/** An .xlsx package around one worksheet's XML (or around broken parts). */
function xlsx(sheetXml: string | Buffer, opts: { deflated?: ZipEntry['deflated']; claimedSize?: number } = {}): Buffer {
  const text = (s: string) => Buffer.from(s);
  return zip([
    { name: '[Content_Types].xml', data: text('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>') },
    { name: '_rels/.rels', data: text('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>') },
    { name: 'xl/workbook.xml', data: text('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="org" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: text('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
    { name: 'xl/worksheets/sheet1.xml', data: typeof sheetXml === 'string' ? text(sheetXml) : sheetXml, deflated: opts.deflated, claimedSize: opts.claimedSize },
  ]);
}

/** An .xlsx whose worksheet unpacks to `unpackedMb` MB of one cell while its zip headers say `claimed` bytes. */
export async function lyingZipBomb(unpackedMb: number, claimed: number): Promise<Buffer> {
  const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${headerRow}<row r="2"><c r="A2" t="inlineStr"><is><t>`;
  return xlsx('', { deflated: await deflateRepeated(Buffer.from(head), Buffer.alloc(1024 * 1024, 0x61), unpackedMb), claimedSize: claimed });
}

/** One 300 MB bomb (past any sane unpacked-size cap) that says it holds 4 KB, built once per run. */
let bomb: Buffer | null = null;
export async function prepareImportFiles(): Promise<void> {
  bomb ??= await lyingZipBomb(300, 4_096);
}
function zipBomb(): Buffer {
  if (!bomb) throw new Error('prepareImportFiles() first');
  return bomb;
}

const XLSX_SHAPES: [string, (r: Rng) => Buffer, number][] = [
  ['xlsx far-out cell', (r) => xlsx(sheet(`${headerRow}<row r="${r.pick([400, 4_000, 1_048_576])}">${cell(r.pick(['XFD400', 'XFD4000', 'XFD1048576', 'AMJ2']), 'x')}</row>`)), 4],
  ['xlsx far-out row', (r) => xlsx(sheet(`${headerRow}<row r="${r.pick([1_048_576, 999_999_999, -1, 0])}">${cell('A1048576', 'dept')}</row>`)), 2],
  ['xlsx unclosed tags', (r) => { const s = sheet(`${headerRow}<row r="2">${cell('A2', 'dept')}</row>`); return xlsx(s.slice(0, r.int(10, s.length - 5))); }, 3],
  ['xlsx deep nesting', (r) => xlsx(sheet(`${headerRow}<row r="2"><c r="A2">${'<x>'.repeat(r.int(10_000, 100_000))}</c></row>`)), 2],
  ['xlsx bad cell refs', (r) => xlsx(sheet(`${headerRow}<row r="2">${cell(r.pick(['A0', '-1', 'ZZZZZZ9', '', '1A', 'A99999999999']), 'dept')}</row>`)), 2],
  ['xlsx many columns', (r) => xlsx(sheet(`${headerRow}<row r="2">${Array.from({ length: r.int(100, 20_000) }, (_, i) => `<c><v>${i}</v></c>`).join('')}</row>`)), 2],
  ['xlsx shared string out of range', () => xlsx(sheet(`${headerRow}<row r="2"><c r="A2" t="s"><v>99999999</v></c></row>`)), 1],
  ['xlsx zip bomb with lying size', () => zipBomb(), 1],
  ['xlsx missing parts', (r) => zip([{ name: 'xl/workbook.xml', data: r.bytes(r.int(0, 500)) }]), 1],
  ['not a zip', (r) => r.bytes(r.int(0, 20_000)), 1],
];

const CSV_SHAPES: [string, (r: Rng) => Buffer, number][] = [
  ['csv huge row', (r) => Buffer.from(`${HEADER}\n${'dept'}${','.repeat(r.int(10_000, 1_000_000))}\n`), 3],
  ['csv huge cell', (r) => Buffer.from(`${HEADER}\ndept,K,,"${'n'.repeat(r.int(50_000, 300_000))}",0\n`), 2],
  ['csv unclosed quote', (r) => Buffer.from(`${HEADER}\n"dept,K,,${'x\n'.repeat(r.int(10, 100_000))}`), 2],
  ['csv too many rows', (r) => Buffer.from(`${HEADER}\n${'\n'.repeat(r.int(300_001, 320_000))}`), 1],
  ['csv invalid utf-8', (r) => Buffer.concat([Buffer.from(`${HEADER}\n`), r.bytes(r.int(1, 50_000))]), 2],
  ['csv empty or BOM', (r) => Buffer.from(r.pick(['', '\ufeff', '\n\n\n', '\r', ','])), 1],
  ['csv department cycle', (r) => { const n = r.int(2, 3_000); return Buffer.from([HEADER, ...Array.from({ length: n }, (_, i) => `dept,C${i},C${(i + 1) % n},c${i},0`)].join('\n')); }, 1],
  ['csv long department chain', (r) => Buffer.from([HEADER, 'dept,L0,,l0,0', ...Array.from({ length: r.int(100, 3_000) }, (_, i) => `dept,L${i + 1},L${i},l${i + 1},0`)].join('\n')), 1],
  ['csv small org', (r) => Buffer.from(smallOrg(r).join(r.pick(['\n', '\r\n']))), 4],
];

const RTX_SHAPES: [string, (r: Rng) => Buffer, number][] = [
  ['rtx unclosed tables', (r) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?><${RTX_ROOT}>${'<Sys_User><Item UserName="a"'.repeat(r.int(1_000, 20_000))}`), 3],
  ['rtx deep nesting', (r) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?><${RTX_ROOT}><RTX_Dept>${'<Item>'.repeat(r.int(10_000, 100_000))}</RTX_Dept></${RTX_ROOT}>`), 2],
  ['rtx bad entities', (r) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?><${RTX_ROOT}><RTX_Dept><Item DeptID="1" PDeptID="0" DeptName="${r.pick(['&#99999999;', '&#xFFFFFFFF;', '&#0;', '&#xD800;', '&bogus;'])}"/></RTX_Dept><Sys_User></Sys_User></${RTX_ROOT}>`), 2],
  ['rtx many items', (r) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?><${RTX_ROOT}><RTX_Dept>${'<Item DeptID="9" PDeptID="0" DeptName="d"/>'.repeat(r.int(2_000, 10_000))}</RTX_Dept><Sys_User></Sys_User></${RTX_ROOT}>`), 2],
  ['rtx wrong encoding', (r) => Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="${r.pick(['utf-8', 'ebcdic', 'gbk'])}"?><${RTX_ROOT}>`), r.bytes(r.int(0, 5_000))]), 1],
  ['rtx huge attribute', (r) => Buffer.from(`<?xml version="1.0" encoding="utf-8"?><${RTX_ROOT}><RTX_Dept><Item DeptName="${'a'.repeat(r.int(100_000, 1_000_000))}`), 1],
];

/**
 * A hostile import file, and now and then one in the wrong format for what it claims to be. Sizes stay near
 * a megabyte: the shape is what is hostile. (Parsing is synchronous in central and linear in the size, about
 * 0.15 s per MB of CSV on a busy machine, so a big legitimate file also holds central up; see docs/security.md.)
 */
export function importFile(r: Rng): ImportFile {
  const format = r.weighted<ImportFormat>([['xlsx', 4], ['csv', 4], ['rtx', 2]]);
  const shapes = format === 'xlsx' ? XLSX_SHAPES : format === 'csv' ? CSV_SHAPES : RTX_SHAPES;
  const [shape, make] = r.weighted(shapes.map(([name, fn, w]) => [[name, fn], w] as const));
  const claimed = r.chance(0.1) ? r.pick(['csv', 'xlsx', 'rtx'] as const) : format;
  return { format: claimed, shape: claimed === format ? shape : `${shape} (sent as ${claimed})`, bytes: make(r) };
}
