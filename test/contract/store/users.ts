import type { Test } from 'tap';
import { code, tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, users: create, look up, conflict, list, update, count. */
export function usersContract(t: Test, harness: () => StoreHarness): void {
  const { user } = fixtures(() => harness().store);

  t.test('users: create, look up, conflict, list, update, count', async (t) => {
    const s = harness().store;
    const before = await s.users.count();
    const acct = `Zhang-${tag()}`;
    const u = await s.users.create({ account: acct, name: '张伟 Wei', passwordHash: 'h1', isAdmin: true, at: 10 });
    t.ok(u.id > 0);
    t.match(u, { account: acct, name: '张伟 Wei', password_hash: 'h1', is_admin: true, disabled: false, created_at: 10, updated_at: 10 });
    t.equal(await code(s.users.create({ account: acct, name: 'x', passwordHash: 'h', isAdmin: false, at: 11 })), 'SB_CONFLICT', 'duplicate account');
    t.equal(await s.users.count(), before + 1, 'count grew by one');
    t.same(await s.users.byId(u.id), u);
    t.same(await s.users.byAccount(acct), u);
    t.equal(await s.users.byId(987_654_321), null);
    t.equal(await s.users.byAccount(`nobody-${tag()}`), null);
    const v = await user('Second');
    t.same((await s.users.byIds([u.id, v.id])).map((x) => x.id).sort((a, b) => a - b), [u.id, v.id].sort((a, b) => a - b));
    t.same(await s.users.byIds([]), []);

    const marker = `q${tag()}`;
    const listed = [];
    for (let i = 0; i < 5; i++) listed.push(await s.users.create({ account: `${marker}-${i}`, name: `Name ${i}`, passwordHash: 'h', isAdmin: false, at: 1 }));
    const byQuery = await s.users.list({ limit: 100, query: marker.toUpperCase() });
    t.same(byQuery.map((x) => x.id), listed.map((x) => x.id), 'query matches by substring, case-insensitively, ordered by id');
    const page = await s.users.list({ limit: 2, query: marker, afterId: listed[1]!.id });
    t.same(page.map((x) => x.id), [listed[2]!.id, listed[3]!.id], 'afterId + limit pages');
    t.same(await s.users.list({ limit: 10, query: `${marker}%` }), [], '% is literal, not a wildcard');
    t.same(await s.users.list({ limit: 10, query: `${marker}_0`.replace('-', '_') }), [], '_ is literal, not a wildcard');
    const byName = await s.users.list({ limit: 10, query: '张伟' });
    t.ok(byName.some((x) => x.id === u.id), 'name matches too');

    const up = await s.users.update(u.id, { name: 'Renamed', disabled: true }, 20);
    t.match(up, { id: u.id, name: 'Renamed', disabled: true, is_admin: true, password_hash: 'h1', updated_at: 20 });
    const up2 = await s.users.update(u.id, { isAdmin: false, passwordHash: 'h2', disabled: false }, 30);
    t.match(up2, { name: 'Renamed', disabled: false, is_admin: false, password_hash: 'h2', updated_at: 30 });
    t.equal(await s.users.update(987_654_321, { name: 'x' }, 1), null, 'unknown id');
  });
}
