import type { Test } from 'tap';
import { fixtures, type StoreHarness } from './harness.js';

/** Store contract, files: metadata, attach, access. */
export function filesContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text } = fixtures(() => harness().store);

  t.test('files: metadata, attach, access', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const outsider = await user();
    const g = await group(a.id, [b.id]);
    const f = await s.files.create({ sha256: 'ab'.repeat(32), size: 1234, name: '报告.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 42 });
    t.match(f, { sha256: 'ab'.repeat(32), size: 1234, name: '报告.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 42 });
    t.same(await s.files.get(f.id), f);
    t.equal(await s.files.get(987_654_321), null);
    t.equal(await s.files.canAccess(a.id, f.id), true, 'the uploader');
    t.equal(await s.files.canAccess(b.id, f.id), false, 'not yet referenced');
    await s.files.attach(f.id, g.id, 1);
    await s.files.attach(f.id, g.id, 1);
    t.equal(await s.files.canAccess(b.id, f.id), true, 'a member of a referencing conversation');
    t.equal(await s.files.canAccess(outsider.id, f.id), false);
    await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [b.id] } }));
    t.equal(await s.files.canAccess(b.id, f.id), false, 'removed members lose access');
    t.equal(await s.files.canAccess(a.id, 987_654_321), false);
  });

  t.test('files: a recalled use closes the file to the conversation only when no other message carries it', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const other = await group(a.id, [b.id]);
    const f = await s.files.create({ sha256: 'ef'.repeat(32), size: 10, name: 'a.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 1 });
    const h = await s.files.create({ sha256: 'fe'.repeat(32), size: 10, name: 'b.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 1 });
    t.same(await s.files.detach(g.id, 5, [f.id]), [], 'nothing to close: never attached');
    await s.files.attach(f.id, g.id, 5);
    await s.files.attach(f.id, g.id, 7);
    await s.files.attach(h.id, g.id, 7);
    await s.files.attach(f.id, other.id, 2);
    t.same(await s.files.detach(g.id, 5, [f.id]), [], 'message 7 still carries it');
    t.equal(await s.files.canAccess(b.id, f.id), true);
    t.same((await s.files.detach(g.id, 7, [f.id, h.id, f.id])).sort((x, y) => x - y), [f.id, h.id].sort((x, y) => x - y), 'the last uses went');
    t.equal(await s.files.canAccess(b.id, h.id), false, 'closed to the conversation');
    t.equal(await s.files.canAccess(b.id, f.id), true, 'still open through the other conversation');
    t.same(await s.files.detach(g.id, 7, [f.id, h.id]), [], 'a repeat closes nothing more');
    t.same(await s.files.detach(other.id, 2, [f.id]), [f.id]);
    t.equal(await s.files.canAccess(b.id, f.id), false);
    t.equal(await s.files.canAccess(a.id, f.id), true, 'the uploader keeps their upload');
    await s.files.attach(f.id, other.id, 3);
    t.equal(await s.files.canAccess(b.id, f.id), true, 'sent again: open again');
  });

  t.test('files: the uses of a conversation, newest first, paged by seq (the file library)', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const f = await s.files.create({ sha256: 'ab'.repeat(32), size: 3, name: 'x.doc', mime: 'application/msword', uploader_id: a.id, created_at: 1 });
    const h = await s.files.create({ sha256: 'ba'.repeat(32), size: 3, name: 'y.doc', mime: 'application/msword', uploader_id: a.id, created_at: 1 });
    t.same(await s.files.usesIn(g.id, { limit: 10 }), [], 'none yet');
    await s.files.attach(f.id, g.id, 2);
    await s.files.attach(h.id, g.id, 4);
    await s.files.attach(f.id, g.id, 4);
    await s.files.attach(h.id, g.id, 9);
    t.same(await s.files.usesIn(g.id, { limit: 10 }), [{ file_id: h.id, seq: 9 }, { file_id: Math.min(f.id, h.id), seq: 4 }, { file_id: Math.max(f.id, h.id), seq: 4 }, { file_id: f.id, seq: 2 }]);
    t.same(await s.files.usesIn(g.id, { limit: 1 }), [{ file_id: h.id, seq: 9 }], 'limited');
    t.same(await s.files.usesIn(g.id, { beforeSeq: 4, limit: 10 }), [{ file_id: f.id, seq: 2 }], 'older than a seq');
    await s.files.detach(g.id, 9, [h.id]);
    t.equal((await s.files.usesIn(g.id, { limit: 10 })).length, 3, 'a recalled use is gone from it');
  });
}
