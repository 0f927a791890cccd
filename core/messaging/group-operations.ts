import { Type } from '@sinclair/typebox';
import { ConversationSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { Cmid } from './operations.js';

const ConvId = Type.Integer({ minimum: 1 });
const OptCmid = Type.Optional(Cmid);

/** Discussions, converting them, dissolving groups and mute-all (core/messaging/groups.ts). */
export const groupOperations = {
  'conv.discussion': op({
    http: ['POST', '/api/v1/conversations/discussion'], auth: 'user',
    summary: 'Start a discussion (多人讨论) with at least two other people; nobody owns it. A retry with the same cmid returns the same one',
    params: Type.Object({
      member_ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 2, description: 'the others (from a 1:1: its other person and those added)' }),
      title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), cmid: OptCmid,
    }),
    result: ConversationSchema,
    handler: (s, a, p) => s.groups.createDiscussion(a, p),
  }),
  'conv.convert': op({
    http: ['POST', '/api/v1/conversations/:conv_id/convert'], auth: 'user',
    summary: 'Turn a discussion into a group (转为群聊; any member); I become its owner',
    params: Type.Object({ conv_id: ConvId, cmid: OptCmid }), result: ConversationSchema,
    handler: (s, a, p) => s.groups.convert(a, p),
  }),
  'conv.dissolve': op({
    http: ['POST', '/api/v1/conversations/:conv_id/dissolve'], auth: 'user',
    summary: 'Dissolve the group (owner only): members keep its history read-only, nothing more can be sent',
    params: Type.Object({ conv_id: ConvId, cmid: OptCmid }), result: ConversationSchema,
    handler: (s, a, p) => s.groups.dissolve(a, p),
  }),
  'conv.muteAll': op({
    http: ['PUT', '/api/v1/conversations/:conv_id/mute-all'], auth: 'user',
    summary: 'Mute everyone but the owner and group admins (全员禁言), or lift it (owner or group admin)',
    params: Type.Object({ conv_id: ConvId, mute_all: Type.Boolean(), cmid: OptCmid }), result: ConversationSchema,
    handler: (s, a, p) => s.groups.setMuteAll(a, p),
  }),
};
