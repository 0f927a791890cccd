import type Database from 'better-sqlite3';
import type { LoginPolicyStore, LoginRuleRecord, TrustedDeviceRecord } from '../../../core/login-policy/ports.js';
import type { WriteBatcher } from './batcher.js';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const loginRuleRecord = (r: Row): LoginRuleRecord => ({
  scope: r.scope as LoginRuleRecord['scope'], target_id: Number(r.target_id),
  device_types: r.device_types === null ? null : (typeof r.device_types === 'string' ? JSON.parse(r.device_types) : r.device_types) as LoginRuleRecord['device_types'],
  approval: (r.approval ?? null) as LoginRuleRecord['approval'], updated_by: num(r.updated_by), updated_at: Number(r.updated_at),
});

export const deviceRecord = (r: Row): TrustedDeviceRecord => ({
  user_id: Number(r.user_id), device_id: String(r.device_id), device_type: r.device_type as TrustedDeviceRecord['device_type'], device_name: String(r.device_name),
  ip: (r.ip ?? null) as string | null, status: r.status as TrustedDeviceRecord['status'], requested_at: Number(r.requested_at),
  decided_at: num(r.decided_at), decided_by: num(r.decided_by), last_seen_at: Number(r.last_seen_at),
});

export const DEVICE_COLUMNS = ['user_id', 'device_id', 'device_type', 'device_name', 'ip', 'status', 'requested_at', 'decided_at', 'decided_by', 'last_seen_at'] as const;
export const deviceValues = (d: TrustedDeviceRecord) => DEVICE_COLUMNS.map((c) => d[c]);

export function sqliteLoginPolicyStore(db: Database.Database, writes: WriteBatcher): LoginPolicyStore {
  const rule = db.prepare('SELECT * FROM login_rules WHERE scope = ? AND target_id = ?');
  const device = db.prepare('SELECT * FROM trusted_devices WHERE user_id = ? AND device_id = ?');
  const one = (userId: number, deviceId: string) => { const r = device.get(userId, deviceId) as Row | undefined; return r ? deviceRecord(r) : null; };
  return {
    listRules: async () => (db.prepare('SELECT * FROM login_rules ORDER BY scope, target_id').all() as Row[]).map(loginRuleRecord),
    putRule: (r) => writes.run(() => {
      db.prepare(`INSERT INTO login_rules (scope, target_id, device_types, approval, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (scope, target_id) DO UPDATE SET device_types = excluded.device_types, approval = excluded.approval, updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
        .run(r.scope, r.target_id, r.device_types === null ? null : JSON.stringify(r.device_types), r.approval, r.updated_by, r.updated_at);
      return loginRuleRecord(rule.get(r.scope, r.target_id) as Row);
    }),
    removeRule: (scope, targetId) => writes.run(() => db.prepare('DELETE FROM login_rules WHERE scope = ? AND target_id = ?').run(scope, targetId).changes > 0),
    device: async (userId, deviceId) => one(userId, deviceId),
    putDevice: (d) => writes.run(() => {
      db.prepare(`INSERT OR REPLACE INTO trusted_devices (${DEVICE_COLUMNS.join(', ')}) VALUES (${DEVICE_COLUMNS.map(() => '?').join(', ')})`).run(...deviceValues(d));
    }),
    decide: (userId, deviceId, status, by, at) => writes.run(() => {
      const changed = db.prepare("UPDATE trusted_devices SET status = ?, decided_by = ?, decided_at = ? WHERE user_id = ? AND device_id = ? AND status = 'pending'")
        .run(status, by, at, userId, deviceId).changes;
      return changed ? one(userId, deviceId) : null;
    }),
    pending: async ({ since, userId, limit }) => (db.prepare(`SELECT * FROM trusted_devices WHERE status = 'pending' AND requested_at >= ?${userId === undefined ? '' : ' AND user_id = ?'} ORDER BY requested_at LIMIT ?`)
      .all(...(userId === undefined ? [since, limit] : [since, userId, limit])) as Row[]).map(deviceRecord),
    devicesOf: async (userId) => (db.prepare('SELECT * FROM trusted_devices WHERE user_id = ? ORDER BY last_seen_at DESC').all(userId) as Row[]).map(deviceRecord),
    forget: (userId, deviceId) => writes.run(() => db.prepare('DELETE FROM trusted_devices WHERE user_id = ? AND device_id = ?').run(userId, deviceId).changes > 0),
  };
}
