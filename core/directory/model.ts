import {
  MASK, type ConfidentialField, type DirChange, type DirDept, type DirOrg, type DirPerson, type DirPolicy, type DirSnapshot,
} from '../../shared/protocol/directory.js';
import type { DirectoryData, DirStoredChange } from '../ports.js';
import { SearchIndex } from './search.js';

/** Who is looking: admins see real values of people in their scope (null = the whole directory). */
export interface Viewer {
  userId: number;
  isAdmin: boolean;
  scope: ReadonlySet<number> | null;
}

/**
 * Central's in-memory copy of the directory at one version: the records, the
 * tree and membership indexes, the confidentiality policy and the search index.
 * It changes only by applying committed changes, in version order.
 */
export class DirectoryModel {
  version = 0;
  orgs = new Map<number, DirOrg>();
  depts = new Map<number, DirDept>();
  people = new Map<number, DirPerson>();
  policies = new Map<number, DirPolicy>();
  scopes = new Map<number, number[]>();
  byAccount = new Map<string, number>();
  byUser = new Map<number, number>();
  readonly search = new SearchIndex((p) => this.hiddenFields(p));

  private derived: { children: Map<string, number[]>; members: Map<number, number[]> } | null = null;
  private hiddenCache = new Map<number, Set<ConfidentialField>>();
  private policyIndex: { person: Map<number, ConfidentialField[]>; dept: Map<number, ConfidentialField[]> } | null = null;
  private searchStale = false;

  static from(data: DirectoryData): DirectoryModel {
    const m = new DirectoryModel();
    m.version = data.version;
    for (const o of data.orgs) m.orgs.set(o.id, o);
    for (const d of data.depts) m.depts.set(d.id, d);
    for (const p of data.people) m.setPerson(p);
    for (const p of data.policies) m.policies.set(p.id, p);
    for (const s of data.scopes) m.scopes.set(s.user_id, s.dept_ids);
    for (const p of m.people.values()) m.search.put(p);
    return m;
  }

  private setPerson(p: DirPerson): void {
    const old = this.people.get(p.id);
    if (old) { this.byAccount.delete(old.account); if (old.user_id !== null) this.byUser.delete(old.user_id); }
    this.people.set(p.id, p);
    this.byAccount.set(p.account, p.id);
    if (p.user_id !== null) this.byUser.set(p.user_id, p.id);
  }

  apply(changes: readonly DirStoredChange[], version: number): void {
    let structural = false;
    for (const c of changes) {
      switch (c.op) {
        case 'org': this.orgs.set(c.org.id, c.org); break;
        case 'org.delete': this.orgs.delete(c.id); break;
        case 'dept': this.depts.set(c.dept.id, c.dept); structural = true; break;
        case 'dept.delete': this.depts.delete(c.id); structural = true; break;
        case 'person': {
          this.unlist(this.people.get(c.person.id));
          this.setPerson(c.person); this.hiddenCache.delete(c.person.id); this.search.put(c.person);
          this.list(c.person);
          break;
        }
        case 'person.delete': {
          const old = this.people.get(c.id);
          if (old) { this.byAccount.delete(old.account); if (old.user_id !== null) this.byUser.delete(old.user_id); }
          this.unlist(old);
          this.people.delete(c.id); this.search.remove(c.id);
          break;
        }
        case 'policy': this.policies.set(c.policy.id, c.policy); structural = true; break;
        case 'policy.delete': this.policies.delete(c.id); structural = true; break;
        case 'scope': if (c.dept_ids.length) this.scopes.set(c.user_id, c.dept_ids); else this.scopes.delete(c.user_id); break;
        default: break;
      }
    }
    if (structural) { this.derived = null; this.policyIndex = null; this.hiddenCache.clear(); this.searchStale = true; }
    this.version = version;
  }

  /** The search index with hidden fields current (recomputed lazily after policy or tree changes). */
  searchIndex(): SearchIndex {
    if (this.searchStale) { this.searchStale = false; for (const p of this.people.values()) this.search.rehide(p); }
    return this.search;
  }

  /** Keeps the members index current person by person (the tree index is rebuilt only after department changes). */
  private unlist(p: DirPerson | undefined): void {
    if (!p || !this.derived) return;
    for (const m of p.depts) {
      const list = this.derived.members.get(m.dept_id);
      const i = list ? list.indexOf(p.id) : -1;
      if (i >= 0) list!.splice(i, 1);
    }
  }

  private list(p: DirPerson): void {
    if (!this.derived) return;
    for (const m of p.depts) {
      let list = this.derived.members.get(m.dept_id);
      if (!list) this.derived.members.set(m.dept_id, (list = []));
      list.push(p.id);
    }
  }

  // ---- tree ---------------------------------------------------------------------

  private index() {
    if (this.derived) return this.derived;
    const children = new Map<string, number[]>();
    for (const d of this.depts.values()) {
      const key = d.parent_id === null ? `o${d.org_id}` : `d${d.parent_id}`;
      let list = children.get(key);
      if (!list) children.set(key, (list = []));
      list.push(d.id);
    }
    const bySort = (a: number, b: number) => (this.depts.get(a)!.sort - this.depts.get(b)!.sort) || a - b;
    for (const list of children.values()) list.sort(bySort);
    const members = new Map<number, number[]>();
    for (const p of this.people.values()) {
      for (const m of p.depts) {
        let list = members.get(m.dept_id);
        if (!list) members.set(m.dept_id, (list = []));
        list.push(p.id);
      }
    }
    this.derived = { children, members };
    return this.derived;
  }

