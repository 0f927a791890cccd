import t from 'tap';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';
import type { ApiClient } from '../../shared/sdk/api.js';
import type { SystemBody } from '../../shared/protocol/types.js';

/** What a refusal must leave untouched: the conversation as a member fetches it, and its history. */
async function snapshot(api: ApiClient, convId: number) {
  const c = await api.call('conv.get', { conv_id: convId });
  const h = await api.call('msg.history', { conv_id: convId, after: 0, limit: 200 });
  return { c: { ...c, unread: 0, read_seq: 0 }, seqs: h.messages.map((m) => m.seq) };
}

const events = async (api: ApiClient, convId: number) => (await api.call('msg.history', { conv_id: convId, after: 0, limit: 200 })).messages
  .filter((m) => m.kind === 'system').map((m) => (m.body as SystemBody).event);

t.test('a discussion from a 1:1: anyone adds, renames, leaves; nobody removes; nobody owns it', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
  const direct = await ann!.api.call('conv.direct', { user_id: ben!.user.id });
  await ann!.api.call('msg.send', { conv_id: direct.id, cmid: 'd1', body: { text: 'hi' } });

  const before = (await ann!.api.call('conv.list')).length;
  await t.rejects(ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, ann!.user.id], cmid: 'x1' }), { code: 'SB_VALIDATION' },
    'two people (me named among the others) are a 1:1, not a discussion');
  t.equal((await ann!.api.call('conv.list')).length, before, 'nothing was created');

  const d = await ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id], cmid: 'disc1' });
  t.equal(d.kind, 'group');
  t.equal(d.discussion, true, 'a discussion');
  t.equal(d.owner_id, null, 'nobody owns it');
  t.same(d.members.map((m) => m.role), ['member', 'member', 'member'], 'everyone is a plain member');
  t.equal((await ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id], cmid: 'disc1' })).id, d.id, 'a retry returns the same one');
  const still = await ann!.api.call('conv.get', { conv_id: direct.id });
  t.equal(still.kind, 'direct', 'the 1:1 stays as it is');
  t.equal(still.members.length, 2);
  t.equal(still.last_seq, 1);

  await cai!.api.call('conv.addMembers', { conv_id: d.id, user_ids: [dan!.user.id] });
  const renamed = await ben!.api.call('conv.rename', { conv_id: d.id, title: '方案讨论' });
  t.equal(renamed.title, '方案讨论', 'a plain member renames a discussion');

  const fixed = await snapshot(ann!.api, d.id);
  await t.rejects(ann!.api.call('conv.removeMember', { conv_id: d.id, user_id: dan!.user.id }), { code: 'SB_FORBIDDEN' }, 'nobody removes anyone from a discussion');
  await t.rejects(ann!.api.call('conv.setRole', { conv_id: d.id, user_id: ben!.user.id, role: 'admin' }), { code: 'SB_FORBIDDEN' }, 'no admins in a discussion');
  await t.rejects(ann!.api.call('conv.notice', { conv_id: d.id, notice: 'x' }), { code: 'SB_FORBIDDEN' }, 'no notice board without an owner');
  await t.rejects(ann!.api.call('conv.transfer', { conv_id: d.id, user_id: ben!.user.id }), { code: 'SB_FORBIDDEN' }, 'nothing to transfer');
  await t.rejects(ann!.api.call('conv.muteAll', { conv_id: d.id, mute_all: true }), { code: 'SB_FORBIDDEN' }, 'no mute-all without admins');
  await t.rejects(ann!.api.call('conv.dissolve', { conv_id: d.id }), { code: 'SB_FORBIDDEN' }, 'no dissolving without an owner');
  t.same(await snapshot(ann!.api, d.id), fixed, 'the refusals changed nothing');

  await dan!.api.call('conv.leave', { conv_id: d.id });
  t.equal((await ann!.api.call('conv.get', { conv_id: d.id })).members.length, 3, 'a member leaves');
  t.same(await events(ann!.api, d.id), ['discussion_created', 'members_added', 'renamed', 'member_left']);
});

