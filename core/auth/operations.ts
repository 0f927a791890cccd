import { Type } from '@sinclair/typebox';
import { DEVICE_TYPE_VALUES, EmptySchema, OneOf, LoginResultSchema, SessionSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';

export const LoginParams = Type.Object({
  account: Type.String({ minLength: 1, maxLength: 64, description: 'account name' }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  device_type: Type.Optional(OneOf(DEVICE_TYPE_VALUES, { description: 'web when absent' })),
  device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'shown in session lists' })),
});

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
