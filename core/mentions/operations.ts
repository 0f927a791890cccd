import { Type } from '@sinclair/typebox';
import { ConversationSchema, OneOf, ReceiptPageSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';

const ConvId = Type.Integer({ minimum: 1 });

/** Mentions' group setting and read receipts at scale (core/mentions/, docs/mentions.md). */
export const mentionOperations = {
  'conv.setMentionAll': op({
    http: ['PUT', '/api/v1/conversations/:conv_id/mention-all'], auth: 'user',
    summary: 'Who may mention everyone (@所有人) in the group: the owner and admins, or every member (owner only)',
    params: Type.Object({ conv_id: ConvId, policy: OneOf(['admins', 'everyone']) }), result: ConversationSchema,
    handler: (s, a, p) => s.mentions.setMentionAll(a, p),
  }),
  'msg.receipts': op({
    http: ['GET', '/api/v1/conversations/:conv_id/messages/:seq/receipts'], auth: 'user',
    summary: 'How many others have read a message, and a page of who has (state=read) or has not (state=unread), by user id',
    params: Type.Object({
      conv_id: ConvId, seq: Type.Integer({ minimum: 1 }),
      state: Type.Optional(OneOf(['read', 'unread'], { description: 'default read' })),
      after: Type.Optional(Type.Integer({ minimum: 0, description: 'the user id the last page ended with (its next)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
    }),
    result: ReceiptPageSchema,
    handler: (s, a, p) => s.mentions.receipts(a, p),
  }),
};
