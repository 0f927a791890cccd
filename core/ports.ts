/**
 * The ports the domain depends on. Central provides SQLite and MySQL stores;
 * every store passes the same contract suite (test/contract/store.ts).
 * Store methods are intention-named and atomic: each one is one transaction.
 */
import type { DirChange, DirDept, DirOrg, DirPerson, DirPolicy } from '../shared/protocol/directory.js';
import type { AuditEntry, ConversationKind, DeviceType, MemberRole, MentionAllPolicy, MessageKind, MessagePolicy, ServerEvent } from '../shared/protocol/types.js';
import type { SearchIndex } from './search/ports.js';
import type { CredentialStore } from './auth/ports.js';
import type { LoginPolicyStore } from './login-policy/ports.js';

// Each feature keeps its store's port beside it; they are gathered here, where the Store is assembled.
export type { WipeRecord, DeviceStore } from './devices/ports.js';
import type { DeviceStore } from './devices/ports.js';
export type { FileRecord, FileThumb, NewFile, FileStore, FileRuleScope, FileRuleRecord, FileRuleStore, Thumbnailer, BlobStore } from './files/ports.js';
import type { FileStore, FileRuleStore } from './files/ports.js';
export type { FavouriteRecord, NewFavourite, FavouriteStore } from './favourites/ports.js';
import type { FavouriteStore } from './favourites/ports.js';
export type { NotifySettingsRecord, NotifySettingsStore } from './notify/ports.js';
import type { NotifySettingsStore } from './notify/ports.js';
export type { LoginEventRecord, LoginLogStore } from './signins/ports.js';
import type { LoginLogStore } from './signins/ports.js';
export type { BroadcastRecord, NewBroadcast, BroadcastDelivery, BroadcastBatch, BroadcastStore } from './broadcasts/ports.js';
import type { BroadcastStore } from './broadcasts/ports.js';
export type { RoleRecord, GrantRecord, RoleStore } from './roles/ports.js';
import type { RoleStore } from './roles/ports.js';

export interface UserRecord {
  id: number;
  account: string;
  name: string;
  password_hash: string;
  is_admin: boolean;
  /** The first administrator: the only one who grants administrator rights, changes scopes, resets administrators' passwords. */
  is_super: boolean;
  /** Disabled, by either source: the directory's status or an administrator. */
  disabled: boolean;
  /** An administrator's disable: its own state, never written by directory data. */
  disabled_by_admin: boolean;
  created_at: number;
  updated_at: number;
}

export interface NewUser {
  account: string;
  name: string;
  passwordHash: string;
  isAdmin: boolean;
  isSuper?: boolean;
  at: number;
}

export interface UserPatch {
  name?: string;
  passwordHash?: string;
  isAdmin?: boolean;
  /** An administrator's disable (users.admin_disabled); the directory's status is separate. */
  disabled?: boolean;
}

export interface UserStore {
  /** Throws SB_CONFLICT when the account exists. */
  create(input: NewUser): Promise<UserRecord>;
  byId(id: number): Promise<UserRecord | null>;
  byIds(ids: number[]): Promise<UserRecord[]>;
  byAccount(account: string): Promise<UserRecord | null>;
  /** Ordered by id; `query` matches account or name by substring. */
  list(opts: { afterId?: number; limit: number; query?: string }): Promise<UserRecord[]>;
  update(id: number, patch: UserPatch, at: number): Promise<UserRecord | null>;
  count(): Promise<number>;
}

export interface SessionRecord {
  id: string;
  user_id: number;
  token_hash: string;
  device_type: DeviceType;
  device_name: string;
  ip: string | null;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
}

export interface SessionStore {
  create(rec: Omit<SessionRecord, 'revoked_at'>): Promise<void>;
  byTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  byId(id: string): Promise<SessionRecord | null>;
  /** Returns the session if it was active and is now revoked. */
  revoke(id: string, at: number): Promise<SessionRecord | null>;
  /** Revokes every active session of the user; returns those revoked. */
  revokeAllForUser(userId: number, at: number): Promise<SessionRecord[]>;
  listActive(opts: { userId?: number; now: number; limit: number }): Promise<SessionRecord[]>;
}

export interface ConversationRecord {
  id: number;
  kind: ConversationKind;
  title: string;
  /** The group's notice board (群公告). */
  notice: string;
  owner_id: number | null;
  direct_key: string | null;
  last_seq: number;
  created_at: number;
  pos: number;
  /** A discussion (多人讨论): no owner, no admins (core/messaging/groups.ts). */
  discussion: boolean;
  /** 全员禁言: the store refuses non-system messages from plain members. */
  mute_all: boolean;
  /** Dissolved: the store refuses every message but a leave (`allowDissolved`). */
  dissolved: boolean;
  /** Who may mention everyone (@所有人). */
  mention_all_policy: MentionAllPolicy;
}

