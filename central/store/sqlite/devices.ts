import type { DeviceStore, SessionRecord, WipeRecord } from '../../../core/ports.js';
import type { DevicePolicy } from '../../../shared/protocol/devices.js';
import type { Row, SqliteDb } from './db.js';

const toPolicy = (r: Row): DevicePolicy => ({ require_pin: r.require_pin === 1, max_attempts: r.max_attempts as number, updated_at: r.updated_at as number | null });

/** Wipe orders, PINs and the device policy (migration 19) on SQLite. */
export function sqliteDeviceStore(db: SqliteDb): DeviceStore {
  const wipeOf = (sessionId: string) => (db.stmt('SELECT * FROM device_wipes WHERE session_id = ?').get(sessionId) as WipeRecord | undefined) ?? null;
  return {
    orderWipe: (input) => db.writes.run(() => {
      const s = db.stmt('SELECT * FROM sessions WHERE id = ?').get(input.sessionId) as SessionRecord | undefined;
      if (!s) return null;
      const had = wipeOf(s.id);
      if (!had) {
        db.stmt('INSERT INTO device_wipes (session_id, user_id, device_type, device_name, reason, ordered_by, ordered_at, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)')
          .run(s.id, s.user_id, s.device_type, s.device_name, input.reason, input.orderedBy, input.at);
      }
      let ended: SessionRecord | null = null;
      if (s.revoked_at === null) {
        db.stmt('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(input.at, s.id);
        ended = { ...s, revoked_at: input.at };
      }
      return { wipe: wipeOf(s.id)!, created: !had, ended };
    }),
    wipeByTokenHash: async (h) => (db.stmt('SELECT w.* FROM sessions s JOIN device_wipes w ON w.session_id = s.id WHERE s.token_hash = ?').get(h) as WipeRecord | undefined) ?? null,
    ackWipe: (id, at) => db.writes.run(() => {
      const w = db.stmt('SELECT * FROM device_wipes WHERE id = ?').get(id) as WipeRecord | undefined;
      if (!w) return null;
      if (w.acked_at !== null) return { wipe: w, changed: false };
      db.stmt('UPDATE device_wipes SET acked_at = ? WHERE id = ?').run(at, id);
      return { wipe: { ...w, acked_at: at }, changed: true };
    }),
    listWipes: async ({ userIds, state, beforeId, limit }) => {
      if (userIds !== null && userIds.length === 0) return [];
      const where: string[] = [];
      const params: unknown[] = [];
      if (userIds !== null) { where.push(`user_id IN (${userIds.map(() => '?').join(',')})`); params.push(...userIds); }
      if (state) where.push(state === 'pending' ? 'acked_at IS NULL' : 'acked_at IS NOT NULL');
      if (beforeId !== undefined) { where.push('id < ?'); params.push(beforeId); }
      const sql = `SELECT * FROM device_wipes${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return db.sqlite.prepare(sql).all(...params, limit) as WipeRecord[];
    },
    pin: async (userId) => (db.stmt('SELECT pin_hash, set_at FROM device_pins WHERE user_id = ?').get(userId) as { pin_hash: string; set_at: number } | undefined) ?? null,
    setPin: (userId, hash, at) => db.writes.run(() => {
      db.stmt('INSERT INTO device_pins (user_id, pin_hash, set_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, set_at = excluded.set_at')
        .run(userId, hash, at);
    }),
    clearPin: (userId) => db.writes.run(() => db.stmt('DELETE FROM device_pins WHERE user_id = ?').run(userId).changes > 0),
    policy: async () => toPolicy(db.stmt('SELECT * FROM device_policy WHERE id = 1').get() as Row),
    setPolicy: (p, at, by) => db.writes.run(() => {
      db.stmt('UPDATE device_policy SET require_pin = ?, max_attempts = ?, updated_at = ?, updated_by = ? WHERE id = 1').run(p.require_pin ? 1 : 0, p.max_attempts, at, by);
      return toPolicy(db.stmt('SELECT * FROM device_policy WHERE id = 1').get() as Row);
    }),
  };
}
