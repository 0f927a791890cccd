import { AppError } from '../../shared/errors.js';
import type { ConfidentialField, DirDept, DirOrg, DirPerson, DirPolicy } from '../../shared/protocol/directory.js';
import type { Actor } from '../actor.js';
import type { DirStoredChange, Store } from '../ports.js';
import { oneOf } from '../validate.js';
import type { DirectoryModel } from './model.js';
import type { PersonFields } from './operations.js';
import type { DirectoryReplica } from './replica.js';

const PERSON_FIELDS = ['name', 'english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar'] as const;

/** The administrators' writes: orgs, departments, people, confidentiality policies and scopes, each audited. */
export class DirectoryAdminWrites {
  constructor(private readonly replica: DirectoryReplica, private readonly store: Store) {}

  async createOrg(actor: Actor, p: { name: string; sort?: number }): Promise<DirOrg> {
    await this.replica.admin(actor);
    const name = p.name.trim();
    const sort = p.sort ?? 0;
    let org!: DirOrg;
    await this.replica.commit((m) => { org = { id: m.nextId('org'), name, sort }; return [{ op: 'org', org }]; });
    await this.replica.audit(actor, 'dir.org.create', `org:${org.id}`, { name });
    return org;
  }

  async updateOrg(actor: Actor, p: { org_id: number; name?: string; sort?: number }): Promise<DirOrg> {
    await this.replica.admin(actor);
    const { org_id: id, name, sort } = p;
    let org!: DirOrg;
    await this.replica.commit((m) => {
      const old = m.orgs.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such org');
      org = { ...old, name: name?.trim() ?? old.name, sort: sort ?? old.sort };
      return org.name === old.name && org.sort === old.sort ? [] : [{ op: 'org', org }];
    });
    await this.replica.audit(actor, 'dir.org.update', `org:${id}`, { name, sort });
    return org;
  }

  async deleteOrg(actor: Actor, p: { org_id: number }): Promise<{ deleted: boolean }> {
    await this.replica.admin(actor);
    const id = p.org_id;
    await this.replica.commit((m) => {
      if (!m.orgs.has(id)) throw new AppError('SB_NOT_FOUND', 'No such org');
      if (m.rootsOf(id).length) throw new AppError('SB_DEPT_NOT_EMPTY', 'The org still has departments');
      if (m.orgs.size === 1) throw new AppError('SB_VALIDATION', 'org_id: the last org cannot be deleted', { field: 'org_id' });
      return [{ op: 'org.delete', id }];
    });
    await this.replica.audit(actor, 'dir.org.delete', `org:${id}`, {});
    return { deleted: true };
  }

  async createDept(actor: Actor, p: { name: string; parent_id?: number | null; org_id?: number; sort?: number }): Promise<DirDept> {
    await this.replica.admin(actor);
    const name = this.deptName(p.name);
    const parentId = p.parent_id ?? null;
    const sort = p.sort ?? 0;
    let dept!: DirDept;
    await this.replica.commit((m) => {
      const parent = parentId === null ? null : m.depts.get(parentId);
      if (parentId !== null && !parent) throw new AppError('SB_NOT_FOUND', 'No such parent department');
      const orgId = parent?.org_id ?? p.org_id ?? 1;
      if (!m.orgs.has(orgId)) throw new AppError('SB_NOT_FOUND', 'No such org');
      dept = { id: m.nextId('dept'), org_id: orgId, parent_id: parentId, name, sort, ext_id: null };
      return [{ op: 'dept', dept }];
    });
    await this.replica.audit(actor, 'dir.dept.create', `dept:${dept.id}`, { name, parent_id: parentId, org_id: dept.org_id });
    return dept;
  }

