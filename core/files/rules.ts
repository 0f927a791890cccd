import { AppError } from '../../shared/errors.js';
import type { Actor, AdminActor } from '../actor.js';
import type { ScopeRoots } from '../roles/permissions.js';
import type { DirectoryModel } from '../directory/model.js';
import type { ScopeNames } from '../operation.js';
import type { Clock, FileRuleRecord, FileRuleScope, Store } from '../ports.js';
import type { FilePolicy } from './service.js';

/** What one person may send, from every rule that applies to them and the server's own limits. */
export interface EffectiveFileRules {
  max_bytes: number;
  /** Each list must admit the file; empty: any type. */
  allowed: string[][];
  blocked: string[];
  /** Where the size limit comes from, for the refusal's details. */
  max_from: FileRuleScope | 'server';
}

type Field = 'max_bytes' | 'allowed' | 'blocked';

/** What the rules need of the directory (the service is built after this one). */
export interface DirectoryAccess {
  current(): Promise<DirectoryModel>;
  scopeCovers(roots: ScopeRoots, names: ScopeNames): Promise<boolean>;
}

/** What an administrator's scope must cover to see or change a rule on this target. */
export function ruleScope(t: { scope: FileRuleScope; target_id: number }): ScopeNames {
  return t.scope === 'org' ? { whole: true } : t.scope === 'dept' ? { deptIds: [t.target_id] } : { personIds: [t.target_id] };
}

/** A type pattern: an extension ("pdf", ".pdf") or a media type ("application/pdf", "image/*"), lower-case. */
export const TYPE_PATTERN = '^(\\.?[A-Za-z0-9_+-]{1,16}|[A-Za-z0-9.+-]{1,63}/([A-Za-z0-9.+-]{1,63}|\\*))$';

export function normaliseType(t: string): string {
  const low = t.trim().toLowerCase();
  return low.startsWith('.') ? low.slice(1) : low;
}

/** Whether a file (its name's extension, its declared type) is one of the patterns. */
export function typeMatches(patterns: readonly string[], file: { name: string; mime: string }): string | null {
  const ext = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const mime = file.mime.toLowerCase();
  for (const p of patterns) {
    if (!p.includes('/')) { if (p === ext) return p; continue; }
    if (p.endsWith('/*') ? mime.startsWith(p.slice(0, -1)) : mime === p) return p;
  }
  return null;
}

/**
 * File-sending rules (文件发送限制): an administrator limits size and types per organisation, department or
 * person. For each of size, allowed and blocked types the most specific rule that sets it decides: the
 * person's own, else the nearest department above each of their memberships that sets it (several
 * memberships: all of those apply), else their organisations'. The server's configured limits always apply.
 */
export class FileRulesService {
  constructor(private readonly store: Store, private readonly dir: DirectoryAccess, private readonly clock: Clock, private readonly server: FilePolicy) {}

  private directory(): Promise<DirectoryModel> { return this.dir.current(); }

  /** What this user may send now. */
  async effective(userId: number): Promise<EffectiveFileRules> {
    const [m, rules] = await Promise.all([this.directory(), this.store.fileRules.list()]);
    const byKey = new Map(rules.map((r) => [`${r.scope}:${r.target_id}`, r]));
    const personId = m.byUser.get(userId);
    const person = personId === undefined ? undefined : m.people.get(personId);
    const own = personId === undefined ? undefined : byKey.get(`person:${personId}`);
    const chains = (person?.depts ?? []).map((d) => m.ancestors(d.dept_id));
    const orgs = [...new Set((person?.depts ?? []).map((d) => m.depts.get(d.dept_id)?.org_id).filter((o): o is number => o !== undefined))];
    /** The values that decide one field, and the level they come from. */
    const decide = <F extends Field>(f: F): { values: NonNullable<FileRuleRecord[F]>[]; from: FileRuleScope | null } => {
      const set = (r: FileRuleRecord | undefined): r is FileRuleRecord => r !== undefined && r[f] !== null;
      if (set(own)) return { values: [own[f]!], from: 'person' };
      const depts = chains.map((chain) => chain.map((id) => byKey.get(`dept:${id}`)).find(set)).filter(set);
      if (depts.length) return { values: depts.map((r) => r[f]!), from: 'dept' };
      const inOrgs = orgs.map((id) => byKey.get(`org:${id}`)).filter(set);
      return { values: inOrgs.map((r) => r[f]!), from: inOrgs.length ? 'org' : null };
    };
    const size = decide('max_bytes');
    const ruleMax = size.values.length ? Math.min(...size.values) : Infinity;
    return {
      max_bytes: Math.min(ruleMax, this.server.maxBytes),
      max_from: ruleMax < this.server.maxBytes ? size.from! : 'server',
      allowed: decide('allowed').values.filter((l) => l.length > 0),
      blocked: [...new Set([...decide('blocked').values.flat(), ...this.server.blockedExtensions.map(normaliseType)])],
    };
  }