export interface MemberRecord {
  conv_id: number;
  user_id: number;
  role: MemberRole;
  active: boolean;
  /** Do not disturb: no notification for this conversation (the member's own setting). */
  muted: boolean;
  joined_seq: number;
  read_seq: number;
  pos: number;
}

export interface MessageRecord {
  id: number;
  conv_id: number;
  seq: number;
  sender_id: number;
  cmid: string;
  kind: MessageKind;
  /** JSON text of the body. */
  body: string;
  created_at: number;
  pos: number;
}

/** Side effects a (system) message carries, applied in the same transaction. */
export interface MessageEffects {
  addMembers?: { userId: number; role: MemberRole }[];
  removeMembers?: number[];
  setTitle?: string;
  setOwner?: number;
  /** Role changes of active members (applied before setOwner). */
  setRoles?: { userId: number; role: MemberRole }[];
  setNotice?: string;
  /** A discussion becomes a group (false). */
  setDiscussion?: boolean;
  setMuteAll?: boolean;
  /** The group ends: no message is accepted after this one (but a leave). */
  dissolve?: boolean;
}

export interface AppendInput {
  convId: number;
  senderId: number;
  cmid: string;
  kind: MessageKind;
  body: string;
  at: number;
  /** The sender must be an active member (checked inside the transaction). */
  requireMember: boolean;
  /** The sender's role must be one of these (checked inside the transaction). */
  requireRole?: MemberRole[];
  effects?: MessageEffects;
  /**
   * Accepted in a dissolved conversation (a member leaving one). Otherwise a dissolved conversation refuses
   * every message (SB_GROUP_DISSOLVED), and one with mute_all refuses non-system messages from plain
   * members (SB_GROUP_MUTED); both checked inside the transaction.
   */
  allowDissolved?: boolean;
  /** Whom the message mentions (already checked by the domain): stored with it, in its transaction. */
  mentions?: { userIds: number[]; all: boolean };
}

export interface AppendResult {
  message: MessageRecord;
  /** False when (sender, cmid) existed: a retry got the original message. */
  created: boolean;
  /**
   * The conversation's active members once the message is stored: who receives it. Read in the same
   * transaction, so nobody is missed or added by a concurrent change; empty when `created` is false.
   */
  recipients: number[];
}

export interface NewConversation {
  kind: ConversationKind;
  title: string;
  ownerId: number | null;
  /** Unique key of a one-to-one conversation ("small:large" user ids). */
  directKey: string | null;
  /** A discussion (多人讨论) rather than a group. */
  discussion?: boolean;
  members: { userId: number; role: MemberRole }[];
  /** The creating (system) message; its (sender, cmid) makes creation idempotent. */
  first: { senderId: number; cmid: string; body: string; at: number } | null;
}

export interface ChangedMembership {
  conversation: ConversationRecord;
  member: MemberRecord;
}

export interface ConversationStore {
  /** Creates, or returns the existing one for the same direct key or creator cmid. */
  create(input: NewConversation): Promise<{ conversation: ConversationRecord; message: MessageRecord | null; created: boolean }>;
  /** Assigns the next seq in the same transaction that stores the message. */
  append(input: AppendInput): Promise<AppendResult>;
  /** Moves the read cursor forward only; returns the cursor after the call. */
  markRead(convId: number, userId: number, seq: number): Promise<{ readSeq: number; changed: boolean }>;
  /** A member's own do-not-disturb setting; bumps the member's position so their devices sync it. */
  setMuted(convId: number, userId: number, muted: boolean): Promise<{ changed: boolean }>;
  get(id: number): Promise<ConversationRecord | null>;
  byDirectKey(key: string): Promise<ConversationRecord | null>;
  members(convId: number): Promise<MemberRecord[]>;
  membership(convId: number, userId: number): Promise<MemberRecord | null>;
  /** Ascending by seq. With beforeSeq, the newest `limit` below it. */
  history(convId: number, range: { afterSeq?: number; beforeSeq?: number; limit: number }): Promise<MessageRecord[]>;
  messageBySeq(convId: number, seq: number): Promise<MessageRecord | null>;
  messagesBySeqs(pairs: { convId: number; seq: number }[]): Promise<MessageRecord[]>;
  /** Active memberships of the user. */
  listForUser(userId: number): Promise<ChangedMembership[]>;
  /** Memberships (active or not) whose conversation or membership changed after `since`, and the current position. */
  changedSince(userId: number, since: number): Promise<{ pos: number; changes: ChangedMembership[] }>;
  /** Messages after `afterSeq` that count as unread for the user (not their own, not system). */
  unreadCount(convId: number, userId: number, afterSeq: number): Promise<number>;
}

