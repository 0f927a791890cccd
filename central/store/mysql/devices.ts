import type { DeviceStore, SessionRecord, WipeRecord } from '../../../core/ports.js';
import type { DevicePolicy, WipeReason } from '../../../shared/protocol/devices.js';
import type { DeviceType } from '../../../shared/protocol/types.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

const toWipe = (r: Row): WipeRecord => ({
  id: Number(r.id), session_id: r.session_id as string, user_id: Number(r.user_id), device_type: r.device_type as DeviceType,
  device_name: r.device_name as string, reason: r.reason as WipeReason, ordered_by: Number(r.ordered_by), ordered_at: Number(r.ordered_at),
  acked_at: r.acked_at === null ? null : Number(r.acked_at),
});
const toPolicy = (r: Row): DevicePolicy => ({
  require_pin: Number(r.require_pin) === 1, max_attempts: Number(r.max_attempts), updated_at: r.updated_at === null ? null : Number(r.updated_at),
});

/** Wipe orders, PINs and the device policy (migration 19) on MySQL/MariaDB; an order and the session's end share one transaction. */
export function mysqlDeviceStore(db: MysqlDb): DeviceStore {
  return {
    orderWipe: (input) => db.writes.run(async (tx) => {
      const s = (await tx.q('SELECT * FROM sessions WHERE id = ? FOR UPDATE', [input.sessionId]))[0] as SessionRecord | undefined;
      if (!s) return null;
      const had = (await tx.q('SELECT * FROM device_wipes WHERE session_id = ? FOR UPDATE', [s.id]))[0] as Row | undefined;
      if (!had) {
        await tx.q('INSERT INTO device_wipes (session_id, user_id, device_type, device_name, reason, ordered_by, ordered_at, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
          [s.id, s.user_id, s.device_type, s.device_name, input.reason, input.orderedBy, input.at]);
      }
      let ended: SessionRecord | null = null;
      if (s.revoked_at === null) {
        await tx.q('UPDATE sessions SET revoked_at = ? WHERE id = ?', [input.at, s.id]);
        ended = { ...s, user_id: Number(s.user_id), revoked_at: input.at };
      }
      const wipe = toWipe((await tx.q('SELECT * FROM device_wipes WHERE session_id = ?', [s.id], { last: true }))[0] as Row);
      return { wipe, created: !had, ended };
    }),
    wipeByTokenHash: async (h) => {
      const r = await db.one('SELECT w.* FROM sessions s JOIN device_wipes w ON w.session_id = s.id WHERE s.token_hash = ?', [h]);
      return r ? toWipe(r) : null;
    },
    ackWipe: (id, at) => db.writes.run(async (tx) => {
      const r = (await tx.q('SELECT * FROM device_wipes WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined;
      if (!r) return null;
      const w = toWipe(r);
      if (w.acked_at !== null) return { wipe: w, changed: false };
      await tx.q('UPDATE device_wipes SET acked_at = ? WHERE id = ?', [at, id], { last: true });
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
      return (await db.rows(sql, [...params, limit])).map(toWipe);
    },
    pin: async (userId) => {
      const r = await db.one('SELECT pin_hash, set_at FROM device_pins WHERE user_id = ?', [userId]);
      return r ? { pin_hash: r.pin_hash as string, set_at: Number(r.set_at) } : null;
    },
    setPin: (userId, hash, at) => db.writes.run(async (tx) => {
      await tx.q('INSERT INTO device_pins (user_id, pin_hash, set_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE pin_hash = VALUES(pin_hash), set_at = VALUES(set_at)',
        [userId, hash, at], { last: true });
    }),
    clearPin: (userId) => db.writes.run(async (tx) => Number((await tx.q('DELETE FROM device_pins WHERE user_id = ?', [userId], { last: true })).affectedRows) > 0),
    policy: async () => toPolicy((await db.one('SELECT * FROM device_policy WHERE id = 1'))!),
    setPolicy: (p, at, by) => db.writes.run(async (tx) => {
      await tx.q('UPDATE device_policy SET require_pin = ?, max_attempts = ?, updated_at = ?, updated_by = ? WHERE id = 1', [p.require_pin ? 1 : 0, p.max_attempts, at, by]);
      return toPolicy((await tx.q('SELECT * FROM device_policy WHERE id = 1', [], { last: true }))[0] as Row);
    }),
  };
}