  /** Rename, move (parent_id; null = top level of its org) and reorder (sort). */
  async updateDept(actor: Actor, p: { dept_id: number; name?: string; parent_id?: number | null; sort?: number }): Promise<DirDept> {
    await this.replica.admin(actor);
    const id = p.dept_id;
    const name = p.name === undefined ? undefined : this.deptName(p.name);
    const moving = p.parent_id !== undefined;
    const parentId = p.parent_id ?? null;
    const { sort } = p;
    let dept!: DirDept;
    await this.replica.commit((m) => {
      const old = m.depts.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such department');
      dept = { ...old, name: name ?? old.name, sort: sort ?? old.sort, parent_id: moving ? parentId : old.parent_id };
      const changes: DirStoredChange[] = [];
      if (moving && parentId !== old.parent_id) {
        if (parentId !== null) {
          const parent = m.depts.get(parentId);
          if (!parent) throw new AppError('SB_NOT_FOUND', 'No such parent department');
          if (parent.org_id !== old.org_id) throw new AppError('SB_VALIDATION', 'parent_id: must be in the same org', { field: 'parent_id' });
          if (m.ancestors(parentId).includes(id)) throw new AppError('SB_DEPT_CYCLE', 'A department cannot move under itself or its descendants');
        }
        // Confidentiality follows the tree: everyone below is re-sent with the new view.
        for (const d of m.subtree(id)) for (const pid of m.membersOf(d)) changes.push({ op: 'person', person: m.people.get(pid)! });
      }
      if (dept.name === old.name && dept.sort === old.sort && dept.parent_id === old.parent_id) return [];
      return [{ op: 'dept', dept }, ...dedupe(changes)];
    });
    await this.replica.audit(actor, 'dir.dept.update', `dept:${id}`, { name, parent_id: moving ? parentId : undefined, sort });
    return dept;
  }

  /** Deletes an empty department; with move_to, its members and sub-departments move there first. */
  async deleteDept(actor: Actor, p: { dept_id: number; move_to?: number }): Promise<{ deleted: boolean; moved_people: number; moved_depts: number }> {
    await this.replica.admin(actor);
    const { dept_id: id, move_to: moveTo } = p;
    let movedPeople = 0;
    let movedDepts = 0;
    await this.replica.commit((m) => {
      const d = m.depts.get(id);
      if (!d) throw new AppError('SB_NOT_FOUND', 'No such department');
      const children = m.childrenOf(id);
      const members = m.membersOf(id);
      if (moveTo === undefined) {
        if (children.length || members.length) {
          throw new AppError('SB_DEPT_NOT_EMPTY', `The department has ${children.length} sub-departments and ${members.length} members; pass move_to`, { children: children.length, members: members.length });
        }
        return [{ op: 'dept.delete', id }];
      }
      const target = m.depts.get(moveTo);
      if (!target) throw new AppError('SB_NOT_FOUND', 'No such move_to department');
      if (m.ancestors(moveTo).includes(id)) throw new AppError('SB_DEPT_CYCLE', 'move_to must not be the department itself or below it');
      const changes: DirStoredChange[] = [{ op: 'dept.delete', id }];
      for (const c of children) { changes.push({ op: 'dept', dept: { ...m.depts.get(c)!, parent_id: moveTo, org_id: target.org_id } }); movedDepts++; }
      for (const d2 of m.subtree(id)) {
        for (const pid of m.membersOf(d2)) {
          const person = m.people.get(pid)!;
          const has = person.depts.some((x) => x.dept_id === moveTo);
          const depts = d2 !== id ? person.depts : person.depts.flatMap((x) => x.dept_id !== id ? [x] : has ? [] : [{ ...x, dept_id: moveTo }]).sort((a, b) => a.dept_id - b.dept_id);
          if (d2 === id) movedPeople++;
          changes.push({ op: 'person', person: { ...person, depts } });
        }
      }
      return dedupe(changes);
    });
    await this.replica.audit(actor, 'dir.dept.delete', `dept:${id}`, { move_to: moveTo, moved_people: movedPeople, moved_depts: movedDepts });
    return { deleted: true, moved_people: movedPeople, moved_depts: movedDepts };
  }

  async createPerson(actor: Actor, p: Omit<PersonFields, 'person_id'> & { account: string }): Promise<DirPerson> {
    await this.replica.admin(actor);
    const { account } = p;
    let person!: DirPerson;
    await this.replica.commit((m) => {
      if (m.byAccount.has(account)) throw new AppError('SB_CONFLICT', 'A person with that account exists', { field: 'account' });
      const base: DirPerson = {
        id: m.nextId('person'), user_id: null, account, name: account, english_name: '', gender: '', mobile: '', phone: '', email: '', title: '',
        employee_no: '', avatar: '', status: 'active', depts: [],
      };
      person = this.patchPerson(m, base, p, true);
      return [{ op: 'person', person }];
    });
    await this.replica.audit(actor, 'dir.person.create', `person:${person.id}`, { account, depts: person.depts.map((d) => d.dept_id) });
    return person;
  }