t.test('converting a discussion into a group: the converter owns it and group rules apply', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(server, n)));
  const d = await ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id] });
  const watcher = client(server.url, cai!.token);
  t.teardown(() => watcher.stop());
  await watcher.start();

  const g = await ben!.api.call('conv.convert', { conv_id: d.id, cmid: 'cv1' });
  t.equal(g.discussion, false, 'a group now');
  t.equal(g.owner_id, ben!.user.id, 'the converter is the owner');
  t.equal(g.members.find((m) => m.user_id === ben!.user.id)?.role, 'owner');
  await waitFor(() => watcher.state.conversations[d.id]?.discussion === false, 3000, 'the others see it is a group');
  const seq = g.last_seq;
  const again = await ann!.api.call('conv.convert', { conv_id: d.id });
  t.equal(again.last_seq, seq, 'converting a group again changes nothing');
  t.equal(again.owner_id, ben!.user.id);
  await t.rejects(ann!.api.call('conv.rename', { conv_id: d.id, title: 'x' }), { code: 'SB_FORBIDDEN' }, 'a plain member of a group no longer renames it');
  await t.rejects(ann!.api.call('conv.removeMember', { conv_id: d.id, user_id: cai!.user.id }), { code: 'SB_FORBIDDEN' });
  await ben!.api.call('conv.removeMember', { conv_id: d.id, user_id: cai!.user.id });
  t.equal((await ben!.api.call('conv.get', { conv_id: d.id })).members.length, 2, 'the owner removes members');
});

t.test('two members converting at once leave exactly one owner', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(server, n)));
  const d = await ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id] });
  await Promise.all([ann!.api.call('conv.convert', { conv_id: d.id }), ben!.api.call('conv.convert', { conv_id: d.id })]);
  const c = await cai!.api.call('conv.get', { conv_id: d.id });
  const owners = c.members.filter((m) => m.role === 'owner');
  t.equal(owners.length, 1, 'one owner');
  t.equal(owners[0]!.user_id, c.owner_id, 'the owner row and owner_id agree');
});

t.test('mute-all: members refused with a code and nothing stored; owner and admins still speak', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [own, adm, mem] = await Promise.all(['Own', 'Adm', 'Mem'].map((n) => makeUser(server, n)));
  const g = await own!.api.call('conv.group', { title: '通知群', member_ids: [adm!.user.id, mem!.user.id] });
  await own!.api.call('conv.setRole', { conv_id: g.id, user_id: adm!.user.id, role: 'admin' });

  let fixed = await snapshot(own!.api, g.id);
  await t.rejects(mem!.api.call('conv.muteAll', { conv_id: g.id, mute_all: true }), { code: 'SB_FORBIDDEN' }, 'a member cannot mute everyone');
  t.same(await snapshot(own!.api, g.id), fixed, 'nothing changed');

  const muted = await adm!.api.call('conv.muteAll', { conv_id: g.id, mute_all: true, cmid: 'm1' });
  t.equal(muted.mute_all, true, 'an admin mutes everyone');
  t.equal((await adm!.api.call('conv.muteAll', { conv_id: g.id, mute_all: true, cmid: 'm1' })).last_seq, muted.last_seq, 'a retry stores nothing');

  fixed = await snapshot(own!.api, g.id);
  await t.rejects(mem!.api.call('msg.send', { conv_id: g.id, cmid: 's1', body: { text: 'hello?' } }), { code: 'SB_GROUP_MUTED' }, 'a member\'s send is refused');
  const file = await mem!.api.upload('a.txt', 'text/plain', new TextEncoder().encode('a'));
  await t.rejects(mem!.api.call('msg.send', { conv_id: g.id, cmid: 's2', body: { file_id: file.id } }), { code: 'SB_GROUP_MUTED' }, 'so is a file');
  // Over the WebSocket (the relay batches sends into msg.sendMany): the same refusal.
  const ws = client(server.url, mem!.token);
  t.teardown(() => ws.stop());
  await ws.start();
  await t.rejects(ws.send(g.id, 'over the socket'), { code: 'SB_GROUP_MUTED' }, 'a WebSocket send is refused too');
  t.same(await snapshot(own!.api, g.id), fixed, 'nothing was stored');

  t.equal((await own!.api.call('msg.send', { conv_id: g.id, cmid: 'o1', body: { text: '请看公告' } })).seq, fixed.c.last_seq + 1, 'the owner speaks');
  await adm!.api.call('msg.send', { conv_id: g.id, cmid: 'a1', body: { text: '收到' } });
  await own!.api.call('conv.setRole', { conv_id: g.id, user_id: adm!.user.id, role: 'member' });
  await t.rejects(adm!.api.call('msg.send', { conv_id: g.id, cmid: 'a2', body: { text: 'no longer' } }), { code: 'SB_GROUP_MUTED' }, 'an admin made a member again is muted');
  await mem!.api.call('conv.leave', { conv_id: g.id });
  t.pass('a muted member may still leave');

  await own!.api.call('conv.muteAll', { conv_id: g.id, mute_all: false });
  await adm!.api.call('msg.send', { conv_id: g.id, cmid: 'a3', body: { text: '可以说话了' } });
  t.same((await events(own!.api, g.id)).filter((e) => e === 'mute_all_changed').length, 2, 'both changes are in the history');
});

