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
    await s.files.attach(f.id, g.id);
    await s.files.attach(f.id, g.id);
    t.equal(await s.files.canAccess(b.id, f.id), true, 'a member of a referencing conversation');
    t.equal(await s.files.canAccess(outsider.id, f.id), false);
    await s.conversations.append(text(g.id, a.id, { kind: 'system', effects: { removeMembers: [b.id] } }));
    t.equal(await s.files.canAccess(b.id, f.id), false, 'removed members lose access');
    t.equal(await s.files.canAccess(a.id, 987_654_321), false);
  });
}
