import type { Person, Verifier } from './harness.js';

/** Favourites (收藏) and notification settings: each change reaches the owner's devices and nobody else's state. */
export async function favouriteCases(v: Verifier, [ann, ben, cai]: Person[]): Promise<void> {
  const g = await ann!.api.call('conv.group', { title: '收藏', member_ids: [ben!.user.id, cai!.user.id], cmid: 'fav-g' });
  const text = await ben!.api.call('msg.send', { conv_id: g.id, cmid: 'fav-t', body: { text: '会议纪要在这里' } });
  const file = await cai!.api.upload('纪要.txt', 'text/plain', new TextEncoder().encode('minutes'));
  const fileMsg = await cai!.api.call('msg.send', { conv_id: g.id, cmid: 'fav-f', body: { file_id: file.id } });
  let starred = 0;
  await v.verify('fav.add', 'a text message', async () => { starred = (await ann!.api.call('fav.add', { conv_id: g.id, seq: text.seq })).id; });
  await v.verify('fav.add', 'the same message again: nothing changes', () => ann!.api.call('fav.add', { conv_id: g.id, seq: text.seq }));
  await v.verify('fav.add', 'a file message', () => ann!.api.call('fav.add', { conv_id: g.id, seq: fileMsg.seq }));
  await v.verify('fav.add', 'a file', () => cai!.api.call('fav.add', { file_id: file.id }));
  await v.verify('fav.remove', 'unstar', () => ann!.api.call('fav.remove', { fav_id: starred }));
  await v.verify('fav.remove', 'already unstarred', () => ann!.api.call('fav.remove', { fav_id: starred }));
  const settings = {
    quiet: { enabled: true, days: [1, 2, 3, 4, 5], start: '22:00', end: '07:30', tz: 'Asia/Shanghai' },
    allow_mentions: true, allow_urgent: false, sound: false,
  };
  await v.verify('notify.set', 'quiet hours on', () => ben!.api.call('notify.set', settings));
  await v.verify('notify.set', 'the same again: nothing changes', () => ben!.api.call('notify.set', settings));
}
