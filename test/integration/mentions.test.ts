import t from 'tap';
import { connectedPair, makeUser, startServer, waitFor } from '../helpers/server.js';

t.test('mentions: structured, counted per member even when muted, cleared by reading past', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { alice, bob, b } = await connectedPair(t, server);
  const cai = await makeUser(server, 'Cai');
  const g = await alice.api.call('conv.group', { title: '项目', member_ids: [bob.user.id, cai.user.id] });
  await bob.api.call('conv.mute', { conv_id: g.id, muted: true });

  const m = await alice.api.call('msg.send', { conv_id: g.id, cmid: 'm-1', body: { text: '@Bob 请看', mentions: [bob.user.id, bob.user.id] } });
  t.same(m.body, { text: '@Bob 请看', mentions: [bob.user.id] }, 'stored as a reference, repeats dropped');
  await alice.api.call('msg.send', { conv_id: g.id, cmid: 'm-2', body: { text: 'no mention' } });
  const view = await bob.api.call('conv.get', { conv_id: g.id });
  t.match(view, { muted: true, unread: 2, mentions_unread: 1, mention_seqs: [m.seq] }, 'counted in a muted conversation, apart from unread');
  t.match(await cai.api.call('conv.get', { conv_id: g.id }), { mentions_unread: 0, mention_seqs: [] }, 'nobody else is mentioned');
  await waitFor(() => b.state.conversations[g.id]?.mentions_unread === 1, 3000, 'the SDK counts the push');
  t.same(b.state.conversations[g.id]!.mention_seqs, [m.seq], 'and knows where to jump');

  const before = (await bob.api.call('conv.get', { conv_id: g.id })).last_seq;
  await t.rejects(alice.api.call('msg.send', { conv_id: g.id, cmid: 'm-3', body: { text: 'hi', mentions: [999_999] } }),
    { code: 'SB_MENTION_NOT_MEMBER', details: { user_ids: [999_999] } }, 'a non-member cannot be mentioned');
  const outsider = await makeUser(server, 'Outsider');
  await t.rejects(alice.api.call('msg.send', { conv_id: g.id, cmid: 'm-4', body: { text: 'hi', mentions: [outsider.user.id] } }), { code: 'SB_MENTION_NOT_MEMBER' });
  t.equal((await bob.api.call('conv.get', { conv_id: g.id })).last_seq, before, 'nothing stored');
  await t.rejects(alice.api.call('msg.send', { conv_id: g.id, cmid: 'm-5', body: { text: 'hi', mentions: [0] } }), { code: 'SB_VALIDATION' }, 'ids are positive');

  await bob.api.call('msg.read', { conv_id: g.id, seq: m.seq });
  t.match(await bob.api.call('conv.get', { conv_id: g.id }), { mentions_unread: 0, mention_seqs: [], unread: 1 }, 'reading past the mention clears it');
  await waitFor(() => b.state.conversations[g.id]?.mentions_unread === 0, 3000, 'the SDK clears it too');
  const synced = (await bob.api.call('sync', {})).conversations.find((c) => c.id === g.id)!;
  t.match(synced, { mentions_unread: 0, mention_seqs: [] }, 'sync agrees');
});

