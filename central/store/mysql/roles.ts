import { AppError } from '../../../shared/errors.js';
import type { GrantRecord, RoleRecord, RoleStore } from '../../../core/ports.js';
import { isDuplicate, type Row } from './batcher.js';
import type { MysqlDb } from './db.js';

const toRole = (r: Row): RoleRecord => ({
  id: Number(r.id), name: r.name as string, permissions: JSON.parse(r.permissions as string) as string[], builtin: Number(r.builtin) === 1, created_at: Number(r.created_at),
});
const toGrant = (r: Row): GrantRecord => ({
  id: Number(r.id), user_id: Number(r.user_id), role_id: Number(r.role_id),
  dept_ids: r.dept_ids === null ? null : JSON.parse(r.dept_ids as string) as number[], granted_by: r.granted_by === null ? null : Number(r.granted_by), created_at: Number(r.created_at),
});
const scopeText = (deptIds: number[] | null) => (deptIds === null ? null : JSON.stringify(deptIds));
const taken = (e: unknown): never => {
  if (isDuplicate(e)) throw new AppError('SB_CONFLICT', 'A role with that name exists', { field: 'name' });
  throw e;
};

/** Roles and grants of tiered administration (migration 14). */
export function mysqlRoleStore(db: MysqlDb): RoleStore {
  const role = async (id: number) => { const r = await db.one('SELECT * FROM admin_roles WHERE id = ?', [id]); return r ? toRole(r) : null; };
  return {
    listRoles: async () => (await db.rows('SELECT * FROM admin_roles ORDER BY id')).map(toRole),
    roleById: role,
    createRole: async (input) => {
      const id = await db.writes.run(async (tx) => {
        try {
          const r = await tx.q('INSERT INTO admin_roles (name, permissions, builtin, created_at) VALUES (?, ?, 0, ?)', [input.name, JSON.stringify(input.permissions), input.at]);
          return Number(r.insertId);
        } catch (e) { return taken(e); }
      });
      return (await role(id))!;
    },
    updateRole: async (id, patch) => {
      const done = await db.writes.run(async (tx) => {
        const cur = (await tx.q('SELECT * FROM admin_roles WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined;
        if (!cur || Number(cur.builtin) === 1) return false;
        const old = toRole(cur);
        try {
          await tx.q('UPDATE admin_roles SET name = ?, permissions = ? WHERE id = ?', [patch.name ?? old.name, JSON.stringify(patch.permissions ?? old.permissions), id]);
        } catch (e) { return taken(e); }
        return true;
      });
      return done ? role(id) : null;
    },
    deleteRole: (id) => db.writes.run(async (tx) => {
      const cur = (await tx.q('SELECT builtin FROM admin_roles WHERE id = ? FOR UPDATE', [id]))[0] as Row | undefined;
      if (!cur || Number(cur.builtin) === 1) return 'missing' as const;
      if (((await tx.q('SELECT 1 FROM admin_grants WHERE role_id = ? LIMIT 1 FOR UPDATE', [id])) as Row[]).length) return 'held' as const;
      await tx.q('DELETE FROM admin_roles WHERE id = ?', [id], { last: true });
      return 'deleted' as const;
    }),
    listGrants: async (opts = {}) => (opts.userId === undefined
      ? await db.rows('SELECT * FROM admin_grants ORDER BY id')
      : await db.rows('SELECT * FROM admin_grants WHERE user_id = ? ORDER BY id', [opts.userId])).map(toGrant),
    grantById: async (id) => { const r = await db.one('SELECT * FROM admin_grants WHERE id = ?', [id]); return r ? toGrant(r) : null; },
    addGrant: async (input) => {
      const text = scopeText(input.deptIds);
      const id = await db.writes.run(async (tx) => {
        // The user's grants locked: two equal grants added at once give one row.
        const mine = await tx.q('SELECT id, role_id, dept_ids FROM admin_grants WHERE user_id = ? FOR UPDATE', [input.userId]) as Row[];
        const same = mine.find((r) => Number(r.role_id) === input.roleId && (r.dept_ids ?? null) === text);
        if (same) return Number(same.id);
        const r = await tx.q('INSERT INTO admin_grants (user_id, role_id, dept_ids, granted_by, created_at) VALUES (?, ?, ?, ?, ?)',
          [input.userId, input.roleId, text, input.grantedBy, input.at], { last: true });
        return Number(r.insertId);
      });
      return toGrant((await db.one('SELECT * FROM admin_grants WHERE id = ?', [id]))!);
    },
    revokeGrant: (id) => db.writes.run(async (tx) => Number((await tx.q('DELETE FROM admin_grants WHERE id = ?', [id], { last: true })).affectedRows) > 0),
    revokeAllOf: (userId) => db.writes.run(async (tx) => Number((await tx.q('DELETE FROM admin_grants WHERE user_id = ?', [userId], { last: true })).affectedRows)),
    rescopeAllOf: (userId, deptIds) => db.writes.run(async (tx) => Number((await tx.q('UPDATE admin_grants SET dept_ids = ? WHERE user_id = ?', [scopeText(deptIds), userId], { last: true })).affectedRows)),
  };
}
