import type Database from 'better-sqlite3';
import { emptyCredentials, type CredentialPatch, type CredentialRecord, type CredentialStore } from '../../../core/auth/ports.js';
import type { PasswordPolicy } from '../../../core/auth/policy.js';
import type { WriteBatcher } from './batcher.js';

type Row = Record<string, unknown>;
const FIELDS = ['password_set_at', 'must_change', 'history', 'failures', 'locked_until', 'lockouts', 'totp_secret', 'totp_pending', 'totp_last_step', 'activation_hash', 'activation_expires_at'] as const;

export const credentialRecord = (r: Row): CredentialRecord => ({
  user_id: Number(r.user_id), password_set_at: r.password_set_at === null ? null : Number(r.password_set_at), must_change: Boolean(r.must_change),
  history: (typeof r.history === 'string' ? JSON.parse(r.history) : r.history ?? []) as string[], failures: Number(r.failures), locked_until: r.locked_until === null ? null : Number(r.locked_until),
  lockouts: Number(r.lockouts), totp_secret: (r.totp_secret as string | null) ?? null, totp_pending: (r.totp_pending as string | null) ?? null,
  totp_last_step: Number(r.totp_last_step), activation_hash: (r.activation_hash as string | null) ?? null,
  activation_expires_at: r.activation_expires_at === null ? null : Number(r.activation_expires_at),
});

/** Column values of a whole record, in FIELDS order. */
export const credentialValues = (c: CredentialRecord): unknown[] => FIELDS.map((f) => {
  const v = c[f];
  return f === 'history' ? JSON.stringify(v) : typeof v === 'boolean' ? Number(v) : v;
});
export const CREDENTIAL_FIELDS = FIELDS;

export function sqliteCredentialStore(db: Database.Database, writes: WriteBatcher): CredentialStore {
  const one = db.prepare('SELECT * FROM credentials WHERE user_id = ?');
  const read = (userId: number) => { const r = one.get(userId) as Row | undefined; return r ? credentialRecord(r) : emptyCredentials(userId); };
  const save = db.prepare(`INSERT INTO credentials (user_id, ${FIELDS.join(', ')}) VALUES (?, ${FIELDS.map(() => '?').join(', ')})
    ON CONFLICT (user_id) DO UPDATE SET ${FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}`);
  const write = (c: CredentialRecord) => { save.run(c.user_id, ...credentialValues(c)); return c; };
  const apply = (userId: number, patch: CredentialPatch) => write({ ...read(userId), ...patch, user_id: userId });
  return {
    get: async (userId) => read(userId),
    update: (userId, patch) => writes.run(() => apply(userId, patch)),
    recordFailure: (userId, now, threshold, lockMs) => writes.run(() => {
      const c = read(userId);
      const failures = c.failures + 1;
      if (threshold > 0 && failures >= threshold) return apply(userId, { failures: 0, locked_until: now + lockMs(c.lockouts), lockouts: c.lockouts + 1 });
      return apply(userId, { failures });
    }),
    useTotpStep: (userId, step) => writes.run(() => db.prepare('UPDATE credentials SET totp_last_step = ? WHERE user_id = ? AND totp_last_step < ?').run(step, userId, step).changes > 0),
    policy: async () => {
      const r = db.prepare('SELECT policy FROM password_policy WHERE id = 1').get() as { policy: string } | undefined;
      return r ? JSON.parse(r.policy) as PasswordPolicy : null;
    },
    setPolicy: (policy) => writes.run(() => {
      db.prepare('INSERT INTO password_policy (id, policy) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy').run(JSON.stringify(policy));
    }),
  };
}
