import iconv from 'iconv-lite';
import type { DocDept, DocMember, DocPerson, ImportIssue, OrgDocument } from './document.js';
import { ImportBudget, limitExceeded } from './limits.js';
import { parseAttrs, scanXml } from './xml.js';

export const RTX_ROOT = 'RTX2005OrLater_Exported_Data_9D373D5B-AA39-42e7-A819-BF5F7A8961FC';

/** Decodes by the XML declaration: gb2312/gbk/gb18030 through iconv, utf-8 strictly. */
export function decodeRtx(bytes: Uint8Array): { text: string } | { issue: ImportIssue } {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = (/encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1] ?? 'gb2312').toLowerCase();
  if (['gb2312', 'gbk', 'gb18030', 'cp936'].includes(declared)) {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030') };
  }
  if (declared === 'utf-8' || declared === 'utf8') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { issue: { line: 1, reason: 'the file declares UTF-8 but is not valid UTF-8 (is it GBK? then declare encoding="gb2312")' } };
    }
  }
  return { issue: { line: 1, reason: `unsupported encoding "${declared}" (use gb2312, gbk or utf-8)` } };
}

const TABLES = new Set(['Sys_User', 'RTX_Dept', 'RTX_DeptUser', 'RTX_UserDetail']);
type Item = { line: number; attrs: Record<string, string> };

/**
 * The RTX manager's organisation export (Sys_User, RTX_Dept, RTX_DeptUser, RTX_UserDetail).
 * One forward scan: linear in the text whatever it holds (unclosed tables are reported, not searched for).
 */
export function parseRtx(text: string, budget = new ImportBudget()): { doc: OrgDocument; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const doc: OrgDocument = { depts: [], people: [], members: [] };
  if (!text.includes(`<${RTX_ROOT}`)) {
    issues.push({ line: 1, reason: `not an RTX organisation export: the root element must be <${RTX_ROOT}>` });
    return { doc, issues };
  }
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  const lineAt = (offset: number) => {
    let lo = 0, hi = breaks.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (breaks[mid]! < offset) lo = mid + 1; else hi = mid; }
    return lo + 1;
  };
  const tables = new Map<string, Item[]>();
  // Held in an object: the scanner's callbacks change it, which narrowing of a plain variable would not see.
  const at: { open: { name: string; line: number; items: Item[] } | null } = { open: null };
  let unclosedReported = false;
  const unclosed = (t: { name: string; line: number }, why: string) => {
    if (!unclosedReported) issues.push({ line: t.line, reason: `<${t.name}> is not closed${why}` });
    unclosedReported = true; // one report: a file of unclosed tags is one problem, not thousands
  };
  scanXml(text, {
    open(name, raw, offset, selfClosing) {
      const open = at.open;
      if (TABLES.has(name)) {
        if (open) unclosed(open, ` (a <${name}> starts on line ${lineAt(offset)})`);
        if (!tables.has(name)) tables.set(name, []);
        at.open = selfClosing ? null : { name, line: lineAt(offset), items: tables.get(name)! };
      } else if (name === 'Item' && open) {
        const line = lineAt(offset);
        if (open.items.length >= budget.limits.maxRows) throw limitExceeded('rows', budget.limits.maxRows, `too many items in <${open.name}>`, { row: line });
        open.items.push({ line, attrs: parseAttrs(raw) });
      }
    },
    close(name) { if (at.open?.name === name) at.open = null; },
  }, budget);
  if (at.open) unclosed(at.open, '');
  if (issues.length) return { doc, issues };
  if (!tables.has('Sys_User') || !tables.has('RTX_Dept')) {
    issues.push({ line: 1, reason: 'missing tables: an RTX export has Sys_User and RTX_Dept (and RTX_DeptUser)' });
    return { doc, issues };
  }
  for (const { line, attrs } of tables.get('RTX_Dept')!) {
    const pid = attrs.PDeptID ?? '0';
    doc.depts.push({ line, key: attrs.DeptID ?? '', parent: pid === '0' || pid === '' ? null : pid, name: attrs.DeptName ?? '', sort: Number(attrs.SortID ?? 0) || 0 } satisfies DocDept);
  }
  const positions = new Map((tables.get('RTX_UserDetail') ?? []).map(({ attrs }) => [attrs.ID ?? '', attrs.Position ?? '']));
  const accountById = new Map<string, string>();
  for (const { line, attrs } of tables.get('Sys_User')!) {
    accountById.set(attrs.ID ?? '', attrs.UserName ?? '');
    const g = attrs.Gender ?? '';
    doc.people.push({
      line, account: attrs.UserName ?? '', name: attrs.Name ?? '', english_name: '', gender: g === '0' ? 'male' : g === '1' ? 'female' : '',
      mobile: attrs.Mobile ?? '', phone: attrs.Phone ?? '', email: attrs.Email ?? '', title: positions.get(attrs.ID ?? '') ?? '',
      employee_no: '', avatar: '', status: 'active',
    } satisfies DocPerson);
  }
  for (const { line, attrs } of tables.get('RTX_DeptUser') ?? []) {
    const account = accountById.get(attrs.UserID ?? '');
    if (account === undefined) { issues.push({ line, reason: `RTX_DeptUser: UserID ${attrs.UserID ?? '(none)'} is not in Sys_User` }); continue; }
    doc.members.push({ line, account, dept: attrs.DeptID ?? '', title: positions.get(attrs.UserID ?? '') ?? '', sort: 0 } satisfies DocMember);
  }
  return { doc, issues };
}
