import { Type } from '@sinclair/typebox';
import { DEVICE_TYPE_VALUES, EmptySchema, OneOf, LoginResultSchema, SessionSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';
import { DeviceId } from '../login-policy/schemas.js';

const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'six digits from the authenticator app' });

export const LoginParams = Type.Object({
  account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  device_type: Type.Optional(OneOf(DEVICE_TYPE_VALUES, { description: 'web when absent' })),
  device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'shown in session lists' })),
  totp_code: Type.Optional(TotpCode),
  device_id: Type.Optional(DeviceId),
});

export const CompleteSignInParams = Type.Object({
  ticket: Type.String({ minLength: 16, maxLength: 128, description: 'details.ticket of SB_PASSWORD_CHANGE_REQUIRED or SB_TOTP_SETUP_REQUIRED' }),
  new_password: Type.Optional(Type.String({ minLength: 8, maxLength: 256, description: 'for SB_PASSWORD_CHANGE_REQUIRED' })),
  totp_code: Type.Optional(TotpCode),
});

const MySecuritySchema = Type.Object({
  totp_enabled: Type.Boolean(), totp_required: Type.Boolean(),
  password_set_at: Type.Union([Type.Integer(), Type.Null()]), password_expires_at: Type.Union([Type.Integer(), Type.Null()]),
  policy: Type.Object({ min_length: Type.Integer(), min_classes: Type.Integer(), history: Type.Integer(), max_age_days: Type.Integer() }),
}, { $id: 'MySecurity' });
const CurrentPassword = Type.String({ minLength: 1, maxLength: 256 });

export const PasswordParams = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 256 }),
  new_password: Type.String({ minLength: 8, maxLength: 256 }),
});

const Resolved = Type.Object({ userId: Type.Integer(), sessionId: Type.String(), expiresAt: Type.Number() });

/** Sign-in and sessions. */
export const authOperations = {
  'auth.login': op({
    http: ['POST', '/api/v1/auth/login'], auth: 'none', summary: 'Sign in with account and password; returns a session token',
    params: LoginParams, result: LoginResultSchema,
    handler: (s, _a, p, ctx) => s.auth.login(p, ctx.ip),
  }),
  'auth.completeSignIn': op({
    http: ['POST', '/api/v1/auth/complete'], auth: 'none', summary: 'Finish a sign-in that had a step to do: set the new password, confirm a new authenticator, or collect an approval (SB_APPROVAL_PENDING until then)',
    params: CompleteSignInParams, result: LoginResultSchema,
    handler: (s, _a, p, ctx) => s.auth.completeSignIn(p, ctx.ip),
  }),
  'auth.security': op({
    http: ['GET', '/api/v1/me/security'], auth: 'user', summary: 'My password rules and expiry, and whether my second factor is on',
    params: Type.Object({}), result: MySecuritySchema,
    handler: (s, a) => s.secondFactor.mine(a),
  }),
  'auth.totp.begin': op({
    http: ['POST', '/api/v1/me/totp'], auth: 'user', summary: 'Start setting up an authenticator app: a new secret, on once a code from it is confirmed',
    params: Type.Object({ current_password: CurrentPassword }), result: Type.Object({ secret: Type.String(), otpauth_uri: Type.String() }),
    handler: (s, a, p, ctx) => s.secondFactor.begin(a, p, ctx.ip),
  }),
  'auth.totp.confirm': op({
    http: ['POST', '/api/v1/me/totp/confirm'], auth: 'user', summary: 'Turn the second factor on with the first code from the new authenticator',
    params: Type.Object({ code: TotpCode }), result: Type.Object({ totp_enabled: Type.Literal(true) }),
    handler: (s, a, p) => s.secondFactor.confirm(a, p),
  }),
  'auth.totp.disable': op({
    http: ['POST', '/api/v1/me/totp/disable'], auth: 'user', summary: 'Turn the second factor off (password and a current code; refused where the policy requires it)',
    params: Type.Object({ current_password: CurrentPassword, code: TotpCode }), result: Type.Object({ totp_enabled: Type.Literal(false) }),
    handler: (s, a, p, ctx) => s.secondFactor.disable(a, p, ctx.ip),
  }),
  'auth.logout': op({
    http: ['POST', '/api/v1/auth/logout'], auth: 'user', summary: 'End this session', params: Type.Object({}), result: EmptySchema,
    handler: async (s, a) => { await s.auth.logout(a); return {}; },
  }),
  'auth.sessions': op({
    http: ['GET', '/api/v1/me/sessions'], auth: 'user', summary: 'My active sessions (devices)', params: Type.Object({}), result: Type.Array(SessionSchema),
    handler: (s, a) => s.auth.mySessions(a),
  }),
  'auth.endSession': op({
    http: ['DELETE', '/api/v1/me/sessions/:session_id'], auth: 'user', summary: 'Sign one of my devices out (下线); its token stops working and its sockets close',
    params: Type.Object({ session_id: Type.String({ minLength: 1, maxLength: 64 }) }), result: Type.Object({ ended: Type.Literal(true) }),
    handler: (s, a, p) => s.auth.endMySession(a, p.session_id),
  }),
  'auth.password': op({
    http: ['POST', '/api/v1/me/password'], auth: 'user', summary: 'Change my password; signs out my other devices', params: PasswordParams, result: EmptySchema,
    handler: async (s, a, p, ctx) => { await s.auth.changePassword(a, p, ctx.ip); return {}; },
  }),
  // Bus only: the relay resolves tokens to fail fast (central verifies every forwarded credential itself).
  'auth.resolve': op({
    http: null, auth: 'none', summary: 'Resolve a session token', params: Type.Object({ token: Type.Optional(Type.Unknown()) }), result: Resolved,
    handler: (s, _a, p) => s.devices.resolve(p.token), // SB_WIPED for a session ended with a wipe order (core/devices)
  }),
  'health.ping': op({
    http: null, auth: 'none', summary: 'Central answers', params: Type.Object({}), result: Type.Object({ ok: Type.Literal(true) }),
    handler: async () => ({ ok: true as const }),
  }),
};
