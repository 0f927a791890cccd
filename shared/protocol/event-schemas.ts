/**
 * The pushed events of types.ts (ServerEvent) as JSON Schema, with a compiled checker. Tests validate every
 * event a server pushes; `EventsMatchWire` fails to compile the moment a schema and its type differ.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { DirChange } from './directory.js';
import { ConversationSharedSchema, DirChangeSchema, FavouriteSchema, MessageSchema, NotifySettingsSchema, PresenceSchema, UserSchema } from './schemas.js';
import type { ServerEvent } from './types.js';
import { TrustedDeviceSchema } from './signin-schemas.js';
import { WipeSchema } from './device-schemas.js';

const Int = Type.Integer();
const event = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false });

export const MessageNewEventSchema = event('message.new', { conv_id: Int, message: MessageSchema });
export const MessageUpdatedEventSchema = event('message.updated', { conv_id: Int, message: MessageSchema });
export const ConversationUpdatedEventSchema = event('conversation.updated', { conversation: ConversationSharedSchema });
export const ConversationRemovedEventSchema = event('conversation.removed', { conv_id: Int, user_id: Int });
export const ReadUpdatedEventSchema = event('read.updated', { conv_id: Int, user_id: Int, read_seq: Int });
export const MemberSettingsEventSchema = event('member.settings', { conv_id: Int, muted: Type.Boolean() });
export const FavouriteAddedEventSchema = event('favourite.added', { favourite: FavouriteSchema });
export const FavouriteRemovedEventSchema = event('favourite.removed', { id: Int });
export const NotifySettingsEventSchema = event('notify.settings', { settings: NotifySettingsSchema });
export const UserUpdatedEventSchema = event('user.updated', { user: UserSchema });
export const PresenceUpdatedEventSchema = event('presence.updated', { presence: PresenceSchema });
export const TypingEventSchema = event('typing', { conv_id: Int, user_id: Int });
export const DeviceApprovalEventSchema = event('device.approval', { device: TrustedDeviceSchema });
export const DeviceWipeEventSchema = event('device.wipe', { wipe: WipeSchema });
export const DirectoryChangedEventSchema = event('directory.changed', { version: Int, from: Int, changes: Type.Optional(Type.Array(DirChangeSchema)) });

export const ServerEventSchema = Type.Union([
  MessageNewEventSchema, MessageUpdatedEventSchema, ConversationUpdatedEventSchema, ConversationRemovedEventSchema, ReadUpdatedEventSchema,
  MemberSettingsEventSchema, FavouriteAddedEventSchema, FavouriteRemovedEventSchema, NotifySettingsEventSchema, UserUpdatedEventSchema,
  PresenceUpdatedEventSchema, DeviceWipeEventSchema, DirectoryChangedEventSchema, DeviceApprovalEventSchema, TypingEventSchema,
], { $id: 'ServerEvent' });

const compiled = TypeCompiler.Compile(ServerEventSchema);
/** Each variant on its own, so a mismatch names the field at fault rather than "not one of the union". */
const byType = new Map(ServerEventSchema.anyOf.map((s) => [s.properties.type.const as string, TypeCompiler.Compile(s)]));

/** Null when `e` is a valid ServerEvent; otherwise what is wrong with it (the first few errors). */
export function checkEvent(e: unknown): string | null {
  if (compiled.Check(e)) return null;
  const type = e && typeof e === 'object' && 'type' in e ? String((e as { type: unknown }).type) : '?';
  const variant = byType.get(type);
  if (!variant) return `unknown event type ${type}`;
  return `invalid event ${type}: ` + [...variant.Errors(e)].slice(0, 3).map((x) => `${x.path || '/'} ${x.message}`).join('; ');
}

export function isServerEvent(e: unknown): e is ServerEvent { return compiled.Check(e); }

// ---- each schema describes its type exactly ------------------------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Same<S extends TSchema, I> = Equal<Static<S>, I> extends true ? true : ['schema and type differ', Static<S>, I];
type Variant<K extends ServerEvent['type']> = Extract<ServerEvent, { type: K }>;
type All<T extends true[]> = T;

/** Compiles only while every event schema matches its variant of ServerEvent (and the union the whole). */
export type EventsMatchWire = All<[
  Same<typeof MessageNewEventSchema, Variant<'message.new'>>,
  Same<typeof MessageUpdatedEventSchema, Variant<'message.updated'>>,
  Same<typeof ConversationUpdatedEventSchema, Variant<'conversation.updated'>>,
  Same<typeof ConversationRemovedEventSchema, Variant<'conversation.removed'>>,
  Same<typeof ReadUpdatedEventSchema, Variant<'read.updated'>>,
  Same<typeof MemberSettingsEventSchema, Variant<'member.settings'>>,
  Same<typeof FavouriteAddedEventSchema, Variant<'favourite.added'>>,
  Same<typeof FavouriteRemovedEventSchema, Variant<'favourite.removed'>>,
  Same<typeof NotifySettingsEventSchema, Variant<'notify.settings'>>,
  Same<typeof UserUpdatedEventSchema, Variant<'user.updated'>>,
  Same<typeof PresenceUpdatedEventSchema, Variant<'presence.updated'>>,
  Same<typeof DeviceWipeEventSchema, Variant<'device.wipe'>>,
  Same<typeof DirectoryChangedEventSchema, Variant<'directory.changed'>>,
  Same<typeof DeviceApprovalEventSchema, Variant<'device.approval'>>,
  Same<typeof TypingEventSchema, Variant<'typing'>>,
  Same<typeof DirChangeSchema, DirChange>,
  Same<typeof ServerEventSchema, ServerEvent>,
]>;
