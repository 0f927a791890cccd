/** Wire shapes of protocol v1: what clients, relays and central exchange as JSON. */
import type { DirChange } from './directory.js';
import type { WipeView } from './devices.js';

export type DeviceType = 'web' | 'desktop' | 'mobile' | 'cli' | 'bot';
export const DEVICE_TYPES: readonly DeviceType[] = ['web', 'desktop', 'mobile', 'cli', 'bot'];

export interface UserView {
  id: number;
  account: string;
  name: string;
  is_admin: boolean;
  /** The first administrator: the only one who manages administrators and scopes. */
  is_super: boolean;
  disabled: boolean;
  created_at: number;
}

export interface SessionView {
  id: string;
  user_id: number;
  device_type: DeviceType;
  device_name: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  /** In my own list: the session this request came from. */
  current?: boolean;
}

export interface LoginResult {
  token: string;
  session: SessionView;
  user: UserView;
}

export type MessageKind = 'text' | 'file' | 'system' | 'broadcast' | 'bundle' | 'recalled';

/** What a reply shows of the message it answers, built by central when the reply is sent (docs/messages.md). */
export interface Quote {
  seq: number;
  sender_id: number;
  sender_name: string;
  /** 'recalled' once the quoted message is recalled (its excerpt is then empty). */
  kind: MessageKind;
  /** At most 100 characters: the text, a file's name, a bundle's title. */
  excerpt: string;
}

/**
 * A text message. Mentions are structured references the sender's client records when a person is picked
 * (never parsed from the text): `mentions` the people, `mention_all` everyone (@所有人). A reply carries its quote.
 */
export interface TextBody { text: string; mentions?: number[]; mention_all?: boolean; reply_to?: Quote; /** 紧急: may break through quiet hours. */ urgent?: boolean }
/** Who may mention everyone (@所有人) in a group: the owner and admins (default), or every member. */
export type MentionAllPolicy = 'admins' | 'everyone';
export interface FileView {
  id: number;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  created_at: number;
  /** An image's dimensions (after its orientation), when central read them. */
  width?: number;
  height?: number;
  /** A thumbnail can be fetched: GET /api/v1/files/:id/thumb. */
  has_thumb?: boolean;
}
/** A file message: the file's metadata, downloaded from GET /api/v1/files/:id. */
export interface FileBody { file: Omit<FileView, 'created_at'> }
/** System messages record conversation changes inside the history itself. */
export interface SystemBody {
  event: 'created' | 'members_added' | 'member_removed' | 'member_left' | 'renamed' | 'role_changed' | 'owner_changed' | 'notice_changed'
    | 'discussion_created' | 'converted' | 'dissolved' | 'mute_all_changed';
  actor_id: number;
  user_ids?: number[];
  title?: string;
  role?: MemberRole;
  notice?: string;
  /** mute_all_changed: everyone but the owner and admins muted (true) or free to speak again (false). */
  mute_all?: boolean;
}

/** A broadcast (广播消息) as its recipients see it in their system conversation (docs/broadcasts.md). */
export interface BroadcastBody {
  broadcast: { id: number; title: string; text: string; file?: FileBody['file'] };
}
/** One forwarded message inside a bundle, as it was when the bundle was made. */
export interface BundleItem {
  sender_id: number;
  sender_name: string;
  at: number;
  kind: 'text' | 'file' | 'bundle';
  body: TextBody | FileBody | BundleBody;
}
/** Merged forwarding (合并转发): a titled copy of several messages; bundles nest (bounded, docs/messages.md). */
export interface BundleBody { bundle: { title: string; items: BundleItem[] } }
/** A recalled message: its content is gone from every API; who recalled it remains. */
export interface RecalledBody { recalled_by: number; recalled_by_name: string }

export interface MessageView {
  id: number;
  conv_id: number;
  seq: number;
  sender_id: number;
  cmid: string;
  kind: MessageKind;
  body: TextBody | FileBody | SystemBody | BroadcastBody | BundleBody | RecalledBody;
  created_at: number;
  /** Set when the sender edited the text (shown 已编辑). */
  edited_at?: number;
}

