import { Type } from '@sinclair/typebox';
import { toErrorBody } from '../../shared/errors.js';
import { MAX_SENDS_PER_BATCH } from '../../shared/protocol/api.js';
import { ConversationSchema, HistoryPageSchema, MessageSchema, OneOf, SyncResultSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { CMID } from '../validate.js';
import { MAX_MENTIONS } from '../mentions/rules.js';

const ConvId = Type.Integer({ minimum: 1 });
const UserId = Type.Integer({ minimum: 1 });
/** Client ids: 1-64 URL-safe characters (UUIDs fit); a retry with the same one returns the original. */
export const Cmid = Type.String({ minLength: 1, maxLength: 64, pattern: CMID.source });
const OptCmid = Type.Optional(Cmid);
const Title = Type.String({ minLength: 1, maxLength: 100 });
const UserIds = Type.Array(UserId, { minItems: 1 });

export const GroupParams = Type.Object({
  title: Type.Optional(Title), member_ids: UserIds, cmid: OptCmid,
});

export const HistoryParams = Type.Object({
  conv_id: ConvId,
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'messages with seq > after' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'the newest messages with seq < before' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
});

export const SendParams = Type.Object({
  conv_id: ConvId,
  cmid: Cmid,
  body: Type.Union([
    Type.Object({
      text: Type.String({ description: 'at most limits.maxTextChars characters, not blank' }),
      mentions: Type.Optional(Type.Array(UserId, { maxItems: MAX_MENTIONS, description: 'people mentioned (@), active members of the conversation' })),
      mention_all: Type.Optional(Type.Boolean({ description: '@所有人: owner and group admins unless the group allows everyone (conv.setMentionAll)' })),
      reply_to: Type.Optional(Type.Integer({ minimum: 1, description: 'the seq of the message answered, in the same conversation; central stores its quote' })),
      urgent: Type.Optional(Type.Boolean({ description: '紧急: may break through the recipients\' quiet hours and mutes where they allow it; at most 10 an hour per sender' })),
    }),
    Type.Object({ file_id: Type.Integer({ minimum: 1, description: 'upload first with POST /api/v1/files' }) }),
  ]),
});

const Conv = Type.Object({ conv_id: ConvId });
const ConvChange = <P extends Parameters<typeof Type.Object>[0]>(props: P) => Type.Object({ conv_id: ConvId, ...props, cmid: OptCmid });

/** Conversations and messages. */
export const messagingOperations = {
  'conv.list': op({
    http: ['GET', '/api/v1/conversations'], auth: 'user', summary: 'My conversations, newest activity first', params: Type.Object({}), result: Type.Array(ConversationSchema),
    handler: (s, a) => s.messaging.listConversations(a),
  }),
  'conv.get': op({
    http: ['GET', '/api/v1/conversations/:conv_id'], auth: 'user', summary: 'One conversation I am in', params: Conv, result: ConversationSchema,
    handler: (s, a, p) => s.messaging.getConversation(a, p),
  }),
  'conv.direct': op({
    http: ['POST', '/api/v1/conversations/direct'], auth: 'user', summary: 'Open (or create) the one-to-one conversation with a user',
    params: Type.Object({ user_id: UserId }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.openDirect(a, p),
  }),
  'conv.group': op({
    http: ['POST', '/api/v1/conversations/group'], auth: 'user', summary: 'Create a group; I become its owner', params: GroupParams, result: ConversationSchema,
    handler: (s, a, p) => s.messaging.createGroup(a, p),
  }),
  'conv.rename': op({
    http: ['PATCH', '/api/v1/conversations/:conv_id'], auth: 'user', summary: 'Rename a group (owner or group admin)',
    params: ConvChange({ title: Title }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.rename(a, p),
  }),
  'conv.addMembers': op({
    http: ['POST', '/api/v1/conversations/:conv_id/members'], auth: 'user', summary: 'Add members to a group (any member)',
    params: ConvChange({ user_ids: UserIds }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.addMembers(a, p),
  }),
  'conv.removeMember': op({
    http: ['DELETE', '/api/v1/conversations/:conv_id/members/:user_id'], auth: 'user', summary: 'Remove a member (owner or group admin)',
    params: ConvChange({ user_id: UserId }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.removeMember(a, p),
  }),
  'conv.setRole': op({
    http: ['POST', '/api/v1/conversations/:conv_id/members/:user_id/role'], auth: 'user', summary: 'Make a member a group admin or a member again (owner only)',
    params: ConvChange({ user_id: UserId, role: OneOf(['admin', 'member']) }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.setRole(a, p),
  }),
  'conv.transfer': op({
    http: ['POST', '/api/v1/conversations/:conv_id/owner'], auth: 'user', summary: 'Hand the group to another member (owner only); the old owner becomes an admin',
    params: ConvChange({ user_id: UserId }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.transfer(a, p),
  }),
  'conv.notice': op({
    http: ['PUT', '/api/v1/conversations/:conv_id/notice'], auth: 'user', summary: 'Set the group notice board (owner or group admin)',
    params: ConvChange({ notice: Type.String({ maxLength: 2000, description: 'empty clears it' }) }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.setNotice(a, p),
  }),
  'conv.mute': op({
    http: ['POST', '/api/v1/conversations/:conv_id/mute'], auth: 'user', summary: 'Mute or unmute a conversation for me (do not disturb); syncs to my devices',
    params: Type.Object({ conv_id: ConvId, muted: Type.Boolean() }), result: ConversationSchema,
    handler: (s, a, p) => s.messaging.setMuted(a, p),
  }),
  'conv.leave': op({
    http: ['POST', '/api/v1/conversations/:conv_id/leave'], auth: 'user', summary: 'Leave a group; ownership passes on',
    params: ConvChange({}), result: Type.Object({ conv_id: Type.Integer() }, { $id: 'ConvId' }),
    handler: (s, a, p) => s.messaging.leave(a, p),
  }),
  'msg.history': op({
    http: ['GET', '/api/v1/conversations/:conv_id/messages'], auth: 'user', summary: 'A page of history, ascending by seq', params: HistoryParams, result: HistoryPageSchema,
    handler: (s, a, p) => s.messaging.history(a, p),
  }),
  'msg.send': op({
    http: ['POST', '/api/v1/conversations/:conv_id/messages'], auth: 'user', summary: 'Send a text or file message; a retry with the same cmid returns the original',
    params: SendParams, result: MessageSchema,
    handler: (s, a, p) => s.messaging.send(a, p),
  }),
  'msg.read': op({
    http: ['POST', '/api/v1/conversations/:conv_id/read'], auth: 'user', summary: 'Move my read cursor forward to seq',
    params: Type.Object({ conv_id: ConvId, seq: Type.Integer({ minimum: 0 }) }), result: Type.Object({ conv_id: Type.Integer(), read_seq: Type.Integer() }, { $id: 'ReadCursor' }),
    handler: (s, a, p) => s.messaging.markRead(a, p),
  }),
  'msg.typing': op({
    http: ['POST', '/api/v1/conversations/:conv_id/typing'], auth: 'user', summary: 'Tell the other members I am typing (正在输入; 1:1 and groups of up to 50; never stored)',
    params: Type.Object({ conv_id: ConvId }), result: Type.Object({ sent: Type.Boolean({ description: 'false in a big group, a system or dissolved conversation, or with nobody else in it' }) }),
    handler: (s, a, p) => s.typing.typing(a, p),
  }),
  'sync': op({
    http: ['GET', '/api/v1/sync'], auth: 'user', summary: 'What changed for me since a durable position',
    params: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0, description: 'position from the last sync; 0 for all' })) }), result: SyncResultSchema,
    handler: (s, a, p) => s.messaging.sync(a, p),
  }),
  // Bus only: sends that reach a relay in one event-loop turn come together; each passes the gate on its own.
  'msg.sendMany': op({
    http: null, auth: 'none', summary: 'Several sends, each with its own credential, each succeeding or failing alone',
    params: Type.Object({ items: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_SENDS_PER_BATCH }) }),
    result: Type.Object({ results: Type.Array(Type.Union([Type.Object({ ok: Type.Literal(true), result: Type.Unknown() }), Type.Object({ ok: Type.Literal(false), error: Type.Unknown() })])) }),
    handler: async (_s, _a, p, ctx) => ({
      results: await Promise.all(p.items.map((item) => Promise.resolve()
        .then(() => ctx.dispatch('msg.send', typeof item === 'object' && item !== null ? item : {}))
        .then((result) => ({ ok: true as const, result }), (e: unknown) => ({ ok: false as const, error: toErrorBody(e) })))),
    }),
  }),
};