/**
 * Mentions (docs/mentions.md): a row per person a message mentions, everyone as user 0. A member's unread
 * mentions are those after their read cursor, so reading past a mention clears it with no write of its own.
 */
export interface MentionStore {
  /** Which of `userIds` are active members of the conversation. */
  activeMembers(convId: number, userIds: number[]): Promise<number[]>;
  /** Mentions of the user (or everyone) by others after `afterSeq`: how many, and the first `limit` seqs ascending. */
  unread(convId: number, userId: number, afterSeq: number, limit: number): Promise<{ count: number; seqs: number[] }>;
  /** The owner's setting; bumps the conversation's position so every member syncs it. */
  setPolicy(convId: number, policy: MentionAllPolicy): Promise<{ changed: boolean }>;
  /** Active members, for the @everyone rate limit of large groups. */
  activeCount(convId: number): Promise<number>;
}

/** Read receipts from the read cursors (members' read_seq, indexed): counts and pages, no per-message rows. */
export interface ReceiptStore {
  /** Active members other than `exceptUserId` whose cursor is at or past `seq`, and how many others there are. */
  count(convId: number, seq: number, exceptUserId: number): Promise<{ read: number; of: number }>;
  /** Those who have (read) or have not read `seq`, by user id after `afterUserId`, at most `limit`. */
  page(convId: number, seq: number, exceptUserId: number, read: boolean, afterUserId: number, limit: number): Promise<number[]>;
  /**
   * The active members who sent messages after `afterSeq` up to `uptoSeq` (system messages left out): whose
   * receipts a read of that range moves. At most `limit` distinct ids, in no particular order.
   */
  sendersBetween(convId: number, afterSeq: number, uptoSeq: number, limit: number): Promise<number[]>;
}

/** An audit row as stored: details is the JSON text that was written, prev_hash and hash link it to the row before. */
export interface AuditChainRow {
  id: number;
  actor_id: number | null;
  action: string;
  target: string;
  details: string;
  at: number;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  limit: number;
  beforeId?: number;
  actorId?: number;
  action?: string;
  target?: string;
  since?: number;
  until?: number;
}

/**
 * The audit log is append-only: there is no update or delete here. Every row is hash-chained to the
 * one before it (core/admin/audit-chain.ts); appends are serialised so the chain never forks.
 */
