import type { ImportIssue } from './document.js';
import { ImportBudget } from './limits.js';

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF) in UTF-8, optionally with a BOM. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { issue: ImportIssue } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { issue: { line: 1, reason: 'the file is not valid UTF-8 (save it as UTF-8 CSV; GBK is accepted only for RTX XML)' } };
  }
}

/**
 * One pass over the text. Rows past `maxRows` and values past `maxColumns` are
 * refused where they occur; empty cells past the last column are dropped, so
 * a row of a million commas costs nothing.
 */
export function parseCsv(text: string, budget = new ImportBudget()): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let column = 0;
  let cell = '';
  let quoted = false;
  const endCell = () => {
    column++;
    if (column <= budget.limits.maxColumns) row.push(cell);
    else if (cell.trim() !== '') budget.column(rows.length + 1, column);
    cell = '';
  };
  const endRow = () => {
    endCell();
    budget.row(rows.length + 1);
    rows.push(row); row = []; column = 0;
  };
  for (let i = 0; i < text.length; i++) {
    budget.time(rows.length + 1);
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else cell += ch;
  }
  if (cell !== '' || column > 0) endRow();
  return rows;
}

export function toCsv(rows: string[][]): string {
  const esc = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${rows.map((r) => r.map(esc).join(',')).join('\r\n')}\r\n`;
}