  /** Updates fields, status and (with `depts`) the memberships, each with its own title and order. */
  async updatePerson(actor: Actor, p: PersonFields): Promise<DirPerson> {
    await this.replica.admin(actor);
    const id = p.person_id;
    let person!: DirPerson;
    await this.replica.commit((m) => {
      const old = m.people.get(id);
      if (!old) throw new AppError('SB_NOT_FOUND', 'No such person');
      person = this.patchPerson(m, old, p, false);
      return JSON.stringify(person) === JSON.stringify(old) ? [] : [{ op: 'person', person }];
    });
    const fields = Object.keys(p).filter((k) => k !== 'person_id');
    await this.replica.audit(actor, 'dir.person.update', `person:${id}`, { fields });
    return person;
  }

  async deletePerson(actor: Actor, p: { person_id: number }): Promise<{ deleted: boolean }> {
    await this.replica.admin(actor);
    const id = p.person_id;
    await this.replica.commit((m) => {
      if (!m.people.has(id)) throw new AppError('SB_NOT_FOUND', 'No such person');
      return [{ op: 'person.delete', id }];
    });
    await this.replica.audit(actor, 'dir.person.delete', `person:${id}`, {});
    return { deleted: true };
  }

  private patchPerson(m: DirectoryModel, old: DirPerson, p: Omit<PersonFields, 'person_id'>, creating: boolean): DirPerson {
    const next: DirPerson = { ...old };
    for (const f of PERSON_FIELDS) {
      const value = p[f]?.trim();
      if (value === undefined) continue;
      if (f === 'gender') next.gender = oneOf(value, 'gender', ['', 'male', 'female']);
      else (next as unknown as Record<string, string>)[f] = value;
    }
    if (creating && p.name === undefined) next.name = old.account;
    if (p.status !== undefined) next.status = p.status;
    if (p.depts !== undefined) {
      const seen = new Set<number>();
      next.depts = p.depts.map((raw, i) => {
        const d = typeof raw === 'number' ? { dept_id: raw } : raw;
        const deptId = d.dept_id;
        if (!m.depts.has(deptId)) throw new AppError('SB_NOT_FOUND', `No such department ${deptId}`, { field: `depts[${i}].dept_id` });
        if (seen.has(deptId)) throw new AppError('SB_VALIDATION', `depts[${i}]: listed twice`, { field: `depts[${i}]` });
        seen.add(deptId);
        return { dept_id: deptId, title: ('title' in d ? d.title : undefined) ?? '', sort: ('sort' in d ? d.sort : undefined) ?? 0 };
      }).sort((a, b) => a.dept_id - b.dept_id);
    }
    return next;
  }

  async listPolicies(actor: Actor): Promise<DirPolicy[]> {
    const { m } = await this.replica.admin(actor);
    return [...m.policies.values()].sort((a, b) => a.id - b.id);
  }

  /** Marks fields of a person or a department (and everyone below it) confidential; one policy per target, replaced. */
  async setPolicy(actor: Actor, p: { target: 'person' | 'dept'; target_id: number; fields: ConfidentialField[] }): Promise<DirPolicy> {
    await this.replica.admin(actor);
    const { target, target_id: targetId } = p;
    const fields = [...new Set(p.fields)];
    let policy!: DirPolicy;
    await this.replica.commit((m) => {
      if (target === 'person' ? !m.people.has(targetId) : !m.depts.has(targetId)) throw new AppError('SB_NOT_FOUND', `No such ${target}`);
      const existing = [...m.policies.values()].find((x) => x.target === target && x.target_id === targetId);
      policy = { id: existing?.id ?? m.nextId('policy'), target, target_id: targetId, fields };
      return [{ op: 'policy', policy }, ...this.affected(m, target, targetId)];
    });
    await this.replica.audit(actor, 'dir.policy.set', `${target}:${targetId}`, { fields });
    return policy;
  }

