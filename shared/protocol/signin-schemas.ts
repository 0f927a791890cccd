import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DEVICE_TYPE_VALUES, DeviceTypeSchema, OneOf } from './schemas.js';
import { LOGIN_RESULTS, type LoginEventView, type OnlinePerson, type OnlineSample, type OnlineView } from './signins.js';

const Int = Type.Integer();
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const LoginResultCodeSchema = OneOf(LOGIN_RESULTS);

export const LoginEventSchema = Type.Object({
  id: Int, at: Int, account: Type.String(), user_id: Nullable(Int), name: Nullable(Type.String()), ip: Nullable(Type.String()),
  device_type: DeviceTypeSchema, device_name: Type.String(), result: LoginResultCodeSchema,
}, { $id: 'LoginEvent' });

const ByDevice = Type.Partial(Type.Object(Object.fromEntries(DEVICE_TYPE_VALUES.map((d) => [d, Int])) as Record<(typeof DEVICE_TYPE_VALUES)[number], typeof Int>));

export const OnlineSampleSchema = Type.Object({ at: Int, total: Int, by_device: ByDevice }, { $id: 'OnlineSample' });

export const OnlinePersonSchema = Type.Object({
  user_id: Int, account: Type.String(), name: Type.String(), status: OneOf(['online', 'away', 'offline']), devices: Type.Array(DeviceTypeSchema),
}, { $id: 'OnlinePerson' });

export const OnlineViewSchema = Type.Object({
  at: Int, total: Int, by_device: ByDevice, people: Type.Array(OnlinePersonSchema), history: Type.Array(OnlineSampleSchema),
}, { $id: 'Online' });

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Same<S extends TSchema, I> = Equal<Static<S>, I> extends true ? true : ['schema and interface differ', Static<S>, I];
type All<T extends true[]> = T;

/** Compiles only while each schema matches its interface in signins.ts. */
export type SigninSchemasMatchWire = All<[
  Same<typeof LoginEventSchema, LoginEventView>,
  Same<typeof OnlineSampleSchema, OnlineSample>,
  Same<typeof OnlinePersonSchema, OnlinePerson>,
  Same<typeof OnlineViewSchema, OnlineView>,
]>;

/** A device a person signed in from (登录授权, core/login-policy). */
export const TrustedDeviceSchema = Type.Object({
  user_id: Type.Integer(), device_id: Type.String(), device_type: OneOf(DEVICE_TYPE_VALUES), device_name: Type.String(), ip: Nullable(Type.String()),
  status: OneOf(['pending', 'approved', 'denied']), requested_at: Type.Integer(), decided_at: Nullable(Type.Integer()), decided_by: Nullable(Type.Integer()),
  last_seen_at: Type.Integer(),
}, { $id: 'TrustedDevice' });

