/**
 * The wire shapes of types.ts and directory.ts as JSON Schema (TypeBox), for the operation table's results
 * and the OpenAPI document. The interfaces stay where they are (the browser imports them, and no schema
 * library); `SchemasMatchWire` below fails to compile the moment a schema and its interface differ.
 * A schema with an `$id` is a named component in the OpenAPI document.
 */
import { Type, type SchemaOptions, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { ERRORS } from '../errors.js';
import { CONFIDENTIAL_FIELDS, type DirChange, type DirDelta, type DirDept, type DirOrg, type DirPerson, type DirPolicy, type DirSnapshot } from './directory.js';
import type {
  AuditEntry, BroadcastTarget, BroadcastView, BundleBody, ConversationShared, ConversationView, FavouritePage, FavouriteView, FileView, HistoryPage,
  NotifySettings, LoginResult, MemberView, MessagePolicy, MessageView, PresenceView, Quote, ReceiptPage, SessionView, SyncResult,
  UserView,
} from './types.js';

const Int = Type.Integer();
const Text = Type.String();
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
type Literals<V extends readonly string[]> = { -readonly [K in keyof V]: TLiteral<V[K]> };
/** One of some strings (an enum in the JSON Schema sense). */
export const OneOf = <const V extends readonly string[]>(values: V, options?: SchemaOptions): TUnion<Literals<V>> =>
  Type.Union(values.map((v) => Type.Literal(v)), options) as unknown as TUnion<Literals<V>>;

export const DEVICE_TYPE_VALUES = ['web', 'desktop', 'mobile', 'cli', 'bot'] as const;
export const DeviceTypeSchema = OneOf(DEVICE_TYPE_VALUES);
export const MemberRoleSchema = OneOf(['owner', 'admin', 'member']);

export const UserSchema = Type.Object({
  id: Int, account: Text, name: Text, is_admin: Type.Boolean(), is_super: Type.Boolean(), disabled: Type.Boolean(), created_at: Int,
}, { $id: 'User' });

export const SessionSchema = Type.Object({
  id: Text, user_id: Int, device_type: DeviceTypeSchema, device_name: Text, created_at: Int, expires_at: Int, last_seen_at: Int, ip: Nullable(Text),
  current: Type.Optional(Type.Boolean({ description: 'in my own list: the session this request came from' })),
}, { $id: 'Session' });

export const LoginResultSchema = Type.Object({ token: Text, session: SessionSchema, user: UserSchema }, { $id: 'LoginResult' });

export const FileSchema = Type.Object({
  id: Int, name: Text, size: Int, mime: Text, sha256: Text, created_at: Int,
  width: Type.Optional(Int), height: Type.Optional(Int), has_thumb: Type.Optional(Type.Boolean()),
}, { $id: 'File' });

const SystemBodySchema = Type.Object({
  event: OneOf(['created', 'members_added', 'member_removed', 'member_left', 'renamed', 'role_changed', 'owner_changed', 'notice_changed',
    'discussion_created', 'converted', 'dissolved', 'mute_all_changed']),
  actor_id: Int,
  user_ids: Type.Optional(Type.Array(Int)),
  title: Type.Optional(Text),
  role: Type.Optional(MemberRoleSchema),
  notice: Type.Optional(Text),
  mute_all: Type.Optional(Type.Boolean()),
});

export const MESSAGE_KINDS = ['text', 'file', 'system', 'broadcast', 'bundle', 'recalled'] as const;
export const QuoteSchema = Type.Object({ seq: Int, sender_id: Int, sender_name: Text, kind: OneOf(MESSAGE_KINDS), excerpt: Text }, { $id: 'Quote' });
export const TextBodySchema = Type.Object({
  text: Text, mentions: Type.Optional(Type.Array(Int)), mention_all: Type.Optional(Type.Boolean()), reply_to: Type.Optional(QuoteSchema), urgent: Type.Optional(Type.Boolean()),
});
export const FileBodySchema = Type.Object({ file: Type.Omit(FileSchema, ['created_at']) });
/** A bundle holds items whose bodies may be bundles again (a recursive schema, one named component). */
export const BundleBodySchema = Type.Recursive((This) => Type.Object({
  bundle: Type.Object({
    title: Text,
    items: Type.Array(Type.Object({
      sender_id: Int, sender_name: Text, at: Int, kind: OneOf(['text', 'file', 'bundle']),
      body: Type.Union([TextBodySchema, FileBodySchema, This]),
    })),
  }),
}), { $id: 'BundleBody' });

export const MessageSchema = Type.Object({
  id: Int, conv_id: Int, seq: Int, sender_id: Int, cmid: Text,
  kind: OneOf(MESSAGE_KINDS),
  body: Type.Union([
    TextBodySchema,
    FileBodySchema,
    SystemBodySchema,
    Type.Object({ broadcast: Type.Object({ id: Int, title: Text, text: Text, file: Type.Optional(Type.Omit(FileSchema, ['created_at'])) }) }),
    BundleBodySchema,
    Type.Object({ recalled_by: Int, recalled_by_name: Text }),
  ]),
  created_at: Int,
  edited_at: Type.Optional(Int),
}, { $id: 'Message' });

export const MemberSchema = Type.Object({ user_id: Int, name: Text, role: MemberRoleSchema, read_seq: Int }, { $id: 'Member' });

const sharedFields = {
  id: Int, kind: OneOf(['direct', 'group', 'system']), title: Text, notice: Text, owner_id: Nullable(Int), last_seq: Int,
  last_message: Nullable(MessageSchema), created_at: Int, members: Type.Array(MemberSchema),
  discussion: Type.Boolean(), mute_all: Type.Boolean(), dissolved: Type.Boolean(), mention_all_policy: OneOf(['admins', 'everyone']),
  cursors_shared: Type.Boolean(),
};
/** What events carry: the state all members share. */
export const ConversationSharedSchema = Type.Object(sharedFields);
export const ConversationSchema = Type.Object({ ...sharedFields, read_seq: Int, unread: Int, muted: Type.Boolean(), mentions_unread: Int, mention_seqs: Type.Array(Int) }, { $id: 'Conversation' });

export const ReceiptPageSchema = Type.Object({
  conv_id: Int, seq: Int, read: Int, of: Int, users: Type.Array(Type.Object({ user_id: Int, name: Text })), next: Nullable(Int),
}, { $id: 'ReceiptPage' });
export const HistoryPageSchema = Type.Object({ messages: Type.Array(MessageSchema), more: Type.Boolean() }, { $id: 'HistoryPage' });
export const FavouriteSchema = Type.Object({
  id: Int, kind: OneOf(['text', 'file']),
  body: Type.Union([TextBodySchema, Type.Object({ file: Type.Omit(FileSchema, ['created_at']) })]),
  source: Nullable(Type.Object({ conv_id: Int, seq: Int, sender_id: Int, sender_name: Text, conv_title: Text, at: Int })),
  created_at: Int,
}, { $id: 'Favourite' });
export const FavouritePageSchema = Type.Object({ favourites: Type.Array(FavouriteSchema), more: Type.Boolean() }, { $id: 'FavouritePage' });
export const NotifySettingsSchema = Type.Object({
  quiet: Type.Object({
    enabled: Type.Boolean(),
    days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7, uniqueItems: true, description: 'local weekdays, 0 = Sunday' }),
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM local time' }),
    end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM; at or before start runs past midnight' }),
    tz: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
  }),
  allow_mentions: Type.Boolean(), allow_urgent: Type.Boolean(), sound: Type.Boolean(),
}, { $id: 'NotifySettings' });
export const SyncResultSchema = Type.Object({
  pos: Int, conversations: Type.Array(ConversationSchema), removed: Type.Array(Int),
  updated: Type.Array(MessageSchema),
  favourites: Type.Array(FavouriteSchema), favourites_removed: Type.Array(Int), notify_settings: Nullable(NotifySettingsSchema),
}, { $id: 'SyncResult' });
export const BroadcastTargetSchema = Type.Object({
  all: Type.Optional(Type.Boolean()), dept_ids: Type.Optional(Type.Array(Int)), user_ids: Type.Optional(Type.Array(Int)),
}, { $id: 'BroadcastTarget' });
export const BroadcastSchema = Type.Object({
  id: Int, sender_id: Int, cmid: Text, title: Text, text: Text, file: Nullable(Type.Omit(FileSchema, ['created_at'])),
  target: BroadcastTargetSchema, status: OneOf(['delivering', 'done']), total: Int, delivered: Int, read: Int, created_at: Int,
}, { $id: 'Broadcast' });
export const MessagePolicySchema = Type.Object({
  recall_window: Type.Integer({ minimum: 0, description: 'seconds a sender may recall; 0 off' }),
  edit_window: Type.Integer({ minimum: 0, description: 'seconds a sender may edit a text; 0 off' }),
}, { $id: 'MessagePolicy' });
export const PresenceSchema = Type.Object({ user_id: Int, status: OneOf(['online', 'away', 'offline']), devices: Type.Array(DeviceTypeSchema) }, { $id: 'Presence' });
export const AuditEntrySchema = Type.Object({ id: Int, actor_id: Nullable(Int), action: Text, target: Text, details: Type.Unknown(), at: Int }, { $id: 'AuditEntry' });

