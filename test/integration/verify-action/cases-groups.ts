import type { Person, Verifier } from './harness.js';

/** Discussions, converting, mute-all and dissolving: each change's events replayed on stale state equal a fresh fetch. */
export async function groupCases(v: Verifier, [ann, ben, cai, dan]: Person[]): Promise<void> {
  let d = 0;
  await v.verify('conv.discussion', 'from a 1:1, with one more', async () => {
    d = (await ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id], cmid: 'disc-1' })).id;
  });
  await v.verify('conv.discussion', 'a retry of the same one', () => ann!.api.call('conv.discussion', { member_ids: [ben!.user.id, cai!.user.id], cmid: 'disc-1' }));
  await v.verify('conv.addMembers', 'any member of a discussion', () => ben!.api.call('conv.addMembers', { conv_id: d, user_ids: [dan!.user.id] }));
  await v.verify('conv.rename', 'any member of a discussion', () => dan!.api.call('conv.rename', { conv_id: d, title: '讨论' }));
  await v.verify('conv.convert', 'a discussion into a group', () => cai!.api.call('conv.convert', { conv_id: d }));
  await v.verify('conv.convert', 'already a group: nothing changes', () => ann!.api.call('conv.convert', { conv_id: d }));
  await v.verify('conv.muteAll', 'on', () => cai!.api.call('conv.muteAll', { conv_id: d, mute_all: true }));
  await v.verify('msg.send', 'the owner, under mute-all', () => cai!.api.call('msg.send', { conv_id: d, cmid: 'muted-owner', body: { text: '请看公告' } }));
  await v.verify('conv.muteAll', 'off', () => cai!.api.call('conv.muteAll', { conv_id: d, mute_all: false }));
  await v.verify('conv.dissolve', 'by the owner', () => cai!.api.call('conv.dissolve', { conv_id: d }));
  await v.verify('conv.leave', 'a dissolved group', () => ben!.api.call('conv.leave', { conv_id: d }));
}
