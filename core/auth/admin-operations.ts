import { Type } from '@sinclair/typebox';
import { op } from '../operation.js';
import { UserId } from '../users/operations.js';
import { PasswordPolicySchema } from './policy.js';

const OneUser = Type.Object({ user_id: UserId });
const user = (p: { user_id: number }) => ({ userIds: [p.user_id] });

const ActivationCodeSchema = Type.Object({
  user_id: Type.Integer(), account: Type.String(), name: Type.String(),
  code: Type.String({ description: 'shown once: hand it to the person; it signs in once and then a password must be set' }),
  expires_at: Type.Integer(),
}, { $id: 'ActivationCode' });

/** The password policy and what administrators do to others' credentials (docs/security.md). */
export const accountAdminOperations = {
  'admin.passwordPolicy.get': op({
    http: ['GET', '/api/v1/admin/password-policy'], auth: 'admin', permission: 'security', summary: 'The password policy: rules, expiry, lockout, second factor for administrators',
    params: Type.Object({}), result: PasswordPolicySchema,
    handler: (s) => s.accountAdmin.policy(),
  }),
  'admin.passwordPolicy.set': op({
    http: ['PUT', '/api/v1/admin/password-policy'], auth: 'admin', permission: 'security', summary: 'Change some of the password policy (the organisation\'s: unscoped administrators only); audited',
    params: Type.Partial(PasswordPolicySchema, { $id: undefined }), result: PasswordPolicySchema,
    scope: () => ({ whole: true }),
    handler: (s, a, p) => s.accountAdmin.setPolicy(a, p),
  }),
  'admin.users.unlock': op({
    http: ['POST', '/api/v1/admin/users/:user_id/unlock'], auth: 'admin', permission: 'security', summary: 'Lift a lock left by failed sign-ins; audited',
    params: OneUser, result: Type.Object({ unlocked: Type.Boolean({ description: 'false when it was not locked' }) }),
    scope: user, handler: (s, a, p) => s.accountAdmin.unlock(a, p),
  }),
  'admin.users.resetTotp': op({
    http: ['POST', '/api/v1/admin/users/:user_id/totp/reset'], auth: 'admin', permission: 'security', summary: 'Remove a person\'s second factor (a lost phone) and end their sessions; audited',
    params: OneUser, result: Type.Object({ reset: Type.Boolean(), sessions_ended: Type.Integer() }),
    scope: user, handler: (s, a, p) => s.accountAdmin.resetTotp(a, p),
  }),
  'admin.users.activationCodes': op({
    http: ['POST', '/api/v1/admin/users/activation-codes'], auth: 'admin', permission: 'people',
    summary: 'One-time activation codes (激活码) for the people named, or for everyone without a password in a department subtree; audited',
    params: Type.Object({
      user_ids: Type.Optional(Type.Array(UserId, { minItems: 1, maxItems: 1000 })),
      dept_id: Type.Optional(Type.Integer({ minimum: 1, description: 'everyone in it and below who has no password yet' })),
    }),
    result: Type.Array(ActivationCodeSchema),
    scope: (p) => ({ userIds: p.user_ids ?? [], deptIds: p.dept_id === undefined ? [] : [p.dept_id] }),
    handler: (s, a, p) => s.accountAdmin.activationCodes(a, p),
  }),
};
