import { Type, type Static } from '@sinclair/typebox';
import { OneOf } from '../../shared/protocol/schemas.js';
import { PERMISSIONS } from './permissions.js';

export const PermissionSchema = OneOf(PERMISSIONS);
const Int = Type.Integer();

export const RoleSchema = Type.Object({
  id: Int, name: Type.String(), permissions: Type.Array(PermissionSchema), builtin: Type.Boolean(), holders: Type.Integer({ description: 'grants of this role' }),
}, { $id: 'AdminRole' });
export type RoleView = Static<typeof RoleSchema>;

export const GrantSchema = Type.Object({
  id: Int, user_id: Int, user_name: Type.String(), role_id: Int, role_name: Type.String(),
  dept_ids: Type.Union([Type.Array(Int), Type.Null()], { description: 'subtree roots; null: the whole organisation' }),
  dept_names: Type.Array(Type.String(), { description: 'the department paths, in dept_ids order' }),
  granted_by: Type.Union([Int, Type.Null()]), created_at: Int,
}, { $id: 'AdminGrant' });
export type GrantView = Static<typeof GrantSchema>;

/** An audit entry with the names of who acted and what it touched beside the ids (null: unknown or gone). */
export const AuditViewSchema = Type.Object({
  id: Int, actor_id: Type.Union([Int, Type.Null()]), actor_name: Type.Union([Type.String(), Type.Null()]), action: Type.String(), target: Type.String(),
  target_name: Type.Union([Type.String(), Type.Null()]), details: Type.Unknown(), at: Int,
}, { $id: 'AuditView' });
export type AuditView = Static<typeof AuditViewSchema>;
