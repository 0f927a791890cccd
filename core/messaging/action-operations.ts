import { Type } from '@sinclair/typebox';
import { MessagePolicySchema, MessageSchema, OneOf } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { CMID } from '../validate.js';

const ConvId = Type.Integer({ minimum: 1 });
const Seq = Type.Integer({ minimum: 1 });

export const ForwardParams = Type.Object({
  from_conv_id: ConvId,
  seqs: Type.Array(Seq, { minItems: 1, maxItems: 100, description: 'messages of the source conversation, forwarded in seq order' }),
  to_conv_ids: Type.Array(ConvId, { minItems: 1, maxItems: 20 }),
  mode: OneOf(['each', 'bundle'], { description: "'each': a copy of every message; 'bundle': one merged message (合并转发)" }),
  // Shorter than a send's: each copy's cmid is derived from it.
  cmid: Type.String({ minLength: 1, maxLength: 32, pattern: CMID.source }),
});

/** Forward, recall, edit, and the organisation's message policy (core/messaging/actions.ts, docs/messages.md). */
export const messageActionOperations = {
  'msg.forward': op({
    http: ['POST', '/api/v1/messages/forward'], auth: 'user',
    summary: 'Forward messages I can read to conversations I am in, one by one or merged into a bundle; a retry with the same cmid repeats nothing',
    params: ForwardParams,
    result: Type.Object({ messages: Type.Array(MessageSchema) }, { $id: 'Forwarded' }),
    handler: (s, a, p) => s.messageActions.forward(a, p),
  }),
  'msg.recall': op({
    http: ['POST', '/api/v1/conversations/:conv_id/messages/:seq/recall'], auth: 'user',
    summary: 'Recall a message: the sender within the recall window, a group owner or admin for members at any time',
    params: Type.Object({ conv_id: ConvId, seq: Seq }), result: MessageSchema,
    handler: (s, a, p) => s.messageActions.recall(a, p),
  }),
  'msg.edit': op({
    http: ['PATCH', '/api/v1/conversations/:conv_id/messages/:seq'], auth: 'user',
    summary: 'Edit the text of my own text message within the edit window',
    params: Type.Object({ conv_id: ConvId, seq: Seq, text: Type.String({ description: 'at most limits.maxTextChars characters, not blank' }) }), result: MessageSchema,
    handler: (s, a, p) => s.messageActions.edit(a, p),
  }),
  'admin.messagePolicy.get': op({
    http: ['GET', '/api/v1/admin/message-policy'], auth: 'admin', permission: 'messages', summary: 'The recall and edit windows (seconds; 0: senders may not)',
    params: Type.Object({}), result: MessagePolicySchema,
    handler: (s) => s.messageActions.getPolicy(),
  }),
  'admin.messagePolicy.set': op({
    http: ['PUT', '/api/v1/admin/message-policy'], auth: 'admin', permission: 'messages', summary: 'Set the recall and/or edit window (seconds; 0 turns it off for senders); audited',
    params: Type.Object({
      recall_window: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 * 86400 })),
      edit_window: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 * 86400 })),
    }),
    result: MessagePolicySchema,
    handler: (s, a, p) => s.messageActions.setPolicy(a, p),
  }),
};
