import { Type } from '@sinclair/typebox';
import { DeletedSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { UserId } from '../users/operations.js';
import { PERMISSIONS } from './permissions.js';
import { GrantSchema, PermissionSchema, RoleSchema } from './schemas.js';

const Id = Type.Integer({ minimum: 1 });
const RoleName = Type.String({ minLength: 1, maxLength: 64 });
const Permissions = Type.Array(PermissionSchema, { minItems: 1, maxItems: PERMISSIONS.length * 2, description: PERMISSIONS.join(', ') });

/** Tiered administration: roles (named permission sets) and grants (a role over departments), docs/administration.md. */
export const roleOperations = {
  'admin.roles.list': op({
    http: ['GET', '/api/v1/admin/roles'], auth: 'admin', permission: 'any', summary: 'The roles: built-in and custom, with their permissions',
    params: Type.Object({}), result: Type.Array(RoleSchema),
    handler: (s, a) => s.roles.listRoles(a),
  }),
  'admin.roles.create': op({
    http: ['POST', '/api/v1/admin/roles'], auth: 'admin', permission: 'any', summary: 'Define a custom role (every permission over the whole organisation needed)',
    params: Type.Object({ name: RoleName, permissions: Permissions }), result: RoleSchema,
    handler: (s, a, p) => s.roles.createRole(a, p),
  }),
  'admin.roles.update': op({
    http: ['PATCH', '/api/v1/admin/roles/:role_id'], auth: 'admin', permission: 'any', summary: 'Rename a custom role or change its permissions',
    params: Type.Object({ role_id: Id, name: Type.Optional(RoleName), permissions: Type.Optional(Permissions) }), result: RoleSchema,
    handler: (s, a, p) => s.roles.updateRole(a, p),
  }),
  'admin.roles.delete': op({
    http: ['DELETE', '/api/v1/admin/roles/:role_id'], auth: 'admin', permission: 'any', summary: 'Delete a custom role nobody holds',
    params: Type.Object({ role_id: Id }), result: DeletedSchema,
    handler: (s, a, p) => s.roles.deleteRole(a, p),
  }),
  'admin.grants.list': op({
    http: ['GET', '/api/v1/admin/grants'], auth: 'admin', permission: 'any', summary: 'Grants of the people in my scope (and mine), optionally of one user',
    params: Type.Object({ user_id: Type.Optional(UserId) }), result: Type.Array(GrantSchema),
    scope: (p) => ({ userIds: p.user_id === undefined ? [] : [p.user_id] }),
    handler: (s, a, p) => s.roles.listGrants(a, p),
  }),
  'admin.grants.add': op({
    http: ['POST', '/api/v1/admin/grants'], auth: 'admin', permission: 'any', summary: 'Give a role to a user over departments (null: the whole organisation); never beyond my own',
    params: Type.Object({
      user_id: UserId, role_id: Id,
      dept_ids: Type.Optional(Type.Union([Type.Array(Id, { minItems: 1, maxItems: 200 }), Type.Null()], { description: 'subtree roots; absent or null: the whole organisation' })),
    }),
    result: GrantSchema,
    // The scope asked for is the service's to judge (SB_GRANT_EXCEEDS); the user must be in mine.
    scope: (p) => ({ userIds: [p.user_id] }),
    handler: (s, a, p) => s.roles.addGrant(a, p),
  }),
  'admin.grants.revoke': op({
    http: ['DELETE', '/api/v1/admin/grants/:grant_id'], auth: 'admin', permission: 'any', summary: 'End a grant (never one beyond my own powers)',
    params: Type.Object({ grant_id: Id }), result: GrantSchema,
    handler: (s, a, p) => s.roles.revokeGrant(a, p),
  }),
};
