import t from 'tap';
import type { ApiClient } from '../../shared/sdk/api.js';
import type { FavouriteView, FileBody, NotifySettings, TextBody } from '../../shared/protocol/types.js';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';
import { eventTap } from '../helpers/state.js';

/** Everything a person's favourites look like from outside: what a refusal must leave as it was. */
const favourites = async (api: ApiClient) => (await api.call('fav.list', { limit: 100 })).favourites;

t.test('favourites: star text, a file message and a file; list newest first, page, search, unstar', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all(['Ann', 'Ben'].map((n) => makeUser(server, n)));
  const g = await ann!.api.call('conv.group', { title: '项目组', member_ids: [ben!.user.id] });
  const m1 = await ben!.api.call('msg.send', { conv_id: g.id, cmid: 'm1', body: { text: '第三季度报告已上传' } });
  const file = await ben!.api.upload('Quarterly Report.pdf', 'application/pdf', new TextEncoder().encode('%PDF-1.4 report'));
  const m2 = await ben!.api.call('msg.send', { conv_id: g.id, cmid: 'm2', body: { file_id: file.id } });
  const m3 = await ann!.api.call('msg.send', { conv_id: g.id, cmid: 'm3', body: { text: 'Lunch at noon' } });

  const f1 = await ann!.api.call('fav.add', { conv_id: g.id, seq: m1.seq });
  t.match(f1, { kind: 'text', body: { text: '第三季度报告已上传' }, source: { conv_id: g.id, seq: m1.seq, sender_id: ben!.user.id, sender_name: 'Ben', conv_title: '项目组', at: m1.created_at } });
  t.equal((await ann!.api.call('fav.add', { conv_id: g.id, seq: m1.seq })).id, f1.id, 'starring again returns the same favourite');
  const f2 = await ann!.api.call('fav.add', { conv_id: g.id, seq: m2.seq });
  t.match(f2, { kind: 'file', body: { file: { id: file.id, name: 'Quarterly Report.pdf' } } });
  const f3 = await ann!.api.call('fav.add', { conv_id: g.id, seq: m3.seq });
  const f4 = await ben!.api.call('fav.add', { file_id: file.id });
  t.equal(f4.source, null, 'a starred file has no source message');

  t.same((await favourites(ann!.api)).map((f) => f.id), [f3.id, f2.id, f1.id], 'newest first, only mine');
  const p1 = await ann!.api.call('fav.list', { limit: 2 });
  t.equal(p1.more, true);
  const p2 = await ann!.api.call('fav.list', { limit: 2, before: p1.favourites[1]!.id });
  t.same(p2.favourites.map((f) => f.id), [f1.id]);
  t.equal(p2.more, false);
  t.same((await ann!.api.call('fav.list', { q: '报告' })).favourites.map((f) => f.id), [f1.id], 'search by text');
  t.same((await ann!.api.call('fav.list', { q: 'quarterly' })).favourites.map((f) => f.id), [f2.id], 'search by file name, any case');
  t.same((await ann!.api.call('fav.list', { q: 'LUNCH' })).favourites.map((f) => f.id), [f3.id]);

  t.same(await ann!.api.call('fav.remove', { fav_id: f3.id }), { deleted: true });
  t.same(await ann!.api.call('fav.remove', { fav_id: f3.id }), { deleted: false }, 'a repeat is harmless');
  t.same((await favourites(ann!.api)).map((f) => f.id), [f2.id, f1.id]);
  const again = await ann!.api.call('fav.add', { conv_id: g.id, seq: m3.seq });
  t.not(again.id, f3.id, 'starred again after unstarring: a new favourite');
  t.same((await favourites(ann!.api))[0]!.id, again.id, 'at the top');

  // Forwarding is msg.send with the favourite's content.
  const other = await ann!.api.call('conv.direct', { user_id: ben!.user.id });
  const fwdText = await ann!.api.call('msg.send', { conv_id: other.id, cmid: 'fw1', body: { text: (f1.body as TextBody).text } });
  const fwdFile = await ann!.api.call('msg.send', { conv_id: other.id, cmid: 'fw2', body: { file_id: (f2.body as FileBody).file.id } });
  t.equal((fwdText.body as TextBody).text, '第三季度报告已上传');
  t.equal((fwdFile.body as FileBody).file.id, file.id, 'a file favourite forwarded');
});

