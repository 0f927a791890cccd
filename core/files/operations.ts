import { Type } from '@sinclair/typebox';
import { FileBodySchema, FileSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { FILE_PART_BYTES } from './service.js';

const UploadId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const FileId = Type.Integer({ minimum: 1 });

export const FileDescription = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  mime: Type.Optional(Type.String({ minLength: 1, maxLength: 127, pattern: '^[\\w.+-]+/[\\w.+-]+$' })),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

/**
 * Bus only: the relay streams bytes to and from central in parts (relay/files.ts serves the HTTP side,
 * POST /api/v1/files and GET /api/v1/files/:id).
 */
export const fileOperations = {
  'files.begin': op({
    http: null, auth: 'user', summary: 'Start an upload; a file whose content is already stored is created at once',
    params: FileDescription, result: Type.Object({ file: Type.Union([FileSchema, Type.Null()]), upload_id: Type.Union([Type.String(), Type.Null()]), part_bytes: Type.Integer() }),
    handler: (s, a, p) => s.files.begin(a, p),
  }),
  'files.part': op({
    http: null, auth: 'user', summary: 'One part of an upload, base64',
    params: Type.Object({ upload_id: UploadId, offset: Type.Integer({ minimum: 0 }), data: Type.String({ maxLength: Math.ceil((FILE_PART_BYTES * 4) / 3) + 4 }) }),
    result: Type.Object({ ok: Type.Literal(true) }),
    handler: (s, a, p) => s.files.part(a, p),
  }),
  'files.finish': op({
    http: null, auth: 'user', summary: 'Finish an upload: the bytes must match the announced size and SHA-256',
    params: Type.Composite([FileDescription, Type.Object({ upload_id: UploadId })]), result: FileSchema,
    handler: (s, a, p) => s.files.finish(a, p),
  }),
  'files.meta': op({
    http: null, auth: 'user', summary: 'A file I may read', params: Type.Object({ file_id: FileId }), result: FileSchema,
    handler: (s, a, p) => s.files.meta(a, p),
  }),
  'files.read': op({
    http: null, auth: 'user', summary: 'One part of a file\'s bytes, base64, for a relay filling its cache',
    params: Type.Object({ file_id: FileId, offset: Type.Integer({ minimum: 0 }), length: Type.Optional(Type.Integer({ minimum: 1 })) }),
    result: Type.Object({ data: Type.String() }),
    handler: (s, a, p) => s.files.read(a, p),
  }),
  'files.thumb': op({
    http: null, auth: 'user', summary: 'The thumbnail of an image I may read (a JPEG, base64), for a relay filling its cache',
    params: Type.Object({ file_id: FileId }),
    result: Type.Object({ sha256: Type.String(), size: Type.Integer(), width: Type.Integer(), height: Type.Integer(), data: Type.String() }),
    handler: (s, a, p) => s.files.thumb(a, p),
  }),
  'files.library': op({
    http: ['GET', '/api/v1/conversations/:conv_id/files'], auth: 'user', summary: '文件: the files of a conversation, newest first (recalled ones never listed); members only',
    params: Type.Object({
      conv_id: Type.Integer({ minimum: 1 }), before: Type.Optional(Type.Integer({ minimum: 1, description: 'a seq: older than that message' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'messages, default 50' })),
    }),
    result: Type.Object({
      items: Type.Array(Type.Object({ seq: Type.Integer(), sender_id: Type.Integer(), created_at: Type.Integer(), file: FileBodySchema.properties.file })),
      more: Type.Boolean(),
    }, { $id: 'FileLibrary' }),
    handler: (s, a, p) => s.fileLibrary.list(a, p),
  }),
};
