/** The store ports of roles (gathered in core/ports.ts). */
/** A named permission set (core/roles/permissions.ts); built-in roles are seeded by migration 14 and never change. */
export interface RoleRecord {
  id: number;
  name: string;
  permissions: string[];
  builtin: boolean;
  created_at: number;
}

/** A role held by a user over department subtrees; dept_ids null: the whole organisation. */
export interface GrantRecord {
  id: number;
  user_id: number;
  role_id: number;
  dept_ids: number[] | null;
  granted_by: number | null;
  created_at: number;
}

export interface RoleStore {
  listRoles(): Promise<RoleRecord[]>;
  roleById(id: number): Promise<RoleRecord | null>;
  /** Throws SB_CONFLICT when the name is taken. */
  createRole(input: { name: string; permissions: string[]; at: number }): Promise<RoleRecord>;
  /** Null when no such custom role (built-in roles are not updated); SB_CONFLICT when the name is taken. */
  updateRole(id: number, patch: { name?: string; permissions?: string[] }): Promise<RoleRecord | null>;
  /** Deletes a custom role nobody holds: 'deleted', 'missing', or 'held' (then nothing changes). */
  deleteRole(id: number): Promise<'deleted' | 'missing' | 'held'>;
  /** Every grant, or one user's, ordered by id. */
  listGrants(opts?: { userId?: number }): Promise<GrantRecord[]>;
  grantById(id: number): Promise<GrantRecord | null>;
  /** Adds a grant; the same role over the same scope to the same user again returns the existing grant. */
  addGrant(input: { userId: number; roleId: number; deptIds: number[] | null; grantedBy: number | null; at: number }): Promise<GrantRecord>;
  /** Removes one grant; false when there was none. */
  revokeGrant(id: number): Promise<boolean>;
  /** Removes every grant of a user; how many there were. */
  revokeAllOf(userId: number): Promise<number>;
  /** Sets the scope of every grant of a user (the administrator scope of before roles). */
  rescopeAllOf(userId: number, deptIds: number[] | null): Promise<number>;
}
