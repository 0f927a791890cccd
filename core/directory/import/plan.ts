import { PERSON_STATUSES, type DirDept, type DirPerson } from '../../../shared/protocol/directory.js';
import type { DirStoredChange } from '../../ports.js';
import { ACCOUNT } from '../../validate.js';
import type { DirectoryModel } from '../model.js';
import type { ImportIssue, OrgDocument } from './document.js';

export interface ImportSummary {
  depts_created: number; depts_updated: number; depts_deleted: number;
  people_created: number; people_updated: number; unchanged: number;
}

/** Matches a department key: its ext_id, or "D<id>" for a department made by hand (what export writes). */
export function deptKey(d: DirDept): string { return d.ext_id ?? `D${d.id}`; }

const GENDERS: Record<string, DirPerson['gender']> = { '': '', male: 'male', female: 'female', m: 'male', f: 'female', 男: 'male', 女: 'female' };
const LIMITS: [keyof DirPerson, number][] = [['name', 100], ['english_name', 100], ['mobile', 32], ['phone', 32], ['email', 200], ['title', 100], ['employee_no', 64], ['avatar', 500]];

/**
 * Validates a whole document against the current directory and computes the
 * changes that make org `orgId` equal to it: its departments (matched by key),
 * the people in the file (matched by account) and every membership in this org.
 * Nothing is applied here; any issue means the import changes nothing.
 */
