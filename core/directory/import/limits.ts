import { AppError } from '../../../shared/errors.js';

/**
 * How big an import may be. A file past any of these is refused whole with
 * SB_IMPORT_INVALID (details name the limit and where it was crossed) before
 * anything changes. The caps sit above the largest directories we serve
 * (100,000 people in 10,000 departments with their memberships is about
 * 220,000 rows, the benchmark's org) and well below what would stall central:
 * 300,000 rows of a 15-column sheet take about 7 s of processor time.
 */
export interface ImportLimits {
  /** The uploaded file. */
  maxBytes: number;
  /** An .xlsx unpacked (its zip entries inflated): a zip bomb is refused before any XML is read. */
  maxUnpackedBytes: number;
  /** Rows of a CSV or sheet (counting the header; a sheet's empty rows do not count), items per RTX table. */
  maxRows: number;
  /** Columns holding a value; empty cells beyond them are ignored. */
  maxColumns: number;
  /** Processor time parsing may take; past it the file is refused. Processor time, not wall time, so a busy machine does not refuse a file a quiet one accepts. */
  maxParseMs: number;
  /** Issues listed in one report (the rest are counted): a reply must fit one bus message. */
  maxIssues: number;
}

export const IMPORT_LIMITS: ImportLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxUnpackedBytes: 256 * 1024 * 1024,
  maxRows: 300_000,
  maxColumns: 64,
  maxParseMs: 20_000,
  maxIssues: 1000,
};

export type LimitName = 'bytes' | 'unpacked_bytes' | 'rows' | 'columns' | 'time';

/** Where a limit was crossed: a row (line) and, for columns, the column number and its letters. */
export interface LimitPlace { row?: number; column?: number }

/** Spreadsheet letters of a 1-based column number (1 → A, 16384 → XFD). */
export function columnLetters(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/** The refusal: one issue (so reports and the CLI show it like any other) plus the limit, its value and the place. */
export function limitExceeded(limit: LimitName, max: number, what: string, place: LimitPlace = {}): AppError {
  const at = [
    place.row !== undefined ? `row ${place.row}` : '',
    place.column !== undefined ? `column ${columnLetters(place.column)} (${place.column})` : '',
  ].filter(Boolean).join(', ');
  const reason = `${what}${at ? ` at ${at}` : ''}: the import limit is ${max} ${limitUnit(limit)}`;
  return new AppError('SB_IMPORT_INVALID', `The file is over an import limit (${reason}); nothing was changed`, {
    limit, max, ...(place.row !== undefined ? { row: place.row } : {}),
    ...(place.column !== undefined ? { column: place.column, column_letters: columnLetters(place.column) } : {}),
    issues: [{ line: place.row ?? 1, reason }],
  });
}

function limitUnit(limit: LimitName): string {
  return { bytes: 'bytes', unpacked_bytes: 'bytes unpacked', rows: 'rows', columns: 'columns', time: 'ms of processor time parsing' }[limit];
}

/** The first `maxIssues` issues, and one more line saying how many were left out. */
export function reportedIssues<T extends { line: number; reason: string }>(issues: T[], limits: ImportLimits = IMPORT_LIMITS): { line: number; reason: string }[] {
  if (issues.length <= limits.maxIssues) return issues;
  const last = issues[limits.maxIssues - 1]!.line;
  return [...issues.slice(0, limits.maxIssues), { line: last, reason: `… and ${issues.length - limits.maxIssues} more problem(s) after line ${last}` }];
}

export function checkImportSize(size: number, limits: ImportLimits = IMPORT_LIMITS): void {
  if (size > limits.maxBytes) throw limitExceeded('bytes', limits.maxBytes, `the file has ${size} bytes`);
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Counts rows and the clock while one file is parsed; each check throws the refusal. */
export class ImportBudget {
  private readonly deadline: number;
  private ticks = 0;

  constructor(readonly limits: ImportLimits = IMPORT_LIMITS, private readonly now: () => number = cpuMs) {
    this.deadline = now() + limits.maxParseMs;
  }

  /** A row (or item) numbered `row` holds values. */
  row(row: number): void {
    if (row > this.limits.maxRows) throw limitExceeded('rows', this.limits.maxRows, 'too many rows', { row });
    this.time(row);
  }

  /** Column `column` of row `row` holds a value. */
  column(row: number, column: number): void {
    if (column > this.limits.maxColumns) throw limitExceeded('columns', this.limits.maxColumns, 'a value beyond the last allowed column', { row, column });
  }

  /** Cheap enough to call per character: reads the clock once every 4096 calls. */
  time(row?: number): void {
    if ((++this.ticks & 4095) !== 0) return;
    this.checkClock(row);
  }

  /** Reads the clock now (between coarse steps). */
  checkClock(row?: number): void {
    if (this.now() > this.deadline) throw limitExceeded('time', this.limits.maxParseMs, 'parsing took too long', row === undefined ? {} : { row });
  }
}