export interface AuditStore {
  append(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest first; every filter given must match (target exactly, at within [since, until]). */
  list(opts: AuditQuery): Promise<AuditEntry[]>;
  /** Rows with afterId < id <= throughId, ascending by id, as stored. */
  chain(opts: { afterId: number; throughId: number; limit: number }): Promise<AuditChainRow[]>;
  /** The last row appended and its hash, as the appender recorded them (last_id 0 while the log is empty). */
  head(): Promise<{ last_id: number; hash: string }>;
}

/** A directory change as stored: what clients see, plus policy and admin-scope changes they never see. */
export type DirStoredChange =
  | DirChange
  | { op: 'policy'; policy: DirPolicy }
  | { op: 'policy.delete'; id: number }
  | { op: 'scope'; user_id: number; dept_ids: number[] };

export interface DirectoryData {
  version: number;
  orgs: DirOrg[];
  depts: DirDept[];
  people: DirPerson[];
  policies: DirPolicy[];
  scopes: { user_id: number; dept_ids: number[] }[];
}

/**
 * The organisation directory. The domain decides every change against its copy
 * at version V and commits the final records; the store applies them in one
 * transaction only if the directory is still at V (else SB_CONFLICT, and the
 * domain refreshes and decides again), bumps the version and logs the changes.
 */
export interface DirectoryStore {
  load(): Promise<DirectoryData>;
  version(): Promise<number>;
  /**
   * Applies `changes` (at most one per entity) and returns the new version. Person
   * records with user_id null get the id of the user with their account, created
   * (without a password) if missing; users' name and disabled follow the person.
   */
  commit(expectVersion: number, changes: DirStoredChange[], at: number): Promise<{ version: number; changes: DirStoredChange[] }>;
  /** Changes after `version`, oldest first, at most `limit` (then `more`). */
  changesSince(version: number, limit: number): Promise<{ changes: { version: number; change: DirStoredChange }[]; more: boolean }>;
}

/** A recall or an edit of one stored message (core/messaging/actions.ts decides; the store applies it). */
export interface MessageRevision {
  convId: number;
  seq: number;
  kind: MessageKind;
  /** The new body (an edit's time travels in it as `edited_at`, lifted out by the presenter). */
  body: string;
  /** Applied only while the message still has one of these kinds (a recall and an edit racing: the first wins). */
  fromKinds: MessageKind[];
}

/** What people do to messages after sending them: recall, edit, the policy that bounds both, and the change log sync reads. */
export interface MessageActionStore {
  /**
   * One transaction: rewrites the message, records the change at a new stream position (message_changes; the
   * conversation's position moves too when it is the last message) and reads the active members.
   * Null when the message does not exist; `changed` false when its kind was not one of `fromKinds`.
   */
  revise(input: MessageRevision): Promise<{ message: MessageRecord; changed: boolean; recipients: number[] } | null>;
  /** Messages changed after `since` in conversations the user is an active member of, newest change first, at most `limit`. */
  changedSince(userId: number, since: number, limit: number): Promise<MessageRecord[]>;
  policy(): Promise<MessagePolicy>;
  setPolicy(policy: MessagePolicy): Promise<MessagePolicy>;
}

/**
 * A data key of encryption at rest (docs/security.md), only ever stored wrapped under a master key. Scope 'c' is a
 * conversation (owner: its id), 's' the search index's token key (owner 0), 'f' a file's content (owner: its id).
 */
export interface DataKeyRecord {
  scope: 'c' | 's' | 'f';
  owner: number;
  /** 1, 2, …: a rotation adds the next; new writes use the highest, reads the one their sealed value names. */
  version: number;
  /** The id of the master key that wraps it (a fingerprint, never the key). */
  master_id: string;
  /** base64 of iv | tag | AES-256-GCM ciphertext of the 32-byte key. */
  wrapped: string;
  created_at: number;
}

export interface DataKeyStore {
  /** The owner's keys, every version, lowest first; empty when it has none yet. */
  list(scope: DataKeyRecord['scope'], owner: number): Promise<DataKeyRecord[]>;
  /**
   * Stores the key unless that (scope, owner, version) exists already (another central made it first); returns
   * the row stored, which is then the one to use.
   */
  add(key: DataKeyRecord): Promise<DataKeyRecord>;
  /** Keys wrapped under a master other than `masterId` after `after` in (scope, owner, version) order, at most `limit`: the rewrap's walk. */
  wrappedOtherThan(masterId: string, after: Pick<DataKeyRecord, 'scope' | 'owner' | 'version'> | null, limit: number): Promise<DataKeyRecord[]>;
  /** Replaces the wrapping if it is still under `fromMaster`; false when someone else changed it first. */
  rewrap(key: DataKeyRecord, fromMaster: string): Promise<boolean>;
}

export interface Store {
  readonly kind: string;
  /** Wrapped data keys of encryption at rest. */
  keys: DataKeyStore;
  broadcasts: BroadcastStore;
  messageActions: MessageActionStore;
  directory: DirectoryStore;
  users: UserStore;
  /** Password history, lockout, second factor, activation codes, the password policy (core/auth/ports.ts). */
  credentials: CredentialStore;
  /** 登录授权: login rules and the devices people sign in from (core/login-policy/ports.ts). */
  loginPolicy: LoginPolicyStore;
  sessions: SessionStore;
  conversations: ConversationStore;
  mentions: MentionStore;
  receipts: ReceiptStore;
  audit: AuditStore;
  files: FileStore;
  loginLog: LoginLogStore;
  favourites: FavouriteStore;
  notifySettings: NotifySettingsStore;
  fileRules: FileRuleStore;
  /** The message search index (core/search/ports.ts), in the same database. */
  search: SearchIndex;
  roles: RoleStore;
  devices: DeviceStore;
  close(): Promise<void>;
}

/** One verified session's connection at a relay, as presence reports it. */
export interface Whereabout {
  user_id: number;
  session_id: string;
  relay: string;
  /** False when the session's last socket on that relay closed. */
  connected: boolean;
}

/** Zulip's single emit point: every state change ends here, after commit. */
export interface EventSink {
  /** `'*'`: everyone connected to any relay. */
  emit(event: ServerEvent, recipients: number[] | '*'): void;
  /** Tell relays to drop sockets of ended sessions. */
  sessionsEnded(sessionIds: string[], reason: string): void;
  /** Where verified sessions are connected, so that events go only to the relays holding their recipients. */
  located(entries: Whereabout[]): void;
  /** After commit: these people lost access; every relay drops what it cached of their rights (file grants). */
  accessRevoked(userIds: number[]): void;
  /** After commit: these files were closed to a conversation; every relay asks central again before serving them. */
  filesRevoked(fileIds: number[]): void;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
