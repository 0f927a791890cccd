import type { SessionRecord, SessionStore } from '../../../core/ports.js';
import type { SqliteDb } from './db.js';

export function sqliteSessionStore(db: SqliteDb): SessionStore {
  return {
    create: (s) => db.writes.run(() => {
      db.stmt(`INSERT INTO sessions (id, user_id, token_hash, device_type, device_name, ip, created_at, expires_at, last_seen_at, revoked_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`).run(s.id, s.user_id, s.token_hash, s.device_type, s.device_name, s.ip, s.created_at, s.expires_at, s.last_seen_at);
    }),
    byTokenHash: async (h) => (db.stmt('SELECT * FROM sessions WHERE token_hash = ?').get(h) as SessionRecord | undefined) ?? null,
    byId: async (id) => (db.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRecord | undefined) ?? null,
    revoke: (id, at) => db.writes.run(() => {
      const s = db.stmt('SELECT * FROM sessions WHERE id = ? AND revoked_at IS NULL').get(id) as SessionRecord | undefined;
      if (!s) return null;
      db.stmt('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(at, id);
      return { ...s, revoked_at: at };
    }),
    revokeAllForUser: (userId, at) => db.writes.run(() => {
      const list = db.stmt('SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL').all(userId) as SessionRecord[];
      db.stmt('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId);
      return list.map((s) => ({ ...s, revoked_at: at }));
    }),
    listActive: async ({ userId, now, limit }) => db.stmt(
      'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND (? IS NULL OR user_id = ?) ORDER BY created_at DESC LIMIT ?',
    ).all(now, userId ?? null, userId ?? null, limit) as SessionRecord[],
  };
}
