import type { Test } from 'tap';
import { auditChainContract } from '../audit-chain.js';
import { tag, type StoreHarness } from './harness.js';

/** Store contract, audit log: paging, then the hash chain. */
export function auditContract(t: Test, harness: () => StoreHarness): void {
  t.test('audit log: append and page newest first', async (t) => {
    const s = harness().store;
    const marker = `audit-${tag()}`;
    for (let i = 0; i < 5; i++) await s.audit.append({ actor_id: i === 0 ? null : i, action: marker, target: `user:${i}`, details: { i, 名: '值' }, at: 100 + i });
    const page = (await s.audit.list({ limit: 200 })).filter((e) => e.action === marker);
    t.same(page.map((e) => e.target), ['user:4', 'user:3', 'user:2', 'user:1', 'user:0']);
    t.same(page[0]!.details, { i: 4, 名: '值' });
    t.equal(page[4]!.actor_id, null);
    const older = await s.audit.list({ limit: 2, beforeId: page[1]!.id });
    t.same(older.map((e) => e.target), ['user:2', 'user:1']);
  });

  auditChainContract(t, harness);
}