t.test('favourites stay readable after leaving, and only what one can read can be starred', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(server, n)));
  const g = await ann!.api.call('conv.group', { title: '机密', member_ids: [ben!.user.id] });
  const msg = await ann!.api.call('msg.send', { conv_id: g.id, cmid: 's1', body: { text: '只给成员看' } });
  const file = await ann!.api.upload('secret.txt', 'text/plain', new TextEncoder().encode('secret bytes'));
  const fm = await ann!.api.call('msg.send', { conv_id: g.id, cmid: 's2', body: { file_id: file.id } });
  const sys = 1; // the group's creation

  const bensBefore = await favourites(ben!.api);
  const caisBefore = await favourites(cai!.api);
  await t.rejects(cai!.api.call('fav.add', { conv_id: g.id, seq: msg.seq }), { code: 'SB_NOT_MEMBER' }, 'a non-member cannot star a message');
  await t.rejects(cai!.api.call('fav.add', { conv_id: 987654, seq: 1 }), { code: 'SB_NOT_MEMBER' }, 'a missing conversation looks the same');
  await t.rejects(cai!.api.call('fav.add', { file_id: file.id }), { code: 'SB_NOT_FOUND' }, 'nor a file they cannot read');
  await t.rejects(ben!.api.call('fav.add', { conv_id: g.id, seq: 999 }), { code: 'SB_NOT_FOUND' }, 'no such message');
  await t.rejects(ben!.api.call('fav.add', { conv_id: g.id, seq: sys }), { code: 'SB_VALIDATION' }, 'a system message');
  await t.rejects(ben!.api.call('fav.add', {}), { code: 'SB_VALIDATION' }, 'nothing named');
  await t.rejects(ben!.api.call('fav.add', { conv_id: g.id }), { code: 'SB_VALIDATION' }, 'a conversation without seq');
  await t.rejects(ben!.api.call('fav.add', { conv_id: g.id, seq: msg.seq, file_id: file.id }), { code: 'SB_VALIDATION' }, 'both a message and a file');
  await t.rejects(ben!.api.call('fav.add', { conv_id: 'x' as unknown as number, seq: 1 }), { code: 'SB_VALIDATION' }, 'a wrong type');
  await t.rejects(ben!.api.call('fav.list', { limit: 1000 }), { code: 'SB_VALIDATION' }, 'a page too large');
  t.same(await favourites(ben!.api), bensBefore, 'the refusals starred nothing for Ben');
  t.same(await favourites(cai!.api), caisBefore, 'nor for Cai');

  const bt = await ben!.api.call('fav.add', { conv_id: g.id, seq: msg.seq });
  const bf = await ben!.api.call('fav.add', { conv_id: g.id, seq: fm.seq });
  await t.rejects(ann!.api.call('fav.remove', { fav_id: bt.id }), { code: 'SB_NOT_FOUND' }, 'someone else\'s favourite cannot be removed');
  await t.rejects(ann!.api.call('fav.remove', { fav_id: 987654 }), { code: 'SB_NOT_FOUND' }, 'and looks like none at all');
  t.same((await favourites(ben!.api)).map((f) => f.id), [bf.id, bt.id], 'Ben\'s favourites are untouched');
  t.same(await favourites(ann!.api), [], 'and Ann sees none of them');

  await ben!.api.call('conv.leave', { conv_id: g.id });
  await t.rejects(ben!.api.call('msg.history', { conv_id: g.id }), { code: 'SB_NOT_MEMBER' }, 'Ben has left');
  const kept = await favourites(ben!.api);
  t.same(kept.map((f) => (f.kind === 'file' ? (f.body as FileBody).file.name : (f.body as TextBody).text)), ['secret.txt', '只给成员看'],
    'the copies are still readable');
  t.equal(new TextDecoder().decode(await ben!.api.download(file.id)), 'secret bytes', 'the starred file still downloads');
  await ben!.api.call('fav.remove', { fav_id: bf.id });
  await t.rejects(ben!.api.download(file.id), { code: 'SB_NOT_FOUND' }, 'unstarred: the file is no longer readable');
});

