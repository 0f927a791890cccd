import { AppError } from '../../../shared/errors.js';
import type { NewUser, UserPatch, UserRecord, UserStore } from '../../../core/ports.js';
import { isDuplicate, type Row } from './batcher.js';
import type { MysqlDb } from './db.js';

const toUser = (r: Row): UserRecord => {
  const { admin_disabled: ad, is_super: sup, ...rest } = r;
  // disabled is either source: the directory's status or an administrator's disable.
  return { ...rest, is_admin: Number(r.is_admin) === 1, is_super: Number(sup) === 1, disabled_by_admin: Number(ad) === 1, disabled: Number(r.disabled) === 1 || Number(ad) === 1 } as UserRecord;
};

export function mysqlUserStore(db: MysqlDb): UserStore {
  const byId = async (id: number) => { const r = await db.one('SELECT * FROM users WHERE id = ?', [id]); return r ? toUser(r) : null; };
  return {
    create: (u: NewUser) => db.writes.run(async (tx) => {
      try {
        const r = await tx.q('INSERT INTO users (account, name, password_hash, is_admin, is_super, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
          [u.account, u.name, u.passwordHash, u.isAdmin ? 1 : 0, u.isSuper ? 1 : 0, u.at, u.at]);
        return toUser((await tx.q('SELECT * FROM users WHERE id = ?', [r.insertId]))[0]);
      } catch (e) {
        if (isDuplicate(e)) throw new AppError('SB_CONFLICT', 'That account already exists', { field: 'account' });
        throw e;
      }
    }),
    byId,
    byIds: async (ids) => {
      if (ids.length === 0) return [];
      return (await db.rows('SELECT * FROM users WHERE id IN (?)', [ids])).map(toUser);
    },
    byAccount: async (account) => { const r = await db.one('SELECT * FROM users WHERE account = ?', [account]); return r ? toUser(r) : null; },
    list: async ({ afterId, limit, query }) => {
      // Case-insensitive like SQLite's LIKE; the column collation is binary.
      const like = query ? `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`).toLowerCase()}%` : null;
      const rows = await db.rows(
        'SELECT * FROM users WHERE id > ? AND (? IS NULL OR LOWER(account) LIKE ? OR LOWER(name) LIKE ?) ORDER BY id LIMIT ?',
        [afterId ?? 0, like, like, like, limit]);
      return rows.map(toUser);
    },
    update: (id, patch: UserPatch, at) => db.writes.run(async (tx) => {
      const cur = (await tx.q('SELECT * FROM users WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined;
      if (!cur) return null;
      await tx.q('UPDATE users SET name = ?, password_hash = ?, is_admin = ?, admin_disabled = ?, updated_at = ? WHERE id = ?', [
        patch.name ?? cur.name, patch.passwordHash ?? cur.password_hash,
        patch.isAdmin === undefined ? cur.is_admin : patch.isAdmin ? 1 : 0,
        patch.disabled === undefined ? cur.admin_disabled : patch.disabled ? 1 : 0, at, id]);
      return toUser((await tx.q('SELECT * FROM users WHERE id = ?', [id]))[0]);
    }),
    count: async () => Number((await db.one('SELECT COUNT(*) AS n FROM users'))!.n),
  };
}