  childrenOf(deptId: number): number[] { return this.index().children.get(`d${deptId}`) ?? []; }
  rootsOf(orgId: number): number[] { return this.index().children.get(`o${orgId}`) ?? []; }
  membersOf(deptId: number): number[] { return this.index().members.get(deptId) ?? []; }

  /** The department and its ancestors, nearest first. */
  ancestors(deptId: number): number[] {
    const out: number[] = [];
    let cur = this.depts.get(deptId);
    while (cur && out.length <= this.depts.size) {
      out.push(cur.id);
      cur = cur.parent_id === null ? undefined : this.depts.get(cur.parent_id);
    }
    return out;
  }

  /** The department and everything below it. */
  subtree(deptId: number): number[] {
    const out: number[] = [];
    const stack = [deptId];
    while (stack.length) {
      const id = stack.pop()!;
      out.push(id);
      stack.push(...this.childrenOf(id));
    }
    return out;
  }

  /** A person's department path names in one department, e.g. "总部/研发部/平台组". */
  path(deptId: number): string {
    return this.ancestors(deptId).reverse().map((id) => this.depts.get(id)!.name).join('/');
  }

  // ---- confidentiality -------------------------------------------------------------

  private policies_(): { person: Map<number, ConfidentialField[]>; dept: Map<number, ConfidentialField[]> } {
    if (this.policyIndex) return this.policyIndex;
    const person = new Map<number, ConfidentialField[]>();
    const dept = new Map<number, ConfidentialField[]>();
    for (const p of this.policies.values()) {
      const map = p.target === 'person' ? person : dept;
      map.set(p.target_id, [...(map.get(p.target_id) ?? []), ...p.fields]);
    }
    this.policyIndex = { person, dept };
    return this.policyIndex;
  }

  /** Fields of this person hidden from viewers who do not cover them. */
  hiddenFields(p: DirPerson): Set<ConfidentialField> {
    let set = this.hiddenCache.get(p.id);
    if (set) return set;
    set = new Set<ConfidentialField>();
    const idx = this.policies_();
    if (idx.person.size || idx.dept.size) {
      for (const f of idx.person.get(p.id) ?? []) set.add(f);
      if (idx.dept.size) {
        for (const m of p.depts) for (const d of this.ancestors(m.dept_id)) for (const f of idx.dept.get(d) ?? []) set.add(f);
      }
    }
    this.hiddenCache.set(p.id, set);
    return set;
  }

  viewer(userId: number, isAdmin: boolean): Viewer {
    const scope = isAdmin ? this.scopes.get(userId) : undefined;
    if (!isAdmin || !scope) return { userId, isAdmin, scope: null };
    const covered = new Set<number>();
    for (const root of scope) if (this.depts.has(root)) for (const d of this.subtree(root)) covered.add(d);
    return { userId, isAdmin, scope: covered };
  }

  /** Whether the viewer sees this person's real values. */
  covers(v: Viewer, p: DirPerson): boolean {
    if (!v.isAdmin) return false;
    if (v.scope === null) return true;
    return p.depts.some((m) => v.scope!.has(m.dept_id));
  }

  /** The person as the viewer may see them: hidden fields become "***". */
  present(v: Viewer, p: DirPerson): DirPerson {
    if (this.covers(v, p)) return p;
    const hidden = this.hiddenFields(p);
    if (hidden.size === 0) return p;
    const out: DirPerson = { ...p };
    for (const f of hidden) (out as unknown as Record<string, string>)[f] = MASK;
    if (hidden.has('title')) out.depts = p.depts.map((m) => ({ ...m, title: MASK }));
    return out;
  }

  presentChange(v: Viewer, c: DirStoredChange): DirChange | null {
    if (c.op === 'policy' || c.op === 'policy.delete' || c.op === 'scope') return null;
    if (c.op === 'person') {
      // The current record (masked by the current policy); a later change in the same range repeats it harmlessly.
      const cur = this.people.get(c.person.id);
      return { op: 'person', person: this.present(v, cur ?? c.person) };
    }
    return c;
  }

  snapshot(v: Viewer): DirSnapshot {
    const byId = <T extends { id: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.id - b.id);
    return {
      version: this.version,
      orgs: byId(this.orgs),
      depts: byId(this.depts),
      people: byId(this.people).map((p) => this.present(v, p)),
    };
  }

  /** A key that is equal for viewers who get the same snapshot. */
  viewKey(v: Viewer): string {
    if (!v.isAdmin) return 'public';
    if (v.scope === null) return 'all';
    return `scope:${[...(this.scopes.get(v.userId) ?? [])].sort((a, b) => a - b).join(',')}`;
  }

  nextId(kind: 'org' | 'dept' | 'person' | 'policy'): number {
    const map: Map<number, unknown> = kind === 'org' ? this.orgs : kind === 'dept' ? this.depts : kind === 'person' ? this.people : this.policies;
    let max = 0;
    for (const id of map.keys()) if (id > max) max = id;
    return max + 1;
  }
}
