import type { Person, Verifier } from './harness.js';

/** Replies, forwarding, recall and edit: each action's events replayed on stale state equal a fresh fetch. */
export async function messageActionCases(v: Verifier, [ann, ben, cai]: Person[], admin: Person): Promise<void> {
  const d = (await ann!.api.call('conv.direct', { user_id: ben!.user.id })).id;
  const g = (await ann!.api.call('conv.group', { title: '转发', member_ids: [ben!.user.id, cai!.user.id], cmid: 'ma-g' })).id;
  const first = await ann!.api.call('msg.send', { conv_id: d, cmid: 'ma-1', body: { text: '原文' } });
  const file = await ben!.api.upload('a.txt', 'text/plain', new TextEncoder().encode('a'));
  const f = await ben!.api.call('msg.send', { conv_id: d, cmid: 'ma-2', body: { file_id: file.id } });
  await v.verify('msg.send', 'a reply', () => ben!.api.call('msg.send', { conv_id: d, cmid: 'ma-3', body: { text: '回复', reply_to: first.seq } }));
  await v.verify('msg.forward', 'one by one', () => ann!.api.call('msg.forward', { from_conv_id: d, seqs: [first.seq, f.seq], to_conv_ids: [g], mode: 'each', cmid: 'ma-f1' }));
  await v.verify('msg.forward', 'merged', () => ann!.api.call('msg.forward', { from_conv_id: d, seqs: [first.seq, f.seq], to_conv_ids: [g], mode: 'bundle', cmid: 'ma-f2' }));
  await v.verify('msg.forward', 'a retry', () => ann!.api.call('msg.forward', { from_conv_id: d, seqs: [first.seq, f.seq], to_conv_ids: [g], mode: 'bundle', cmid: 'ma-f2' }));
  await v.verify('msg.edit', 'my text', () => ann!.api.call('msg.edit', { conv_id: d, seq: first.seq, text: '改过的原文' }));
  await v.verify('msg.recall', 'a quoted message (the quote hides too)', () => ann!.api.call('msg.recall', { conv_id: d, seq: first.seq }));
  const last = await cai!.api.call('msg.send', { conv_id: g, cmid: 'ma-4', body: { text: '最后一条' } });
  await v.verify('msg.recall', "the owner, a member's last message", () => ann!.api.call('msg.recall', { conv_id: g, seq: last.seq }));
  await v.verify('admin.messagePolicy.set', 'windows', () => admin.api.call('admin.messagePolicy.set', { recall_window: 3600, edit_window: 600 }));
}