/** The organisation's message policy: seconds after sending; 0 turns the action off for senders. */
export interface MessagePolicy {
  recall_window: number;
  edit_window: number;
}

/** 'system': each person's own 系统消息 conversation, where broadcasts arrive; nobody can send into it. */
export type ConversationKind = 'direct' | 'group' | 'system';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface MemberView {
  user_id: number;
  name: string;
  role: MemberRole;
  read_seq: number;
}

/** Conversation state shared by all members (what events carry). */
export interface ConversationShared {
  id: number;
  kind: ConversationKind;
  title: string;
  /** The group's notice board (群公告); empty for none. */
  notice: string;
  owner_id: number | null;
  last_seq: number;
  last_message: MessageView | null;
  created_at: number;
  members: MemberView[];
  /** A discussion (多人讨论): a group without owner or admins; any member adds, renames, leaves or converts it. */
  discussion: boolean;
  /** 全员禁言: only the owner and group admins may send. */
  mute_all: boolean;
  /** Dissolved by the owner: members still read the history; nothing more can be sent or changed. */
  dissolved: boolean;
  /** Who may mention everyone (@所有人); set by the owner with conv.setMentionAll. */
  mention_all_policy: MentionAllPolicy;
  /**
   * Whether members[].read_seq holds everyone's read cursor (up to `limits.sharedReadCursors` members). When
   * false they are 0, read.updated reaches only the reader and the senders whose messages were read, and
   * receipts come from msg.receipts.
   */
  cursors_shared: boolean;
}

/** What one user sees: the shared state plus their own read position and unread count. */
export interface ConversationView extends ConversationShared {
  read_seq: number;
  unread: number;
  /** My do-not-disturb setting for this conversation. */
  muted: boolean;
  /** 有人@我: messages after my read cursor that mention me or everyone (counted even when muted). */
  mentions_unread: number;
  /** Their seqs, oldest first (at most 100): the first is where "jump to the mention" goes. */
  mention_seqs: number[];
}

/** msg.receipts: how many others have read a message, and one page of who has (or has not). */
export interface ReceiptPage {
  conv_id: number;
  seq: number;
  /** Members other than the sender whose read cursor is at or past seq. */
  read: number;
  /** Members other than the sender. */
  of: number;
  users: { user_id: number; name: string }[];
  /** Pass as `after` for the next page; null when this is the last. */
  next: number | null;
}

/** Who a broadcast goes to, as the sender named it (resolved to people at send time). */
export interface BroadcastTarget {
  all?: boolean;
  dept_ids?: number[];
  user_ids?: number[];
}

/** A broadcast as its sender sees it: what was sent, to whom, and how far it got. */
export interface BroadcastView {
  id: number;
  sender_id: number;
  cmid: string;
  title: string;
  text: string;
  file: FileBody['file'] | null;
  target: BroadcastTarget;
  /** 'delivering' until every recipient's system conversation holds it, then 'done'. */
  status: 'delivering' | 'done';
  total: number;
  delivered: number;
  /** Recipients whose read cursor has passed it. */
  read: number;
  created_at: number;
}

export interface SyncResult {
  /** Durable position to pass as `since` next time. */
  pos: number;
  conversations: ConversationView[];
  /** Conversations the user is no longer a member of. */
  removed: number[];
  /**
   * Messages recalled or edited after `since`, in their current state (newest changes first, at most
   * SYNC_UPDATED_LIMIT of them; docs/messages.md).
   */
  updated: MessageView[];
  /** My favourites (收藏) added since `since` (docs/favourites.md). */
  favourites: FavouriteView[];
  /** Ids of my favourites removed since `since`. */
  favourites_removed: number[];
  /** My notification settings, when they changed since `since`; null when unchanged. */
  notify_settings: NotifySettings | null;
}