// ---- the directory -------------------------------------------------------------------------------

export const ConfidentialFieldSchema = OneOf(CONFIDENTIAL_FIELDS);
export const PersonStatusSchema = OneOf(['active', 'disabled', 'left']);
export const GenderSchema = OneOf(['', 'male', 'female']);

export const DirOrgSchema = Type.Object({ id: Int, name: Text, sort: Int }, { $id: 'DirOrg' });
export const DirDeptSchema = Type.Object({ id: Int, org_id: Int, parent_id: Nullable(Int), name: Text, sort: Int, ext_id: Nullable(Text) }, { $id: 'DirDept' });
const personFields = {
  id: Int, user_id: Nullable(Int), account: Text, name: Text, english_name: Text, gender: GenderSchema, mobile: Text, phone: Text, email: Text,
  title: Text, employee_no: Text, avatar: Text, status: PersonStatusSchema,
  depts: Type.Array(Type.Object({ dept_id: Int, title: Text, sort: Int })),
};
export const DirPersonSchema = Type.Object(personFields, { $id: 'DirPerson' });
/** A profile: the person with the path of each of their departments. */
export const DirProfileSchema = Type.Object({ ...personFields, paths: Type.Array(Text) }, { $id: 'DirProfile' });
export const DirPolicySchema = Type.Object({ id: Int, target: OneOf(['person', 'dept']), target_id: Int, fields: Type.Array(ConfidentialFieldSchema) }, { $id: 'DirPolicy' });

