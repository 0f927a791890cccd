import type { Test } from 'tap';
import type { StoreHarness } from './harness.js';

/** Store contract, file-sending rules: one per target, replaced whole, removed. */
export function fileRulesContract(t: Test, harness: () => StoreHarness): void {
  t.test('file rules: put, replace, get, list, remove', async (t) => {
    const s = harness().store;
    const base = 900_000 + Math.floor(Math.random() * 90_000);
    t.equal(await s.fileRules.get('dept', base), null);
    t.equal(await s.fileRules.remove('dept', base), false);
    const first = await s.fileRules.put({ scope: 'dept', target_id: base, max_bytes: 5_000_000_000, allowed: ['pdf', 'image/*'], blocked: null, updated_by: 1, updated_at: 10 });
    t.same(first, { scope: 'dept', target_id: base, max_bytes: 5_000_000_000, allowed: ['pdf', 'image/*'], blocked: null, updated_by: 1, updated_at: 10 });
    const second = await s.fileRules.put({ scope: 'dept', target_id: base, max_bytes: null, allowed: [], blocked: ['exe'], updated_by: null, updated_at: 11 });
    t.same(second, { scope: 'dept', target_id: base, max_bytes: null, allowed: [], blocked: ['exe'], updated_by: null, updated_at: 11 }, 'replaced whole');
    await s.fileRules.put({ scope: 'person', target_id: base, max_bytes: 1, allowed: null, blocked: null, updated_by: 2, updated_at: 12 });
    t.same(await s.fileRules.get('dept', base), second);
    const mine = (await s.fileRules.list()).filter((r) => r.target_id === base);
    t.same(mine.map((r) => r.scope), ['dept', 'person'], 'one per target, same id in two scopes');
    t.equal(await s.fileRules.remove('dept', base), true);
    t.equal(await s.fileRules.get('dept', base), null);
    t.match(await s.fileRules.get('person', base), { max_bytes: 1 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => s.fileRules.put({ scope: 'org', target_id: base, max_bytes: i, allowed: null, blocked: [`t${i}`], updated_by: null, updated_at: i })));
    const org = await s.fileRules.get('org', base);
    t.equal(org!.blocked![0], `t${org!.max_bytes}`, 'concurrent puts: one of them whole');
    t.equal((await s.fileRules.list()).filter((r) => r.scope === 'org' && r.target_id === base).length, 1);
  });
}
