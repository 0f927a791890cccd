/** Wire shapes of protocol v1: what clients, relays and central exchange as JSON. */
import type { DirChange } from './directory.js';

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
}

export interface LoginResult {
  token: string;
  session: SessionView;
  user: UserView;
}

export type MessageKind = 'text' | 'file' | 'system';

export interface TextBody { text: string }
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

export interface MessageView {
  id: number;
  conv_id: number;
  seq: number;
  sender_id: number;
  cmid: string;
  kind: MessageKind;
  body: TextBody | FileBody | SystemBody;
  created_at: number;
}

export type ConversationKind = 'direct' | 'group';
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
}

/** What one user sees: the shared state plus their own read position and unread count. */
export interface ConversationView extends ConversationShared {
  read_seq: number;
  unread: number;
  /** My do-not-disturb setting for this conversation. */
  muted: boolean;
}

export interface SyncResult {
  /** Durable position to pass as `since` next time. */
  pos: number;
  conversations: ConversationView[];
  /** Conversations the user is no longer a member of. */
  removed: number[];
}

export interface HistoryPage {
  messages: MessageView[];
  /** True when more messages exist in the requested direction. */
  more: boolean;
}

/** Events pushed to clients. They are hints: the client can always pull the same state. */
export type ServerEvent =
  | { type: 'message.new'; conv_id: number; message: MessageView }
  | { type: 'conversation.updated'; conversation: ConversationShared }
  | { type: 'conversation.removed'; conv_id: number; user_id: number }
  | { type: 'read.updated'; conv_id: number; user_id: number; read_seq: number }
  /** My own per-conversation settings changed (sent to my devices only). */
  | { type: 'member.settings'; conv_id: number; muted: boolean }
  | { type: 'user.updated'; user: UserView }
  | { type: 'presence.updated'; presence: PresenceView }
  /**
   * The directory moved from version `from` to `version` (sent to everyone). `changes`, when present,
   * are the changes as non-administrators see them; otherwise pull them with dir.changes.
   */
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
