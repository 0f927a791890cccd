import ExcelJS from 'exceljs';
import type { ImportIssue } from './document.js';
import { ImportBudget } from './limits.js';
import { parseAttrs, scanXml } from './xml.js';
import { ZipParts } from './zip.js';

const NOT_XLSX: { issue: ImportIssue } = { issue: { line: 1, reason: 'the file is not an Excel .xlsx workbook' } };

/**
 * The first worksheet as rows of strings (row n of the sheet is rows[n-1],
 * padded to the widest row). Only cells holding a value are visited: a lone
 * cell at XFD400 costs one cell, and is refused as past the last column.
 */
export function readXlsx(bytes: Uint8Array, budget = new ImportBudget()): { rows: string[][] } | { issue: ImportIssue } {
  const zip = ZipParts.open(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budget);
  if (!zip) return NOT_XLSX;
  const workbookPath = relTarget(zip, budget, '_rels/.rels', '', 'officeDocument') ?? 'xl/workbook.xml';
  const workbook = zip.text(workbookPath);
  if (workbook === null) return NOT_XLSX;
  const dir = workbookPath.includes('/') ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1) : '';
  const relsPath = `${dir}_rels/${workbookPath.slice(dir.length)}.rels`;
  const sheetRel = firstSheetRel(workbook, budget);
  const sheetPath = sheetRel === null ? null : relTarget(zip, budget, relsPath, dir, null, sheetRel) ?? `${dir}worksheets/sheet1.xml`;
  const sheet = sheetPath === null ? null : zip.text(sheetPath);
  if (sheet === null) return { issue: { line: 1, reason: 'the workbook has no worksheet' } };
  const sharedPath = relTarget(zip, budget, relsPath, dir, 'sharedStrings') ?? `${dir}sharedStrings.xml`;
  const sharedXml = zip.has(sharedPath) ? zip.text(sharedPath) : '';
  if (sharedXml === null) return NOT_XLSX;
  return { rows: sheetRows(sheet, sharedStrings(sharedXml, budget), budget) };
}

export async function writeXlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('org');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The r:id of the first <sheet> of workbook.xml (tab order). */
function firstSheetRel(workbook: string, budget: ImportBudget): string | null {
  let id: string | null = null;
  scanXml(workbook, {
    open(name, raw) {
      if (name !== 'sheet' || id !== null) return;
      const attrs = parseAttrs(raw);
      id = Object.entries(attrs).find(([k]) => k.endsWith(':id'))?.[1] ?? '';
    },
  }, budget);
  return id;
}

/** A relationship's target, found by type (its last path segment) or by id, resolved against `dir`. */
function relTarget(zip: ZipParts, budget: ImportBudget, relsPath: string, dir: string, type: string | null, id?: string): string | null {
  const rels = zip.has(relsPath) ? zip.text(relsPath) : null;
  if (rels === null) return null;
  let target: string | null = null;
  scanXml(rels, {
    open(name, raw) {
      if (name !== 'Relationship' || target !== null) return;
      const a = parseAttrs(raw);
      if (type !== null ? a.Type?.endsWith(`/${type}`) : a.Id === id) target = a.Target ?? null;
    },
  }, budget);
  return target === null ? null : resolvePath(dir, target);
}

function resolvePath(dir: string, target: string): string {
  const parts: string[] = [];
  for (const seg of (target.startsWith('/') ? target.slice(1) : dir + target).split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/** The shared string table: each <si> is the text of its <t> runs (phonetic <rPh> runs left out). */
function sharedStrings(xml: string, budget: ImportBudget): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let capture = false;
  let phonetic = 0;
  scanXml(xml, {
    open(name, _raw, _at, selfClosing) {
      if (name === 'si') { if (selfClosing) out.push(''); else cur = ''; }
      else if (name === 'rPh' && !selfClosing) phonetic++;
      else if (name === 't' && cur !== null && phonetic === 0 && !selfClosing) capture = true;
    },
    text(t) { if (capture) cur += t; },
    close(name) {
      if (name === 't') capture = false;
      else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (name === 'si' && cur !== null) { out.push(cur); cur = null; }
    },
  }, budget);
  return out;
}

/** 1-based column of a cell reference ("XFD400" → 16384); null without letters. */
function columnOf(ref: string): number | null {
  let n = 0;
  let i = 0;
  for (; i < ref.length && i < 8; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper case
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return i === 0 ? null : n;
}

function cellText(type: string, v: string, inline: string, shared: string[]): string {
  switch (type) {
    case 's': return shared[Number(v)] ?? '';
    case 'inlineStr': return inline;
    case 'b': return v === '1' ? 'true' : v === '0' ? 'false' : v;
    case 'str': case 'e': return v;
    default: { const x = Number(v); return v.trim() !== '' && Number.isFinite(x) ? String(x) : v; } // numbers as a number prints
  }
}

function sheetRows(xml: string, shared: string[], budget: ImportBudget): string[][] {
  const { maxRows, maxColumns } = budget.limits;
  const rows: string[][] = [];
  let width = 0;
  let rowNo = 0;
  let col = 0;
  let cell: { col: number; type: string } | null = null;
  let capture: 'v' | 't' | null = null;
  let value = '';
  let inline = '';
  let phonetic = 0;
  const put = (row: number, column: number, text: string) => {
    if (row < 1) return; // a cell outside any <row>
    if (text.trim() === '') {
      if (row > maxRows || column > maxColumns) return; // blank: nothing to refuse, nothing to keep
    } else {
      budget.row(row);
      budget.column(row, column);
    }
    (rows[row - 1] ??= [])[column - 1] = text;
    width = Math.max(width, column);
  };
  scanXml(xml, {
    open(name, raw, _at, selfClosing) {
      if (name === 'row') {
        const r = parseAttrs(raw).r;
        rowNo = r !== undefined && /^\d{1,9}$/.test(r) ? Number(r) : rowNo + 1;
        col = 0;
      } else if (name === 'c') {
        const a = parseAttrs(raw);
        col = (a.r === undefined ? null : columnOf(a.r)) ?? col + 1;
        cell = selfClosing ? null : { col, type: a.t ?? 'n' };
        value = ''; inline = ''; capture = null; phonetic = 0;
      } else if (cell && !selfClosing) {
        if (name === 'v') capture = 'v';
        else if (name === 'rPh') phonetic++;
        else if (name === 't' && phonetic === 0) capture = 't';
      }
    },
    text(t) { if (capture === 'v') value += t; else if (capture === 't') inline += t; },
    close(name) {
      if (name === 'v' || name === 't') capture = null;
      else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      else if (name === 'c' && cell) { put(rowNo, cell.col, cellText(cell.type, value, inline, shared)); cell = null; }
    },
  }, budget);
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] ??= []);
    for (let c = 0; c < width; c++) row[c] ??= '';
  }
  return rows;
}
