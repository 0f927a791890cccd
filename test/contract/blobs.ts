import type { Test } from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import type { BlobStore } from '../../core/ports.js';

export interface BlobBackend {
  /** Two stores over the same storage, as two central processes see it. */
  a: BlobStore;
  b: BlobStore;
  /** Every name stored (file paths or object keys, relative to the store's root). */
  names(): Promise<string[]>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let uploads = 0;
const uploadId = () => `up${process.pid}x${++uploads}`;

/** Splits `data` into parts of `partBytes` (the last one shorter), each with its offset. */
function parts(data: Buffer, partBytes: number): { offset: number; data: Buffer }[] {
  const out = [];
  for (let offset = 0; offset < data.length; offset += partBytes) out.push({ offset, data: data.subarray(offset, offset + partBytes) });
  return out;
}

/** The BlobStore contract: DiskBlobStore and S3BlobStore behave alike. */
export function blobContract(t: Test, open: () => Promise<BlobBackend>): void {
  let s: BlobBackend;
  t.before(async () => { s = await open(); });
  const leftovers = async (id: string) => (await s.names()).filter((n) => n.includes(id));

  t.test('parts arrive out of order and at two processes; either may finish', async (t) => {
    const data = randomBytes(5 * 1000 + 123);
    const id = uploadId();
    const ps = parts(data, 1000);
    for (const i of [3, 0, 5, 1, 4, 2]) await (i % 2 ? s.a : s.b).writePart(id, ps[i]!.offset, ps[i]!.data);
    t.equal(await s.b.has(sha(data)), false, 'nothing stored before finish');
    t.equal(await s.b.finish(id, sha(data), data.length), true);
    t.equal(await s.a.has(sha(data)), true, 'the other process sees it');
    t.same(await s.a.read(sha(data), 0, data.length), data, 'byte-identical');
    t.same(await leftovers(id), [], 'the parts are gone');
  });

  t.test('a wrong hash or size stores nothing and drops the parts', async (t) => {
    const data = randomBytes(2500);
    const wrong = sha(Buffer.from('something else'));
    const id = uploadId();
    for (const p of parts(data, 1000)) await s.a.writePart(id, p.offset, p.data);
    t.equal(await s.b.finish(id, wrong, data.length), false, 'wrong hash');
    t.equal(await s.a.has(wrong), false);
    t.equal(await s.a.has(sha(data)), false);
    t.equal(await s.a.read(wrong, 0, 10), null);
    t.same(await leftovers(id), [], 'the parts are gone');
    t.equal(await s.b.finish(id, sha(data), data.length), false, 'finishing again finds no parts');

    const id2 = uploadId();
    for (const p of parts(data, 1000)) await s.a.writePart(id2, p.offset, p.data);
    t.equal(await s.a.finish(id2, sha(data), data.length + 1), false, 'wrong size');
    t.equal(await s.a.has(sha(data)), false);
    t.same(await leftovers(id2), []);
  });

  t.test('a missing or overlapping part fails the upload', async (t) => {
    const data = randomBytes(3000);
    const id = uploadId();
    const ps = parts(data, 1000);
    await s.a.writePart(id, ps[0]!.offset, ps[0]!.data);
    await s.b.writePart(id, ps[2]!.offset, ps[2]!.data);
    t.equal(await s.b.finish(id, sha(data), data.length), false, 'a gap');
    t.equal(await s.a.has(sha(data)), false);
    t.same(await leftovers(id), [], 'the parts are gone');

    const id2 = uploadId();
    await s.a.writePart(id2, 0, data.subarray(0, 2000));
    await s.a.writePart(id2, 1000, data.subarray(1000, 3000));
    t.equal(await s.a.finish(id2, sha(data), data.length), false, 'an overlap');
    t.equal(await s.a.has(sha(data)), false);
  });

  t.test('a part sent twice (a retry) counts once', async (t) => {
    const data = randomBytes(2000);
    const id = uploadId();
    await s.a.writePart(id, 0, data.subarray(0, 1000));
    await s.b.writePart(id, 0, data.subarray(0, 1000));
    await s.b.writePart(id, 1000, data.subarray(1000));
    t.equal(await s.a.finish(id, sha(data), data.length), true);
    t.same(await s.b.read(sha(data), 0, 5000), data);
  });

  t.test('reads: ranges, the end, past the end, a missing blob', async (t) => {
    const data = randomBytes(4096);
    const id = uploadId();
    await s.a.writePart(id, 0, data);
    t.equal(await s.a.finish(id, sha(data), data.length), true);
    const h = sha(data);
    t.same(await s.b.read(h, 0, 10), data.subarray(0, 10), 'the start');
    t.same(await s.b.read(h, 1000, 1500), data.subarray(1000, 2500), 'the middle');
    t.same(await s.b.read(h, 4090, 100), data.subarray(4090), 'across the end: what there is');
    t.same(await s.b.read(h, 4096, 10), Buffer.alloc(0), 'at the end: empty, not null');
    t.same(await s.b.read(h, 10_000, 10), Buffer.alloc(0), 'past the end: empty, not null');
    const missing = sha(randomBytes(8));
    t.equal(await s.b.read(missing, 0, 10), null, 'a missing blob reads as null');
    t.equal(await s.b.has(missing), false);
  });

  t.test('the same content uploaded twice is stored once', async (t) => {
    const data = randomBytes(1500);
    const [id1, id2] = [uploadId(), uploadId()];
    for (const id of [id1, id2]) for (const p of parts(data, 1000)) await s.a.writePart(id, p.offset, p.data);
    t.equal(await s.a.finish(id1, sha(data), data.length), true);
    t.equal(await s.b.finish(id2, sha(data), data.length), true, 'the second upload also succeeds');
    t.equal((await s.names()).filter((n) => n.endsWith(sha(data))).length, 1, 'one copy');
    t.same([...await leftovers(id1), ...await leftovers(id2)], []);
    t.same(await s.b.read(sha(data), 0, 2000), data);
  });

  t.test('an empty file: one empty part', async (t) => {
    const id = uploadId();
    const empty = sha(Buffer.alloc(0));
    await s.a.writePart(id, 0, Buffer.alloc(0));
    t.equal(await s.b.finish(id, empty, 0), true);
    t.equal(await s.a.has(empty), true);
    t.same(await s.a.read(empty, 0, 10), Buffer.alloc(0));
  });
}
