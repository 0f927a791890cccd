import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DeviceTypeSchema, OneOf } from './schemas.js';
import type { DevicePolicy, PinStatus, WipeView } from './devices.js';

const Int = Type.Integer();
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const WipeReasonSchema = OneOf(['admin', 'self', 'pin']);

export const WipeSchema = Type.Object({
  id: Int, session_id: Type.String(), user_id: Int, device_type: DeviceTypeSchema, device_name: Type.String(), reason: WipeReasonSchema,
  ordered_by: Int, ordered_at: Int, acked_at: Nullable(Int), state: OneOf(['pending', 'acknowledged']),
}, { $id: 'Wipe' });

export const PinStatusSchema = Type.Object({
  set: Type.Boolean(), set_at: Nullable(Int), required: Type.Boolean(), max_attempts: Int,
}, { $id: 'PinStatus' });

export const DevicePolicySchema = Type.Object({
  require_pin: Type.Boolean(), max_attempts: Int, updated_at: Nullable(Int),
}, { $id: 'DevicePolicy' });

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Same<S extends TSchema, I> = Equal<Static<S>, I> extends true ? true : ['schema and interface differ', Static<S>, I];
type All<T extends true[]> = T;

/** Compiles only while each schema matches its interface in devices.ts. */
export type DeviceSchemasMatchWire = All<[
  Same<typeof WipeSchema, WipeView>,
  Same<typeof PinStatusSchema, PinStatus>,
  Same<typeof DevicePolicySchema, DevicePolicy>,
]>;