export const DirChangeSchema = Type.Union([
  Type.Object({ op: Type.Literal('org'), org: DirOrgSchema }),
  Type.Object({ op: Type.Literal('org.delete'), id: Int }),
  Type.Object({ op: Type.Literal('dept'), dept: DirDeptSchema }),
  Type.Object({ op: Type.Literal('dept.delete'), id: Int }),
  Type.Object({ op: Type.Literal('person'), person: DirPersonSchema }),
  Type.Object({ op: Type.Literal('person.delete'), id: Int }),
], { $id: 'DirChange' });

export const DirDeltaSchema = Type.Union([
  Type.Object({ version: Int, from: Int, changes: Type.Array(DirChangeSchema), reset: Type.Optional(Type.Literal(false)) }),
  Type.Object({ version: Int, from: Int, reset: Type.Literal(true) }),
], { $id: 'DirDelta' });

export const DirSnapshotSchema = Type.Object({
  version: Int, orgs: Type.Array(DirOrgSchema), depts: Type.Array(DirDeptSchema), people: Type.Array(DirPersonSchema),
}, { $id: 'DirSnapshot' });

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: OneOf(Object.keys(ERRORS) as (keyof typeof ERRORS)[]), message: Text, details: Type.Optional(Type.Unknown()) }),
}, { $id: 'Error' });

/** An operation that answers nothing but success. */
export const EmptySchema = Type.Object({}, { $id: 'Empty' });
export const DeletedSchema = Type.Object({ deleted: Type.Boolean() }, { $id: 'Deleted' });

// ---- each schema describes its interface exactly -------------------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Same<S extends TSchema, I> = Equal<Static<S>, I> extends true ? true : ['schema and interface differ', Static<S>, I];
type All<T extends true[]> = T;

/** Compiles only while every schema above matches its interface in types.ts and directory.ts. */
export type SchemasMatchWire = All<[
  Same<typeof UserSchema, UserView>,
  Same<typeof SessionSchema, SessionView>,
  Same<typeof LoginResultSchema, LoginResult>,
  Same<typeof FileSchema, FileView>,
  Same<typeof MessageSchema, MessageView>,
  Same<typeof QuoteSchema, Quote>,
  Same<typeof BundleBodySchema, BundleBody>,
  Same<typeof MessagePolicySchema, MessagePolicy>,
  Same<typeof MemberSchema, MemberView>,
  Same<typeof ConversationSharedSchema, ConversationShared>,
  Same<typeof ConversationSchema, ConversationView>,
  Same<typeof HistoryPageSchema, HistoryPage>,
  Same<typeof ReceiptPageSchema, ReceiptPage>,
  Same<typeof SyncResultSchema, SyncResult>,
  Same<typeof FavouriteSchema, FavouriteView>,
  Same<typeof FavouritePageSchema, FavouritePage>,
  Same<typeof NotifySettingsSchema, NotifySettings>,
  Same<typeof PresenceSchema, PresenceView>,
  Same<typeof AuditEntrySchema, AuditEntry>,
  Same<typeof BroadcastTargetSchema, BroadcastTarget>,
  Same<typeof BroadcastSchema, BroadcastView>,
  Same<typeof DirOrgSchema, DirOrg>,
  Same<typeof DirDeptSchema, DirDept>,
  Same<typeof DirPersonSchema, DirPerson>,
  Same<typeof DirPolicySchema, DirPolicy>,
  Same<typeof DirChangeSchema, DirChange>,
  Same<typeof DirDeltaSchema, DirDelta>,
  Same<typeof DirSnapshotSchema, DirSnapshot>,
]>;
