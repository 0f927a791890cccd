import { AppError } from '../../shared/errors.js';
import type { DirChange, DirDelta, DirDept, DirOrg, DirPerson } from '../../shared/protocol/directory.js';
import type { Actor } from '../actor.js';
import type { ScopeNames } from '../operation.js';
import type { Store } from '../ports.js';
import type { ScopeRoots } from '../roles/permissions.js';
import { ScopeView } from './scope-view.js';
import { MAX_DELTA_CHANGES, MAX_DELTA_BYTES, type DirectoryReplica } from './replica.js';

/** What every employee may read of the directory (each as their view allows), and the policy gate's scope check. */
export class DirectoryReads {
  constructor(private readonly replica: DirectoryReplica, private readonly store: Store) {}

  /** What department subtrees cover at the current version (core/directory/scope-view.ts). */
  async scopeView(roots: ScopeRoots): Promise<ScopeView> {
    return new ScopeView(await this.replica.current(), roots);
  }

  /** Whether an administrator's scope covers everything an operation names (for central's policy gate). */
  async scopeCovers(roots: ScopeRoots, names: ScopeNames): Promise<boolean> {
    return (await this.scopeView(roots)).names(names, this.store.sessions);
  }

  /**
   * The users an administrator's lists may show (login log, online list): null for everyone (the whole
   * organisation and no department asked for), else the users of the people within `roots`, narrowed to one
   * department's subtree.
   */
  async usersInScope(roots: ScopeRoots, deptId?: number): Promise<Set<number> | null> {
    if (roots === null && deptId === undefined) return null;
    const m = await this.replica.current();
    const view = new ScopeView(m, roots);
    const within = deptId === undefined ? null : new Set(m.subtree(deptId));
    const out = new Set<number>();
    for (const p of m.people.values()) {
      if (p.user_id === null || !view.person(p.id)) continue;
      if (within && !p.depts.some((d) => within.has(d.dept_id))) continue;
      out.add(p.user_id);
    }
    return out;
  }

  async search(actor: Actor, p: { q: string; limit?: number }): Promise<{ version: number; results: { person: DirPerson; matched: string; depts: string[] }[] }> {
    const { q } = p;
    const limit = p.limit ?? 20;
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    const needle = q.trim().toLowerCase();
    const deptHits: number[] = [];
    if (needle.length >= 2) {
      for (const d of m.depts.values()) {
        if (!d.name.toLowerCase().includes(needle)) continue;
        for (const id of m.membersOf(d.id)) { deptHits.push(id); if (deptHits.length >= limit) break; }
        if (deptHits.length >= limit) break;
      }
    }
    const hits = m.searchIndex().search(q, {
      limit, anyFull: v.isAdmin, deptHits,
      full: (id) => { const person = m.people.get(id); return person !== undefined && m.covers(v, person); },
    });
    return {
      version: m.version,
      results: hits.map((h) => {
        const person = m.present(v, m.people.get(h.id)!);
        return { person, matched: h.field, depts: person.depts.map((d) => m.path(d.dept_id)) };
      }),
    };
  }

  async person(actor: Actor, params: { person_id: number }): Promise<DirPerson & { paths: string[] }> {
    const id = params.person_id;
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    const p = m.people.get(id);
    if (!p) throw new AppError('SB_NOT_FOUND', 'No such person');
    // Everyone sees their own real profile.
    const shown = p.user_id === actor.userId ? p : m.present(v, p);
    return { ...shown, paths: p.depts.map((d) => m.path(d.dept_id)) };
  }

  /** A department, its sub-departments and a page of its members (in their order there). */
  async dept(actor: Actor, params: { dept_id: number; offset?: number; limit?: number }): Promise<{ dept: DirDept; path: string; children: DirDept[]; members: DirPerson[]; more: boolean }> {
    const id = params.dept_id;
    const offset = params.offset ?? 0;
    const limit = params.limit ?? 500;
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    const d = m.depts.get(id);
    if (!d) throw new AppError('SB_NOT_FOUND', 'No such department');
    const members = m.membersOf(id).map((pid) => m.people.get(pid)!);
    const sortIn = (p: DirPerson) => p.depts.find((x) => x.dept_id === id)?.sort ?? 0;
    members.sort((a, b) => sortIn(a) - sortIn(b) || a.id - b.id);
    const page = members.slice(offset, offset + limit);
    return { dept: d, path: m.path(id), children: m.childrenOf(id).map((c) => m.depts.get(c)!), members: page.map((x) => m.present(v, x)), more: offset + limit < members.length };
  }

  async orgs(actor: Actor): Promise<{ version: number; orgs: (DirOrg & { roots: DirDept[] })[] }> {
    const m = await this.replica.current();
    await this.replica.viewer(actor, m);
    const orgs = [...m.orgs.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
    return { version: m.version, orgs: orgs.map((o) => ({ ...o, roots: m.rootsOf(o.id).map((id) => m.depts.get(id)!) })) };
  }

  async changes(actor: Actor, p: { since: number }): Promise<DirDelta> {
    const { since } = p;
    const m = await this.replica.current();
    const v = await this.replica.viewer(actor, m);
    const version = m.version;
    if (since > version) throw new AppError('SB_VALIDATION', 'since: is ahead of the directory', { field: 'since', version });
    if (since === version) return { version, from: since, changes: [] };
    const recent = this.replica.recentChanges(since, version);
    if (recent) {
      const out: DirChange[] = [];
      for (const c of recent) { const p = m.presentChange(v, c); if (p) out.push(p); }
      return tooBig(out) ? { version, from: since, reset: true } : { version, from: since, changes: out };
    }
    const { changes, more } = await this.store.directory.changesSince(since, MAX_DELTA_CHANGES);
    const inRange = changes.filter((c) => c.version <= version);
    if (more && inRange.length === changes.length) return { version, from: since, reset: true };
    const out: DirChange[] = [];
    for (const c of inRange) { const p = m.presentChange(v, c.change); if (p) out.push(p); }
    return tooBig(out) ? { version, from: since, reset: true } : { version, from: since, changes: out };
  }
}

/** A delta must fit one bus message (NATS allows 1 MiB by default); beyond that the snapshot (sent in parts) is cheaper anyway. */
function tooBig(changes: DirChange[]): boolean {
  return changes.length > MAX_DELTA_CHANGES || (changes.length > 1000 && JSON.stringify(changes).length > MAX_DELTA_BYTES);
}