  /** Refuses with SB_FILE_RESTRICTED what this user may not send (before anything is stored, and again at send). */
  async check(userId: number, file: { name: string; mime: string; size: number }): Promise<void> {
    const r = await this.effective(userId);
    if (file.size > r.max_bytes) {
      throw new AppError('SB_FILE_RESTRICTED', `Files may be at most ${r.max_bytes} bytes`, { reason: 'size', max_bytes: r.max_bytes, rule: r.max_from });
    }
    const ext = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
    const blocked = typeMatches(r.blocked, file);
    if (blocked) throw new AppError('SB_FILE_RESTRICTED', `Files of type ${blocked} may not be sent`, { reason: 'type', type: blocked });
    for (const list of r.allowed) {
      if (!typeMatches(list, file)) throw new AppError('SB_FILE_RESTRICTED', `Only these types may be sent: ${list.join(', ')}`, { reason: 'type', type: ext || file.mime, allowed: list });
    }
  }

  /** Rules an administrator may see: all of them, or those on targets in their scope. */
  async list(actor: AdminActor): Promise<FileRuleRecord[]> {
    const all = await this.store.fileRules.list();
    const shown: FileRuleRecord[] = [];
    for (const r of all) if (await this.dir.scopeCovers(actor.authority?.roots ?? null, ruleScope(r))) shown.push(r);
    return shown;
  }

  async get(_actor: Actor, p: { scope: FileRuleScope; target_id: number }): Promise<FileRuleRecord> {
    const rule = await this.store.fileRules.get(p.scope, p.target_id);
    if (!rule) throw new AppError('SB_NOT_FOUND', 'No rule for this target');
    return rule;
  }

  async set(actor: Actor, p: { scope: FileRuleScope; target_id: number; max_bytes?: number | null; allowed?: string[] | null; blocked?: string[] | null }): Promise<FileRuleRecord> {
    await this.target(p.scope, p.target_id);
    const list = (v: string[] | null | undefined) => (v === undefined || v === null ? null : [...new Set(v.map(normaliseType))]);
    const rule = await this.store.fileRules.put({
      scope: p.scope, target_id: p.target_id, max_bytes: p.max_bytes ?? null, allowed: list(p.allowed), blocked: list(p.blocked),
      updated_by: actor.userId, updated_at: this.clock.now(),
    });
    await this.audit(actor, 'files.policy.set', rule, { max_bytes: rule.max_bytes, allowed: rule.allowed, blocked: rule.blocked });
    return rule;
  }

  async remove(actor: Actor, p: { scope: FileRuleScope; target_id: number }): Promise<{ deleted: boolean }> {
    const deleted = await this.store.fileRules.remove(p.scope, p.target_id);
    if (deleted) await this.audit(actor, 'files.policy.delete', p, {});
    return { deleted };
  }

  /** The target must exist: a rule on nobody would sit there unnoticed. */
  private async target(scope: FileRuleScope, id: number): Promise<void> {
    const m = await this.directory();
    const exists = scope === 'org' ? m.orgs.has(id) : scope === 'dept' ? m.depts.has(id) : m.people.has(id);
    if (!exists) throw new AppError('SB_NOT_FOUND', `No such ${scope === 'dept' ? 'department' : scope === 'org' ? 'organisation' : 'person'}`);
  }

  private async audit(actor: Actor, action: string, t: { scope: FileRuleScope; target_id: number }, details: unknown): Promise<void> {
    await this.store.audit.append({ actor_id: actor.userId, action, target: `${t.scope}:${t.target_id}`, details, at: this.clock.now() });
  }
}
