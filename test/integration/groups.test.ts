import t from 'tap';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';
import type { SystemBody } from '../../shared/protocol/types.js';

t.test('group management: admins, transfer, notice board, leave', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [owner, ann, ben, cai] = await Promise.all([makeUser(server, '王总'), makeUser(server, 'Ann'), makeUser(server, 'Ben'), makeUser(server, 'Cai')]);
  const g = await owner.api.call('conv.group', { title: '项目组', member_ids: [ann.user.id, ben.user.id], cmid: 'g1' });
  t.equal(g.members.find((m) => m.user_id === owner.user.id)?.role, 'owner');
  const retry = await owner.api.call('conv.group', { title: '项目组', member_ids: [ann.user.id, ben.user.id], cmid: 'g1' });
  t.equal(retry.id, g.id, 'creating again with the same cmid returns the same group');

  const watcher = client(server.url, ben.token);
  t.teardown(() => watcher.stop());
  await watcher.start();

  await t.rejects(ann.api.call('conv.rename', { conv_id: g.id, title: 'x' }), { code: 'SB_FORBIDDEN' }, 'members cannot rename');
  await t.rejects(ann.api.call('conv.setRole', { conv_id: g.id, user_id: ben.user.id, role: 'admin' }), { code: 'SB_FORBIDDEN' });
  await owner.api.call('conv.setRole', { conv_id: g.id, user_id: ann.user.id, role: 'admin' });
  const renamed = await ann.api.call('conv.rename', { conv_id: g.id, title: '项目组（二期）' });
  t.equal(renamed.title, '项目组（二期）', 'a group admin can rename');
  await ann.api.call('conv.notice', { conv_id: g.id, notice: '周五下午三点例会' });
  await waitFor(() => watcher.state.conversations[g.id]?.notice === '周五下午三点例会', 3000, 'notice reaches members live');
  t.equal(watcher.state.conversations[g.id]!.members.find((m) => m.user_id === ann.user.id)!.role, 'admin', 'role change reaches members');
  await t.rejects(ben.api.call('conv.notice', { conv_id: g.id, notice: 'spam' }), { code: 'SB_FORBIDDEN' });

  await ann.api.call('conv.addMembers', { conv_id: g.id, user_ids: [cai.user.id] });
  await t.rejects(cai.api.call('conv.removeMember', { conv_id: g.id, user_id: ben.user.id }), { code: 'SB_FORBIDDEN' }, 'members cannot remove');
  await t.rejects(ann.api.call('conv.removeMember', { conv_id: g.id, user_id: owner.user.id }), { code: 'SB_FORBIDDEN' }, 'nobody removes the owner');

  const moved = await owner.api.call('conv.transfer', { conv_id: g.id, user_id: ben.user.id });
  t.equal(moved.owner_id, ben.user.id, 'ownership transferred');
  t.equal(moved.members.find((m) => m.user_id === owner.user.id)?.role, 'admin', 'the old owner becomes an admin');

  await ben.api.call('conv.leave', { conv_id: g.id });
  const after = await ann.api.call('conv.get', { conv_id: g.id });
  // Both admins joined at creation; the tie goes to the lower user id.
  t.equal(after.owner_id, Math.min(owner.user.id, ann.user.id), 'when the owner leaves, the longest-standing admin takes over');
  await waitFor(() => !watcher.state.conversations[g.id], 3000, 'the leaver\'s client drops the group');

  const history = await ann.api.call('msg.history', { conv_id: g.id, after: 0, limit: 200 });
  const events = history.messages.filter((m) => m.kind === 'system').map((m) => (m.body as SystemBody).event);
  t.same(events, ['created', 'role_changed', 'renamed', 'notice_changed', 'members_added', 'owner_changed', 'member_left'], 'every change is in the history');
  t.same(history.messages.map((m) => m.seq), events.map((_, i) => i + 1), 'gap-free');
});
