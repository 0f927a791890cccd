import { AppError } from '../../../shared/errors.js';
import type { GrantRecord, RoleRecord, RoleStore } from '../../../core/ports.js';
import type { Row, SqliteDb } from './db.js';

const toRole = (r: Row): RoleRecord => ({
  id: r.id as number, name: r.name as string, permissions: JSON.parse(r.permissions as string) as string[], builtin: r.builtin === 1, created_at: r.created_at as number,
});
const toGrant = (r: Row): GrantRecord => ({
  id: r.id as number, user_id: r.user_id as number, role_id: r.role_id as number,
  dept_ids: r.dept_ids === null ? null : JSON.parse(r.dept_ids as string) as number[], granted_by: r.granted_by as number | null, created_at: r.created_at as number,
});
const scopeText = (deptIds: number[] | null) => (deptIds === null ? null : JSON.stringify(deptIds));

function isUnique(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Roles and grants of tiered administration (migration 14). */
export function sqliteRoleStore(db: SqliteDb): RoleStore {
  const role = (id: number) => { const r = db.stmt('SELECT * FROM admin_roles WHERE id = ?').get(id) as Row | undefined; return r ? toRole(r) : null; };
  const grant = (id: number) => { const r = db.stmt('SELECT * FROM admin_grants WHERE id = ?').get(id) as Row | undefined; return r ? toGrant(r) : null; };
  const taken = (e: unknown) => { if (isUnique(e)) throw new AppError('SB_CONFLICT', 'A role with that name exists', { field: 'name' }); throw e; };
  return {
    listRoles: async () => (db.stmt('SELECT * FROM admin_roles ORDER BY id').all() as Row[]).map(toRole),
    roleById: async (id) => role(id),
    createRole: (input) => db.writes.run(() => {
      try {
        const r = db.stmt('INSERT INTO admin_roles (name, permissions, builtin, created_at) VALUES (?, ?, 0, ?)').run(input.name, JSON.stringify(input.permissions), input.at);
        return role(Number(r.lastInsertRowid))!;
      } catch (e) { return taken(e); }
    }),
    updateRole: (id, patch) => db.writes.run(() => {
      const cur = role(id);
      if (!cur || cur.builtin) return null;
      try {
        db.stmt('UPDATE admin_roles SET name = ?, permissions = ? WHERE id = ?').run(patch.name ?? cur.name, JSON.stringify(patch.permissions ?? cur.permissions), id);
      } catch (e) { return taken(e); }
      return role(id);
    }),
    deleteRole: (id) => db.writes.run(() => {
      const cur = role(id);
      if (!cur || cur.builtin) return 'missing' as const;
      if (db.stmt('SELECT 1 FROM admin_grants WHERE role_id = ? LIMIT 1').get(id)) return 'held' as const;
      db.stmt('DELETE FROM admin_roles WHERE id = ?').run(id);
      return 'deleted' as const;
    }),
    listGrants: async (opts = {}) => (opts.userId === undefined
      ? db.stmt('SELECT * FROM admin_grants ORDER BY id').all() as Row[]
      : db.stmt('SELECT * FROM admin_grants WHERE user_id = ? ORDER BY id').all(opts.userId) as Row[]).map(toGrant),
    grantById: async (id) => grant(id),
    addGrant: (input) => db.writes.run(() => {
      const text = scopeText(input.deptIds);
      const same = db.stmt('SELECT * FROM admin_grants WHERE user_id = ? AND role_id = ? AND dept_ids IS ?').get(input.userId, input.roleId, text) as Row | undefined;
      if (same) return toGrant(same);
      const r = db.stmt('INSERT INTO admin_grants (user_id, role_id, dept_ids, granted_by, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.userId, input.roleId, text, input.grantedBy, input.at);
      return grant(Number(r.lastInsertRowid))!;
    }),
    revokeGrant: (id) => db.writes.run(() => db.stmt('DELETE FROM admin_grants WHERE id = ?').run(id).changes > 0),
    revokeAllOf: (userId) => db.writes.run(() => db.stmt('DELETE FROM admin_grants WHERE user_id = ?').run(userId).changes),
    rescopeAllOf: (userId, deptIds) => db.writes.run(() => db.stmt('UPDATE admin_grants SET dept_ids = ? WHERE user_id = ?').run(scopeText(deptIds), userId).changes),
  };
}
