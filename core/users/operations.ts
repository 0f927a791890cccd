import { Type } from '@sinclair/typebox';
import { UserSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';

export const UserId = Type.Integer({ minimum: 1 });

export const UserListParams = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'substring of account or name' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'id to page after' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'default 100' })),
});

/** What any signed-in user may see of other users. */
export const userOperations = {
  'users.me': op({
    http: ['GET', '/api/v1/me'], auth: 'user', summary: 'The signed-in user', params: Type.Object({}), result: UserSchema,
    handler: (s, a) => s.users.me(a),
  }),
  'users.list': op({
    http: ['GET', '/api/v1/users'], auth: 'user', summary: 'List users (by id, optionally filtered)', params: UserListParams, result: Type.Array(UserSchema),
    handler: (s, a, p) => s.users.list(a, p),
  }),
  'users.get': op({
    http: ['GET', '/api/v1/users/:user_id'], auth: 'user', summary: 'One user', params: Type.Object({ user_id: UserId }), result: UserSchema,
    handler: (s, a, p) => s.users.get(a, p),
  }),
};
