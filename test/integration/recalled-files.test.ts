import t from 'tap';
import sharp from 'sharp';
import { makeUser, startServer } from '../helpers/server.js';
import type { FileBody } from '../../shared/protocol/types.js';

async function health(url: string) {
  return (await (await fetch(`${url}/healthz`)).json()) as { files: { cache_hits: number; origin_fetches: number; thumb_hits: number; thumb_fetches: number } };
}

/** Status and error body of a raw GET, to compare a recalled file's answer with an unknown id's. */
async function answer(url: string, token: string, path: string): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let code: string | undefined;
  try { code = (JSON.parse(text) as { error?: { code?: string } }).error?.code; } catch { code = undefined; /* bytes, not an error body */ }
  return { status: res.status, code };
}

t.test('a recalled file message closes its file and thumbnail to the conversation, relay grants and cache included', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai] = await Promise.all(['Ann', 'Ben', 'Cai'].map((n) => makeUser(server, n)));
  const group = await ann.api.call('conv.group', { title: '项目组', member_ids: [ben.user.id, cai.user.id], cmid: 'g1' });
  const image = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
  const file = await ann.api.upload('photo.png', 'image/png', image);
  const sent = await ann.api.call('msg.send', { conv_id: group.id, cmid: 'f1', body: { file_id: file.id } });
  t.equal((sent.body as FileBody).file.has_thumb, true);

  // Ben opens both: the relay now holds his grant, the bytes and the thumbnail.
  t.equal((await ben.api.download(file.id)).length, image.length);
  await ben.api.thumbnail(file.id);
  t.equal((await ben.api.download(file.id)).length, image.length, 'a second download, from the cache');

  await ann.api.call('msg.recall', { conv_id: group.id, seq: sent.seq });
  const before = await health(server.url);
  const unknown = await answer(server.url, ben.token, '/api/v1/files/987654');
  t.same(unknown, { status: 404, code: 'SB_NOT_FOUND' });
  for (const path of [`/api/v1/files/${file.id}`, `/api/v1/files/${file.id}/thumb`]) {
    t.same(await answer(server.url, ben.token, path), unknown, `${path}: the same answer as an unknown id, right after the recall`);
    t.same(await answer(server.url, cai.token, path), unknown, `${path}: for every member`);
  }
  await t.rejects(ben.api.call('msg.send', { conv_id: group.id, cmid: 'again', body: { file_id: file.id } }), { code: 'SB_NOT_FOUND' }, 'cannot be sent again by id');
  const after = await health(server.url);
  t.equal(after.files.cache_hits, before.files.cache_hits, 'the relay cache served nothing');
  t.equal(after.files.thumb_hits, before.files.thumb_hits, 'nor a thumbnail');
  t.equal((await ann.api.download(file.id)).length, image.length, 'the uploader keeps their own upload');
});

t.test('copies forwarded before the recall keep the file open to their readers, until they are recalled too', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai, dan, eve] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan', 'Eve'].map((n) => makeUser(server, n)));
  const group = await ann.api.call('conv.group', { title: '项目组', member_ids: [ben.user.id, cai.user.id], cmid: 'g1' });
  const file = await ann.api.upload('plan.txt', 'text/plain', new TextEncoder().encode('the plan'));
  const sent = await ann.api.call('msg.send', { conv_id: group.id, cmid: 'f1', body: { file_id: file.id } });
  const withDan = await ben.api.call('conv.direct', { user_id: dan.user.id });
  const withEve = await cai.api.call('conv.direct', { user_id: eve.user.id });
  const copy = await ben.api.call('msg.forward', { from_conv_id: group.id, seqs: [sent.seq], to_conv_ids: [withDan.id], mode: 'each', cmid: 'fw1' });
  await cai.api.call('msg.forward', { from_conv_id: group.id, seqs: [sent.seq], to_conv_ids: [withEve.id], mode: 'bundle', cmid: 'fw2' });
  for (const who of [ben, cai, dan, eve]) await who.api.download(file.id);

  await ann.api.call('msg.recall', { conv_id: group.id, seq: sent.seq });
  for (const who of [ben, dan]) t.equal(new TextDecoder().decode(await who.api.download(file.id)), 'the plan', `${who.user.name}: through the copy forwarded one by one`);
  for (const who of [cai, eve]) t.equal(new TextDecoder().decode(await who.api.download(file.id)), 'the plan', `${who.user.name}: through the bundle`);

  await ben.api.call('msg.recall', { conv_id: withDan.id, seq: copy.messages[0]!.seq });
  for (const who of [ben, dan]) await t.rejects(who.api.download(file.id), { code: 'SB_NOT_FOUND' }, `${who.user.name}: the copy recalled, nothing else carries it to them`);
  for (const who of [cai, eve]) t.equal((await who.api.download(file.id)).length, 8, `${who.user.name}: the bundle still carries it`);
});

t.test('the same file sent twice in one conversation stays open until both messages are recalled', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all(['Ann', 'Ben'].map((n) => makeUser(server, n)));
  const conv = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const file = await ann.api.upload('a.txt', 'text/plain', new TextEncoder().encode('twice'));
  const m1 = await ann.api.call('msg.send', { conv_id: conv.id, cmid: 'a1', body: { file_id: file.id } });
  const m2 = await ann.api.call('msg.send', { conv_id: conv.id, cmid: 'a2', body: { file_id: file.id } });
  await ann.api.call('msg.recall', { conv_id: conv.id, seq: m1.seq });
  t.equal((await ben.api.download(file.id)).length, 5, 'the other message still carries it');
  await ann.api.call('msg.recall', { conv_id: conv.id, seq: m2.seq });
  await t.rejects(ben.api.download(file.id), { code: 'SB_NOT_FOUND' });
  await ann.api.call('msg.recall', { conv_id: conv.id, seq: m2.seq });
  await t.rejects(ben.api.download(file.id), { code: 'SB_NOT_FOUND' }, 'a repeated recall changes nothing');
});
