import type { ApiClient } from '../../../shared/sdk/api.js';
import type { SwitchboardClient } from '../../../shared/sdk/client.js';
import type { UserView } from '../../../shared/protocol/types.js';
import type { DirDept, DirPerson } from '../../../shared/protocol/directory.js';

/** One person as the directory view shows them; fields the viewer may not see arrive masked (`***`). */
export interface Person {
  /** Key of the person in this source (a directory person id, or a user id for the user list). */
  id: number;
  /** The sign-in user to chat with, if the person has one. */
  userId: number | null;
  name: string;
  account: string;
  englishName?: string;
  department?: string;
  title?: string;
  email?: string;
  mobile?: string;
  phone?: string;
  employeeNo?: string;
}

export interface Department {
  id: number;
  name: string;
  children: Department[];
}

/**
 * Where the directory view gets its people. The organisation directory
 * (departments, pinyin search, masked confidential fields, live deltas) is
 * used when the server has one with people in it; otherwise the plain user list.
 */
export interface DirectorySource {
  /** Departments as a tree; empty when the server has none. */
  tree(): Promise<Department[]>;
  search(query: string, departmentId?: number): Promise<Person[]>;
  person(id: number): Promise<Person>;
  /** The person who is this sign-in user (from a member list, a chat). */
  personOfUser(userId: number): Promise<Person>;
}

const fromUser = (u: UserView): Person => ({ id: u.id, userId: u.id, name: u.name, account: u.account });

export class UserListDirectory implements DirectorySource {
  constructor(private readonly api: ApiClient) {}

  async tree(): Promise<Department[]> { return []; }

  async search(query: string): Promise<Person[]> {
    const q = query.trim();
    const list: UserView[] = await this.api.call('users.list', q ? { q, limit: 200 } : { limit: 200 });
    return list.filter((u) => !u.disabled).map(fromUser);
  }

  async person(id: number): Promise<Person> {
    return fromUser(await this.api.call('users.get', { user_id: id }));
  }

  personOfUser(userId: number): Promise<Person> { return this.person(userId); }
}

/** The organisation directory, from the SDK's directory mirror (snapshot + live deltas) and dir.search. */
export class OrgDirectory implements DirectorySource {
  private loading: Promise<boolean> | null = null;
  private readonly fallback: UserListDirectory;

  constructor(private readonly client: SwitchboardClient) {
    this.fallback = new UserListDirectory(client.api);
  }

  /** Loads the mirror once; false when the server has no directory (or it cannot be reached now). */
  private ready(): Promise<boolean> {
    this.loading ??= this.client.loadDirectory().then(() => true, () => { this.loading = null; return false; });
    return this.loading;
  }

  private async populated(): Promise<boolean> {
    return (await this.ready()) && (this.client.directory.state?.people.size ?? 0) > 0;
  }

  private deptPath(id: number): string {
    const depts = this.client.directory.state?.depts;
    const names: string[] = [];
    for (let d = depts?.get(id); d && names.length < 20; d = d.parent_id === null ? undefined : depts!.get(d.parent_id)) names.unshift(d.name);
    return names.join(' / ');
  }

  private toPerson(p: DirPerson): Person {
    const first = [...p.depts].sort((a, b) => a.sort - b.sort)[0];
    return {
      id: p.id, userId: p.user_id, name: p.name, account: p.account, englishName: p.english_name || undefined,
      department: p.depts.map((m) => this.deptPath(m.dept_id)).filter(Boolean).join('; ') || undefined,
      title: p.title || first?.title || undefined, email: p.email || undefined, mobile: p.mobile || undefined,
      phone: p.phone || undefined, employeeNo: p.employee_no || undefined,
    };
  }

  /** The department and every department below it. */
  private subtree(id: number): Set<number> {
    const all = [...(this.client.directory.state?.depts.values() ?? [])];
    const out = new Set([id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const d of all) if (d.parent_id !== null && out.has(d.parent_id) && !out.has(d.id)) { out.add(d.id); grew = true; }
    }
    return out;
  }

  async tree(): Promise<Department[]> {
    if (!(await this.ready())) return [];
    const state = this.client.directory.state!;
    const depts = [...state.depts.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
    const build = (parent: number | null, org: number): Department[] => depts
      .filter((d: DirDept) => d.parent_id === parent && d.org_id === org)
      .map((d) => ({ id: d.id, name: d.name, children: build(d.id, org) }));
    const orgs = [...state.orgs.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
    if (orgs.length <= 1) return build(null, orgs[0]?.id ?? 1);
    // Several structures: each org is a root (its id negated so it never collides with a department).
    return orgs.map((o) => ({ id: -o.id, name: o.name, children: build(null, o.id) }));
  }

  async search(query: string, departmentId?: number): Promise<Person[]> {
    if (!(await this.populated())) return this.fallback.search(query);
    const state = this.client.directory.state!;
    const inDept = departmentId === undefined ? null
      : departmentId < 0 ? new Set([...state.depts.values()].filter((d) => d.org_id === -departmentId).map((d) => d.id))
        : this.subtree(departmentId);
    const q = query.trim();
    let people: DirPerson[];
    if (q) {
      const r: { results: { person: DirPerson }[] } = await this.client.api.call('dir.search', { q, limit: 100 });
      people = r.results.map((x) => x.person);
    } else {
      people = [...state.people.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    }
    return people
      .filter((p) => p.status === 'active' && (!inDept || p.depts.some((m) => inDept.has(m.dept_id))))
      .slice(0, 200)
      .map((p) => this.toPerson(p));
  }

  async person(id: number): Promise<Person> {
    if (!(await this.populated())) return this.fallback.person(id);
    return this.toPerson(await this.client.api.call('dir.person', { person_id: id }));
  }

  async personOfUser(userId: number): Promise<Person> {
    if (await this.populated()) {
      for (const p of this.client.directory.state!.people.values()) if (p.user_id === userId) return this.person(p.id);
    }
    return this.fallback.person(userId);
  }
}
