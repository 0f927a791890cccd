import { Type } from '@sinclair/typebox';
import { BroadcastSchema } from '../../shared/protocol/schemas.js';
import { Cmid } from '../messaging/operations.js';
import { op } from '../operation.js';

const Ids = Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10_000 });

/** Broadcasts (广播消息) to everyone, departments or people, within the administrator's scope (core/broadcasts/service.ts). */
export const broadcastOperations = {
  'admin.broadcast.send': op({
    http: ['POST', '/api/v1/admin/broadcasts'], auth: 'admin', permission: 'messages',
    summary: 'Send a broadcast (广播消息) to everyone (unscoped administrators), departments with everything below them, or people; '
      + 'each gets it in their system conversation. A retry with the same cmid returns the same broadcast',
    params: Type.Object({
      title: Type.String({ minLength: 1, maxLength: 200 }),
      text: Type.String({ minLength: 1 }),
      file_id: Type.Optional(Type.Integer({ minimum: 1, description: 'a file the sender uploaded, attached for every recipient' })),
      all: Type.Optional(Type.Boolean({ description: 'everyone (an administrator without a scope only)' })),
      dept_ids: Type.Optional(Ids),
      user_ids: Type.Optional(Ids),
      cmid: Type.Optional(Cmid),
    }),
    result: BroadcastSchema,
    scope: (p) => ({ whole: p.all === true, deptIds: p.dept_ids ?? [], userIds: p.user_ids ?? [] }),
    handler: (s, a, p) => s.broadcasts.send(a, p),
  }),
  'admin.broadcast.list': op({
    http: ['GET', '/api/v1/admin/broadcasts'], auth: 'admin', permission: 'messages',
    summary: 'Broadcasts, newest first, with delivered / read / total counts (a scoped administrator sees their own)',
    params: Type.Object({
      before: Type.Optional(Type.Integer({ minimum: 1, description: 'broadcast id to page below' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
    }),
    result: Type.Array(BroadcastSchema),
    handler: (s, a, p) => s.broadcasts.list(a, p),
  }),
  'admin.broadcast.get': op({
    http: ['GET', '/api/v1/admin/broadcasts/:broadcast_id'], auth: 'admin', permission: 'messages',
    summary: 'One broadcast with its delivered / read / total counts',
    params: Type.Object({ broadcast_id: Type.Integer({ minimum: 1 }) }),
    result: BroadcastSchema,
    handler: (s, a, p) => s.broadcasts.get(a, p),
  }),
};
