import type { Person, Verifier } from './harness.js';

/**
 * Broadcasts: the first one creates each recipient's system conversation, the next appends to it; the sender
 * among the recipients has read their own. Events replayed on stale state equal a fresh fetch for everyone,
 * recipients and the rest alike.
 */
export async function broadcastCases(v: Verifier, boss: Person, [ann, ben]: Person[]): Promise<void> {
  const admin = boss.api;
  await v.verify('admin.broadcast.send', 'to two people: their system conversations begin', () =>
    admin.call('admin.broadcast.send', { title: '通知', text: '周五停电', user_ids: [ann!.user.id, ben!.user.id], cmid: 'bc-1' }));
  await v.verify('admin.broadcast.send', 'a retry of the same one', () =>
    admin.call('admin.broadcast.send', { title: '通知', text: '周五停电', user_ids: [ann!.user.id, ben!.user.id], cmid: 'bc-1' }));
  await v.verify('admin.broadcast.send', 'to everyone, the sender included', () =>
    admin.call('admin.broadcast.send', { title: '全员', text: '欢迎', all: true, cmid: 'bc-2' }));
}
