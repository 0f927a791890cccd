import { AppError } from '../../../shared/errors.js';
import type { NewUser, UserPatch, UserRecord, UserStore } from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';

const toUser = (r: Row): UserRecord => {
  const { admin_disabled: ad, is_super: sup, ...rest } = r;
  // disabled is either source: the directory's status or an administrator's disable.
  return { ...rest, is_admin: r.is_admin === 1, is_super: sup === 1, disabled_by_admin: ad === 1, disabled: r.disabled === 1 || ad === 1 } as UserRecord;
};

function isUnique(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function sqliteUserStore(db: SqliteDb): UserStore {
  return {
    create: (u: NewUser) => db.writes.run(() => {
      try {
        const r = db.stmt('INSERT INTO users (account, name, password_hash, is_admin, is_super, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
          .run(u.account, u.name, u.passwordHash, u.isAdmin ? 1 : 0, u.isSuper ? 1 : 0, u.at, u.at);
        return toUser(db.stmt('SELECT * FROM users WHERE id = ?').get(r.lastInsertRowid) as Row);
      } catch (e) {
        if (isUnique(e)) throw new AppError('SB_CONFLICT', 'That account already exists', { field: 'account' });
        throw e;
      }
    }),
    byId: async (id) => { const r = db.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined; return r ? toUser(r) : null; },
    byIds: async (ids) => {
      if (ids.length === 0) return [];
      const rows = db.sqlite.prepare(`SELECT * FROM users WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
      return rows.map(toUser);
    },
    byAccount: async (account) => {
      const r = db.stmt('SELECT * FROM users WHERE account = ?').get(account) as Row | undefined;
      return r ? toUser(r) : null;
    },
    list: async ({ afterId, limit, query }) => {
      const like = query ? `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
      const rows = db.stmt(`SELECT * FROM users WHERE id > ? AND (? IS NULL OR account LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY id LIMIT ?`)
        .all(afterId ?? 0, like, like, like, limit) as Row[];
      return rows.map(toUser);
    },
    update: (id, patch: UserPatch, at) => db.writes.run(() => {
      const cur = db.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      if (!cur) return null;
      db.stmt('UPDATE users SET name = ?, password_hash = ?, is_admin = ?, admin_disabled = ?, updated_at = ? WHERE id = ?').run(
        patch.name ?? cur.name, patch.passwordHash ?? cur.password_hash,
        patch.isAdmin === undefined ? cur.is_admin : patch.isAdmin ? 1 : 0,
        patch.disabled === undefined ? cur.admin_disabled : patch.disabled ? 1 : 0, at, id);
      return toUser(db.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row);
    }),
    count: async () => (db.stmt('SELECT COUNT(*) AS n FROM users').get() as Row).n as number,
  };
}
