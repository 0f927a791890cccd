import type { Test } from 'tap';
import type { NewFavourite, Store } from '../../../core/ports.js';
import { fixtures, tag, type StoreHarness } from './harness.js';

/** Store contract, favourites (收藏) and notification settings: copies, tombstones, positions, paging, search. */
export function favouritesContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text } = fixtures(() => harness().store);
  const fav = (userId: number, extra: Partial<NewFavourite> = {}): NewFavourite => ({
    user_id: userId, source_key: `m:${tag()}`, kind: 'text', body: JSON.stringify({ text: '季度报告' }), search_text: '季度报告', file_id: null,
    src_conv_id: 7, src_seq: 3, src_sender_id: 9, src_sender_name: '王芳', src_conv_title: '项目组', src_at: 2_000, created_at: 5_000, ...extra,
  });
  const position = async (s: Store, userId: number) => (await s.conversations.changedSince(userId, 0)).pos;

  t.test('favourites: none at first; add returns the copy; the same source again is the same one', async (t) => {
    const s = harness().store;
    const a = await user();
    t.same(await s.favourites.list(a.id, { limit: 10 }), [], 'empty');
    t.same(await s.favourites.changedSince(a.id, 0), [], 'nothing changed');
    const before = await position(s, a.id);
    const input = fav(a.id);
    const r = await s.favourites.add(input);
    t.equal(r.created, true);
    t.match(r.favourite, { ...input, removed: false });
    t.ok(r.favourite.pos > before, 'a new stream position');
    const again = await s.favourites.add({ ...input, body: '{"text":"other"}' });
    t.equal(again.created, false, 'already starred');
    t.same(again.favourite, r.favourite, 'the original comes back unchanged');
    t.same((await s.favourites.changedSince(a.id, before)).map((f) => f.id), [r.favourite.id]);
    t.same(await s.favourites.changedSince(a.id, r.favourite.pos), [], 'nothing after its position');
  });

  t.test('favourites: newest first, paged by id, searched by substring, only the owner\'s', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const ids: number[] = [];
    for (const [i, word] of ['alpha 周报', 'beta', 'gamma 周报', 'delta'].entries()) {
      ids.push((await s.favourites.add(fav(a.id, { search_text: word, created_at: 5_000 + i }))).favourite.id);
    }
    await s.favourites.add(fav(b.id, { search_text: 'alpha 周报' }));
    const all = await s.favourites.list(a.id, { limit: 10 });
    t.same(all.map((f) => f.id), [...ids].reverse(), 'newest first, only mine');
    const page1 = await s.favourites.list(a.id, { limit: 2 });
    const page2 = await s.favourites.list(a.id, { limit: 2, beforeId: page1[1]!.id });
    t.same([...page1, ...page2].map((f) => f.id), [...ids].reverse(), 'two pages, no overlap');
    t.same((await s.favourites.list(a.id, { limit: 10, query: '周报' })).map((f) => f.id), [ids[2], ids[0]], 'substring search');
    t.same(await s.favourites.list(a.id, { limit: 10, query: 'zeta' }), [], 'no match');
    t.same(await s.favourites.list(a.id, { limit: 10, query: '%' }), [], 'no wildcard');
  });

  t.test('favourites: remove is the owner\'s only, leaves a tombstone, and frees the source to be starred again', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const input = fav(a.id);
    const { favourite: f } = await s.favourites.add(input);
    t.equal(await s.favourites.remove(b.id, f.id), null, 'someone else\'s: nothing');
    t.equal(await s.favourites.remove(a.id, 987_654_321), null, 'none such');
    t.same((await s.favourites.list(a.id, { limit: 10 })).map((x) => x.id), [f.id], 'still there after the refusals');
    const r = await s.favourites.remove(a.id, f.id);
    t.equal(r?.changed, true);
    t.equal(r?.favourite.removed, true);
    t.ok(r!.favourite.pos > f.pos, 'the removal has its own position');
    t.same((await s.favourites.remove(a.id, f.id))?.changed, false, 'twice: no change');
    t.same(await s.favourites.list(a.id, { limit: 10 }), [], 'no longer listed');
    const changed = await s.favourites.changedSince(a.id, f.pos);
    t.same(changed.map((x) => [x.id, x.removed]), [[f.id, true]], 'sync sees the removal');
    const again = await s.favourites.add(input);
    t.equal(again.created, true, 'the same source starred again');
    t.not(again.favourite.id, f.id, 'as a new favourite');
  });

  t.test('favourites: concurrent stars of one source make one favourite', async (t) => {
    const s = harness().store;
    const a = await user();
    const input = fav(a.id);
    const results = await Promise.all(Array.from({ length: 6 }, () => s.favourites.add(input)));
    t.equal(results.filter((r) => r.created).length, 1, 'one created');
    t.equal(new Set(results.map((r) => r.favourite.id)).size, 1, 'all return it');
  });

  t.test('favourites: a file favourite keeps the file readable for its owner only', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user(); const c = await user();
    const g = await group(a.id, [b.id, c.id]);
    const f = await s.files.create({ sha256: 'cd'.repeat(32), size: 10, name: 'plan.pdf', mime: 'application/pdf', uploader_id: a.id, created_at: 1 });
    await s.files.attach(f.id, g.id, 1);
    const { favourite } = await s.favourites.add(fav(b.id, { kind: 'file', file_id: f.id, source_key: `f:${f.id}` }));
    for (const who of [b.id, c.id]) await s.conversations.append(text(g.id, who, { kind: 'system', effects: { removeMembers: [who] } }));
    t.equal(await s.files.canAccess(b.id, f.id), true, 'kept by the favourite after leaving');
    t.equal(await s.files.canAccess(c.id, f.id), false, 'another who left has no access');
    await s.favourites.remove(b.id, favourite.id);
    t.equal(await s.files.canAccess(b.id, f.id), false, 'unstarred: access ends');
  });

  t.test('notify settings: none at first; set moves the position; the same text again changes nothing', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    t.equal(await s.notifySettings.get(a.id), null);
    const before = await position(s, a.id);
    t.same(await s.notifySettings.set(a.id, '{"v":1}', 10), { changed: true });
    const r = await s.notifySettings.get(a.id);
    t.match(r, { user_id: a.id, settings: '{"v":1}', updated_at: 10 });
    t.ok(r!.pos > before, 'a new position');
    t.same(await s.notifySettings.set(a.id, '{"v":1}', 20), { changed: false });
    t.same(await s.notifySettings.get(a.id), r, 'unchanged, position kept');
    await s.notifySettings.set(a.id, '{"v":2}', 30);
    const later = await s.notifySettings.get(a.id);
    t.match(later, { settings: '{"v":2}', updated_at: 30 });
    t.ok(later!.pos > r!.pos);
    t.equal(await s.notifySettings.get(b.id), null, 'someone else\'s are theirs');
  });
}
