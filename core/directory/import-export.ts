import { AppError } from '../../shared/errors.js';
import type { DirDept } from '../../shared/protocol/directory.js';
import type { FileView } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import { fileView, type FilesService } from '../files/service.js';
import { toCsv } from './import/csv.js';
import { tableFromDocument, type ImportIssue, type OrgDocument } from './import/document.js';
import { checkImportSize, reportedIssues } from './import/limits.js';
import { parseDocument } from './import/parse.js';
import { deptKey, planImport, type ImportSummary } from './import/plan.js';
import { writeXlsx } from './import/xlsx.js';
import type { DirectoryModel, Viewer } from './model.js';
import type { DirectoryReplica } from './replica.js';

export interface ImportReport {
  dry_run: boolean;
  ok: boolean;
  format: string;
  issues: ImportIssue[];
  summary: ImportSummary;
  /** Directory version after the import (unchanged for a dry run, a failed run or a no-op). */
  version: number;
}

/** Whole-org import and export as files, read and stored through the files service. */
export class DirectoryImportExport {
  constructor(private readonly replica: DirectoryReplica, private readonly files: FilesService) {}

  /** Imports a whole org from an uploaded file; all or nothing, idempotent, with a dry run. */
  async importOrg(actor: Actor, p: { file_id: number; format?: 'csv' | 'xlsx' | 'rtx'; dry_run?: boolean; org_id?: number }): Promise<ImportReport> {
    await this.replica.admin(actor);
    const fileId = p.file_id;
    const format = p.format ?? 'csv';
    const dryRun = p.dry_run === true;
    const orgId = p.org_id ?? 1;
    const file = await this.files.ownUpload(actor, fileId);
    const rejected = (details: Record<string, unknown>) => this.replica.audit(actor, 'dir.import.rejected', `org:${orgId}`, { format, file_id: fileId, ...details });
    let parsed: ReturnType<typeof parseDocument>;
    try {
      checkImportSize(file.size);
      parsed = parseDocument(format, await this.files.contents(file));
    } catch (e) {
      // A file past an import limit is refused whole, dry run or not; audited like any rejected import.
      if (e instanceof AppError && e.code === 'SB_IMPORT_INVALID') await rejected({ limit: (e.details as { limit?: string } | undefined)?.limit });
      throw e;
    }
    const empty: ImportSummary = { depts_created: 0, depts_updated: 0, depts_deleted: 0, people_created: 0, people_updated: 0, unchanged: 0 };
    const report = (issues: ImportIssue[], summary: ImportSummary, version: number): ImportReport => ({ dry_run: dryRun, ok: issues.length === 0, format, issues: reportedIssues(issues), summary, version });
    if (parsed.issues.length) {
      if (dryRun) return report(parsed.issues, empty, (await this.replica.current()).version);
      await rejected({ issues: parsed.issues.length });
      throw new AppError('SB_IMPORT_INVALID', `The file has ${parsed.issues.length} problem(s); nothing was changed`, { issues: reportedIssues(parsed.issues) });
    }
    if (dryRun) {
      const m = await this.replica.current();
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      const plan = planImport(m, orgId, parsed.doc);
      return report(plan.issues, plan.summary, m.version);
    }
    let summary = empty;
    let issues: ImportIssue[] = [];
    const r = await this.replica.commit((m) => {
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      const plan = planImport(m, orgId, parsed.doc);
      summary = plan.summary;
      issues = plan.issues;
      return plan.issues.length ? [] : plan.changes;
    });
    if (issues.length) {
      await rejected({ issues: issues.length });
      throw new AppError('SB_IMPORT_INVALID', `The file has ${issues.length} problem(s); nothing was changed`, { issues: reportedIssues(issues) });
    }
    await this.replica.audit(actor, 'dir.import', `org:${orgId}`, { format, file_id: fileId, ...summary, version: r.version });
    return report([], summary, r.version);
  }

  /** Exports one org (as this administrator may see it) to a file they can download. */
  async exportOrg(actor: Actor, p: { format?: 'csv' | 'xlsx'; org_id?: number }): Promise<FileView & { version: number }> {
    const { m, v } = await this.replica.admin(actor);
    const format = p.format ?? 'csv';
    const orgId = p.org_id ?? 1;
    if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
    const doc = exportDocument(m, v, orgId);
    const rows = tableFromDocument(doc);
    const bytes = format === 'csv' ? Buffer.from(`\ufeff${toCsv(rows)}`, 'utf8') : await writeXlsx(rows);
    const name = `org-${orgId}-v${m.version}.${format}`;
    const mime = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const rec = await this.files.storeGenerated(actor, { name, mime, bytes });
    await this.replica.audit(actor, 'dir.export', `org:${orgId}`, { format, file_id: rec.id, people: doc.people.length, depts: doc.depts.length });
    return { ...fileView(rec), version: m.version };
  }
}

/** One org as the shared table layout; confidential values stay masked unless the viewer covers the person. */
export function exportDocument(m: DirectoryModel, v: Viewer, orgId: number): OrgDocument {
  const doc: OrgDocument = { depts: [], people: [], members: [] };
  const order: DirDept[] = [];
  const walk = (ids: number[]) => { for (const id of ids) { order.push(m.depts.get(id)!); walk(m.childrenOf(id)); } };
  walk(m.rootsOf(orgId));
  const keyOf = new Map(order.map((d) => [d.id, deptKey(d)]));
  for (const d of order) doc.depts.push({ line: 0, key: keyOf.get(d.id)!, parent: d.parent_id === null ? null : keyOf.get(d.parent_id)!, name: d.name, sort: d.sort });
  const people = [...m.people.values()].filter((p) => p.depts.some((x) => keyOf.has(x.dept_id))).sort((a, b) => a.id - b.id);
  for (const raw of people) {
    const p = m.present(v, raw);
    doc.people.push({ line: 0, account: p.account, name: p.name, english_name: p.english_name, gender: p.gender, mobile: p.mobile, phone: p.phone,
      email: p.email, title: p.title, employee_no: p.employee_no, avatar: p.avatar, status: p.status });
    for (const x of p.depts) if (keyOf.has(x.dept_id)) doc.members.push({ line: 0, account: p.account, dept: keyOf.get(x.dept_id)!, title: x.title, sort: x.sort });
  }
  return doc;
}
