import type { Test } from 'tap';
import { fixtures, type StoreHarness } from './harness.js';

/** Store contract, file thumbnails: dimensions and the thumbnail blob recorded once per file. */
export function fileThumbsContract(t: Test, harness: () => StoreHarness): void {
  const { user } = fixtures(() => harness().store);

  t.test('files: a new file has no thumbnail attempt; one given at creation is kept', async (t) => {
    const s = harness().store;
    const a = await user();
    const plain = await s.files.create({ sha256: 'cd'.repeat(32), size: 10, name: 'a.txt', mime: 'text/plain', uploader_id: a.id, created_at: 1 });
    t.match(plain, { width: null, height: null, thumb_sha256: null, thumb_size: null });
    t.same(await s.files.get(plain.id), plain);
    const img = await s.files.create({ sha256: 'ce'.repeat(32), size: 99, name: 'p.png', mime: 'image/png', uploader_id: a.id, created_at: 2,
      width: 640, height: 480, thumb_sha256: 'cf'.repeat(32), thumb_size: 1234 });
    t.match(img, { width: 640, height: 480, thumb_sha256: 'cf'.repeat(32), thumb_size: 1234 });
    t.same(await s.files.get(img.id), img);
  });

  t.test('files: setThumb records the first attempt only; unknown files give null', async (t) => {
    const s = harness().store;
    const a = await user();
    const f = await s.files.create({ sha256: 'd0'.repeat(32), size: 10, name: 'b.jpg', mime: 'image/jpeg', uploader_id: a.id, created_at: 3 });
    const first = await s.files.setThumb(f.id, { width: 100, height: 50, thumb_sha256: 'd1'.repeat(32), thumb_size: 77 });
    t.match(first, { id: f.id, width: 100, height: 50, thumb_sha256: 'd1'.repeat(32), thumb_size: 77, name: 'b.jpg' });
    const second = await s.files.setThumb(f.id, { width: 1, height: 1, thumb_sha256: '', thumb_size: null });
    t.same(second, first, 'a later attempt changes nothing');
    t.same(await s.files.get(f.id), first);
    t.equal(await s.files.setThumb(987_654_321, { width: 1, height: 1, thumb_sha256: '', thumb_size: null }), null);
    const none = await s.files.create({ sha256: 'd2'.repeat(32), size: 10, name: 'c.bin', mime: 'image/png', uploader_id: a.id, created_at: 4 });
    t.match(await s.files.setThumb(none.id, { width: null, height: null, thumb_sha256: '', thumb_size: null }), { thumb_sha256: '', width: null });
  });

  t.test('files: concurrent setThumb calls agree on one winner', async (t) => {
    const s = harness().store;
    const a = await user();
    const f = await s.files.create({ sha256: 'd3'.repeat(32), size: 10, name: 'd.png', mime: 'image/png', uploader_id: a.id, created_at: 5 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      s.files.setThumb(f.id, { width: 10 + i, height: 20 + i, thumb_sha256: String(i).repeat(64), thumb_size: i + 1 })));
    const stored = await s.files.get(f.id);
    t.ok(stored && stored.thumb_sha256 && stored.width !== null);
    const i = stored!.width! - 10;
    t.match(stored, { height: 20 + i, thumb_sha256: String(i).repeat(64), thumb_size: i + 1 }, 'one attempt whole, not a mix');
    for (const r of results) t.same(r, stored, 'every caller sees the winner');
  });
}
