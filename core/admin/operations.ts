import { Type } from '@sinclair/typebox';
import { ConversationSchema, OneOf, SessionSchema, UserSchema } from '../../shared/protocol/schemas.js';
import { AuditViewSchema } from '../roles/schemas.js';
import { EXPORT_MAX_ROWS } from './audit-views.js';
import { GroupParams } from '../messaging/operations.js';
import { op } from '../operation.js';
import { ACCOUNT } from '../validate.js';
import { UserId, UserListParams } from '../users/operations.js';

/** Accounts: letters, digits and . _ - @, as enterprise directories use (the same pattern imports check). */
export const Account = Type.String({ minLength: 2, maxLength: 64, pattern: ACCOUNT.source });
const Password = Type.String({ minLength: 8, maxLength: 256, description: 'checked against the password policy' });
const MustChange = Type.Optional(Type.Boolean({ description: 'the person must change it at first sign-in; default: the policy\'s force_change_admin_set (always for a generated one)' }));
/** A user, with the generated password when one was made: it is in this answer only. */
const UserWithPassword = Type.Composite([UserSchema, Type.Object({ password: Type.Optional(Type.String({ description: 'generated: shown once' })) })], { $id: 'UserWithPassword' });
const OneUser = Type.Object({ user_id: UserId });
const user = (p: { user_id: number }) => ({ userIds: [p.user_id] });

export const CreateUserParams = Type.Object({
  account: Account,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the account when absent' })),
  password: Type.Optional(Type.String({ ...Password, description: 'generated (and returned once) when absent' })),
  must_change: MustChange,
  is_admin: Type.Optional(Type.Boolean()),
});

const Time = (what: string) => Type.Optional(Type.Integer({ minimum: 0, description: `${what} (ms since the epoch, included)` }));
const AuditFilters = {
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'entry id' })),
  actor_id: Type.Optional(UserId),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'e.g. grant.add' })),
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'e.g. user:12' })),
  since: Time('from'),
  until: Time('until'),
};

export const AdminGroupParams = Type.Composite([GroupParams, Type.Object({ owner_id: Type.Optional(UserId) })]);

/** User administration, sessions, groups on behalf of owners, the audit log. */
export const adminOperations = {
  'admin.users.list': op({
    http: ['GET', '/api/v1/admin/users'], auth: 'admin', permission: 'people', summary: 'List users',
    params: Type.Object({ ...UserListParams.properties, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })) }), result: Type.Array(UserSchema),
    handler: (s, a, p) => s.admin.listUsers(a, p),
  }),
  'admin.users.create': op({
    http: ['POST', '/api/v1/admin/users'], auth: 'admin', permission: 'people', summary: 'Create a user (with a generated password when none is given)', params: CreateUserParams, result: UserWithPassword,
    handler: (s, a, p) => s.admin.createUser(a, p),
  }),
  'admin.users.disable': op({
    http: ['POST', '/api/v1/admin/users/:user_id/disable'], auth: 'admin', permission: 'people', summary: 'Disable a user and end all their sessions', params: OneUser, result: UserSchema,
    scope: user, handler: (s, a, p) => s.admin.setDisabled(a, p, true),
  }),
  'admin.users.enable': op({
    http: ['POST', '/api/v1/admin/users/:user_id/enable'], auth: 'admin', permission: 'people', summary: 'Re-enable a user', params: OneUser, result: UserSchema,
    scope: user, handler: (s, a, p) => s.admin.setDisabled(a, p, false),
  }),
  'admin.users.password': op({
    http: ['POST', '/api/v1/admin/users/:user_id/password'], auth: 'admin', permission: 'people', summary: 'Set a new password (or generate one, returned once); ends the user\'s sessions',
    params: Type.Object({ user_id: UserId, password: Type.Optional(Password), generate: Type.Optional(Type.Boolean({ description: 'instead of password' })), must_change: MustChange }),
    result: UserWithPassword,
    scope: user, handler: (s, a, p) => s.admin.resetPassword(a, p),
  }),
  'admin.users.setAdmin': op({
    http: ['POST', '/api/v1/admin/users/:user_id/admin'], auth: 'admin', permission: 'people', summary: 'Grant or revoke administrator rights',
    params: Type.Object({ user_id: UserId, is_admin: Type.Boolean() }), result: UserSchema,
    scope: user, handler: (s, a, p) => s.admin.setAdmin(a, p),
  }),
  'admin.sessions.list': op({
    http: ['GET', '/api/v1/admin/sessions'], auth: 'admin', permission: 'devices', summary: 'Active sessions, optionally of one user',
    params: Type.Object({ user_id: Type.Optional(UserId), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'default 1000' })) }),
    result: Type.Array(SessionSchema),
    scope: (p) => ({ userIds: p.user_id === undefined ? [] : [p.user_id] }),
    handler: (s, a, p) => s.admin.listSessions(a, p),
  }),
  'admin.sessions.revoke': op({
    http: ['DELETE', '/api/v1/admin/sessions/:session_id'], auth: 'admin', permission: 'devices', summary: 'End one session',
    params: Type.Object({ session_id: Type.String({ minLength: 1, maxLength: 64 }) }), result: Type.Object({ revoked: Type.Boolean() }, { $id: 'Revoked' }),
    scope: (p) => ({ sessionIds: [p.session_id] }),
    handler: (s, a, p) => s.admin.revokeSession(a, p),
  }),
  'admin.groups.create': op({
    http: ['POST', '/api/v1/admin/groups'], auth: 'admin', permission: 'groups', summary: 'Create a group for an owner (default: me)', params: AdminGroupParams, result: ConversationSchema,
    scope: (p) => ({ userIds: [...(p.owner_id === undefined ? [] : [p.owner_id]), ...p.member_ids] }),
    handler: (s, a, p) => s.admin.createGroup(a, p),
  }),
  'admin.audit': op({
    http: ['GET', '/api/v1/admin/audit'], auth: 'admin', permission: 'audit', summary: 'The audit log, newest first, with names beside ids; filtered by actor, action, target and time',
    params: Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })),
      ...AuditFilters,
    }),
    result: Type.Array(AuditViewSchema),
    handler: (s, a, p) => s.auditLog.list(a, p),
  }),
  'admin.audit.export': op({
    http: ['GET', '/api/v1/admin/audit/export'], auth: 'admin', permission: 'audit', timeoutMs: 120_000,
    summary: 'The audit log as CSV (the same filters; at most 10,000 rows, newest first)',
    params: Type.Object({
      format: Type.Optional(OneOf(['csv'], { description: 'default csv' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPORT_MAX_ROWS, description: 'default 10000' })),
      ...AuditFilters,
    }),
    result: Type.Object({ csv: Type.String(), rows: Type.Integer(), truncated: Type.Boolean({ description: 'more rows matched than were exported' }) }, { $id: 'AuditExport' }),
    handler: (s, a, p) => s.auditLog.exportCsv(a, p),
  }),
  'admin.audit.verify': op({
    http: ['GET', '/api/v1/admin/audit/verify'], auth: 'admin', permission: 'audit', timeoutMs: 300_000,
    summary: 'Check the audit log\'s hash chain; reports the first broken link (a row changed or removed)',
    params: Type.Object({}),
    result: Type.Object({
      ok: Type.Boolean(),
      rows: Type.Integer({ description: 'rows checked' }),
      first_broken: Type.Optional(Type.Object({ id: Type.Integer(), reason: Type.String() })),
    }, { $id: 'AuditVerify' }),
    handler: (s, a) => s.admin.verifyAudit(a),
  }),
};
