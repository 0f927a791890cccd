import type { ScopeNames } from '../operation.js';
import type { SessionStore } from '../ports.js';
import type { ScopeRoots } from '../roles/permissions.js';
import type { DirectoryModel } from './model.js';

/**
 * What a set of department subtrees covers, at one directory version: the departments in them and below, the
 * people in any of those, and those people's users. Null roots cover the whole organisation. Unknown ids are not
 * covered, so a scoped administrator cannot probe what exists outside their scope.
 */
export class ScopeView {
  /** Null: the whole organisation. */
  readonly depts: ReadonlySet<number> | null;

  constructor(private readonly m: DirectoryModel, roots: ScopeRoots) {
    if (roots === null) { this.depts = null; return; }
    const covered = new Set<number>();
    for (const root of roots) if (m.depts.has(root)) for (const d of m.subtree(root)) covered.add(d);
    this.depts = covered;
  }

  get whole(): boolean { return this.depts === null; }

  dept(id: number): boolean { return this.depts === null ? true : this.depts.has(id); }

  person(id: number | undefined): boolean {
    if (this.depts === null) return true;
    const p = id === undefined ? undefined : this.m.people.get(id);
    return p !== undefined && p.depts.some((d) => this.depts!.has(d.dept_id));
  }

  user(id: number | null | undefined): boolean {
    if (this.depts === null) return true;
    return id !== null && id !== undefined && this.person(this.m.byUser.get(id));
  }

  /** Whether every root of `roots` lies inside this view (null, the whole organisation, only inside the whole). */
  contains(roots: ScopeRoots): boolean {
    if (this.depts === null) return true;
    return roots !== null && roots.every((d) => this.m.depts.has(d) && this.depts!.has(d));
  }

  /** Whether everything an operation names lies inside (for central's policy gate). */
  async names(n: ScopeNames, sessions: SessionStore): Promise<boolean> {
    if (this.depts === null) return true;
    if (n.whole) return false;
    if (!(n.deptIds ?? []).every((id) => this.dept(id))) return false;
    if (!(n.personIds ?? []).every((id) => this.person(id))) return false;
    if (!(n.userIds ?? []).every((id) => this.user(id))) return false;
    for (const id of n.policyIds ?? []) {
      const policy = this.m.policies.get(id);
      if (!policy || !(policy.target === 'person' ? this.person(policy.target_id) : this.dept(policy.target_id))) return false;
    }
    for (const id of n.sessionIds ?? []) {
      const session = await sessions.byId(id);
      if (!session || !this.user(session.user_id)) return false;
    }
    return true;
  }
}