/** Where a starred message came from, copied when it was starred (it stays readable after leaving). */
export interface FavouriteSource {
  conv_id: number;
  seq: number;
  sender_id: number;
  sender_name: string;
  /** The group's title then; empty for a 1:1. */
  conv_title: string;
  /** When the message was sent. */
  at: number;
}

/** A favourite (收藏): a copy of a starred message's content, or a starred file (source null). */
export interface FavouriteView {
  id: number;
  kind: 'text' | 'file';
  body: TextBody | FileBody;
  source: FavouriteSource | null;
  created_at: number;
}

export interface FavouritePage {
  favourites: FavouriteView[];
  /** True when older favourites exist (pass the last id as `before`). */
  more: boolean;
}

/**
 * A person's notification settings, the same on every device. Quiet hours (免打扰时段): on the listed local
 * weekdays (0 = Sunday) from `start` to `end` ("HH:MM" in time zone `tz`; an end at or before the start runs
 * past midnight); mentions and urgent messages may break through; sound on or off.
 */
export interface NotifySettings {
  quiet: { enabled: boolean; days: number[]; start: string; end: string; tz: string };
  allow_mentions: boolean;
  allow_urgent: boolean;
  sound: boolean;
}

export interface HistoryPage {
  messages: MessageView[];
  /** True when more messages exist in the requested direction. */
  more: boolean;
}

/** Events pushed to clients. They are hints: the client can always pull the same state. */
export type ServerEvent =
  | { type: 'message.new'; conv_id: number; message: MessageView }
  /** A message was recalled or edited: its current state (to the conversation's members). */
  | { type: 'message.updated'; conv_id: number; message: MessageView }
  | { type: 'conversation.updated'; conversation: ConversationShared }
  | { type: 'conversation.removed'; conv_id: number; user_id: number }
  | { type: 'read.updated'; conv_id: number; user_id: number; read_seq: number }
  /** My own per-conversation settings changed (sent to my devices only). */
  | { type: 'member.settings'; conv_id: number; muted: boolean }
  /** A favourite of mine was added (sent to my devices only). */
  | { type: 'favourite.added'; favourite: FavouriteView }
  /** A favourite of mine was removed (sent to my devices only). */
  | { type: 'favourite.removed'; id: number }
  /** My notification settings changed (sent to my devices only). */
  | { type: 'notify.settings'; settings: NotifySettings }
  | { type: 'user.updated'; user: UserView }
  | { type: 'presence.updated'; presence: PresenceView }
  /** A wipe order of one of my devices was given or acknowledged (sent to my devices only). */
  | { type: 'device.wipe'; wipe: WipeView }
  /**
   * The directory moved from version `from` to `version` (sent to everyone). `changes`, when present,
   * are the changes as non-administrators see them; otherwise pull them with dir.changes.
   */
  /** A member is typing (正在输入); a hint, never stored. */
  | { type: 'typing'; conv_id: number; user_id: number }
  /** A sign-in of mine on a new device waits for approval, or was approved or refused (登录授权). */
  | { type: 'device.approval'; device: TrustedDeviceView }
  | { type: 'directory.changed'; version: number; from: number; changes?: DirChange[] };

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface PresenceView {
  user_id: number;
  status: PresenceStatus;
  /** Device types with a live connection, e.g. ["web", "mobile"]. */
  devices: DeviceType[];
}

export interface AuditEntry {
  id: number;
  actor_id: number | null;
  action: string;
  target: string;
  details: unknown;
  at: number;
}

/** admin.audit.verify: rows is how many were found intact (before the first broken link, if any). */
export interface AuditVerifyResult {
  ok: boolean;
  rows: number;
  first_broken?: { id: number; reason: string };
}

/** A device a person signed in from, and whether it may sign in without approval (core/login-policy). */
export interface TrustedDeviceView {
  user_id: number;
  device_id: string;
  device_type: DeviceType;
  device_name: string;
  ip: string | null;
  status: 'pending' | 'approved' | 'denied';
  requested_at: number;
  decided_at: number | null;
  decided_by: number | null;
  last_seen_at: number;
}
