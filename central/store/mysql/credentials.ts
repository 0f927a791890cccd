import { emptyCredentials, type CredentialPatch, type CredentialRecord, type CredentialStore } from '../../../core/auth/ports.js';
import type { PasswordPolicy } from '../../../core/auth/policy.js';
import { CREDENTIAL_FIELDS as FIELDS, credentialRecord, credentialValues } from '../sqlite/credentials.js';
import type { MysqlWriteBatcher, Row, Tx } from './batcher.js';

const UPSERT = `INSERT INTO credentials (user_id, ${FIELDS.join(', ')}) VALUES (?, ${FIELDS.map(() => '?').join(', ')})
  ON DUPLICATE KEY UPDATE ${FIELDS.map((f) => `${f} = VALUES(${f})`).join(', ')}`;

export function mysqlCredentialStore(read: (sql: string, params: unknown[]) => Promise<Row[]>, writes: MysqlWriteBatcher): CredentialStore {
  // Inside the write transaction the row is locked, so two failures at once both count.
  const locked = async (tx: Tx, userId: number): Promise<CredentialRecord> => {
    const rows = await tx.q('SELECT * FROM credentials WHERE user_id = ? FOR UPDATE', [userId]) as Row[];
    return rows[0] ? credentialRecord(rows[0]) : emptyCredentials(userId);
  };
  const apply = async (tx: Tx, userId: number, patch: CredentialPatch) => {
    const c = { ...(await locked(tx, userId)), ...patch, user_id: userId };
    await tx.q(UPSERT, [userId, ...credentialValues(c)]);
    return c;
  };
  return {
    get: async (userId) => {
      const rows = await read('SELECT * FROM credentials WHERE user_id = ?', [userId]);
      return rows[0] ? credentialRecord(rows[0]) : emptyCredentials(userId);
    },
    update: (userId, patch) => writes.run((tx) => apply(tx, userId, patch)),
    recordFailure: (userId, now, threshold, lockMs) => writes.run(async (tx) => {
      const c = await locked(tx, userId);
      const failures = c.failures + 1;
      if (threshold > 0 && failures >= threshold) return apply(tx, userId, { failures: 0, locked_until: now + lockMs(c.lockouts), lockouts: c.lockouts + 1 });
      return apply(tx, userId, { failures });
    }),
    useTotpStep: (userId, step) => writes.run(async (tx) => {
      const r = await tx.q('UPDATE credentials SET totp_last_step = ? WHERE user_id = ? AND totp_last_step < ?', [step, userId, step], { last: true });
      return Number(r.affectedRows) > 0;
    }),
    policy: async () => {
      const rows = await read('SELECT policy FROM password_policy WHERE id = 1', []);
      if (!rows[0]) return null;
      const v = rows[0].policy as unknown;
      return (typeof v === 'string' ? JSON.parse(v) : v) as PasswordPolicy;
    },
    setPolicy: async (policy) => {
      await writes.run(async (tx) => {
        await tx.q('INSERT INTO password_policy (id, policy) VALUES (1, ?) ON DUPLICATE KEY UPDATE policy = VALUES(policy)', [JSON.stringify(policy)], { last: true });
      });
    },
  };
}
