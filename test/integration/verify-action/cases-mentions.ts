import type { Person, Verifier } from './harness.js';

/** Mentions: each change's events replayed on stale state equal a fresh fetch (counts, seqs to jump to, the @all policy). */
export async function mentionCases(v: Verifier, [ann, ben, cai]: Person[]): Promise<void> {
  const g = (await ann!.api.call('conv.group', { title: '提及', member_ids: [ben!.user.id, cai!.user.id], cmid: 'mention-group' })).id;
  await ben!.api.call('conv.mute', { conv_id: g, muted: true });
  let first = 0;
  await v.verify('msg.send', 'mentioning a person who muted the group', async () => {
    first = (await ann!.api.call('msg.send', { conv_id: g, cmid: 'mention-1', body: { text: '@Ben 看一下', mentions: [ben!.user.id] } })).seq;
  });
  await v.verify('msg.send', 'mentioning everyone, by the owner', () => ann!.api.call('msg.send', { conv_id: g, cmid: 'mention-2', body: { text: '@所有人 开会', mention_all: true } }));
  await v.verify('msg.read', 'past the first mention only', () => ben!.api.call('msg.read', { conv_id: g, seq: first }));
  await v.verify('conv.setMentionAll', 'open to every member', () => ann!.api.call('conv.setMentionAll', { conv_id: g, policy: 'everyone' }));
  await v.verify('msg.send', 'mentioning everyone, by a member', () => cai!.api.call('msg.send', { conv_id: g, cmid: 'mention-3', body: { text: '@所有人 午饭', mention_all: true } }));
  await v.verify('msg.send', 'my own message reads past every mention', () => ben!.api.call('msg.send', { conv_id: g, cmid: 'mention-4', body: { text: '收到', mentions: [ann!.user.id] } }));
  await v.verify('conv.setMentionAll', 'back to the owner and admins', () => ann!.api.call('conv.setMentionAll', { conv_id: g, policy: 'admins' }));
}
