import { Type } from '@sinclair/typebox';
import { DEVICE_TYPE_VALUES, OneOf } from '../../shared/protocol/schemas.js';
export { TrustedDeviceSchema } from '../../shared/protocol/signin-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const RuleScope = OneOf(['org', 'dept', 'person']);
export const DeviceTypes = Type.Array(OneOf(DEVICE_TYPE_VALUES), { minItems: 1, maxItems: DEVICE_TYPE_VALUES.length, uniqueItems: true });
export const Approval = OneOf(['none', 'new_device']);
/** The id a client keeps for itself (the web client: localStorage), so the server can tell a device it has seen. */
export const DeviceId = Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'the client\'s own id for this device, kept across sign-ins' });

export const LoginRuleSchema = Type.Object({
  scope: RuleScope, target_id: Type.Integer(),
  device_types: Nullable(Type.Array(OneOf(DEVICE_TYPE_VALUES))), approval: Nullable(Approval),
  updated_by: Nullable(Type.Integer()), updated_at: Type.Integer(),
}, { $id: 'LoginRule' });

export const EffectiveLoginPolicySchema = Type.Object({
  device_types: Type.Array(OneOf(DEVICE_TYPE_VALUES)), approval: Approval,
}, { $id: 'EffectiveLoginPolicy' });
