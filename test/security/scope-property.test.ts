import t, { type Test } from 'tap';
import { BUILTIN_ROLES, type Permission } from '../../core/roles/permissions.js';
import type { ApiClient } from '../../shared/sdk/api.js';
import { orgPerson, outcome, type OrgPerson } from '../helpers/admin-org.js';
import { prng } from '../helpers/prng.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * Property: with random org trees, random grants and random operations, no administrator reads or changes anything
 * outside their grants, and what lies inside them is allowed. The expected answer of every operation is computed
 * here from the tree and the grants alone, independently of central. SB_SEED=n replays one seed.
 */
const SEEDS = process.env.SB_SEED ? [Number(process.env.SB_SEED)] : [11, 23, 47];
const ROUNDS = Number(process.env.SB_ROUNDS ?? 60);
const ROLES = Object.values(BUILTIN_ROLES);
const SECRET = '13900000000';

interface Grant { roleId: number; perms: readonly Permission[]; depts: number[] | null }

t.test('no administrator reaches outside their grants; inside them everything is allowed', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const totals = { allowed: 0, refused: 0, listed: 0 };
  for (const seed of SEEDS) await t.test(`seed ${seed}`, (t) => round(t, server, seed, totals));
  t.ok(totals.allowed > 20 && totals.refused > 20, `both outcomes were exercised (${JSON.stringify(totals)})`);
});

