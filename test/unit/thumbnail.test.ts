import t from 'tap';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { makeThumbnail } from '../../central/files/thumbnail.js';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A few hundred bytes whose header announces side×side grey pixels. */
function bombPng(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0); ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; ihdr[9] = 0; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = deflateSync(Buffer.alloc(side + 1));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

t.test('a PNG gets a JPEG thumbnail inside the box, with the source dimensions', async t => {
  const png = await sharp({ create: { width: 1200, height: 800, channels: 4, background: '#3366cc80' } }).png().toBuffer();
  const th = await makeThumbnail(png);
  t.equal(th.width, 320);
  t.equal(th.height, 213);
  t.same([th.sourceWidth, th.sourceHeight], [1200, 800]);
  const meta = await sharp(th.bytes).metadata();
  t.equal(meta.format, 'jpeg');
  t.equal(meta.width, 320);
});

t.test('a JPEG with EXIF orientation and metadata: turned upright, metadata dropped', async t => {
  const jpeg = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#ff0000' } })
    .jpeg().withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-owner', Artist: 'someone' } } }).toBuffer();
  const before = await sharp(jpeg).metadata();
  t.ok(before.exif, 'the source carries EXIF');
  const th = await makeThumbnail(jpeg);
  t.same([th.sourceWidth, th.sourceHeight], [300, 600], 'dimensions as displayed (turned)');
  t.same([th.width, th.height], [160, 320]);
  const after = await sharp(th.bytes).metadata();
  t.equal(after.exif, undefined, 'no EXIF in the thumbnail');
  t.notOk(th.bytes.includes(Buffer.from('secret-owner')));
});

t.test('small images are not enlarged', async t => {
  const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#00ff00' } }).png().toBuffer();
  const th = await makeThumbnail(png);
  t.same([th.width, th.height], [40, 20]);
});

t.test('a decompression bomb is refused before decoding', async t => {
  const bomb = bombPng(60_000);
  t.ok(bomb.length < 200_000, `the bomb is small on disk (${bomb.length} bytes)`);
  await t.rejects(makeThumbnail(bomb), /pixel limit/);
});

t.test('bytes that are not an image are refused', async t => {
  await t.rejects(makeThumbnail(Buffer.from('%PDF-1.4 not an image')));
});
