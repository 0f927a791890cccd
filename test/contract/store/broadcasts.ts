import type { Test } from 'tap';
import type { Store } from '../../../core/ports.js';
import { code, tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, broadcasts: stored with their recipients, delivered in batches behind a cursor, counted by read cursors. */
export function broadcastsContract(t: Test, harness: () => StoreHarness): void {
  const { user, text } = fixtures(() => harness().store);
  const make = (s: Store, senderId: number, recipients: number[], cmid = `bc-${tag()}`) => s.broadcasts.create({
    senderId, cmid, title: '通知', text: '内容', file: null, target: JSON.stringify({ user_ids: recipients }), recipients, at: 4_000,
  });
  const batch = (id: number, from: number, userIds: number[], fileId: number | null = null) =>
    ({ id, from, userIds, body: JSON.stringify({ broadcast: { id, title: '通知', text: '内容' } }), title: '系统消息', fileId, at: 5_000 });

  t.test('broadcasts: stored with their recipients once per (sender, cmid); nothing listed for a sender without any', async (t) => {
    const s = harness().store;
    const admin = await user(); const a = await user(); const b = await user();
    t.same(await s.broadcasts.list({ senderId: admin.id, limit: 10 }), [], 'none yet');
    t.equal(await s.broadcasts.byCmid(admin.id, 'nope'), null);
    const cmid = `bc-${tag()}`;
    const first = await make(s, admin.id, [b.id, a.id], cmid);
    t.equal(first.created, true);
    t.match(first.broadcast, { sender_id: admin.id, cmid, title: '通知', text: '内容', file: null, total: 2, delivered: 0 });
    const again = await make(s, admin.id, [a.id], cmid);
    t.same(again, { broadcast: first.broadcast, created: false }, 'a retry returns the original');
    t.same(await s.broadcasts.recipients(first.broadcast.id), [b.id, a.id], 'the recipients, in the order given');
    t.same(await s.broadcasts.get(first.broadcast.id), first.broadcast);
    t.same(await s.broadcasts.byCmid(admin.id, cmid), first.broadcast);
    t.same((await s.broadcasts.list({ senderId: admin.id, limit: 10 })).map((x) => x.id), [first.broadcast.id]);
    t.ok((await s.broadcasts.unfinished()).includes(first.broadcast.id), 'unfinished until delivered');
    t.same(await s.broadcasts.recipients(999_999_999), [], 'an unknown broadcast has no recipients');
  });

  t.test('broadcasts: a batch creates system conversations once, appends in order, moves the cursor; a stale batch does nothing', async (t) => {
    const s = harness().store;
    const admin = await user(); const a = await user(); const b = await user(); const c = await user();
    const { broadcast: one } = await make(s, admin.id, [a.id, b.id, c.id]);
    const since = (await s.conversations.changedSince(a.id, 0)).pos;
    const r1 = await s.broadcasts.deliver(batch(one.id, 0, [a.id, b.id]));
    t.equal(r1.delivered, 2);
    t.same(r1.deliveries.map((d) => [d.userId, d.createdConversation, d.message.seq, d.message.kind]), [[a.id, true, 1, 'broadcast'], [b.id, true, 1, 'broadcast']]);
    t.same(await s.broadcasts.deliver(batch(one.id, 0, [a.id, b.id])), { deliveries: [], delivered: 2 }, 'from an old cursor: nothing');
    const r2 = await s.broadcasts.deliver(batch(one.id, 2, [c.id]));
    t.equal(r2.delivered, 3);
    t.notOk((await s.broadcasts.unfinished()).includes(one.id), 'finished');
    const conv = (await s.conversations.get(r1.deliveries[0]!.conversation.id))!;
    t.match(conv, { kind: 'system', title: '系统消息', last_seq: 1, owner_id: null });
    t.same(await s.conversations.messageBySeq(conv.id, 1), { ...r1.deliveries[0]!.message }, 'the message as stored, id included');
    t.same((await s.conversations.members(conv.id)).map((m) => [m.user_id, m.role, m.read_seq]), [[a.id, 'member', 0]], 'the recipient alone');
    const changed = await s.conversations.changedSince(a.id, since);
    t.ok(changed.changes.some((x) => x.conversation.id === conv.id), 'sync finds it');
    t.equal(await s.conversations.unreadCount(conv.id, a.id, 0), 1, 'unread');

    const { broadcast: two } = await make(s, admin.id, [a.id]);
    const r3 = await s.broadcasts.deliver(batch(two.id, 0, [a.id]));
    t.same(r3.deliveries.map((d) => [d.conversation.id, d.createdConversation, d.message.seq]), [[conv.id, false, 2]], 'the same conversation, next seq');

    t.equal(await s.broadcasts.readCount(one.id), 0);
    await s.conversations.markRead(conv.id, a.id, 1);
    t.equal(await s.broadcasts.readCount(one.id), 1, 'read once the cursor reaches its message');
    t.equal(await s.broadcasts.readCount(two.id), 0, 'the later one is not');
  });

  t.test('broadcasts: nobody sends into a system conversation; the sender among the recipients has read it; files become reachable', async (t) => {
    const s = harness().store;
    const admin = await user(); const a = await user();
    const f = await s.files.create({ sha256: 'b'.repeat(64), size: 1, name: 'n.txt', mime: 'text/plain', uploader_id: admin.id, created_at: 1 });
    const { broadcast } = await make(s, admin.id, [admin.id, a.id]);
    const r = await s.broadcasts.deliver(batch(broadcast.id, 0, [admin.id, a.id], f.id));
    const [mine, theirs] = r.deliveries;
    t.equal((await s.conversations.membership(mine!.conversation.id, admin.id))!.read_seq, 1, 'the sender has read their own');
    t.equal(await s.broadcasts.readCount(broadcast.id), 1);
    t.equal(await s.files.canAccess(a.id, f.id), true, 'a recipient may fetch the attached file');
    const convId = theirs!.conversation.id;
    t.equal(await code(s.conversations.append(text(convId, a.id))), 'SB_READ_ONLY', 'a reply is refused');
    const many = await Promise.all([1, 2, 3].map(() => code(s.conversations.append(text(convId, a.id)))));
    t.same(many, ['SB_READ_ONLY', 'SB_READ_ONLY', 'SB_READ_ONLY'], 'also when several come at once');
    t.equal((await s.conversations.get(convId))!.last_seq, 1, 'nothing was stored');
  });

  t.test('broadcasts: concurrent batches from one cursor: exactly one delivers; a large batch reads its ids back right', async (t) => {
    const s = harness().store;
    const admin = await user();
    const people = await Promise.all(Array.from({ length: 60 }, () => user()));
    const ids = people.map((p) => p.id);
    const { broadcast } = await make(s, admin.id, ids);
    // Half of them already have a system conversation.
    const { broadcast: warm } = await make(s, admin.id, ids.slice(0, 30));
    await s.broadcasts.deliver(batch(warm.id, 0, ids.slice(0, 30)));
    const results = await Promise.all([0, 1, 2].map(() => s.broadcasts.deliver(batch(broadcast.id, 0, ids))));
    t.same(results.map((r) => r.deliveries.length).sort(), [0, 0, 60], 'one of three delivered');
    const winner = results.find((r) => r.deliveries.length)!;
    for (const d of winner.deliveries) {
      const stored = await s.conversations.messageBySeq(d.conversation.id, d.message.seq);
      t.same(stored, d.message, `recipient ${d.userId}: the message as stored`);
    }
    t.same(winner.deliveries.map((d) => d.message.seq), ids.map((_, i) => (i < 30 ? 2 : 1)));
    t.equal((await s.broadcasts.get(broadcast.id))!.delivered, 60);
  });

  t.test('broadcasts: everyone is the enabled users, ascending, paged by id', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    await s.users.update(b.id, { disabled: true }, 2_000);
    const from = a.id - 1;
    const ids = await s.broadcasts.enabledUserIds(from, 1000);
    t.ok(ids.includes(a.id) && ids.includes(c.id), 'enabled users are in');
    t.notOk(ids.includes(b.id), 'a disabled one is not');
    t.same(ids, [...ids].sort((x, y) => x - y), 'ascending');
    t.ok(ids.every((id) => id > from), 'above the cursor');
    t.same(await s.broadcasts.enabledUserIds(from, 1), [a.id], 'at most the limit');
    t.same(await s.broadcasts.enabledUserIds(Number.MAX_SAFE_INTEGER - 1, 10), [], 'none past the last');
  });
}
