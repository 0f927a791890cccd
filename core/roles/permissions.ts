/**
 * Tiered administration (分级管理): what an administrator may do is a set of permissions, held through roles
 * granted over parts of the organisation (docs/administration.md).
 */
export const PERMISSIONS = ['people', 'departments', 'groups', 'messages', 'devices', 'security', 'audit', 'apps'] as const;
export type Permission = typeof PERMISSIONS[number];

/**
 * What an administrator operation needs: one permission, several (all of them, through one grant), or
 * 'any' for operations whose service checks the rest (roles and grants: never beyond the caller's own).
 */
export type PermissionNeed = Permission | readonly Permission[] | 'any';

/** The built-in roles, seeded by migration 14 with these ids; they never change. */
export const BUILTIN_ROLES = {
  super: { id: 1, name: '超级管理员', permissions: [...PERMISSIONS] },
  hr: { id: 2, name: '人事管理员', permissions: ['people', 'departments'] },
  security: { id: 3, name: '安全管理员', permissions: ['devices', 'security', 'audit'] },
  auditor: { id: 4, name: '审计员', permissions: ['audit'] },
} as const satisfies Record<string, { id: number; name: string; permissions: readonly Permission[] }>;

export const SUPER_ROLE_ID = BUILTIN_ROLES.super.id;

/** The departments an administrator's power reaches: subtree roots, or null for the whole organisation. */
export type ScopeRoots = readonly number[] | null;

/** What the gate found an administrator holds for one operation. */
export interface Authority {
  roots: ScopeRoots;
}

export function needed(need: PermissionNeed | undefined): readonly Permission[] | 'any' | 'all' {
  if (need === undefined) return 'all';
  if (need === 'any') return 'any';
  return typeof need === 'string' ? [need] : need;
}

/** Permissions sorted in table order, duplicates dropped (unknown names are refused by the params schema first). */
export function normalise(perms: readonly string[]): Permission[] {
  return PERMISSIONS.filter((p) => perms.includes(p));
}
