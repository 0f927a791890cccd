import type { Test } from 'tap';
import { tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, sessions: create, look up, revoke, revoke all, list active. */
export function sessionsContract(t: Test, harness: () => StoreHarness): void {
  const { user } = fixtures(() => harness().store);

  t.test('sessions: create, look up, revoke, revoke all, list active', async (t) => {
    const s = harness().store;
    const u = await user();
    const other = await user();
    const mk = (id: string, userId: number, createdAt: number, expiresAt: number) => ({
      id, user_id: userId, token_hash: `th-${id}`, device_type: 'web' as const, device_name: 'Firefox', ip: '10.0.0.1',
      created_at: createdAt, expires_at: expiresAt, last_seen_at: createdAt,
    });
    const k = tag().replace(/[^a-z0-9]/gi, '').slice(-20);
    await s.sessions.create(mk(`a${k}`, u.id, 100, 10_000));
    await s.sessions.create(mk(`b${k}`, u.id, 200, 10_000));
    await s.sessions.create(mk(`c${k}`, u.id, 300, 500));
    await s.sessions.create({ ...mk(`d${k}`, other.id, 400, 10_000), ip: null });
    t.match(await s.sessions.byTokenHash(`th-a${k}`), { id: `a${k}`, user_id: u.id, revoked_at: null, ip: '10.0.0.1', device_type: 'web' });
    t.match(await s.sessions.byId(`d${k}`), { ip: null });
    t.equal(await s.sessions.byId('missing'), null);
    t.equal(await s.sessions.byTokenHash('missing'), null);

    const active = await s.sessions.listActive({ userId: u.id, now: 1_000, limit: 10 });
    t.same(active.map((x) => x.id), [`b${k}`, `a${k}`], 'newest first, expired left out');
    t.same((await s.sessions.listActive({ userId: u.id, now: 1_000, limit: 1 })).map((x) => x.id), [`b${k}`]);
    const all = await s.sessions.listActive({ now: 1_000, limit: 10_000 });
    t.ok(all.some((x) => x.id === `d${k}`) && all.some((x) => x.id === `a${k}`), 'without userId: everyone');

    const revoked = await s.sessions.revoke(`a${k}`, 900);
    t.match(revoked, { id: `a${k}`, revoked_at: 900 });
    t.equal(await s.sessions.revoke(`a${k}`, 901), null, 'second revoke is a no-op');
    t.equal((await s.sessions.byId(`a${k}`))!.revoked_at, 900);

    const ended = await s.sessions.revokeAllForUser(u.id, 950);
    t.same(ended.map((x) => x.id).sort(), [`b${k}`, `c${k}`], 'every unrevoked session of the user');
    t.ok(ended.every((x) => x.revoked_at === 950));
    t.same(await s.sessions.listActive({ userId: u.id, now: 0, limit: 10 }), []);
    t.same(await s.sessions.revokeAllForUser(u.id, 960), []);
    t.equal((await s.sessions.byId(`d${k}`))!.revoked_at, null, 'other users untouched');
  });
}