export function planImport(model: DirectoryModel, orgId: number, doc: OrgDocument): { issues: ImportIssue[]; changes: DirStoredChange[]; summary: ImportSummary } {
  const issues: ImportIssue[] = [];
  const summary: ImportSummary = { depts_created: 0, depts_updated: 0, depts_deleted: 0, people_created: 0, people_updated: 0, unchanged: 0 };
  const changes: DirStoredChange[] = [];

  // ---- departments -------------------------------------------------------------
  const existing = new Map<string, DirDept>();
  for (const d of model.depts.values()) if (d.org_id === orgId) existing.set(deptKey(d), d);
  const byKey = new Map<string, (typeof doc.depts)[number]>();
  for (const d of doc.depts) {
    if (!d.key) { issues.push({ line: d.line, reason: 'dept: key is empty' }); continue; }
    if (d.key.length > 200) { issues.push({ line: d.line, reason: 'dept: key is longer than 200 characters' }); continue; }
    if (byKey.has(d.key)) { issues.push({ line: d.line, reason: `dept: duplicate key "${d.key}" (first on line ${byKey.get(d.key)!.line})` }); continue; }
    if (!d.name.trim() || d.name.length > 100) { issues.push({ line: d.line, reason: `dept "${d.key}": name must have 1 to 100 characters` }); continue; }
    byKey.set(d.key, d);
  }
  for (const d of byKey.values()) {
    if (d.parent !== null && !byKey.has(d.parent)) issues.push({ line: d.line, reason: `dept "${d.key}": parent "${d.parent}" is not in the file` });
  }
  // Cycles: follow parent links once per department (each is marked when walked), so a chain of
  // 200,000 costs its length, not its square. A walk that meets its own path has closed a cycle.
  const inCycle = new Set<string>();
  const walked = new Map<string, 'on-path' | 'done'>();
  for (const start of byKey.keys()) {
    const path: string[] = [];
    let cur: string | null = start;
    while (cur !== null && byKey.has(cur) && !walked.has(cur)) { walked.set(cur, 'on-path'); path.push(cur); cur = byKey.get(cur)!.parent; }
    if (cur !== null && walked.get(cur) === 'on-path') for (let i = path.indexOf(cur); i < path.length; i++) inCycle.add(path[i]!);
    for (const key of path) walked.set(key, 'done');
  }
  for (const key of inCycle) issues.push({ line: byKey.get(key)!.line, reason: `dept "${key}": is its own ancestor (a cycle through parent keys)` });

  let nextDept = model.nextId('dept');
  const idOf = new Map<string, number>();
  for (const key of byKey.keys()) idOf.set(key, existing.get(key)?.id ?? nextDept++);
  for (const [key, d] of byKey) {
    const old = existing.get(key);
    const next: DirDept = {
      id: idOf.get(key)!, org_id: orgId, parent_id: d.parent === null ? null : idOf.get(d.parent) ?? null, name: d.name.trim(), sort: d.sort,
      ext_id: old && old.ext_id === null && key === `D${old.id}` ? null : key,
    };
    if (!old) { summary.depts_created++; changes.push({ op: 'dept', dept: next }); }
    else if (old.parent_id !== next.parent_id || old.name !== next.name || old.sort !== next.sort || old.ext_id !== next.ext_id) {
      summary.depts_updated++; changes.push({ op: 'dept', dept: next });
    }
  }
  const removedDepts = new Set<number>();
  for (const [key, d] of existing) if (!byKey.has(key)) { removedDepts.add(d.id); summary.depts_deleted++; changes.push({ op: 'dept.delete', id: d.id }); }

  // ---- people --------------------------------------------------------------------
  const people = new Map<string, (typeof doc.people)[number]>();
  for (const p of doc.people) {
    const bad = (why: string) => issues.push({ line: p.line, reason: `person "${p.account}": ${why}` });
    if (!ACCOUNT.test(p.account)) { bad('account must be 2-64 letters, digits or . _ - @'); continue; }
    if (people.has(p.account)) { bad(`duplicate account (first on line ${people.get(p.account)!.line})`); continue; }
    people.set(p.account, p);
    if (!p.name.trim()) bad('name is empty');
    if (!(p.gender.toLowerCase() in GENDERS)) bad(`gender "${p.gender}" must be male, female or empty`);
    if (!PERSON_STATUSES.includes(p.status as never)) bad(`status "${p.status}" must be active, disabled or left`);
    if (p.email && !/^[^@\s]+@[^@\s]+$/.test(p.email)) bad(`email "${p.email}" is not an address`);
    for (const [f, max] of LIMITS) if (String(p[f as keyof typeof p] ?? '').length > max) bad(`${f} is longer than ${max} characters`);
  }
  const memberships = new Map<string, { dept_id: number; title: string; sort: number }[]>();
  const seenMember = new Set<string>();
  for (const m of doc.members) {
    const bad = (why: string) => issues.push({ line: m.line, reason: `member "${m.account}" in "${m.dept}": ${why}` });
    if (!people.has(m.account) && !model.byAccount.has(m.account)) { bad('no such person in the file or the directory'); continue; }
    if (!byKey.has(m.dept)) { bad('no such department key in the file'); continue; }
    if (seenMember.has(`${m.account}\u0000${m.dept}`)) { bad('duplicate membership'); continue; }
    if (m.title.length > 100) { bad('title is longer than 100 characters'); continue; }
    seenMember.add(`${m.account}\u0000${m.dept}`);
    let list = memberships.get(m.account);
    if (!list) memberships.set(m.account, (list = []));
    list.push({ dept_id: idOf.get(m.dept)!, title: m.title, sort: m.sort });
  }
  if (issues.length) return { issues: issues.sort((a, b) => a.line - b.line), changes: [], summary };

  const inOrg = (deptId: number) => { const d = model.depts.get(deptId); return d !== undefined && d.org_id === orgId; };
  const sameDepts = (a: DirPerson['depts'], b: DirPerson['depts']) =>
    a.length === b.length && a.every((m, i) => m.dept_id === b[i]!.dept_id && m.title === b[i]!.title && m.sort === b[i]!.sort);
  let nextPerson = model.nextId('person');
  const touched = new Set<number>();
  for (const [account, p] of people) {
    const oldId = model.byAccount.get(account);
    const old = oldId === undefined ? undefined : model.people.get(oldId);
    const keep = (old?.depts ?? []).filter((m) => !inOrg(m.dept_id) && !removedDepts.has(m.dept_id));
    const depts = [...keep, ...(memberships.get(account) ?? [])].sort((a, b) => a.dept_id - b.dept_id);
    const next: DirPerson = {
      id: old?.id ?? nextPerson++, user_id: old?.user_id ?? null, account, name: p.name.trim(), english_name: p.english_name,
      gender: GENDERS[p.gender.toLowerCase()]!, mobile: p.mobile, phone: p.phone, email: p.email, title: p.title, employee_no: p.employee_no,
      avatar: p.avatar, status: p.status as DirPerson['status'], depts,
    };
    touched.add(next.id);
    if (!old) { summary.people_created++; changes.push({ op: 'person', person: next }); continue; }
    const same = (['name', 'english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar', 'status'] as const).every((f) => old[f] === next[f]);
    if (same && sameDepts(old.depts, next.depts)) summary.unchanged++;
    else { summary.people_updated++; changes.push({ op: 'person', person: next }); }
  }
  // People not in the file: their memberships in this org become what the file says (members rows may name them).
  for (const p of model.people.values()) {
    if (touched.has(p.id)) continue;
    const keep = p.depts.filter((m) => !inOrg(m.dept_id) && !removedDepts.has(m.dept_id));
    const depts = [...keep, ...(memberships.get(p.account) ?? [])].sort((a, b) => a.dept_id - b.dept_id);
    if (!sameDepts(p.depts, depts)) { summary.people_updated++; changes.push({ op: 'person', person: { ...p, depts } }); }
  }
  return { issues, changes, summary };
}