t.test('favourites and notification settings reach all my devices: pushed and in sync', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all(['Ann', 'Ben'].map((n) => makeUser(server, n)));
  const g = await ann!.api.call('conv.direct', { user_id: ben!.user.id });
  const m = await ben!.api.call('msg.send', { conv_id: g.id, cmid: 'x1', body: { text: 'hello' } });

  const phone = client(server.url, ann!.token);
  t.teardown(() => phone.stop());
  await phone.start();
  const bensTap = await eventTap(server.url, ben!.token);
  t.teardown(() => bensTap.close());
  t.same(phone.state.favourites, {}, 'none yet');
  t.same(phone.state.notify, null, 'settings unknown until set');

  const f = await ann!.api.call('fav.add', { conv_id: g.id, seq: m.seq });
  await waitFor(() => phone.state.favourites[f.id] !== undefined, 3000, 'the star reaches the other device');
  t.same(phone.state.favourites[f.id], f);
  const settings: NotifySettings = { quiet: { enabled: true, days: [0, 6], start: '23:00', end: '07:00', tz: 'Europe/Berlin' }, allow_mentions: false, allow_urgent: true, sound: false };
  t.same(await ann!.api.call('notify.set', settings), settings);
  await waitFor(() => phone.state.notify !== null, 3000, 'the settings reach the other device');
  t.same(phone.state.notify, settings);
  t.same(await ann!.api.call('notify.get'), settings);

  // A device that was away learns both from sync, from its durable position.
  const pos = (await ann!.api.call('sync', { since: 0 })).pos;
  await ann!.api.call('fav.remove', { fav_id: f.id });
  const f2 = await ann!.api.call('fav.add', { conv_id: g.id, seq: m.seq });
  const changed: NotifySettings = { ...settings, sound: true };
  await ann!.api.call('notify.set', changed);
  const r = await ann!.api.call('sync', { since: pos });
  t.same(r.favourites.map((x: FavouriteView) => x.id), [f2.id], 'the new star');
  t.same(r.favourites_removed, [f.id], 'the unstar');
  t.same(r.notify_settings, changed, 'the settings');
  const quiet = await ann!.api.call('sync', { since: r.pos });
  t.same([quiet.favourites, quiet.favourites_removed, quiet.notify_settings], [[], [], null], 'nothing after the new position');
  await waitFor(() => !phone.state.favourites[f.id] && phone.state.favourites[f2.id] !== undefined && phone.state.notify?.sound === true, 3000, 'the phone follows');

  const bad = { ...settings, quiet: { ...settings.quiet, tz: 'Mars/Olympus' } };
  await t.rejects(ann!.api.call('notify.set', bad), { code: 'SB_VALIDATION' }, 'an unknown time zone');
  await t.rejects(ann!.api.call('notify.set', { ...settings, quiet: { ...settings.quiet, start: '25:00' } }), { code: 'SB_VALIDATION' }, 'a bad time');
  await t.rejects(ann!.api.call('notify.set', { ...settings, quiet: { ...settings.quiet, end: '23:00' } }), { code: 'SB_VALIDATION' }, 'an empty window');
  await t.rejects(ann!.api.call('notify.set', { ...settings, quiet: { ...settings.quiet, days: [7] } }), { code: 'SB_VALIDATION' }, 'no such weekday');
  t.same(await ann!.api.call('notify.get'), changed, 'the refusals changed nothing');
  t.match(await ben!.api.call('notify.get'), { quiet: { enabled: false }, allow_mentions: true, sound: true }, 'Ben still has the defaults');
  t.same(bensTap.events.filter((e) => e.type.startsWith('favourite') || e.type === 'notify.settings'), [], 'nothing of Ann\'s reached Ben');
});
