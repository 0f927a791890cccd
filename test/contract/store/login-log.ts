import type { Test } from 'tap';
import { fixtures, tag, type StoreHarness } from './harness.js';

/** Store contract, the login log and online samples: filters, pages, one sample per instant. */
export function loginLogContract(t: Test, harness: () => StoreHarness): void {
  const { user } = fixtures(() => harness().store);

  t.test('login log: recorded attempts come back newest first, filtered and paged', async (t) => {
    const s = harness().store;
    const a = await user(); const b = await user();
    const account = `ghost-${tag()}`;
    const base = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    await s.loginLog.record({ at: base, account: a.account, user_id: a.id, ip: '10.0.0.1', device_type: 'web', device_name: 'web', result: 'bad_credentials' });
    await s.loginLog.record({ at: base + 1, account: a.account, user_id: a.id, ip: '10.0.0.1', device_type: 'mobile', device_name: '手机', result: 'ok' });
    await s.loginLog.record({ at: base + 2, account: b.account, user_id: b.id, ip: null, device_type: 'desktop', device_name: 'PC', result: 'disabled' });
    await s.loginLog.record({ at: base + 3, account, user_id: null, ip: '10.0.0.9', device_type: 'web', device_name: 'web', result: 'rate_limited' });

    const ofA = await s.loginLog.list({ limit: 10, userIds: [a.id] });
    t.same(ofA.map((e) => e.result), ['ok', 'bad_credentials'], 'one person, newest first');
    t.match(ofA[0], { at: base + 1, account: a.account, user_id: a.id, ip: '10.0.0.1', device_type: 'mobile', device_name: '手机' });
    t.type(ofA[0]!.id, 'number');
    t.same((await s.loginLog.list({ limit: 10, userIds: [a.id, b.id], result: 'disabled' })).map((e) => e.user_id), [b.id], 'by result');
    t.same((await s.loginLog.list({ limit: 10, userIds: null, account })).map((e) => e.user_id), [null], 'an unknown account by the name typed');
    t.same((await s.loginLog.list({ limit: 10, userIds: [a.id, b.id], since: base + 1, until: base + 2 })).map((e) => e.at), [base + 1], 'since inclusive, until exclusive');
    t.same(await s.loginLog.list({ limit: 10, userIds: [] }), [], 'an empty scope matches nobody');
    const first = await s.loginLog.list({ limit: 1, userIds: [a.id] });
    const next = await s.loginLog.list({ limit: 1, userIds: [a.id], beforeId: first[0]!.id });
    t.same(next.map((e) => e.result), ['bad_credentials'], 'the page before an id');
  });

  t.test('online samples: one per instant, oldest first in a window', async (t) => {
    const s = harness().store;
    const at = 5_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 300_000;
    await s.loginLog.sampleOnline({ at, total: 3, by_device: { web: 2, mobile: 1 } });
    await s.loginLog.sampleOnline({ at, total: 99, by_device: { web: 99 } });
    await s.loginLog.sampleOnline({ at: at + 300_000, total: 0, by_device: {} });
    t.same(await s.loginLog.onlineSamples({ since: at, until: at + 600_000, limit: 10 }), [
      { at, total: 3, by_device: { web: 2, mobile: 1 } },
      { at: at + 300_000, total: 0, by_device: {} },
    ], 'the second sample of the same instant is ignored');
  });
}
