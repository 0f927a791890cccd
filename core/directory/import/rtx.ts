import iconv from 'iconv-lite';
import type { DocDept, DocMember, DocPerson, ImportIssue, OrgDocument } from './document.js';

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

const unescape = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-f]+));/gi, (_m, name: string, dec?: string, hex?: string) =>
  dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()]!);

/** The RTX manager's organisation export (Sys_User, RTX_Dept, RTX_DeptUser, RTX_UserDetail). */
export function parseRtx(text: string): { doc: OrgDocument; issues: ImportIssue[] } {
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
  const tables = new Map<string, { line: number; attrs: Record<string, string> }[]>();
  const tableRe = /<(Sys_User|RTX_Dept|RTX_DeptUser|RTX_UserDetail)\b[^>]*>([\s\S]*?)<\/\1>/g;
  for (let t = tableRe.exec(text); t; t = tableRe.exec(text)) {
    const items: { line: number; attrs: Record<string, string> }[] = [];
    const base = t.index + t[0].indexOf('>') + 1;
    const itemRe = /<Item\b([^>]*?)\/?>/g;
    for (let m = itemRe.exec(t[2]!); m; m = itemRe.exec(t[2]!)) {
      const attrs: Record<string, string> = {};
      for (const a of m[1]!.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
      items.push({ line: lineAt(base + m.index), attrs });
    }
    tables.set(t[1]!, [...(tables.get(t[1]!) ?? []), ...items]);
  }
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
