import type { Test } from 'tap';
import { code, tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, group state: discussions, mute-all and dissolved, enforced inside the append transaction. */
export function groupsContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text, member } = fixtures(() => harness().store);
  const system = (convId: number, senderId: number, effects: object, extra = {}) =>
    text(convId, senderId, { kind: 'system', body: '{"event":"x"}', effects, ...extra });

  t.test('groups: a discussion is created with its flag, read back by every read', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const r = await s.conversations.create({
      kind: 'group', discussion: true, title: '讨论', ownerId: null, directKey: null,
      members: [a, b, c].map((u) => ({ userId: u.id, role: 'member' as const })),
      first: { senderId: a.id, cmid: `disc-${tag()}`, body: '{"event":"discussion_created"}', at: 5_000 },
    });
    t.match(r.conversation, { kind: 'group', discussion: true, mute_all: false, dissolved: false, owner_id: null });
    t.same(await s.conversations.get(r.conversation.id), r.conversation);
    t.equal((await s.conversations.listForUser(b.id)).find((x) => x.conversation.id === r.conversation.id)?.conversation.discussion, true, 'listForUser');
    t.equal((await s.conversations.changedSince(c.id, 0)).changes.find((x) => x.conversation.id === r.conversation.id)?.conversation.discussion, true, 'changedSince');
    const g = await group(a.id, [b.id]);
    t.match(g, { discussion: false, mute_all: false, dissolved: false }, 'groups are not discussions');
  });

  t.test('groups: converting sets the owner; two at once leave one owner', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const { conversation: d } = await s.conversations.create({
      kind: 'group', discussion: true, title: 'd', ownerId: null, directKey: null,
      members: [a, b, c].map((u) => ({ userId: u.id, role: 'member' as const })),
      first: { senderId: a.id, cmid: `disc-${tag()}`, body: '{"event":"discussion_created"}', at: 5_000 },
    });
    await Promise.all([a, b].map((u) => s.conversations.append(system(d.id, u.id, { setDiscussion: false, setOwner: u.id }))));
    const after = (await s.conversations.get(d.id))!;
    t.equal(after.discussion, false, 'a group now');
    const members = await s.conversations.members(d.id);
    t.same(members.filter((m) => m.role === 'owner').map((m) => m.user_id), [after.owner_id], 'exactly one owner, the one owner_id names');
    t.equal(members.filter((m) => m.role === 'admin').length, 1, 'the other converter is an admin');
  });

  t.test('groups: mute-all refuses plain members\' messages, nothing stored; system messages, owner and admins pass', async (t) => {
    const s = harness().store;
    const own = await user(); const adm = await user(); const mem = await user();
    const g = await group(own.id, [adm.id, mem.id]);
    await s.conversations.append(system(g.id, own.id, { setRoles: [{ userId: adm.id, role: 'admin' }] }));
    const muted = await s.conversations.append(system(g.id, own.id, { setMuteAll: true }));
    t.equal((await s.conversations.get(g.id))!.mute_all, true);
    const before = (await s.conversations.get(g.id))!;
    const readBefore = (await member(g.id, mem.id)).read_seq;
    t.equal(await code(s.conversations.append(text(g.id, mem.id))), 'SB_GROUP_MUTED', 'a member\'s text is refused');
    t.equal((await s.conversations.get(g.id))!.last_seq, before.last_seq, 'no seq was taken');
    t.equal((await member(g.id, mem.id)).read_seq, readBefore, 'no cursor moved');
    t.equal((await s.conversations.history(g.id, { afterSeq: muted.message.seq, limit: 10 })).length, 0, 'nothing stored');
    t.equal((await s.conversations.append(system(g.id, mem.id, { removeMembers: [mem.id] }))).created, true, 'a member\'s system message (leaving) passes');
    t.equal((await s.conversations.append(text(g.id, adm.id))).created, true, 'an admin speaks');
    t.equal((await s.conversations.append(text(g.id, own.id))).created, true, 'the owner speaks');
    await s.conversations.append(system(g.id, own.id, { setMuteAll: false }));
    t.equal((await s.conversations.get(g.id))!.mute_all, false, 'lifted');
    const other = await user();
    await s.conversations.append(system(g.id, own.id, { addMembers: [{ userId: other.id, role: 'member' }] }));
    t.equal((await s.conversations.append(text(g.id, other.id))).created, true, 'members speak again');
  });

  t.test('groups: mute-all in the same write batch as members\' messages applies in order', async (t) => {
    const s = harness().store;
    const own = await user(); const mem = await user();
    const g = await group(own.id, [mem.id]);
    const sends = Array.from({ length: 6 }, () => s.conversations.append(text(g.id, mem.id)).then((r) => r.message.seq, (e: { code?: string }) => e.code ?? 'other'));
    const mute = s.conversations.append(system(g.id, own.id, { setMuteAll: true }));
    const later = Array.from({ length: 6 }, () => s.conversations.append(text(g.id, mem.id)).then((r) => r.message.seq, (e: { code?: string }) => e.code ?? 'other'));
    const [before, at, after] = await Promise.all([Promise.all(sends), mute, Promise.all(later)]);
    const muteSeq = at.message.seq;
    t.ok(before.every((x) => typeof x === 'number' && x < muteSeq), 'messages queued before the mute are stored before it');
    t.same(after, after.map(() => 'SB_GROUP_MUTED'), 'messages queued after it are refused');
    t.equal((await s.conversations.get(g.id))!.last_seq, muteSeq, 'nothing after the mute');
  });

  t.test('groups: a dissolved conversation refuses every message but a leave', async (t) => {
    const s = harness().store;
    const own = await user(); const mem = await user(); const third = await user();
    const g = await group(own.id, [mem.id, third.id]);
    const sends = Array.from({ length: 4 }, () => s.conversations.append(text(g.id, mem.id)).then(() => 'stored', (e: { code?: string }) => e.code ?? 'other'));
    const end = s.conversations.append(system(g.id, own.id, { dissolve: true }, { requireRole: ['owner'] }));
    const late = s.conversations.append(text(g.id, own.id)).then(() => 'stored', (e: { code?: string }) => e.code ?? 'other');
    const [before, dissolved, after] = await Promise.all([Promise.all(sends), end, late]);
    t.same(before, ['stored', 'stored', 'stored', 'stored'], 'messages before it are stored');
    t.equal(after, 'SB_GROUP_DISSOLVED', 'the owner\'s message after it is refused');
    const c = (await s.conversations.get(g.id))!;
    t.equal(c.dissolved, true);
    t.equal(c.last_seq, dissolved.message.seq, 'the dissolving message is the last');
    t.equal(await code(s.conversations.append(system(g.id, own.id, { setTitle: 'x' }))), 'SB_GROUP_DISSOLVED', 'so is a change');
    t.equal((await s.conversations.get(g.id))!.title, c.title, 'the title did not change');
    t.equal(await code(s.conversations.append(system(g.id, mem.id, { removeMembers: [mem.id] }))), 'SB_GROUP_DISSOLVED', 'a leave must say it may');
    const left = await s.conversations.append(system(g.id, mem.id, { removeMembers: [mem.id] }, { allowDissolved: true }));
    t.equal(left.created, true, 'a leave that says so passes');
    t.equal((await member(g.id, mem.id)).active, false, 'and applies');
    t.equal((await s.conversations.history(g.id, { afterSeq: 0, limit: 50 })).length, c.last_seq + 1, 'the history is all there');
  });
}
