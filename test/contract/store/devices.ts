import type { Test } from 'tap';
import { tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, devices: wipe orders with the session's end, acknowledgement, lists; PINs; the device policy. */
export function devicesContract(t: Test, harness: () => StoreHarness): void {
  const { user } = fixtures(() => harness().store);
  const session = async (userId: number, at = 100) => {
    const id = `w${tag().replace(/[^a-z0-9]/gi, '').slice(-24)}`;
    await harness().store.sessions.create({
      id, user_id: userId, token_hash: `th-${id}`, device_type: 'mobile', device_name: 'iPhone', ip: null, created_at: at, expires_at: 10_000_000, last_seen_at: at,
    });
    return id;
  };

  t.test('devices: a wipe order ends the session in the same write, once; found by the token hash; acknowledged once', async (t) => {
    const s = harness().store;
    const u = await user();
    const admin = await user();
    const sid = await session(u.id);
    t.equal(await s.devices.orderWipe({ sessionId: 'missing', orderedBy: admin.id, reason: 'admin', at: 500 }), null, 'no such session');
    t.equal(await s.devices.wipeByTokenHash(`th-${sid}`), null, 'no order yet');

    const first = await s.devices.orderWipe({ sessionId: sid, orderedBy: admin.id, reason: 'admin', at: 500 });
    t.match(first, { created: true, wipe: { session_id: sid, user_id: u.id, device_type: 'mobile', device_name: 'iPhone', reason: 'admin', ordered_by: admin.id, ordered_at: 500, acked_at: null }, ended: { id: sid, revoked_at: 500 } });
    t.equal((await s.sessions.byId(sid))!.revoked_at, 500, 'the session ended');
    t.same(await s.sessions.listActive({ userId: u.id, now: 600, limit: 10 }), []);
    const again = await s.devices.orderWipe({ sessionId: sid, orderedBy: u.id, reason: 'self', at: 700 });
    t.match(again, { created: false, ended: null, wipe: { id: first!.wipe.id, reason: 'admin', ordered_at: 500 } }, 'a second order keeps the first');
    t.same(await s.devices.wipeByTokenHash(`th-${sid}`), first!.wipe, 'found by the ended session\'s token hash');
    t.equal(await s.devices.wipeByTokenHash('th-missing'), null);

    t.equal(await s.devices.ackWipe(first!.wipe.id + 1_000_000, 800), null, 'an unknown order');
    t.match(await s.devices.ackWipe(first!.wipe.id, 800), { changed: true, wipe: { acked_at: 800 } });
    t.match(await s.devices.ackWipe(first!.wipe.id, 900), { changed: false, wipe: { acked_at: 800 } }, 'the first acknowledgement stays');

    // A session ended before its order: the order is recorded, nothing more ends.
    const old = await session(u.id);
    await s.sessions.revoke(old, 300);
    t.match(await s.devices.orderWipe({ sessionId: old, orderedBy: u.id, reason: 'self', at: 1_000 }), { created: true, ended: null });
  });

  t.test('devices: orders listed newest first, by people, by state, paged; concurrent orders of one session make one', async (t) => {
    const s = harness().store;
    const [a, b] = [await user(), await user()];
    const ids: number[] = [];
    for (const who of [a, b, a]) ids.push((await s.devices.orderWipe({ sessionId: await session(who.id), orderedBy: who.id, reason: 'self', at: 2_000 }))!.wipe.id);
    await s.devices.ackWipe(ids[0]!, 2_100);
    t.same((await s.devices.listWipes({ userIds: [a.id], limit: 10 })).map((w) => w.id), [ids[2], ids[0]], 'mine, newest first');
    t.same((await s.devices.listWipes({ userIds: [a.id, b.id], state: 'pending', limit: 10 })).map((w) => w.id), [ids[2], ids[1]]);
    t.same((await s.devices.listWipes({ userIds: [a.id], state: 'acknowledged', limit: 10 })).map((w) => w.id), [ids[0]]);
    t.same((await s.devices.listWipes({ userIds: [a.id, b.id], beforeId: ids[2], limit: 1 })).map((w) => w.id), [ids[1]], 'paged by id');
    t.same(await s.devices.listWipes({ userIds: [], limit: 10 }), [], 'nobody\'s');
    const all = await s.devices.listWipes({ userIds: null, limit: 10_000 });
    t.ok(ids.every((id) => all.some((w) => w.id === id)), 'everyone\'s');

    const sid = await session(b.id);
    const racing = await Promise.all([1, 2, 3, 4].map((i) => s.devices.orderWipe({ sessionId: sid, orderedBy: b.id, reason: 'self', at: 3_000 + i })));
    t.equal(racing.filter((r) => r!.created).length, 1, 'one order is created');
    t.equal(racing.filter((r) => r!.ended).length, 1, 'and the session ends once');
    t.equal(new Set(racing.map((r) => r!.wipe.id)).size, 1, 'every caller sees the same order');
  });

  t.test('devices: PINs set, replaced and cleared per person; the policy row', async (t) => {
    const s = harness().store;
    const [a, b] = [await user(), await user()];
    t.equal(await s.devices.pin(a.id), null);
    t.equal(await s.devices.clearPin(a.id), false, 'nothing to clear');
    await s.devices.setPin(a.id, 'scrypt$one', 100);
    await s.devices.setPin(b.id, 'scrypt$other', 110);
    t.same(await s.devices.pin(a.id), { pin_hash: 'scrypt$one', set_at: 100 });
    await s.devices.setPin(a.id, 'scrypt$two', 200);
    t.same(await s.devices.pin(a.id), { pin_hash: 'scrypt$two', set_at: 200 }, 'replaced');
    t.equal(await s.devices.clearPin(a.id), true);
    t.equal(await s.devices.pin(a.id), null);
    t.same(await s.devices.pin(b.id), { pin_hash: 'scrypt$other', set_at: 110 }, 'others untouched');

    const before = await s.devices.policy();
    t.equal(typeof before.require_pin, 'boolean');
    t.same(await s.devices.setPolicy({ require_pin: true, max_attempts: 7 }, 400, a.id), { require_pin: true, max_attempts: 7, updated_at: 400 });
    t.same(await s.devices.policy(), { require_pin: true, max_attempts: 7, updated_at: 400 });
    await s.devices.setPolicy({ require_pin: before.require_pin, max_attempts: before.max_attempts }, 500, a.id);
  });
}
