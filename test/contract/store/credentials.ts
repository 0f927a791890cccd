import type { Test } from 'tap';
import { DEFAULT_PASSWORD_POLICY } from '../../../core/auth/policy.js';
import type { StoreHarness } from './harness.js';

/** Store contract, credentials: defaults for a person without a record, patches, counted failures and locks, TOTP steps, the policy. */
export function credentialsContract(t: Test, harness: () => StoreHarness): void {
  t.test('credentials: defaults, patches, failures that lock, TOTP steps taken once, the policy', async (t) => {
    const s = harness().store;
    const userId = 800_000 + Math.floor(Math.random() * 90_000);
    t.match(await s.credentials.get(userId), { user_id: userId, password_set_at: null, must_change: false, history: [], failures: 0, locked_until: null, totp_secret: null });
    const patched = await s.credentials.update(userId, { password_set_at: 5, must_change: true, history: ['h2', 'h1'], totp_pending: 'ABC' });
    t.match(patched, { password_set_at: 5, must_change: true, history: ['h2', 'h1'], totp_pending: 'ABC', failures: 0 });
    t.same(await s.credentials.get(userId), patched, 'read back as written');
    await s.credentials.update(userId, { must_change: false });
    t.match(await s.credentials.get(userId), { must_change: false, history: ['h2', 'h1'], totp_pending: 'ABC' }, 'a patch leaves the rest');

    const lockMs = (n: number) => 1000 * 2 ** n;
    t.match(await s.credentials.recordFailure(userId, 100, 3, lockMs), { failures: 1, locked_until: null });
    // Concurrent failures all count: the third of them locks.
    const results = await Promise.all([s.credentials.recordFailure(userId, 100, 3, lockMs), s.credentials.recordFailure(userId, 100, 3, lockMs)]);
    t.equal(results.filter((r) => r.locked_until === 1100).length, 1, 'exactly one of them locked the account');
    t.match(await s.credentials.get(userId), { failures: 0, locked_until: 1100, lockouts: 1 });
    for (let i = 0; i < 3; i++) await s.credentials.recordFailure(userId, 2000, 3, lockMs);
    t.match(await s.credentials.get(userId), { locked_until: 4000, lockouts: 2 }, 'the next lock doubles');
    t.match(await s.credentials.recordFailure(userId + 1, 1, 0, lockMs), { failures: 1, locked_until: null }, 'threshold 0 never locks');

    await s.credentials.update(userId, { totp_secret: 'SECRET', totp_last_step: 10 });
    t.equal(await s.credentials.useTotpStep(userId, 10), false, 'the step already used');
    const taken = await Promise.all([s.credentials.useTotpStep(userId, 11), s.credentials.useTotpStep(userId, 11)]);
    t.same(taken.sort(), [false, true], 'one step, taken once even at the same instant');
    t.equal((await s.credentials.get(userId)).totp_last_step, 11);

    const before = await s.credentials.policy();
    await s.credentials.setPolicy({ ...DEFAULT_PASSWORD_POLICY, min_length: 14 });
    t.equal((await s.credentials.policy())!.min_length, 14);
    await s.credentials.setPolicy(before ?? DEFAULT_PASSWORD_POLICY);
  });
}
