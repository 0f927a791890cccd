import t from 'tap';
import sharp from 'sharp';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { client, makeUser, startServer } from '../helpers/server.js';
import type { FileBody } from '../../shared/protocol/types.js';

async function health(url: string) {
  return (await (await fetch(`${url}/healthz`)).json()) as { files: { thumb_hits: number; thumb_fetches: number } };
}

/** A real PNG of this size, with some structure so the JPEG is not trivial. */
async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#2a6"/></svg>`) }])
    .png().toBuffer();
}

t.test('an uploaded image gets a thumbnail, served by the relay to members only and then from its cache', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const carol = await makeUser(server, 'Carol');
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();
  const conv = await a.openDirect(bob.user.id);

  const image = await png(1600, 900);
  const msg = await a.sendFile(conv.id, 'photo.png', 'image/png', image);
  const f = (msg.body as FileBody).file;
  t.match(f, { width: 1600, height: 900, has_thumb: true, mime: 'image/png' }, 'the message carries the image\'s shape');
  t.match(await bob.api.call('msg.history', { conv_id: conv.id }), { messages: [{ body: { file: { width: 1600, height: 900, has_thumb: true } } }] });

  const before = await health(server.url);
  const thumb = Buffer.from(await bob.api.thumbnail(f.id));
  const meta = await sharp(thumb).metadata();
  t.match(meta, { format: 'jpeg', width: 320, height: 180 }, 'longest side 320, aspect kept');
  t.equal(meta.exif, undefined, 'no metadata');
  const mid = await health(server.url);
  t.equal(mid.files.thumb_fetches - before.files.thumb_fetches, 1, 'first fetched from central');
  const again = Buffer.from(await bob.api.thumbnail(f.id));
  t.same(again, thumb);
  const after = await health(server.url);
  t.equal(after.files.thumb_fetches, mid.files.thumb_fetches, 'second not from central');
  t.equal(after.files.thumb_hits - mid.files.thumb_hits, 1, 'from the relay cache');

  const res = await fetch(`${server.url}/api/v1/files/${f.id}/thumb`, { headers: { authorization: `Bearer ${bob.token}` } });
  t.equal(res.headers.get('content-type'), 'image/jpeg');
  const etag = res.headers.get('etag')!;
  t.equal((await fetch(`${server.url}/api/v1/files/${f.id}/thumb`, { headers: { authorization: `Bearer ${bob.token}`, 'if-none-match': etag } })).status, 304);

  await t.rejects(carol.api.thumbnail(f.id), { code: 'SB_NOT_FOUND' }, 'a non-member is refused, as for the file');
  t.equal((await fetch(`${server.url}/api/v1/files/${f.id}/thumb`)).status, 401, 'no credential');
  await t.rejects(bob.api.thumbnail(987_654), { code: 'SB_NOT_FOUND' });
  const bad = await fetch(`${server.url}/api/v1/files/abc/thumb`, { headers: { authorization: `Bearer ${bob.token}` } });
  t.equal(bad.status, 400);
});

t.test('non-images and unreadable images are plain files without a thumbnail', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server);
  const doc = await alice.api.upload('notes.txt', 'text/plain', Buffer.from('hello'));
  t.notOk(doc.has_thumb);
  t.equal(doc.width, undefined);
  await t.rejects(alice.api.thumbnail(doc.id), { code: 'SB_NOT_FOUND' });
  const fake = await alice.api.upload('fake.png', 'image/png', Buffer.from('not really a png at all'));
  t.notOk(fake.has_thumb, 'an image type that does not decode');
  await t.rejects(alice.api.thumbnail(fake.id), { code: 'SB_NOT_FOUND' });
  const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#fff' } }).png({ compressionLevel: 1 }).toBuffer();
  const big = await alice.api.upload('huge.png', 'image/png', bomb);
  t.notOk(big.has_thumb, '48 megapixels: over the limit, not decoded');
});

t.test('an image stored before thumbnails gets one on the first request', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server);
  const up = await alice.api.upload('old.png', 'image/png', await png(300, 600));
  // As a file from before migration 10 would be: no attempt recorded.
  const store = server.node.central!.store;
  const rec = await store.files.get(up.id);
  const { id: _id, ...fields } = rec!;
  const old = await store.files.create({ ...fields, width: null, height: null, thumb_sha256: null, thumb_size: null });
  t.equal((await store.files.get(old.id))!.thumb_sha256, null);
  const cacheDir = join(server.dataDir, 'relay-cache');
  for (const f of readdirSync(cacheDir)) if (/^[0-9a-f]{64}$/.test(f)) rmSync(join(cacheDir, f));
  const thumb = await sharp(Buffer.from(await alice.api.thumbnail(old.id))).metadata();
  t.match(thumb, { width: 160, height: 320 });
  t.match(await store.files.get(old.id), { width: 300, height: 600, thumb_size: Number });
});
