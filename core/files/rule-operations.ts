import { Type } from '@sinclair/typebox';
import { DeletedSchema, OneOf } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { ruleScope, TYPE_PATTERN } from './rules.js';

const Scope = OneOf(['org', 'dept', 'person']);
const Target = { scope: Scope, target_id: Type.Integer({ minimum: 1 }) };
const Types = Type.Array(Type.String({ pattern: TYPE_PATTERN }), { maxItems: 200 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const FileRuleSchema = Type.Object({
  scope: Scope, target_id: Type.Integer(),
  max_bytes: Nullable(Type.Integer()), allowed: Nullable(Type.Array(Type.String())), blocked: Nullable(Type.Array(Type.String())),
  updated_by: Nullable(Type.Integer()), updated_at: Type.Integer(),
}, { $id: 'FileRule' });

export const FileRulesMineSchema = Type.Object({
  max_bytes: Type.Integer(), allowed: Type.Array(Type.Array(Type.String())), blocked: Type.Array(Type.String()), max_from: OneOf(['org', 'dept', 'person', 'server']),
}, { $id: 'FileRulesMine' });

/** File-sending rules (文件发送限制): administrators set them per organisation, department or person (core/files/rules.ts). */
export const fileRuleOperations = {
  'files.rules': op({
    http: ['GET', '/api/v1/file-rules'], auth: 'user', summary: 'What I may send: the size limit and the types allowed and blocked for me',
    params: Type.Object({}), result: FileRulesMineSchema,
    handler: (s, a) => s.fileRules.effective(a.userId),
  }),
  'admin.filePolicy.list': op({
    http: ['GET', '/api/v1/admin/file-policy'], auth: 'admin', permission: 'security', summary: 'File-sending rules on targets in my scope',
    params: Type.Object({}), result: Type.Array(FileRuleSchema),
    handler: (s, a) => s.fileRules.list(a),
  }),
  'admin.filePolicy.get': op({
    http: ['GET', '/api/v1/admin/file-policy/:scope/:target_id'], auth: 'admin', permission: 'security', summary: 'The file-sending rule of an organisation, department or person',
    params: Type.Object(Target), result: FileRuleSchema,
    scope: (p) => ruleScope(p), handler: (s, a, p) => s.fileRules.get(a, p),
  }),
  'admin.filePolicy.set': op({
    http: ['PUT', '/api/v1/admin/file-policy/:scope/:target_id'], auth: 'admin', permission: 'security',
    summary: 'Set (replace) the file-sending rule of an organisation, department or person: size limit, types allowed, types blocked (null: not set here)',
    params: Type.Object({
      ...Target,
      max_bytes: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
      allowed: Type.Optional(Nullable(Types)),
      blocked: Type.Optional(Nullable(Types)),
    }),
    result: FileRuleSchema,
    scope: (p) => ruleScope(p), handler: (s, a, p) => s.fileRules.set(a, p),
  }),
  'admin.filePolicy.delete': op({
    http: ['DELETE', '/api/v1/admin/file-policy/:scope/:target_id'], auth: 'admin', permission: 'security', summary: 'Remove the file-sending rule of a target (wider rules apply again)',
    params: Type.Object(Target), result: DeletedSchema,
    scope: (p) => ruleScope(p), handler: (s, a, p) => s.fileRules.remove(a, p),
  }),
};
