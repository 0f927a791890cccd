/**
 * The organisation directory on the wire: orgs (parallel structures), departments
 * in a tree per org, people in one or more departments. Every change carries the
 * directory version it produced; a client holds a snapshot at version V and applies
 * the changes after V to reach the current state.
 */
export type PersonStatus = 'active' | 'disabled' | 'left';
export const PERSON_STATUSES: readonly PersonStatus[] = ['active', 'disabled', 'left'];
export type Gender = '' | 'male' | 'female';

/** One organisation structure (多套组织架构): its own tree of departments over the same people. */
export interface DirOrg { id: number; name: string; sort: number }

export interface DirDept {
  id: number;
  org_id: number;
  /** null for a top-level department of its org. */
  parent_id: number | null;
  name: string;
  /** Order among siblings, ascending. */
  sort: number;
  /** Stable key from an imported source (RTX DeptID, CSV dept path); null when created by hand. */
  ext_id: string | null;
}

export interface DirMembership { dept_id: number; title: string; sort: number }

export interface DirPerson {
  id: number;
  /** The sign-in user this person is (created with the person; no password until an admin sets one). */
  user_id: number | null;
  account: string;
  name: string;
  english_name: string;
  gender: Gender;
  mobile: string;
  phone: string;
  email: string;
  title: string;
  employee_no: string;
  avatar: string;
  status: PersonStatus;
  depts: DirMembership[];
}

/** Fields a confidentiality policy may hide (关键员工信息保密). */
export const CONFIDENTIAL_FIELDS = ['english_name', 'gender', 'mobile', 'phone', 'email', 'title', 'employee_no', 'avatar'] as const;
export type ConfidentialField = (typeof CONFIDENTIAL_FIELDS)[number];
export const MASK = '***';

export interface DirPolicy {
  id: number;
  /** A person, or a department (then every person in it or below it, in any org). */
  target: 'person' | 'dept';
  target_id: number;
  fields: ConfidentialField[];
}

/** What clients see change. */
export type DirChange =
  | { op: 'org'; org: DirOrg }
  | { op: 'org.delete'; id: number }
  | { op: 'dept'; dept: DirDept }
  | { op: 'dept.delete'; id: number }
  | { op: 'person'; person: DirPerson }
  | { op: 'person.delete'; id: number };

export interface DirSnapshot {
  version: number;
  orgs: DirOrg[];
  depts: DirDept[];
  people: DirPerson[];
}

export type DirDelta =
  | { version: number; from: number; changes: DirChange[]; reset?: false }
  /** Too far behind (or the history is gone): fetch a new snapshot. */
  | { version: number; from: number; reset: true };

/** A client's copy of the directory, keyed by id. */
export interface DirState {
  version: number;
  orgs: Map<number, DirOrg>;
  depts: Map<number, DirDept>;
  people: Map<number, DirPerson>;
}

export function stateFromSnapshot(s: DirSnapshot): DirState {
  return {
    version: s.version,
    orgs: new Map(s.orgs.map((o) => [o.id, o])),
    depts: new Map(s.depts.map((d) => [d.id, d])),
    people: new Map(s.people.map((p) => [p.id, p])),
  };
}

/** Applies changes in order; the state's version becomes `version`. */
export function applyDirChanges(state: Pick<DirState, 'orgs' | 'depts' | 'people'> & { version: number }, changes: readonly DirChange[], version: number): void {
  for (const c of changes) {
    switch (c.op) {
      case 'org': state.orgs.set(c.org.id, c.org); break;
      case 'org.delete': state.orgs.delete(c.id); break;
      case 'dept': state.depts.set(c.dept.id, c.dept); break;
      case 'dept.delete': state.depts.delete(c.id); break;
      case 'person': state.people.set(c.person.id, c.person); break;
      case 'person.delete': state.people.delete(c.id); break;
      default: break;
    }
  }
  state.version = version;
}

/** A canonical snapshot of a state (sorted by id), for comparing two copies. */
export function snapshotOf(state: DirState): DirSnapshot {
  const byId = <T extends { id: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.id - b.id);
  return { version: state.version, orgs: byId(state.orgs), depts: byId(state.depts), people: byId(state.people) };
}
