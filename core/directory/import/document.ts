/**
 * The neutral form every import format is parsed into, and the one table
 * layout CSV and Excel share (also what export writes, so export → import
 * gives the same org).
 */
export interface DocDept { line: number; key: string; parent: string | null; name: string; sort: number }
export interface DocPerson {
  line: number; account: string; name: string; english_name: string; gender: string; mobile: string; phone: string; email: string;
  title: string; employee_no: string; avatar: string; status: string;
}
export interface DocMember { line: number; account: string; dept: string; title: string; sort: number }
export interface OrgDocument { depts: DocDept[]; people: DocPerson[]; members: DocMember[] }
export interface ImportIssue { line: number; reason: string }

export const TABLE_COLUMNS = ['type', 'key', 'parent', 'name', 'sort', 'account', 'english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar', 'status'] as const;
const REQUIRED = ['type', 'key', 'parent', 'name', 'account'];

/** Rows of cells (first row the header) → document; every unusable row is an issue naming its line. */
export function documentFromTable(rows: string[][], firstLine = 1): { doc: OrgDocument; issues: ImportIssue[] } {
  const doc: OrgDocument = { depts: [], people: [], members: [] };
  const issues: ImportIssue[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (rows.length === 0 || missing.length) {
    issues.push({ line: firstLine, reason: `missing columns: ${(rows.length ? missing : REQUIRED).join(', ')} (expected header: ${TABLE_COLUMNS.join(',')})` });
    return { doc, issues };
  }
  const col = (row: string[], name: string) => { const i = header.indexOf(name); return i >= 0 ? (row[i] ?? '').trim() : ''; };
  const sortOf = (row: string[], line: number): number => {
    const s = col(row, 'sort');
    if (s === '') return 0;
    if (!/^-?\d+$/.test(s)) { issues.push({ line, reason: `sort: "${s}" is not an integer` }); return 0; }
    return Number(s);
  };
  rows.slice(1).forEach((row, i) => {
    const line = firstLine + i + 1;
    if (row.every((c) => c.trim() === '')) return;
    const type = col(row, 'type').toLowerCase();
    if (type === 'dept') {
      doc.depts.push({ line, key: col(row, 'key'), parent: col(row, 'parent') || null, name: col(row, 'name'), sort: sortOf(row, line) });
    } else if (type === 'person') {
      doc.people.push({
        line, account: col(row, 'account'), name: col(row, 'name'), english_name: col(row, 'english_name'), gender: col(row, 'gender'),
        mobile: col(row, 'mobile'), phone: col(row, 'phone'), email: col(row, 'email'), title: col(row, 'title'),
        employee_no: col(row, 'employee_no'), avatar: col(row, 'avatar'), status: col(row, 'status') || 'active',
      });
    } else if (type === 'member') {
      doc.members.push({ line, account: col(row, 'account'), dept: col(row, 'key'), title: col(row, 'title'), sort: sortOf(row, line) });
    } else {
      issues.push({ line, reason: `type: "${type}" must be dept, person or member` });
    }
  });
  return { doc, issues };
}

/** Document → the shared table layout (header first). */
export function tableFromDocument(doc: OrgDocument): string[][] {
  const blank = () => Object.fromEntries(TABLE_COLUMNS.map((c) => [c, ''])) as Record<(typeof TABLE_COLUMNS)[number], string>;
  const rows: string[][] = [[...TABLE_COLUMNS]];
  const push = (r: Record<string, string>) => rows.push(TABLE_COLUMNS.map((c) => r[c] ?? ''));
  for (const d of doc.depts) push({ ...blank(), type: 'dept', key: d.key, parent: d.parent ?? '', name: d.name, sort: String(d.sort) });
  for (const p of doc.people) {
    push({ ...blank(), type: 'person', account: p.account, name: p.name, english_name: p.english_name, gender: p.gender, mobile: p.mobile,
      phone: p.phone, email: p.email, title: p.title, employee_no: p.employee_no, avatar: p.avatar, status: p.status });
  }
  for (const m of doc.members) push({ ...blank(), type: 'member', account: m.account, key: m.dept, title: m.title, sort: String(m.sort) });
  return rows;
}
