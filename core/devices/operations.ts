import { Type } from '@sinclair/typebox';
import { DevicePolicySchema, PinStatusSchema, WipeSchema } from '../../shared/protocol/device-schemas.js';
import { OneOf } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';

const SessionId = Type.String({ minLength: 1, maxLength: 64 });
const Pin = Type.String({ pattern: '^[0-9]{4,12}$', description: '4 to 12 digits' });

export const PinChangeParams = Type.Object({
  pin: Pin,
  current_pin: Type.Optional(Type.String({ minLength: 1, maxLength: 12, description: 'required when a PIN is already set' })),
});

export const AdminWipesParams = Type.Object({
  user_id: Type.Optional(Type.Integer({ minimum: 1 })),
  state: Type.Optional(OneOf(['pending', 'acknowledged'])),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'wipe id: the page after this one' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })),
});

export const PolicyParams = Type.Object({
  require_pin: Type.Optional(Type.Boolean()),
  max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'wrong PIN entries in a row before a client wipes itself (default 5)' })),
});

/** Remote wipe (远程数据抹除), the security PIN (安全密码) and the device policy. */
export const deviceOperations = {
  'devices.wipe': op({
    http: ['POST', '/api/v1/me/sessions/:session_id/wipe'], auth: 'user', summary: 'Wipe one of my devices: its session ends and it erases what it keeps, then acknowledges',
    params: Type.Object({ session_id: SessionId }), result: WipeSchema,
    handler: (s, a, p) => s.devices.wipeMine(a, p.session_id),
  }),
  'devices.wipes': op({
    http: ['GET', '/api/v1/me/wipes'], auth: 'user', summary: 'Wipe orders of my devices, pending or acknowledged, newest first',
    params: Type.Object({}), result: Type.Array(WipeSchema),
    handler: (s, a) => s.devices.myWipes(a),
  }),
  // Open: the session of the token it presents has ended. Only that token acknowledges, and only its own order.
  'devices.wipeAck': op({
    http: ['POST', '/api/v1/devices/wipe/ack'], auth: 'none', summary: 'A wiped device says it erased what it kept (with its ended session\'s token)',
    params: Type.Object({ wipe_id: Type.Integer({ minimum: 1 }) }), result: Type.Object({ acknowledged: Type.Literal(true) }, { $id: 'WipeAck' }),
    handler: (s, _a, p, ctx) => s.devices.ack(ctx.token, p.wipe_id),
  }),
  'devices.pin': op({
    http: ['GET', '/api/v1/me/pin'], auth: 'user', summary: 'Whether I have a security PIN, whether the policy requires one, and after how many wrong entries a client wipes itself',
    params: Type.Object({}), result: PinStatusSchema,
    handler: (s, a) => s.devices.pinStatus(a),
  }),
  'devices.pin.set': op({
    http: ['PUT', '/api/v1/me/pin'], auth: 'user', summary: 'Set or change my security PIN (the current one to change it)',
    params: PinChangeParams, result: PinStatusSchema,
    handler: (s, a, p) => s.devices.setPin(a, p),
  }),
  'devices.pin.clear': op({
    http: ['DELETE', '/api/v1/me/pin'], auth: 'user', summary: 'Remove my security PIN (the current one; not while the policy requires one)',
    params: Type.Object({ current_pin: Type.String({ minLength: 1, maxLength: 12 }) }), result: PinStatusSchema,
    handler: (s, a, p) => s.devices.clearPin(a, p.current_pin),
  }),
  'devices.pin.verify': op({
    http: ['POST', '/api/v1/me/pin/verify'], auth: 'user', summary: 'Check my PIN (rate-limited); the policy\'s number of wrong ones on this device wipes it (SB_WIPED)',
    params: Type.Object({ pin: Type.String({ minLength: 1, maxLength: 12 }) }), result: Type.Object({ ok: Type.Boolean() }, { $id: 'PinCheck' }),
    handler: (s, a, p) => s.devices.verifyPin(a, p.pin),
  }),
  'devices.pin.wipe': op({
    http: ['POST', '/api/v1/me/pin/wipe'], auth: 'user', summary: 'This device had too many wrong PINs: its session ends with a wipe order it then acknowledges',
    params: Type.Object({}), result: WipeSchema,
    handler: (s, a) => s.devices.pinWipe(a),
  }),
  'admin.devices.wipe': op({
    http: ['POST', '/api/v1/admin/sessions/:session_id/wipe'], auth: 'admin', permission: 'devices', summary: 'Wipe a device in my scope: its session ends and it erases what it keeps; audited',
    params: Type.Object({ session_id: SessionId }), result: WipeSchema,
    scope: (p) => ({ sessionIds: [p.session_id] }),
    handler: (s, a, p) => s.devices.wipeAsAdmin(a, p.session_id),
  }),
  'admin.devices.wipes': op({
    http: ['GET', '/api/v1/admin/wipes'], auth: 'admin', permission: 'devices', summary: 'Wipe orders in my scope, pending or acknowledged, newest first',
    params: AdminWipesParams, result: Type.Array(WipeSchema),
    scope: (p) => ({ userIds: p.user_id === undefined ? [] : [p.user_id] }),
    handler: (s, a, p) => s.devices.adminWipes(a, p),
  }),
  'admin.devices.policy.get': op({
    http: ['GET', '/api/v1/admin/device-policy'], auth: 'admin', permission: 'devices', summary: 'The device policy: whether a PIN is required, wrong entries before a client wipes itself',
    params: Type.Object({}), result: DevicePolicySchema,
    handler: (s) => s.devices.policy(),
  }),
  'admin.devices.policy.set': op({
    http: ['PUT', '/api/v1/admin/device-policy'], auth: 'admin', permission: 'devices', summary: 'Set the device policy for the whole organisation; audited',
    params: PolicyParams, result: DevicePolicySchema,
    scope: () => ({ whole: true }),
    handler: (s, a, p) => s.devices.setPolicy(a, p),
  }),
};
