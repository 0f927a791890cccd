import type { SessionRecord, SessionStore } from '../../../core/ports.js';
import type { Row } from './batcher.js';
import type { MysqlDb } from './db.js';

export function mysqlSessionStore(db: MysqlDb): SessionStore {
  const toSession = (r: Row | undefined | null): SessionRecord | null => (r ? (r as SessionRecord) : null);
  return {
    create: (s) => db.writes.run(async (tx) => {
      await tx.q(`INSERT INTO sessions (id, user_id, token_hash, device_type, device_name, ip, created_at, expires_at, last_seen_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`, [s.id, s.user_id, s.token_hash, s.device_type, s.device_name, s.ip, s.created_at, s.expires_at, s.last_seen_at]);
    }),
    byTokenHash: async (h) => toSession(await db.one('SELECT * FROM sessions WHERE token_hash = ?', [h])),
    byId: async (id) => toSession(await db.one('SELECT * FROM sessions WHERE id = ?', [id])),
    revoke: (id, at) => db.writes.run(async (tx) => {
      const s = (await tx.q('SELECT * FROM sessions WHERE id = ? AND revoked_at IS NULL FOR UPDATE', [id]))[0] as SessionRecord | undefined;
      if (!s) return null;
      await tx.q('UPDATE sessions SET revoked_at = ? WHERE id = ?', [at, id]);
      return { ...s, revoked_at: at };
    }),
    revokeAllForUser: (userId, at) => db.writes.run(async (tx) => {
      const list = (await tx.q('SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL FOR UPDATE', [userId])) as SessionRecord[];
      if (list.length) await tx.q('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [at, userId]);
      return list.map((s) => ({ ...s, revoked_at: at }));
    }),
    listActive: async ({ userId, now, limit }) => (await db.rows(
      'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND (? IS NULL OR user_id = ?) ORDER BY created_at DESC LIMIT ?',
      [now, userId ?? null, userId ?? null, limit])) as SessionRecord[],
  };
}
