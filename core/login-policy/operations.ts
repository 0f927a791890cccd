import { Type } from '@sinclair/typebox';
import { op } from '../operation.js';
import { ruleScope } from '../files/rules.js';
import { UserId } from '../users/operations.js';
import { Approval, DeviceId, DeviceTypes, EffectiveLoginPolicySchema, LoginRuleSchema, RuleScope, TrustedDeviceSchema } from './schemas.js';

const Target = { scope: RuleScope, target_id: Type.Integer({ minimum: 1 }) };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Decision = { device_id: DeviceId, approve: Type.Boolean({ description: 'true lets the waiting sign-in finish; false refuses it' }) };

/** 登录授权 (docs/security.md): device types per org, department or person, and approval of new devices. */
export const loginPolicyOperations = {
  'auth.loginPolicy': op({
    http: ['GET', '/api/v1/me/login-policy'], auth: 'user', summary: 'The device types I may sign in from, and whether a new device needs approval',
    params: Type.Object({}), result: EffectiveLoginPolicySchema,
    handler: (s, a) => s.loginPolicy.mine(a),
  }),
  'auth.deviceApprovals': op({
    http: ['GET', '/api/v1/me/device-approvals'], auth: 'user', summary: 'Sign-ins on new devices of mine waiting for approval',
    params: Type.Object({}), result: Type.Array(TrustedDeviceSchema),
    handler: (s, a) => s.loginPolicy.myPending(a),
  }),
  'auth.decideDevice': op({
    http: ['POST', '/api/v1/me/device-approvals'], auth: 'user', summary: 'Approve or refuse a sign-in of mine on a new device, from a device I am signed in on; audited',
    params: Type.Object(Decision), result: TrustedDeviceSchema,
    handler: (s, a, p) => s.loginPolicy.decideMine(a, p),
  }),
  'admin.deviceApprovals.list': op({
    http: ['GET', '/api/v1/admin/device-approvals'], auth: 'admin', permission: 'devices', summary: 'Sign-ins on new devices waiting for approval, of people in my scope',
    params: Type.Object({}), result: Type.Array(TrustedDeviceSchema),
    handler: (s, a) => s.loginPolicy.pendingInScope(a),
  }),
  'admin.deviceApprovals.decide': op({
    http: ['POST', '/api/v1/admin/device-approvals'], auth: 'admin', permission: 'devices', summary: 'Approve or refuse a waiting sign-in on a new device; audited',
    params: Type.Object({ user_id: UserId, ...Decision }), result: TrustedDeviceSchema,
    scope: (p) => ({ userIds: [p.user_id] }), handler: (s, a, p) => s.loginPolicy.decideAsAdmin(a, p),
  }),
  'admin.devices.list': op({
    http: ['GET', '/api/v1/admin/users/:user_id/devices'], auth: 'admin', permission: 'devices', summary: 'The devices a person has signed in from (approved, waiting, refused)',
    params: Type.Object({ user_id: UserId }), result: Type.Array(TrustedDeviceSchema),
    scope: (p) => ({ userIds: [p.user_id] }), handler: (s, a, p) => s.loginPolicy.devicesOf(a, p),
  }),
  'admin.devices.forget': op({
    http: ['DELETE', '/api/v1/admin/users/:user_id/devices/:device_id'], auth: 'admin', permission: 'devices', summary: 'Forget a device: its next sign-in is a new device again; audited',
    params: Type.Object({ user_id: UserId, device_id: DeviceId }), result: Type.Object({ forgotten: Type.Boolean() }),
    scope: (p) => ({ userIds: [p.user_id] }), handler: (s, a, p) => s.loginPolicy.forget(a, p),
  }),
  'admin.loginPolicy.list': op({
    http: ['GET', '/api/v1/admin/login-policy'], auth: 'admin', permission: 'security', summary: 'Login rules (登录授权) on targets in my scope',
    params: Type.Object({}), result: Type.Array(LoginRuleSchema),
    handler: (s, a) => s.loginPolicy.rules(a),
  }),
  'admin.loginPolicy.set': op({
    http: ['PUT', '/api/v1/admin/login-policy/:scope/:target_id'], auth: 'admin', permission: 'security',
    summary: 'Set (replace) the login rule of an organisation, department or person: device types allowed, approval of new devices (null: not set here); audited',
    params: Type.Object({ ...Target, device_types: Type.Optional(Nullable(DeviceTypes)), approval: Type.Optional(Nullable(Approval)) }), result: LoginRuleSchema,
    scope: (p) => ruleScope(p), handler: (s, a, p) => s.loginPolicy.setRule(a, p),
  }),
  'admin.loginPolicy.delete': op({
    http: ['DELETE', '/api/v1/admin/login-policy/:scope/:target_id'], auth: 'admin', permission: 'security', summary: 'Remove a login rule; audited',
    params: Type.Object(Target), result: Type.Object({ deleted: Type.Boolean() }),
    scope: (p) => ruleScope(p), handler: (s, a, p) => s.loginPolicy.removeRule(a, p),
  }),
};
