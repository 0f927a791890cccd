import t from 'tap';
import { DirectoryModel } from '../../core/directory/model.js';
import { applyDirChanges, snapshotOf, stateFromSnapshot, type DirDept, type DirPerson } from '../../shared/protocol/directory.js';

const d = (id: number, parent: number | null, org = 1): DirDept => ({ id, org_id: org, parent_id: parent, name: `d${id}`, sort: -id, ext_id: null });
const person = (id: number, depts: number[]): DirPerson => ({
  id, user_id: id + 100, account: `p${id}`, name: `P${id}`, english_name: 'E', gender: 'male', mobile: `1${id}`, phone: '', email: `p${id}@x`, title: 'T',
  employee_no: '', avatar: '', status: 'active', depts: depts.map((x) => ({ dept_id: x, title: `t${x}`, sort: 0 })),
});

t.test('tree: ancestors, subtree, sibling order, several orgs over the same people', async (t) => {
  const m = DirectoryModel.from({
    version: 1, orgs: [{ id: 1, name: 'A', sort: 0 }, { id: 2, name: 'B', sort: 1 }],
    depts: [d(1, null), d(2, 1), d(3, 1), d(4, 2), d(5, null, 2)], people: [person(1, [4, 5]), person(2, [3])], policies: [], scopes: [],
  });
  t.same(m.ancestors(4), [4, 2, 1]);
  t.same(m.subtree(1).sort(), [1, 2, 3, 4]);
  t.same(m.childrenOf(1), [3, 2], 'siblings by sort');
  t.same(m.rootsOf(2), [5], 'a second org structure');
  t.same(m.membersOf(5), [1], 'the same person in both orgs');
  t.equal(m.path(4), 'd1/d2/d4');
  m.apply([{ op: 'dept', dept: { ...d(2, 3) } }], 2);
  t.same(m.ancestors(4), [4, 2, 3, 1], 'moved: the subtree comes along');
});

t.test('confidentiality: person and department policies (and below), scopes, masking of membership titles', async (t) => {
  const m = DirectoryModel.from({
    version: 1, orgs: [{ id: 1, name: 'A', sort: 0 }], depts: [d(1, null), d(2, 1), d(3, null)], people: [person(1, [2]), person(2, [3])],
    policies: [{ id: 1, target: 'dept', target_id: 1, fields: ['mobile', 'title'] }, { id: 2, target: 'person', target_id: 2, fields: ['email'] }],
    scopes: [{ user_id: 50, dept_ids: [3] }],
  });
  const pub = m.viewer(999, false);
  const p1 = m.present(pub, m.people.get(1)!);
  t.equal(p1.mobile, '***');
  t.equal(p1.title, '***');
  t.equal(p1.depts[0]!.title, '***', 'membership titles too');
  t.equal(p1.email, 'p1@x', 'other fields stay');
  t.equal(m.present(pub, m.people.get(2)!).email, '***', 'a person policy');
  t.equal(m.present(pub, m.people.get(2)!).mobile, '12', 'not covered by the department policy');
  const all = m.viewer(1, true);
  t.equal(m.present(all, m.people.get(1)!).mobile, '11', 'an unscoped admin sees everything');
  const scoped = m.viewer(50, true);
  t.equal(m.present(scoped, m.people.get(2)!).email, 'p2@x', 'inside the scope');
  t.equal(m.present(scoped, m.people.get(1)!).mobile, '***', 'outside the scope');
  t.not(m.viewKey(pub), m.viewKey(all));
  t.not(m.viewKey(all), m.viewKey(scoped));
});

t.test('deltas: applying changes to a snapshot equals the later snapshot', async (t) => {
  const m = DirectoryModel.from({ version: 1, orgs: [{ id: 1, name: 'A', sort: 0 }], depts: [d(1, null), d(2, 1)], people: [person(1, [2])], policies: [], scopes: [] });
  const v = m.viewer(0, false);
  const before = stateFromSnapshot(m.snapshot(v));
  const changes = [
    { op: 'dept' as const, dept: d(3, 1) }, { op: 'person' as const, person: person(2, [3]) }, { op: 'person.delete' as const, id: 1 },
    { op: 'dept.delete' as const, id: 2 }, { op: 'org' as const, org: { id: 2, name: 'B', sort: 1 } },
  ];
  m.apply(changes, 2);
  applyDirChanges(before, changes.map((c) => m.presentChange(v, c)!), 2);
  t.same(snapshotOf(before), m.snapshot(v));
});
