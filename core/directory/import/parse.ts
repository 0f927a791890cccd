import { decodeUtf8, parseCsv } from './csv.js';
import { documentFromTable, type ImportIssue, type OrgDocument } from './document.js';
import { checkImportSize, IMPORT_LIMITS, ImportBudget, type ImportLimits } from './limits.js';
import { decodeRtx, parseRtx } from './rtx.js';
import { readXlsx } from './xlsx.js';

export type ImportFormat = 'csv' | 'xlsx' | 'rtx';

/**
 * Bytes of an uploaded file → the neutral document, within the import limits.
 * Problems with rows come back as issues; a file past a limit throws
 * SB_IMPORT_INVALID naming the limit (it is refused whole, not reported row by row).
 */
export function parseDocument(format: ImportFormat, bytes: Uint8Array, limits: ImportLimits = IMPORT_LIMITS): { doc: OrgDocument; issues: ImportIssue[] } {
  checkImportSize(bytes.length, limits);
  const budget = new ImportBudget(limits);
  const none: OrgDocument = { depts: [], people: [], members: [] };
  if (format === 'rtx') {
    const text = decodeRtx(bytes);
    return 'issue' in text ? { doc: none, issues: [text.issue] } : parseRtx(text.text, budget);
  }
  if (format === 'xlsx') {
    const r = readXlsx(bytes, budget);
    return 'issue' in r ? { doc: none, issues: [r.issue] } : documentFromTable(r.rows);
  }
  const text = decodeUtf8(bytes);
  return 'issue' in text ? { doc: none, issues: [text.issue] } : documentFromTable(parseCsv(text.text, budget));
}
