import ExcelJS from 'exceljs';
import type { ImportIssue } from './document.js';

/** The first worksheet as rows of strings. */
export async function readXlsx(bytes: Uint8Array): Promise<{ rows: string[][] } | { issue: ImportIssue }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    return { issue: { line: 1, reason: 'the file is not an Excel .xlsx workbook' } };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { issue: { line: 1, reason: 'the workbook has no worksheet' } };
  const rows: string[][] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const v = row.getCell(c).value;
      cells.push(v === null || v === undefined ? '' : typeof v === 'object' && 'text' in v ? String((v as { text: unknown }).text) : String(v));
    }
    rows[n - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return { rows };
}

export async function writeXlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('org');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