t.test('mentions: @所有人 by the owner and admins, or everyone when the owner allows it; rate-limited in large groups', async (t) => {
  const server = await startServer({ limits: { mentionAllLargeGroup: 3, mentionAllPerHour: 2 } });
  t.teardown(() => server.stop());
  const own = await makeUser(server, 'Owner');
  const adm = await makeUser(server, 'Admin');
  const mem = await makeUser(server, 'Member');
  const g = await own.api.call('conv.group', { title: '大群', member_ids: [adm.user.id, mem.user.id] });
  await own.api.call('conv.setRole', { conv_id: g.id, user_id: adm.user.id, role: 'admin' });

  await t.rejects(mem.api.call('msg.send', { conv_id: g.id, cmid: 'all-mem', body: { text: '@所有人', mention_all: true } }), { code: 'SB_FORBIDDEN' },
    'a plain member may not, by default');
  const byAdmin = await adm.api.call('msg.send', { conv_id: g.id, cmid: 'all-adm', body: { text: '@所有人 开会', mention_all: true } });
  t.same(byAdmin.body, { text: '@所有人 开会', mention_all: true });
  t.match(await mem.api.call('conv.get', { conv_id: g.id }), { mentions_unread: 1, mention_seqs: [byAdmin.seq] }, 'everyone is mentioned');
  t.match(await own.api.call('conv.get', { conv_id: g.id }), { mentions_unread: 1 });
  t.match(await adm.api.call('conv.get', { conv_id: g.id }), { mentions_unread: 0 }, 'not the sender');

  await t.rejects(adm.api.call('conv.setMentionAll', { conv_id: g.id, policy: 'everyone' }), { code: 'SB_FORBIDDEN' }, 'only the owner decides');
  const opened = await own.api.call('conv.setMentionAll', { conv_id: g.id, policy: 'everyone' });
  t.equal(opened.mention_all_policy, 'everyone');
  t.equal((await mem.api.call('conv.get', { conv_id: g.id })).mention_all_policy, 'everyone', 'members see the setting');
  await mem.api.call('msg.send', { conv_id: g.id, cmid: 'all-mem-2', body: { text: '@所有人', mention_all: true } });
  await t.rejects(own.api.call('msg.send', { conv_id: g.id, cmid: 'all-own', body: { text: '@所有人', mention_all: true } }), { code: 'SB_RATE_LIMITED' },
    'the third in an hour in a group of 3 or more is refused');
  await own.api.call('msg.send', { conv_id: g.id, cmid: 'one', body: { text: '@Member', mentions: [mem.user.id] } });
  t.pass('mentioning people is not limited with it');

  const d = await own.api.call('conv.direct', { user_id: mem.user.id });
  await t.rejects(own.api.call('msg.send', { conv_id: d.id, cmid: 'all-direct', body: { text: '@所有人', mention_all: true } }), { code: 'SB_VALIDATION' }, 'only in groups');
  await t.rejects(own.api.call('conv.setMentionAll', { conv_id: d.id, policy: 'everyone' }), { code: 'SB_VALIDATION' });
});

t.test('receipts: read by N of M and a paged who-has-read list from the read cursors', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const own = await makeUser(server, 'Owner');
  const people = [];
  for (let i = 0; i < 5; i++) people.push(await makeUser(server, `P${i}`));
  const g = await own.api.call('conv.group', { title: '回执', member_ids: people.map((p) => p.user.id) });
  const m = await own.api.call('msg.send', { conv_id: g.id, cmid: 'r-1', body: { text: '请回复' } });
  for (const p of people.slice(0, 3)) await p.api.call('msg.read', { conv_id: g.id, seq: m.seq });
  const first = await people[4]!.api.call('msg.receipts', { conv_id: g.id, seq: m.seq, limit: 2 });
  t.match(first, { read: 3, of: 5, next: first.users[1]?.user_id });
  t.equal(first.users.length, 2);
  const second = await people[4]!.api.call('msg.receipts', { conv_id: g.id, seq: m.seq, limit: 2, after: first.next! });
  t.equal(second.next, null, 'the last page');
  const readers = [...first.users, ...second.users].map((u) => u.name).sort();
  t.same(readers, ['P0', 'P1', 'P2'], 'who has read it, with names');
  const unread = await own.api.call('msg.receipts', { conv_id: g.id, seq: m.seq, state: 'unread' });
  t.same(unread.users.map((u) => u.name).sort(), ['P3', 'P4']);
  const outsider = await makeUser(server);
  await t.rejects(outsider.api.call('msg.receipts', { conv_id: g.id, seq: m.seq }), { code: 'SB_NOT_MEMBER' });
  await t.rejects(own.api.call('msg.receipts', { conv_id: g.id, seq: 999 }), { code: 'SB_NOT_FOUND' });
});
