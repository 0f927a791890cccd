import type { Test } from 'tap';
import { code, fixtures, type StoreHarness } from './harness.js';

/** Store contract, mentions and read receipts: mention rows in the append's transaction, counted from the read cursor. */
export function mentionsContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text, member } = fixtures(() => harness().store);
  const mention = (convId: number, senderId: number, userIds: number[], all = false) =>
    text(convId, senderId, { mentions: { userIds, all } });

  t.test('mentions: counted after the read cursor, not the sender\'s own, everyone once, cleared by reading past', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const g = await group(a.id, [b.id, c.id]);
    const m1 = (await s.conversations.append(mention(g.id, a.id, [b.id]))).message;
    await s.conversations.append(text(g.id, c.id));
    const m3 = (await s.conversations.append(mention(g.id, c.id, [b.id], true))).message;
    const rb = (await member(g.id, b.id)).read_seq;
    t.same(await s.mentions.unread(g.id, b.id, rb, 100), { count: 2, seqs: [m1.seq, m3.seq] }, 'b: named twice, once with everyone (counted once)');
    const rc = (await member(g.id, c.id)).read_seq;
    t.same(await s.mentions.unread(g.id, c.id, rc, 100), { count: 0, seqs: [] }, 'c wrote the @all, and read past the first by writing');
    t.same(await s.mentions.unread(g.id, a.id, (await member(g.id, a.id)).read_seq, 100), { count: 1, seqs: [m3.seq] }, 'a: everyone');
    t.same(await s.mentions.unread(g.id, b.id, rb, 1), { count: 2, seqs: [m1.seq] }, 'the list is capped, the count is not');
    await s.conversations.markRead(g.id, b.id, m1.seq);
    t.same(await s.mentions.unread(g.id, b.id, (await member(g.id, b.id)).read_seq, 100), { count: 1, seqs: [m3.seq] }, 'reading past the first clears it');
    await s.conversations.markRead(g.id, b.id, m3.seq);
    t.same(await s.mentions.unread(g.id, b.id, (await member(g.id, b.id)).read_seq, 100), { count: 0, seqs: [] }, 'and past the last, all');
  });

  t.test('mentions: a refused append stores no mention; a retry stores none twice', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    t.equal(await code(s.conversations.append(mention(g.id, outsider.id, [b.id]))), 'SB_NOT_MEMBER');
    const input = mention(g.id, a.id, [b.id]);
    await s.conversations.append(input);
    const retry = await s.conversations.append(input);
    t.equal(retry.created, false);
    t.same(await s.mentions.unread(g.id, b.id, 0, 100), { count: 1, seqs: [retry.message.seq] }, 'one mention, from the stored message');
  });

  t.test('mentions: active members among ids; the @everyone policy moves the conversation position', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user(); const outsider = await user();
    const g = await group(a.id, [b.id, c.id]);
    await s.conversations.append(text(g.id, a.id, { kind: 'system', body: '{"event":"x"}', effects: { removeMembers: [c.id] } }));
    t.same((await s.mentions.activeMembers(g.id, [a.id, b.id, c.id, outsider.id])).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
    t.same(await s.mentions.activeMembers(g.id, []), []);
    t.equal(await s.mentions.activeCount(g.id), 2);
    t.equal((await s.conversations.get(g.id))!.mention_all_policy, 'admins', 'the default');
    const before = (await s.conversations.get(g.id))!.pos;
    t.same(await s.mentions.setPolicy(g.id, 'everyone'), { changed: true });
    const after = (await s.conversations.get(g.id))!;
    t.equal(after.mention_all_policy, 'everyone');
    t.ok(after.pos > before, 'position moved');
    t.same(await s.mentions.setPolicy(g.id, 'everyone'), { changed: false });
    const seen = (await s.conversations.changedSince(b.id, before)).changes.find((x) => x.conversation.id === g.id);
    t.equal(seen?.conversation.mention_all_policy, 'everyone', 'synced to members');
    t.equal((await s.conversations.listForUser(a.id)).find((x) => x.conversation.id === g.id)?.conversation.mention_all_policy, 'everyone', 'listForUser');
  });

  t.test('mentions: appends coalesced in one batch keep each message\'s mentions', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const g = await group(a.id, [b.id, c.id]);
    const rs = await Promise.all([mention(g.id, a.id, [b.id]), text(g.id, a.id), mention(g.id, c.id, [b.id], true), mention(g.id, a.id, [c.id])]
      .map((i) => s.conversations.append(i)));
    const seqs = rs.map((r) => r.message.seq);
    t.same(await s.mentions.unread(g.id, b.id, 0, 100), { count: 2, seqs: [seqs[0], seqs[2]].sort((x, y) => x! - y!) });
    t.same((await s.mentions.unread(g.id, c.id, 0, 100)).seqs, [seqs[3]], 'c: named by a, not by their own @all');
  });

  t.test('receipts: counts and pages from the read cursors, leaving out the sender and former members', async (t) => {
    const s = harness().store;
    const a = await user();
    const others = [];
    for (let i = 0; i < 6; i++) others.push(await user());
    const g = await group(a.id, others.map((u) => u.id));
    const m = (await s.conversations.append(text(g.id, a.id))).message;
    for (const u of others.slice(0, 3)) await s.conversations.markRead(g.id, u.id, m.seq);
    await s.conversations.append(text(g.id, a.id, { kind: 'system', body: '{"event":"x"}', effects: { removeMembers: [others[5]!.id] } }));
    t.same(await s.receipts.count(g.id, m.seq, a.id), { read: 3, of: 5 });
    const readIds = others.slice(0, 3).map((u) => u.id).sort((x, y) => x - y);
    t.same(await s.receipts.page(g.id, m.seq, a.id, true, 0, 2), readIds.slice(0, 2), 'first page');
    t.same(await s.receipts.page(g.id, m.seq, a.id, true, readIds[1]!, 2), readIds.slice(2), 'after the last id');
    t.same(await s.receipts.page(g.id, m.seq, a.id, false, 0, 10), others.slice(3, 5).map((u) => u.id).sort((x, y) => x - y), 'not read: active members only');
    t.same(await s.receipts.count(g.id, m.seq, others[0]!.id), { read: 3, of: 5 }, 'leaving out a reader: the sender counts as having read');
  });

  t.test('receipts: the senders a read of a range concerns: active members, no system messages, limited', async (t) => {
    const s = harness().store;
    const [a, b, c, d] = [await user(), await user(), await user(), await user()];
    const g = await group(a.id, [b.id, c.id, d.id]);
    const start = (await s.conversations.get(g.id))!.last_seq;
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    t.same(await s.receipts.sendersBetween(g.id, start, start, 10), [], 'an empty range');
    const m1 = (await s.conversations.append(text(g.id, b.id))).message;
    await s.conversations.append(text(g.id, b.id));
    const m3 = (await s.conversations.append(text(g.id, c.id))).message;
    const m4 = (await s.conversations.append(text(g.id, d.id))).message;
    await s.conversations.append(text(g.id, a.id, { kind: 'system', body: '{"event":"x"}', effects: { removeMembers: [d.id] } }));
    const last = (await s.conversations.get(g.id))!.last_seq;
    t.same(sorted(await s.receipts.sendersBetween(g.id, start, last, 10)), sorted([b.id, c.id]), 'each sender once; a former member and the system message left out');
    t.same(await s.receipts.sendersBetween(g.id, m1.seq, m3.seq - 1, 10), [b.id], 'after one seq, up to another');
    t.same(await s.receipts.sendersBetween(g.id, m3.seq, m4.seq, 10), [], 'only the one who left sent in it');
    t.equal((await s.receipts.sendersBetween(g.id, start, last, 1)).length, 1, 'at most the limit');
  });
}