t.test('dissolve: owner only; the group ends for everyone, history stays readable', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [own, adm, mem] = await Promise.all(['Own', 'Adm', 'Mem'].map((n) => makeUser(server, n)));
  const g = await own!.api.call('conv.group', { title: '项目组', member_ids: [adm!.user.id, mem!.user.id] });
  await own!.api.call('conv.setRole', { conv_id: g.id, user_id: adm!.user.id, role: 'admin' });
  await mem!.api.call('msg.send', { conv_id: g.id, cmid: 'm1', body: { text: '最后一条' } });
  const watcher = client(server.url, mem!.token);
  t.teardown(() => watcher.stop());
  await watcher.start();

  let fixed = await snapshot(own!.api, g.id);
  await t.rejects(adm!.api.call('conv.dissolve', { conv_id: g.id }), { code: 'SB_FORBIDDEN' }, 'an admin cannot dissolve');
  await t.rejects(mem!.api.call('conv.dissolve', { conv_id: g.id }), { code: 'SB_FORBIDDEN' }, 'a member cannot dissolve');
  t.same(await snapshot(own!.api, g.id), fixed, 'nothing changed');

  const done = await own!.api.call('conv.dissolve', { conv_id: g.id, cmid: 'end' });
  t.equal(done.dissolved, true);
  await waitFor(() => watcher.state.conversations[g.id]?.dissolved === true, 3000, 'members see it dissolved');
  t.equal((await own!.api.call('conv.dissolve', { conv_id: g.id })).last_seq, done.last_seq, 'dissolving again changes nothing');

  fixed = await snapshot(own!.api, g.id);
  const refused: [string, () => Promise<unknown>][] = [
    ['a member sends', () => mem!.api.call('msg.send', { conv_id: g.id, cmid: 'm2', body: { text: 'hello?' } })],
    ['the owner sends', () => own!.api.call('msg.send', { conv_id: g.id, cmid: 'o2', body: { text: 'hello?' } })],
    ['rename', () => own!.api.call('conv.rename', { conv_id: g.id, title: '新名字' })],
    ['notice', () => adm!.api.call('conv.notice', { conv_id: g.id, notice: '...' })],
    ['mute-all', () => own!.api.call('conv.muteAll', { conv_id: g.id, mute_all: true })],
    ['transfer', () => own!.api.call('conv.transfer', { conv_id: g.id, user_id: adm!.user.id })],
  ];
  for (const [what, call] of refused) await t.rejects(call(), { code: 'SB_GROUP_DISSOLVED' }, `${what}: refused`);
  await t.rejects(watcher.send(g.id, 'over the socket'), { code: 'SB_GROUP_DISSOLVED' }, 'a WebSocket send is refused');
  t.same(await snapshot(own!.api, g.id), fixed, 'nothing was stored');
  const history = await mem!.api.call('msg.history', { conv_id: g.id, after: 0, limit: 50 });
  t.ok(history.messages.some((m) => 'text' in m.body && m.body.text === '最后一条'), 'members still read the history');
  const synced = await mem!.api.call('sync', { since: 0 });
  t.equal(synced.conversations.find((c) => c.id === g.id)?.dissolved, true, 'sync carries it (offline devices learn it)');

  await mem!.api.call('conv.leave', { conv_id: g.id });
  t.notOk((await mem!.api.call('conv.list')).some((c) => c.id === g.id), 'a member may still leave a dissolved group');
  t.same((await events(own!.api, g.id)).slice(-2), ['dissolved', 'member_left']);
});