async function round(t: Test, server: TestServer, seed: number, totals: { allowed: number; refused: number; listed: number }): Promise<void> {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const admin = server.admin;
  const tag = `s${seed}`;

  // A random tree (each department under an earlier one, or at the top), in an org structure of its own.
  const org = await admin.call('admin.dir.org.create', { name: `org-${tag}` });
  const parent = new Map<number, number | null>();
  const depts: number[] = [];
  for (let i = 0, n = 6 + int(6); i < n; i++) {
    const up = depts.length && rnd() < 0.75 ? pick(depts) : null;
    const d = await admin.call('admin.dir.dept.create', up === null ? { name: `${tag}-d${i}`, org_id: org.id } : { name: `${tag}-d${i}`, parent_id: up });
    parent.set(d.id, up);
    depts.push(d.id);
  }
  const subtree = (root: number): number[] => [root, ...depts.filter((d) => parent.get(d) === root).flatMap(subtree)];

  // People in one or two departments; some of them signed in, to be administrators.
  const people: OrgPerson[] = [];
  for (let i = 0, n = 8 + int(5); i < n; i++) {
    const home = [pick(depts)];
    if (rnd() < 0.3) home.push(pick(depts.filter((d) => d !== home[0])));
    const p = await orgPerson(server, `${tag}-p${i}`, home);
    if (rnd() < 0.5) await admin.call('admin.dir.person.update', { person_id: p.person.id, mobile: SECRET });
    people.push(p);
  }
  await admin.call('admin.dir.policy.set', { target: 'dept', target_id: depts[0]!, fields: ['mobile'] });
  for (const root of depts.filter((d) => parent.get(d) === null)) await admin.call('admin.dir.policy.set', { target: 'dept', target_id: root, fields: ['mobile'] });

  const grants = new Map<number, Grant[]>();
  const admins = people.slice(0, 4);
  for (const a of admins) {
    const mine: Grant[] = [];
    for (let k = 0, n = 1 + int(2); k < n; k++) {
      const role = pick(ROLES);
      const scope = rnd() < 0.15 ? null : [...new Set([pick(depts), ...(rnd() < 0.3 ? [pick(depts)] : [])])];
      await admin.call('admin.grants.add', { user_id: a.userId, role_id: role.id, dept_ids: scope });
      mine.push({ roleId: role.id, perms: role.permissions, depts: scope?.sort((x, y) => x - y) ?? null });
    }
    grants.set(a.userId, mine);
  }

  // What each administrator covers for a permission, from the tree and the grants alone (null: everything).
  const reach = (userId: number, perm: Permission | 'any'): Set<number> | null | 'none' => {
    const fit = (grants.get(userId) ?? []).filter((g) => perm === 'any' || g.perms.includes(perm));
    if (!fit.length) return 'none';
    if (fit.some((g) => g.depts === null)) return null;
    return new Set(fit.flatMap((g) => g.depts!.flatMap(subtree)));
  };
  const personIn = (r: Set<number> | null | 'none', p: OrgPerson) => r !== 'none' && (r === null || p.person.depts.some((d) => r.has(d.dept_id)));
  const byUser = new Map(people.map((p) => [p.userId, p]));
  const userIn = (r: Set<number> | null | 'none', userId: number | null) => {
    if (r === 'none') return false;
    if (r === null) return true;
    const p = userId === null ? undefined : byUser.get(userId);
    return p !== undefined && personIn(r, p);
  };
  const deptIn = (r: Set<number> | null | 'none', d: number) => r !== 'none' && (r === null || r.has(d));
  const within = (r: Set<number> | null | 'none', scope: number[] | null) => r !== 'none' && (r === null || (scope !== null && scope.every((d) => r.has(d))));

  const check = async (what: string, call: () => Promise<unknown>, allowed: boolean, after?: () => Promise<boolean>) => {
    const got = await outcome(call());
    if (allowed) { t.equal(got, 'ok', `${what}: allowed`); totals.allowed++; } else { t.match(got, /^SB_(FORBIDDEN|GRANT_EXCEEDS)$/, `${what}: refused`); totals.refused++; }
    if (after) t.ok(await after(), `${what}: the state is as expected`);
  };

  for (let i = 0; i < ROUNDS; i++) {
    const a = pick(admins);
    const api: ApiClient = a.api;
    const who = `${tag}#${i} ${a.person.account}`;
    const target = pick(people);
    const dept = pick(depts);
    switch (int(8)) {
      case 0: {
        const r = reach(a.userId, 'people');
        const got = await outcome(api.call('admin.users.list', { limit: 1000 }).then((list) => {
          const ids = new Set(list.map((u) => u.id));
          const expected = people.filter((p) => personIn(r, p)).map((p) => p.userId);
          t.ok(list.every((u) => userIn(r, u.id) || r === null), `${who} users.list: nobody outside the scope`);
          t.ok(expected.every((id) => ids.has(id)), `${who} users.list: everyone inside it`);
          totals.listed += list.length;
        }));
        t.equal(got, r === 'none' ? 'SB_FORBIDDEN' : 'ok', `${who} users.list`);
        break;
      }
      case 1: {
        const title = `t${i}`;
        const r = reach(a.userId, 'people');
        await check(`${who} person.update ${target.person.account}`, () => api.call('admin.dir.person.update', { person_id: target.person.id, title }), personIn(r, target),
          async () => ((await admin.call('dir.person', { person_id: target.person.id })).title === title) === personIn(r, target));
        break;
      }
      case 2: {
        const name = `${tag}-n${i}`;
        const r = reach(a.userId, 'departments');
        await check(`${who} dept.update ${dept}`, () => api.call('admin.dir.dept.update', { dept_id: dept, name }), deptIn(r, dept),
          async () => ((await admin.call('dir.dept', { dept_id: dept, limit: 1 })).dept.name === name) === deptIn(r, dept));
        break;
      }
      case 3: {
        const r = reach(a.userId, 'devices');
        const got = await outcome(api.call('admin.sessions.list', {}).then((list) => {
          t.ok(list.every((s) => userIn(r, s.user_id)), `${who} sessions.list: no session outside the scope`);
          t.ok(people.filter((p) => personIn(r, p)).every((p) => list.some((s) => s.user_id === p.userId)), `${who} sessions.list: every one inside it`);
        }));
        t.equal(got, r === 'none' ? 'SB_FORBIDDEN' : 'ok', `${who} sessions.list`);
        break;
      }
      case 4: {
        const r = reach(a.userId, 'audit');
        const got = await outcome(api.call('admin.audit', { limit: 200 }).then((list) => {
          const seen = list.every((e) => {
            const [kind, raw] = e.target.split(':');
            const id = Number(raw);
            if (kind === 'user') return userIn(r, id);
            if (kind === 'person') { const p = people.find((x) => x.person.id === id); return r === null || (p !== undefined && personIn(r, p)); }
            if (kind === 'dept') return r === null || deptIn(r, id);
            return userIn(r, e.actor_id);
          });
          t.ok(seen, `${who} audit: no entry outside the scope`);
        }));
        t.equal(got, r === 'none' ? 'SB_FORBIDDEN' : 'ok', `${who} audit`);
        break;
      }
      case 5: {
        // Reading a confidential field: the real value only inside the scope of a people grant.
        const shown = (await api.call('dir.person', { person_id: target.person.id })).mobile;
        const real = (await admin.call('dir.person', { person_id: target.person.id })).mobile;
        const sees = target.userId === a.userId || personIn(reach(a.userId, 'people'), target);
        t.equal(shown, sees ? real : '***', `${who} reads ${target.person.account}'s mobile ${sees ? 'unmasked' : 'masked'}`);
        break;
      }
      case 6: {
        const r = reach(a.userId, 'security');
        await check(`${who} policy.set dept ${dept}`, () => api.call('admin.dir.policy.set', { target: 'dept', target_id: dept, fields: ['mobile'] }), deptIn(r, dept));
        break;
      }
      default: {
        // A grant: never beyond the granter's own permissions and scope, never to oneself.
        const role = pick(ROLES);
        const scope = rnd() < 0.2 ? null : [pick(depts)];
        const allowed = target.userId !== a.userId && userIn(reach(a.userId, 'any'), target.userId) && role.permissions.every((p) => within(reach(a.userId, p), scope));
        const before = (await admin.call('admin.grants.list', { user_id: target.userId })).map((g) => g.id);
        let added: number | null = null;
        await check(`${who} grants ${role.name} ${JSON.stringify(scope)} to ${target.person.account}`, async () => { added = (await api.call('admin.grants.add', { user_id: target.userId, role_id: role.id, dept_ids: scope })).id; }, allowed,
          async () => (await admin.call('admin.grants.list', { user_id: target.userId })).length === before.length + (allowed && !before.includes(added ?? -1) ? 1 : 0));
        // Put back as it was, so the expectations above stay those of the grants made at the start.
        if (added !== null && !before.includes(added)) await admin.call('admin.grants.revoke', { grant_id: added });
      }
    }
  }
}
