import { Type } from '@sinclair/typebox';
import { op } from '../operation.js';

export const SearchParams = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200, description: 'words; every one must occur (Chinese, Japanese and Korean match by character pairs)' }),
  conv_id: Type.Optional(Type.Integer({ minimum: 1, description: 'only this conversation' })),
  sender_id: Type.Optional(Type.Integer({ minimum: 1, description: 'only messages from this user' })),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'created_at at or after (ms)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'created_at at or before (ms)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'default 20' })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}\\.[0-9]{1,15}\\.[0-9]{1,15}$', description: 'next_before of the previous page' })),
});

const Range = Type.Object({ start: Type.Integer(), end: Type.Integer() });
export const SearchResultSchema = Type.Object({
  hits: Type.Array(Type.Object({
    conv_id: Type.Integer(), seq: Type.Integer(), sender_id: Type.Integer(), sender_name: Type.String(), created_at: Type.Integer(),
    snippet: Type.String({ description: 'the text around the first match; … marks a cut' }),
    highlights: Type.Array(Range, { description: 'UTF-16 offsets into snippet, end exclusive' }),
  })),
  next_before: Type.Union([Type.String(), Type.Null()]),
}, { $id: 'SearchResult' });

/** Message search (docs/search.md). */
export const searchOperations = {
  'msg.search': op({
    http: ['GET', '/api/v1/search/messages'], auth: 'user', summary: 'Find messages in my conversations, newest first',
    params: SearchParams, result: SearchResultSchema,
    handler: (s, a, p) => s.search.search(a, p),
  }),
};
