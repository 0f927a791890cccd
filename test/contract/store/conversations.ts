import type { Test } from 'tap';
import { AppError } from '../../../shared/errors.js';
import { code, tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, conversations: create, append and its effects, read cursors, history, changes. */
export function conversationsContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text, member } = fixtures(() => harness().store);

  t.test('conversations: create a group, idempotent by the creating cmid', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const cmid = `create-${tag()}`;
    const input = {
      kind: 'group' as const, title: '项目组', ownerId: a.id, directKey: null,
      members: [{ userId: a.id, role: 'owner' as const }, { userId: b.id, role: 'member' as const }, { userId: c.id, role: 'admin' as const }],
      first: { senderId: a.id, cmid, body: '{"event":"created"}', at: 5_000 },
    };
    const r = await s.conversations.create(input);
    t.equal(r.created, true);
    t.match(r.conversation, { kind: 'group', title: '项目组', notice: '', owner_id: a.id, direct_key: null, last_seq: 1, created_at: 5_000 });
    t.match(r.message, { conv_id: r.conversation.id, seq: 1, sender_id: a.id, cmid, kind: 'system', body: '{"event":"created"}', pos: r.conversation.pos });
    const members = await s.conversations.members(r.conversation.id);
    t.same(members.map((m) => [m.user_id, m.role, m.active, m.muted, m.joined_seq, m.read_seq]),
      [[a.id, 'owner', true, false, 1, 1], [b.id, 'member', true, false, 1, 1], [c.id, 'admin', true, false, 1, 1]].sort((x, y) => (x[0] as number) - (y[0] as number)));
    const again = await s.conversations.create(input);
    t.equal(again.created, false, 'the retry finds the original');
    t.equal(again.conversation.id, r.conversation.id);
    t.equal(again.message!.id, r.message!.id);
    t.same(await s.conversations.get(r.conversation.id), r.conversation);
    t.equal(await s.conversations.get(987_654_321), null);
  });

  t.test('conversations: direct conversations are unique per key', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const key = `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}`;
    const input = { kind: 'direct' as const, title: '', ownerId: null, directKey: key, members: [{ userId: a.id, role: 'member' as const }, { userId: b.id, role: 'member' as const }], first: null };
    const [one, two] = await Promise.all([s.conversations.create(input), s.conversations.create(input)]);
    t.equal(one!.conversation.id, two!.conversation.id, 'concurrent creation yields one conversation');
    t.equal([one!.created, two!.created].filter(Boolean).length, 1);
    t.equal(one!.message, null);
    t.match(one!.conversation, { kind: 'direct', direct_key: key, last_seq: 0, owner_id: null });
    t.same(await s.conversations.byDirectKey(key), one!.conversation);
    t.equal(await s.conversations.byDirectKey(`none-${tag()}`), null);
    const m = await s.conversations.append(text(one!.conversation.id, b.id));
    t.equal(m.message.seq, 1, 'first message of an empty direct conversation is seq 1');
  });

  t.test('append: seq, idempotent retry, membership and role checks, read cursor', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    const m2 = await s.conversations.append(text(g.id, b.id, { cmid: `x-${tag()}`, at: 7_000 }));
    t.equal(m2.created, true);
    t.same([...m2.recipients].sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y), 'the recipients are the active members');
    t.match(m2.message, { conv_id: g.id, seq: 2, sender_id: b.id, kind: 'text', created_at: 7_000 });
    t.ok(m2.message.pos > g.pos, 'position moves forward');
    const retry = await s.conversations.append(text(g.id, b.id, { cmid: m2.message.cmid, body: '"different"' }));
    t.equal(retry.created, false, 'same (sender, cmid) is a retry');
    t.same(retry.recipients, [], 'a retry is delivered to nobody again');
    t.same(retry.message, m2.message, 'and returns the original message');
    t.equal((await s.conversations.get(g.id))!.last_seq, 2, 'a retry assigns no seq');
    const other = await group(b.id, [a.id]);
    const crossed = await s.conversations.append(text(other.id, b.id, { cmid: m2.message.cmid }));
    t.equal(crossed.created, false, 'a cmid is unique per sender, even in another conversation');
    t.equal(crossed.message.conv_id, g.id);
    t.equal((await member(g.id, b.id)).read_seq, 2, 'the sender has read their own message');
    t.equal((await member(g.id, a.id)).read_seq, 1);

    t.equal(await code(s.conversations.append(text(g.id, outsider.id))), 'SB_NOT_MEMBER');
    t.equal(await code(s.conversations.append(text(987_654_321, a.id))), 'SB_NOT_MEMBER', 'unknown conversation');
    const sys = await s.conversations.append(text(g.id, outsider.id, { kind: 'system', requireMember: false }));
    t.equal(sys.message.seq, 3, 'a system message may come from a non-member');
    t.equal(await code(s.conversations.append(text(g.id, b.id, { requireRole: ['owner', 'admin'] }))), 'SB_FORBIDDEN');
    const ok = await s.conversations.append(text(g.id, a.id, { requireRole: ['owner'] }));
    t.equal(ok.message.seq, 4, 'failed appends used no seq');
    t.same((await s.conversations.history(g.id, { afterSeq: 0, limit: 100 })).map((m) => m.seq), [1, 2, 3, 4]);
  });

  t.test('append effects: add, remove, roles, owner, title, notice', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user(); const d = await user();
    const g = await group(a.id, [b.id]);
    const added = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }, { userId: d.id, role: 'admin' }] } }));
    t.match(await member(g.id, c.id), { active: true, role: 'member', joined_seq: added.message.seq, read_seq: added.message.seq, pos: added.message.pos });
    t.match(await member(g.id, d.id), { role: 'admin' });
    await s.conversations.setMuted(g.id, c.id, true);
    const removed = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [c.id, d.id] } }));
    t.match(await member(g.id, c.id), { active: false, role: 'member', pos: removed.message.pos });
    t.match(await member(g.id, d.id), { active: false, role: 'member' });
    const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
    t.same(sorted(added.recipients), sorted([a.id, b.id, c.id, d.id]), 'added members receive the message that adds them');
    t.same(sorted(removed.recipients), sorted([a.id, b.id]), 'removed members do not receive the message that removes them');
    t.equal(await code(s.conversations.append(text(g.id, c.id))), 'SB_NOT_MEMBER', 'a removed member cannot send');
    const back = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }] } }));
    t.match(await member(g.id, c.id), { active: true, joined_seq: back.message.seq }, 'rejoining starts from the new seq');

    await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: b.id, role: 'admin' }, { userId: d.id, role: 'admin' }] } }));
    t.equal((await member(g.id, b.id)).role, 'admin');
    t.equal((await member(g.id, d.id)).role, 'member', 'role changes skip inactive members');
    const transfer = await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: a.id, role: 'admin' }], setOwner: b.id, setTitle: '新名字', setNotice: '周五放假' } }));
    const conv = (await s.conversations.get(g.id))!;
    t.match(conv, { owner_id: b.id, title: '新名字', notice: '周五放假', last_seq: transfer.message.seq, pos: transfer.message.pos });
    t.equal((await member(g.id, b.id)).role, 'owner');
    t.equal((await member(g.id, a.id)).role, 'admin');
    await s.conversations.append(text(g.id, b.id));
    t.match(await s.conversations.get(g.id), { title: '新名字', notice: '周五放假', owner_id: b.id }, 'plain messages keep title, notice, owner');
  });

  t.test('a burst of appends issued together behaves as if run one by one', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const g = await group(a.id, [b.id]);
    const first = text(g.id, b.id);
    const recipientsOf = new Map<number, number[]>();
    const settle = (p: Promise<{ message: { seq: number; id: number }; created: boolean; recipients: number[] }>) =>
      p.then((r) => {
        if (r.created) recipientsOf.set(r.message.seq, [...r.recipients].sort((x, y) => x - y));
        return { seq: r.message.seq, id: r.message.id, created: r.created };
      }, (e: unknown) => (e instanceof AppError ? e.code : String(e)));
    const results = await Promise.all([
      settle(s.conversations.append(first)),
      settle(s.conversations.append(text(g.id, c.id))),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { addMembers: [{ userId: c.id, role: 'member' }] } }))),
      settle(s.conversations.append(text(g.id, c.id))),
      settle(s.conversations.append({ ...first, body: '"retry"' })),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [b.id], setTitle: 'burst' } }))),
      settle(s.conversations.append(text(g.id, b.id))),
      settle(s.conversations.append(text(g.id, c.id, { requireRole: ['owner'] }))),
      settle(s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { setRoles: [{ userId: c.id, role: 'admin' }] } }))),
      settle(s.conversations.append(text(g.id, c.id, { requireRole: ['admin'] }))),
    ]);
    const r = results as ({ seq: number; id: number; created: boolean } | string)[];
    t.same(r.map((x) => (typeof x === 'string' ? x : x.seq)), [2, 'SB_NOT_MEMBER', 3, 4, 2, 5, 'SB_NOT_MEMBER', 'SB_FORBIDDEN', 6, 7]);
    t.same(r[4], { ...(r[0] as object), created: false }, 'the retry in the same burst gets the first message');
    t.match(await s.conversations.get(g.id), { last_seq: 7, title: 'burst' });
    t.match(await member(g.id, c.id), { active: true, role: 'admin', joined_seq: 3, read_seq: 7 });
    t.match(await member(g.id, b.id), { active: false });
    const stored = await s.conversations.history(g.id, { afterSeq: 0, limit: 20 });
    t.same(stored.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7]);
    const idOf = new Map(stored.map((m) => [m.seq, m.id]));
    t.same(r.filter((x) => typeof x !== 'string').map((x) => [x.seq, x.id]), r.filter((x) => typeof x !== 'string').map((x) => [x.seq, idOf.get(x.seq)]),
      'every id returned is the stored id');
    const ab = [a.id, b.id].sort((x, y) => x - y);
    const abc = [a.id, b.id, c.id].sort((x, y) => x - y);
    const ac = [a.id, c.id].sort((x, y) => x - y);
    t.same(Object.fromEntries(recipientsOf), { 2: ab, 3: abc, 4: abc, 5: ac, 6: ac, 7: ac }, 'each message goes to the members as of its seq');
  });

  t.test('a burst of large messages is stored intact', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const big = (i: number) => JSON.stringify({ text: `${i}:` + '长'.repeat(100_000) + 'x'.repeat(100_000) });
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => s.conversations.append(text(g.id, i % 2 ? a.id : b.id, { body: big(i) }))));
    t.same(results.map((r) => r.message.seq).sort((x, y) => x - y), Array.from({ length: 24 }, (_, i) => i + 2));
    const stored = await s.conversations.history(g.id, { afterSeq: 1, limit: 30 });
    t.equal(stored.length, 24);
    t.ok(stored.every((m) => m.body === results.find((r) => r.message.seq === m.seq)!.message.body), 'every body byte for byte');
    t.same(new Set(stored.map((m) => m.body)).size, 24);
    t.same(stored.map((m) => m.id), results.map((r) => r.message).sort((x, y) => x.seq - y.seq).map((m) => m.id), 'ids reported match the stored rows');
  });

  t.test('markRead moves forward only; setMuted reports changes', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    for (let i = 0; i < 4; i++) await s.conversations.append(text(g.id, a.id));
    t.same(await s.conversations.markRead(g.id, b.id, 3), { readSeq: 3, changed: true });
    const pos3 = (await member(g.id, b.id)).pos;
    t.same(await s.conversations.markRead(g.id, b.id, 2), { readSeq: 3, changed: false }, 'backwards is ignored');
    t.same(await s.conversations.markRead(g.id, b.id, 3), { readSeq: 3, changed: false });
    t.equal((await member(g.id, b.id)).pos, pos3, 'no change, no new position');
    t.same(await s.conversations.markRead(g.id, b.id, 5), { readSeq: 5, changed: true });
    t.equal(await code(s.conversations.markRead(g.id, outsider.id, 1)), 'SB_NOT_MEMBER');
    const [r1, r2] = await Promise.all([s.conversations.markRead(g.id, a.id, 5), s.conversations.markRead(g.id, a.id, 5)]);
    t.equal(r1!.readSeq, 5); t.equal(r2!.readSeq, 5);

    t.same(await s.conversations.setMuted(g.id, b.id, true), { changed: true });
    t.same(await s.conversations.setMuted(g.id, b.id, true), { changed: false });
    t.equal((await member(g.id, b.id)).muted, true);
    t.equal((await member(g.id, a.id)).muted, false, 'muting is per member');
    t.same(await s.conversations.setMuted(g.id, b.id, false), { changed: true });
    t.equal(await code(s.conversations.setMuted(g.id, outsider.id, true)), 'SB_NOT_MEMBER');
  });

  t.test('history, message lookups, unread counts', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    for (let i = 2; i <= 10; i++) await s.conversations.append(text(g.id, i % 3 === 0 ? b.id : a.id, { body: JSON.stringify({ text: `#${i}` }) }));
    t.same((await s.conversations.history(g.id, { afterSeq: 3, limit: 4 })).map((m) => m.seq), [4, 5, 6, 7]);
    t.same((await s.conversations.history(g.id, { beforeSeq: 6, limit: 3 })).map((m) => m.seq), [3, 4, 5], 'the newest below beforeSeq, ascending');
    t.same((await s.conversations.history(g.id, { limit: 2 })).map((m) => m.seq), [9, 10], 'neither bound: the latest');
    t.same(await s.conversations.history(g.id, { afterSeq: 10, limit: 5 }), []);
    const m5 = (await s.conversations.messageBySeq(g.id, 5))!;
    t.match(m5, { seq: 5, body: JSON.stringify({ text: '#5' }) });
    t.equal(await s.conversations.messageBySeq(g.id, 99), null);
    const other = await group(b.id, [a.id]);
    const got = await s.conversations.messagesBySeqs([{ convId: g.id, seq: 7 }, { convId: other.id, seq: 1 }, { convId: g.id, seq: 99 }, { convId: g.id, seq: 2 }]);
    t.same(got.map((m) => [m.conv_id, m.seq]), [[g.id, 7], [other.id, 1], [g.id, 2]], 'found ones, in the order asked');
    // Seqs 2..10: b sent 3, 6, 9; seq 1 is the system message.
    t.equal(await s.conversations.unreadCount(g.id, b.id, 0), 6, 'not their own, not system');
    t.equal(await s.conversations.unreadCount(g.id, a.id, 0), 3);
    t.equal(await s.conversations.unreadCount(g.id, b.id, 8), 1);
  });

  t.test('listForUser and changedSince', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const start = (await s.conversations.changedSince(c.id, 0)).pos;
    const g1 = await group(a.id, [b.id, c.id], 'one');
    const g2 = await group(a.id, [b.id], 'two');
    t.same((await s.conversations.listForUser(c.id)).map((x) => x.conversation.id), [g1.id]);
    t.same((await s.conversations.listForUser(a.id)).map((x) => x.conversation.id).sort((x, y) => x - y), [g1.id, g2.id].sort((x, y) => x - y));

    const first = await s.conversations.changedSince(c.id, start);
    t.ok(first.pos >= g1.pos, 'the position covers what was returned');
    t.same(first.changes.map((x) => x.conversation.id), [g1.id]);
    t.match(first.changes[0]!.member, { user_id: c.id, active: true, role: 'member' });
    t.same((await s.conversations.changedSince(c.id, first.pos)).changes, [], 'nothing new');

    await s.conversations.append(text(g2.id, a.id));
    t.same((await s.conversations.changedSince(c.id, first.pos)).changes, [], 'others\' conversations are not reported');
    const msg = await s.conversations.append(text(g1.id, b.id));
    const second = await s.conversations.changedSince(c.id, first.pos);
    t.same(second.changes.map((x) => [x.conversation.id, x.conversation.last_seq]), [[g1.id, msg.message.seq]]);
    t.ok(second.pos > first.pos);

    await s.conversations.setMuted(g1.id, c.id, true);
    const third = await s.conversations.changedSince(c.id, second.pos);
    t.same(third.changes.map((x) => [x.conversation.id, x.member.muted]), [[g1.id, true]], 'own setting changes are reported');

    await s.conversations.append(text(g1.id, a.id, { kind: 'system', effects: { removeMembers: [c.id] } }));
    const fourth = await s.conversations.changedSince(c.id, third.pos);
    t.same(fourth.changes.map((x) => [x.conversation.id, x.member.active]), [[g1.id, false]], 'removal is reported once');
    await s.conversations.append(text(g1.id, a.id));
    t.same((await s.conversations.changedSince(c.id, fourth.pos)).changes, [], 'a former member hears nothing more');
    t.same(await s.conversations.listForUser(c.id), [], 'listForUser has active memberships only');
  });
}