  async deletePolicy(actor: Actor, p: { policy_id: number }): Promise<{ deleted: boolean }> {
    await this.replica.admin(actor);
    const id = p.policy_id;
    let policy: DirPolicy | undefined;
    await this.replica.commit((m) => {
      policy = m.policies.get(id);
      if (!policy) throw new AppError('SB_NOT_FOUND', 'No such policy');
      return [{ op: 'policy.delete', id }, ...this.affected(m, policy.target, policy.target_id)];
    });
    await this.replica.audit(actor, 'dir.policy.delete', `policy:${id}`, { target: policy?.target, target_id: policy?.target_id });
    return { deleted: true };
  }

  /** People whose masked view may change with a policy on this target: re-sent in the same version. */
  private affected(m: DirectoryModel, target: 'person' | 'dept', targetId: number): DirStoredChange[] {
    if (target === 'person') { const p = m.people.get(targetId); return p ? [{ op: 'person', person: p }] : []; }
    const ids = new Set<number>();
    for (const d of m.subtree(targetId)) for (const pid of m.membersOf(d)) ids.add(pid);
    return [...ids].map((pid) => ({ op: 'person' as const, person: m.people.get(pid)! }));
  }

  /** Limits an administrator's sight of confidential fields to some departments (and below); empty = everything. */
  async setScope(actor: Actor, p: { user_id: number; dept_ids: number[] }): Promise<{ user_id: number; dept_ids: number[] }> {
    await this.replica.admin(actor);
    const userId = p.user_id;
    // Until tiered administration exists: scopes are the super administrator's, and nobody widens their own.
    if (userId === actor.userId) throw new AppError('SB_FORBIDDEN', 'Nobody changes their own scope');
    const me = await this.store.users.byId(actor.userId);
    if (!me?.is_super) throw new AppError('SB_FORBIDDEN', 'Only the super administrator changes scopes');
    const deptIds = [...new Set(p.dept_ids)].sort((a, b) => a - b);
    if (!(await this.store.users.byId(userId))) throw new AppError('SB_NOT_FOUND', 'No such user');
    await this.replica.commit((m) => {
      for (const d of deptIds) if (!m.depts.has(d)) throw new AppError('SB_NOT_FOUND', `No such department ${d}`);
      return [{ op: 'scope', user_id: userId, dept_ids: deptIds }];
    });
    // The administrator scope of before roles: every grant the user holds now reaches these departments.
    await this.store.roles.rescopeAllOf(userId, deptIds.length ? deptIds : null);
    // Snapshots are cached by view; a new scope is a new view.
    await this.replica.audit(actor, 'dir.scope.set', `user:${userId}`, { dept_ids: deptIds });
    return { user_id: userId, dept_ids: deptIds };
  }

  /**
   * Whose confidential fields an administrator sees, kept equal to what their grants reach (core/roles): the
   * departments given (empty: everyone). A department id that does not exist (0) makes the view cover nobody.
   */
  async syncViewScope(userId: number, deptIds: number[]): Promise<void> {
    const next = [...new Set(deptIds)].sort((a, b) => a - b);
    await this.replica.commit((m) => {
      const cur = m.scopes.get(userId) ?? [];
      return cur.length === next.length && cur.every((d, i) => d === next[i]) ? [] : [{ op: 'scope', user_id: userId, dept_ids: next }];
    });
  }

  private deptName(v: string): string {
    const name = v.trim();
    if (!name) throw new AppError('SB_VALIDATION', 'name: must not be blank', { field: 'name' });
    return name;
  }
}

function dedupe(changes: DirStoredChange[]): DirStoredChange[] {
  const key = (c: DirStoredChange) => c.op === 'person' ? `p${c.person.id}` : c.op === 'person.delete' ? `p${c.id}` : c.op === 'dept' ? `d${c.dept.id}` : c.op === 'dept.delete' ? `d${c.id}` : `${c.op}`;
  const last = new Map<string, DirStoredChange>();
  for (const c of changes) { const k = key(c); last.delete(k); last.set(k, c); }
  return [...last.values()];
}
