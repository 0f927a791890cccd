import type { LoginPolicyStore } from '../../../core/login-policy/ports.js';
import { DEVICE_COLUMNS, deviceRecord, deviceValues, loginRuleRecord } from '../sqlite/login-policy.js';
import type { MysqlWriteBatcher, Row } from './batcher.js';

export function mysqlLoginPolicyStore(read: (sql: string, params: unknown[]) => Promise<Row[]>, writes: MysqlWriteBatcher): LoginPolicyStore {
  const one = async (userId: number, deviceId: string) => {
    const rows = await read('SELECT * FROM trusted_devices WHERE user_id = ? AND device_id = ?', [userId, deviceId]);
    return rows[0] ? deviceRecord(rows[0]) : null;
  };
  return {
    listRules: async () => (await read('SELECT * FROM login_rules ORDER BY scope, target_id', [])).map(loginRuleRecord),
    putRule: async (r) => {
      await writes.run(async (tx) => {
        await tx.q(`INSERT INTO login_rules (scope, target_id, device_types, approval, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
          ON DUPLICATE KEY UPDATE device_types = VALUES(device_types), approval = VALUES(approval), updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)`,
        [r.scope, r.target_id, r.device_types === null ? null : JSON.stringify(r.device_types), r.approval, r.updated_by, r.updated_at], { last: true });
      });
      return loginRuleRecord((await read('SELECT * FROM login_rules WHERE scope = ? AND target_id = ?', [r.scope, r.target_id]))[0]!);
    },
    removeRule: (scope, targetId) => writes.run(async (tx) => Number((await tx.q('DELETE FROM login_rules WHERE scope = ? AND target_id = ?', [scope, targetId], { last: true })).affectedRows) > 0),
    device: one,
    putDevice: async (d) => {
      await writes.run(async (tx) => {
        await tx.q(`REPLACE INTO trusted_devices (${DEVICE_COLUMNS.join(', ')}) VALUES (${DEVICE_COLUMNS.map(() => '?').join(', ')})`, deviceValues(d), { last: true });
      });
    },
    decide: async (userId, deviceId, status, by, at) => {
      const changed = await writes.run(async (tx) => Number((await tx.q("UPDATE trusted_devices SET status = ?, decided_by = ?, decided_at = ? WHERE user_id = ? AND device_id = ? AND status = 'pending'",
        [status, by, at, userId, deviceId], { last: true })).affectedRows));
      return changed ? one(userId, deviceId) : null;
    },
    pending: async ({ since, userId, limit }) => (await read(`SELECT * FROM trusted_devices WHERE status = 'pending' AND requested_at >= ?${userId === undefined ? '' : ' AND user_id = ?'} ORDER BY requested_at LIMIT ${Math.max(1, Math.floor(limit))}`,
      userId === undefined ? [since] : [since, userId])).map(deviceRecord),
    devicesOf: async (userId) => (await read('SELECT * FROM trusted_devices WHERE user_id = ? ORDER BY last_seen_at DESC', [userId])).map(deviceRecord),
    forget: (userId, deviceId) => writes.run(async (tx) => Number((await tx.q('DELETE FROM trusted_devices WHERE user_id = ? AND device_id = ?', [userId, deviceId], { last: true })).affectedRows) > 0),
  };
}
