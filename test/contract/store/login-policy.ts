import type { Test } from 'tap';
import type { TrustedDeviceRecord } from '../../../core/login-policy/ports.js';
import type { StoreHarness } from './harness.js';

/** Store contract, 登录授权: rules replaced whole per target; devices put whole, decided once, listed while pending. */
export function loginPolicyContract(t: Test, harness: () => StoreHarness): void {
  t.test('login policy: rules, devices, a pending request decided exactly once', async (t) => {
    const s = harness().store.loginPolicy;
    const base = 700_000 + Math.floor(Math.random() * 90_000);
    const rule = await s.putRule({ scope: 'dept', target_id: base, device_types: ['web', 'mobile'], approval: null, updated_by: 1, updated_at: 10 });
    t.same(rule, { scope: 'dept', target_id: base, device_types: ['web', 'mobile'], approval: null, updated_by: 1, updated_at: 10 });
    const replaced = await s.putRule({ scope: 'dept', target_id: base, device_types: null, approval: 'new_device', updated_by: null, updated_at: 11 });
    t.same(replaced, { scope: 'dept', target_id: base, device_types: null, approval: 'new_device', updated_by: null, updated_at: 11 }, 'replaced whole');
    t.same((await s.listRules()).filter((r) => r.target_id === base), [replaced]);
    t.equal(await s.removeRule('dept', base), true);
    t.equal(await s.removeRule('dept', base), false);

    const d: TrustedDeviceRecord = {
      user_id: base, device_id: 'dev-0123456789abcdef', device_type: 'mobile', device_name: 'iPhone', ip: '10.0.0.8', status: 'pending',
      requested_at: 1000, decided_at: null, decided_by: null, last_seen_at: 1000,
    };
    t.equal(await s.device(base, d.device_id), null);
    await s.putDevice(d);
    t.same(await s.device(base, d.device_id), d, 'read back as written');
    t.same((await s.pending({ since: 1000, userId: base, limit: 10 })).map((x) => x.device_id), [d.device_id], 'pending since then');
    t.same(await s.pending({ since: 1001, userId: base, limit: 10 }), [], 'not before');
    const decisions = await Promise.all([s.decide(base, d.device_id, 'approved', 7, 2000), s.decide(base, d.device_id, 'denied', 8, 2000)]);
    t.equal(decisions.filter((x) => x !== null).length, 1, 'two decisions at once: one of them wins');
    const decided = (await s.device(base, d.device_id))!;
    t.match(decided, { decided_at: 2000 });
    t.ok(decided.status === 'approved' ? decided.decided_by === 7 : decided.decided_by === 8, 'with its author');
    t.equal(await s.decide(base, d.device_id, 'approved', 9, 3000), null, 'decided once only');
    t.same(await s.pending({ since: 0, userId: base, limit: 10 }), []);
    await s.putDevice({ ...d, device_id: 'dev-second-device-1', status: 'approved', last_seen_at: 5000 });
    t.same((await s.devicesOf(base)).map((x) => x.device_id), ['dev-second-device-1', d.device_id], 'most recently seen first');
    t.equal(await s.forget(base, d.device_id), true);
    t.equal(await s.forget(base, d.device_id), false);
    t.equal((await s.devicesOf(base)).length, 1);
  });
}
